# _thread.allocate_lock used directly: two locks as a ping-pong hand-off
# (released by the other thread, which a plain lock allows) give a strict
# alternation; acquire(blocking=False)/locked()/release-unlocked semantics;
# a timed acquire returns False after its virtual timeout.
import _thread
import threading
import time

ping = _thread.allocate_lock()
pong = _thread.allocate_lock()
pong.acquire()  # ping's turn first
log = []
ROUNDS = 15

def player(mine, other, tag):
    for _ in range(ROUNDS):
        mine.acquire()
        log.append(tag)
        time.sleep(0)
        other.release()

a = threading.Thread(target=player, args=(ping, pong, "A"), name="A")
b = threading.Thread(target=player, args=(pong, ping, "B"), name="B")
a.start(); b.start()
a.join(); b.join()
assert log == ["A", "B"] * ROUNDS, f"hand-off broke the alternation: {''.join(log)}"

# B released ping last; pong is held since B's last acquire
assert pong.locked() and not ping.locked()
assert pong.acquire(False) is False
pong.release()
try:
    pong.release()
except RuntimeError:
    pass
else:
    raise AssertionError("releasing an unlocked lock must raise RuntimeError")

# a timed acquire while another thread holds it
held = _thread.allocate_lock()
held.acquire()
out = []

def waiter():
    t0 = time.monotonic()
    out.append((held.acquire(True, 0.75), time.monotonic() - t0))

w = threading.Thread(target=waiter, name="waiter")
w.start()
time.sleep(5)
w.join()
got, waited = out[0]
assert got is False and 0.75 <= waited < 0.8, out
held.release()
