# threading.Semaphore(2): never more than two of five workers inside at
# once (each sleeps 0.1 virtual s inside), so the five take 0.3 virtual s;
# a release from another thread wakes a blocked acquire; an acquire on an
# exhausted semaphore times out after its virtual timeout.
import threading
import time

sem = threading.Semaphore(2)
inside, peak = [0], [0]
guard = threading.Lock()

def worker():
    with sem:
        with guard:
            inside[0] += 1
            peak[0] = max(peak[0], inside[0])
        time.sleep(0.1)
        with guard:
            inside[0] -= 1

start = time.monotonic()
ts = [threading.Thread(target=worker, name=f"w{i}") for i in range(5)]
for t in ts:
    t.start()
for t in ts:
    t.join()
elapsed = time.monotonic() - start
assert peak[0] == 2, f"peak {peak[0]} inside a Semaphore(2)"
assert 0.3 <= elapsed < 0.35, f"5 workers x 0.1 s, 2 at a time took {elapsed} virtual s"

# signalling: a semaphore at 0, released by another thread after 1 s
sig = threading.Semaphore(0)
r = threading.Timer(1.0, sig.release)
t0 = time.monotonic()
r.start()
assert sig.acquire(timeout=10) is True
assert 1 <= time.monotonic() - t0 < 1.1
r.join()
t0 = time.monotonic()
assert sig.acquire(timeout=0.25) is False
assert 0.25 <= time.monotonic() - t0 < 0.3
