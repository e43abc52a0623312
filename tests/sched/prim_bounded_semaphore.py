# threading.BoundedSemaphore(3) as a connection pool: at most three of six
# workers hold a connection at once; releasing more than was acquired raises
# ValueError (also from a thread other than the acquirer's).
import threading
import time

pool = threading.BoundedSemaphore(3)
in_use, peak = [], [0]
guard = threading.Lock()

def worker(i):
    for _ in range(3):
        with pool:
            with guard:
                in_use.append(i)
                peak[0] = max(peak[0], len(in_use))
            time.sleep(0.05 * (i % 3))  # 0 for some: a plain yield
            time.sleep(0)
            with guard:
                in_use.remove(i)

ts = [threading.Thread(target=worker, args=(i,), name=f"w{i}") for i in range(6)]
for t in ts:
    t.start()
for t in ts:
    t.join()
assert peak[0] == 3, f"peak {peak[0]} inside a BoundedSemaphore(3)"
assert not in_use

try:
    pool.release()
except ValueError:
    pass
else:
    raise AssertionError("over-release of a BoundedSemaphore must raise ValueError")

# acquired here, released by a helper thread; its second release over-releases
pool.acquire()
errors = []

def releaser():
    time.sleep(0.5)
    pool.release()
    try:
        pool.release()
    except ValueError as e:
        errors.append(e)

h = threading.Thread(target=releaser, name="releaser")
h.start()
h.join()
assert len(errors) == 1, errors
for _ in range(3):
    assert pool.acquire(blocking=False)  # all three back in the pool
t0 = time.monotonic()
assert pool.acquire(timeout=0.2) is False
assert 0.2 <= time.monotonic() - t0 < 0.25
