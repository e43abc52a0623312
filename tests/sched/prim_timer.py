# threading.Timer: it fires once, after its VIRTUAL interval, with its
# arguments; a timer cancelled before its interval never fires, and the
# cancelled timer's thread ends right away.
import threading
import time

fired = []
start = time.monotonic()

def fire(tag, extra=None):
    fired.append((tag, extra, time.monotonic() - start))

t5 = threading.Timer(5, fire, args=("t5",), kwargs={"extra": 42})
t3 = threading.Timer(3, fire, args=("t3",))
t1 = threading.Timer(1, fire, args=("cancelled",))
for t in (t5, t3, t1):
    t.start()
t1.cancel()  # at virtual t=0, well before its 1 s
t1.join()
assert not t1.is_alive() and time.monotonic() - start < 0.1

time.sleep(4)
assert [f[0] for f in fired] == ["t3"], fired  # t3 due at 3, t5 not before 5
t5.join()
assert [f[0] for f in fired] == ["t3", "t5"], fired
assert 3 <= fired[0][2] < 3.1 and 5 <= fired[1][2] < 5.1, fired
assert fired[1][1] == 42

# cancel from another thread while the timer is waiting
t2 = threading.Timer(10, fire, args=("late",))
t2.start()
k = threading.Thread(target=lambda: (time.sleep(2), t2.cancel()), name="canceller")
k.start()
k.join()
t2.join()
time.sleep(20)
assert "late" not in [f[0] for f in fired], fired
assert not t2.is_alive() and t2.finished.is_set()
