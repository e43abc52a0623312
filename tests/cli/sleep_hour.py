# Two threads sleep half an hour each, twice, while the main thread waits:
# an hour of virtual time per thread. Every clock agrees and the run takes
# no real hour.
import threading
import time

t0, m0, p0 = time.time(), time.monotonic(), time.perf_counter()


def nap():
    time.sleep(1800)
    time.sleep(1800)


threads = [threading.Thread(target=nap) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for d in (time.time() - t0, time.monotonic() - m0, time.perf_counter() - p0):
    assert 3600 <= d < 3601, d
