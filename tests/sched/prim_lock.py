# threading.Lock under the scheduler: mutual exclusion holds across a
# read-modify-write that yields (time.sleep(0)) inside the critical section,
# a contended non-blocking acquire fails, and a timed acquire gives up after
# exactly its VIRTUAL timeout (not when the holder finally releases).
import threading
import time

lock = threading.Lock()
counter = 0
inside = []  # threads inside the critical section right now

def worker(n):
    global counter
    for _ in range(n):
        with lock:
            inside.append(threading.get_ident())
            assert len(inside) == 1, f"two threads hold the lock: {inside}"
            v = counter
            time.sleep(0)  # a scheduling point inside the critical section
            counter = v + 1
            inside.pop()

threads = [threading.Thread(target=worker, args=(25,), name=f"w{i}") for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert counter == 100, f"lost updates: counter={counter}"
assert not lock.locked()

# timed and non-blocking acquires against a holder that keeps it for 10 s
result = {}

def contender():
    result["nonblocking"] = lock.acquire(blocking=False)
    t0 = time.monotonic()
    result["timed"] = lock.acquire(timeout=2.5)
    result["waited"] = time.monotonic() - t0

lock.acquire()
c = threading.Thread(target=contender, name="contender")
start = time.monotonic()
c.start()
time.sleep(10)
lock.release()
c.join()
assert result["nonblocking"] is False, result
assert result["timed"] is False, result
assert 2.5 <= result["waited"] < 2.6, f"timed acquire waited {result['waited']} virtual s"
assert time.monotonic() - start >= 10
assert lock.acquire(timeout=1) is True  # free again: no wait
lock.release()
