# threading.Condition: consumers wait()/producer notify() hand over every item
# exactly once and in order; notify_all wakes every waiter; wait_for returns
# True as soon as another thread makes the predicate true, and False after
# its VIRTUAL timeout when nobody does.
import threading
import time

cond = threading.Condition()
items, taken, done = [], [], [False]

def consumer(tag):
    while True:
        with cond:
            while not items and not done[0]:
                cond.wait()
            if not items:
                return
            taken.append((tag, items.pop(0)))

def producer():
    for i in range(12):
        time.sleep(0.01)
        with cond:
            items.append(i)
            cond.notify()
    with cond:
        done[0] = True
        cond.notify_all()  # every consumer must wake and leave

ts = [threading.Thread(target=consumer, args=(c,), name=f"c{c}") for c in range(3)]
ts.append(threading.Thread(target=producer, name="producer"))
for t in ts:
    t.start()
for t in ts:
    t.join()
assert [i for _, i in taken] == list(range(12)), taken
assert not any(t.is_alive() for t in ts)

# wait_for: satisfied by a setter at virtual t=1, and timing out at t=4
state = {"ready": False}

def setter():
    time.sleep(1)
    with cond:
        state["ready"] = True
        cond.notify_all()

s = threading.Thread(target=setter, name="setter")
t0 = time.monotonic()
s.start()
with cond:
    ok = cond.wait_for(lambda: state["ready"], timeout=30)
    waited = time.monotonic() - t0
    assert ok is True and 1 <= waited < 1.1, (ok, waited)
    t1 = time.monotonic()
    ok = cond.wait_for(lambda: state.get("never"), timeout=4)
    waited = time.monotonic() - t1
    assert not ok and 4 <= waited < 4.1, (ok, waited)
s.join()
