# threading.Event: waiters without a timeout sleep until another thread sets
# it (at virtual t=2); a wait with a shorter timeout returns False after its
# virtual timeout; once set, wait() returns True at once; clear() re-arms.
import threading
import time

ev = threading.Event()
woke = {}

def waiter(name):
    ev.wait()
    woke[name] = time.monotonic()

def impatient():
    t0 = time.monotonic()
    woke["impatient"] = (ev.wait(timeout=0.5), time.monotonic() - t0)

def setter():
    time.sleep(2)
    woke["set_at"] = time.monotonic()
    ev.set()

start = time.monotonic()
ts = [threading.Thread(target=waiter, args=(f"w{i}",), name=f"w{i}") for i in range(3)]
ts += [threading.Thread(target=impatient, name="impatient"),
       threading.Thread(target=setter, name="setter")]
for t in ts:
    t.start()
for t in ts:
    t.join()

got, waited = woke["impatient"]
assert got is False and 0.5 <= waited < 0.6, woke["impatient"]
assert woke["set_at"] - start >= 2, woke
for i in range(3):
    assert woke[f"w{i}"] >= woke["set_at"], f"w{i} woke before set(): {woke}"
assert ev.is_set()

t0 = time.monotonic()
assert ev.wait(timeout=100) is True and time.monotonic() - t0 < 0.01  # no wait once set
ev.clear()
assert ev.wait(timeout=3) is False and time.monotonic() - t0 >= 3
