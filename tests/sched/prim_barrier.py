# threading.Barrier(3): over three phases no party leaves a phase before all
# three have arrived, the action runs once per phase, and wait() hands out
# indices 0..2; with only two of three parties a wait(timeout=2) breaks the
# barrier after 2 virtual s and every waiter gets BrokenBarrierError.
import threading
import time

N, PHASES = 3, 3
arrived = []
actions = []
bar = threading.Barrier(N, action=lambda: actions.append(len(arrived)))
indices = [[] for _ in range(PHASES)]

def party(i):
    for p in range(PHASES):
        time.sleep(0.1 * ((i + p) % N))  # arrive at different virtual times
        arrived.append((p, i))
        idx = bar.wait()
        indices[p].append(idx)
        assert len(arrived) >= N * (p + 1), f"party {i} left phase {p} early: {arrived}"

ts = [threading.Thread(target=party, args=(i,), name=f"p{i}") for i in range(N)]
for t in ts:
    t.start()
for t in ts:
    t.join()
assert actions == [3, 6, 9], actions
assert all(sorted(ix) == [0, 1, 2] for ix in indices), indices

broken = threading.Barrier(3)
res = {}

def short(name, timeout):
    t0 = time.monotonic()
    try:
        broken.wait(timeout=timeout)
        res[name] = "passed"
    except threading.BrokenBarrierError:
        res[name] = time.monotonic() - t0

a = threading.Thread(target=short, args=("a", 2), name="a")
b = threading.Thread(target=short, args=("b", None), name="b")
a.start(); b.start()
a.join(); b.join()
assert isinstance(res["a"], float) and 2 <= res["a"] < 2.1, res
assert isinstance(res["b"], float) and 1.9 <= res["b"] < 2.1, res
assert broken.broken
