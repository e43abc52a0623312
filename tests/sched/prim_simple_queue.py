# queue.SimpleQueue (the scheduler's pure-Python one): three producers and
# one consumer; each producer's items arrive in its own order, none lost;
# the consumer blocks between bursts; get(timeout) raises queue.Empty after
# its VIRTUAL timeout.
import queue
import threading
import time

sq = queue.SimpleQueue()
received = []

def producer(p):
    for i in range(8):
        sq.put((p, i))
        time.sleep(0.1 * p)  # 0 for producer 0: a plain yield

def consumer(total):
    for _ in range(total):
        received.append(sq.get())  # blocks while the queue is empty

c = threading.Thread(target=consumer, args=(24,), name="consumer")
ps = [threading.Thread(target=producer, args=(p,), name=f"p{p}") for p in range(3)]
c.start()
for t in ps:
    t.start()
for t in ps + [c]:
    t.join()
assert len(received) == 24 and sq.empty(), received
for p in range(3):
    mine = [i for (q, i) in received if q == p]
    assert mine == list(range(8)), f"producer {p} out of order: {mine}"

d = threading.Thread(target=lambda: (time.sleep(3), sq.put("late")), name="late")
d.start()
t0 = time.monotonic()
try:
    sq.get(timeout=1)
    raise AssertionError("get() returned before anything was put")
except queue.Empty:
    assert 1 <= time.monotonic() - t0 < 1.1
assert sq.get(timeout=10) == "late"
assert 3 <= time.monotonic() - t0 < 3.1
d.join()
