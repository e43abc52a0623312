# threading.RLock: the owner re-acquires it (nested, with yields inside) while
# other threads stay excluded; partial release keeps it held; only the owner
# may release; a timed acquire by another thread fails after virtual time.
import threading
import time

rlock = threading.RLock()
counter = 0
owner = [None]

def bump(depth):
    global counter
    with rlock:
        assert owner[0] in (None, threading.get_ident()), "RLock held by two threads"
        owner[0] = threading.get_ident()
        if depth:
            bump(depth - 1)  # re-entrant acquire by the owner
        else:
            v = counter
            time.sleep(0)
            counter = v + 1
        if depth == 3:
            owner[0] = None  # the outermost level is about to release

def worker():
    for _ in range(10):
        bump(3)

ts = [threading.Thread(target=worker, name=f"r{i}") for i in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
assert counter == 30, f"lost updates: counter={counter}"

# held at depth 2, released once: still held against another thread
rlock.acquire(); rlock.acquire(); rlock.release()
res = {}

def other():
    res["nb"] = rlock.acquire(blocking=False)
    try:
        rlock.release()
    except RuntimeError:
        res["release"] = "RuntimeError"
    t0 = time.monotonic()
    res["timed"] = rlock.acquire(timeout=1.5)
    res["waited"] = time.monotonic() - t0

t = threading.Thread(target=other, name="other")
t.start()
t.join()
rlock.release()
assert res["nb"] is False and res["release"] == "RuntimeError", res
assert res["timed"] is False and 1.5 <= res["waited"] < 1.6, res
assert rlock.acquire(blocking=False)  # fully released: free
rlock.release()
