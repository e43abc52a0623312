# time.sleep on the virtual clock: two threads sleep 3600 s in total, one
# after the other; time.monotonic(), time.time() and time.perf_counter()
# all advance by >= 3600 s and agree, while real time barely moves.
import os
import threading
import time

real0 = os.times().elapsed  # real time: not virtualised
m0, w0, p0 = time.monotonic(), time.time(), time.perf_counter()
marks = []

def first():
    for _ in range(3):
        time.sleep(600)
        marks.append(("first", time.monotonic() - m0))

def second(before):
    before.join()  # sleeps only once the first has finished
    time.sleep(1800)
    marks.append(("second", time.monotonic() - m0))

a = threading.Thread(target=first, name="first")
b = threading.Thread(target=second, args=(a,), name="second")
a.start(); b.start()
a.join(); b.join()

dm, dw, dp = time.monotonic() - m0, time.time() - w0, time.perf_counter() - p0
assert dm >= 3600 and dw >= 3600 and dp >= 3600, (dm, dw, dp)
assert abs(dw - dm) < 0.01 and abs(dp - dm) < 0.01, (dm, dw, dp)
assert dm < 3601, f"virtual clock overshot: {dm}"
assert [round(t) for _, t in marks] == [600, 1200, 1800, 3600], marks
assert time.monotonic_ns() - int(m0 * 1e9) >= 3600 * 10**9
assert os.times().elapsed - real0 < 60, "slept in real time"
