# queue.Queue(maxsize=2): a producer blocked on a full queue and two
# consumers deliver every item exactly once (FIFO per queue); join() returns
# only after task_done() for each; get/put with a timeout raise Empty/Full
# after their VIRTUAL timeout.
import queue
import threading
import time

q = queue.Queue(maxsize=2)
got = []
STOP = object()

def producer():
    for i in range(20):
        q.put(i)  # blocks while two items wait
        assert q.qsize() <= 2

def consumer(mine):
    while True:
        item = q.get()
        if item is STOP:
            q.task_done()
            return
        time.sleep(0.01)
        got.append(item)
        mine.append(item)
        q.task_done()

per = [[], []]
cs = [threading.Thread(target=consumer, args=(per[i],), name=f"c{i}") for i in range(2)]
p = threading.Thread(target=producer, name="producer")
for t in cs + [p]:
    t.start()
p.join()
q.join()  # every item processed, not merely taken
assert sorted(got) == list(range(20)) and len(got) == 20, got
assert all(m == sorted(m) for m in per), per  # each consumer gets them in FIFO order
for _ in cs:
    q.put(STOP)
for t in cs:
    t.join()
assert q.empty() and q.unfinished_tasks == 0

t0 = time.monotonic()
try:
    q.get(timeout=1.5)
    raise AssertionError("get() on an empty queue returned")
except queue.Empty:
    assert 1.5 <= time.monotonic() - t0 < 1.6
q.put(1); q.put(2)
t0 = time.monotonic()
try:
    q.put(3, timeout=0.5)
    raise AssertionError("put() on a full queue returned")
except queue.Full:
    assert 0.5 <= time.monotonic() - t0 < 0.6
assert [q.get_nowait(), q.get_nowait()] == [1, 2]
