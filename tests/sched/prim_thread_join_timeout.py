# Thread.join(timeout) on a thread that outlives it: join returns after the
# virtual timeout with is_alive() still True (it did not wait for the 50 s
# sleep); once the thread is released, a plain join finishes it.
import threading
import time

go = threading.Event()
progress = []

def long_job():
    time.sleep(50)
    progress.append("slept")
    go.wait()  # held until main lets it finish
    progress.append("done")

t = threading.Thread(target=long_job, name="long")
start = time.monotonic()
t.start()
assert t.join(timeout=2) is None
waited = time.monotonic() - start
assert 2 <= waited < 2.1, f"join(timeout=2) returned after {waited} virtual s"
assert t.is_alive() and progress == []

t.join(timeout=100)  # past the sleep, but the thread now waits on go
assert t.is_alive() and progress == ["slept"]
assert 102 <= time.monotonic() - start < 102.2

t.join(0)  # zero timeout: returns at once
assert t.is_alive()
go.set()
t.join()
assert not t.is_alive() and progress == ["slept", "done"]
