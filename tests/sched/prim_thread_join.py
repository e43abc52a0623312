# Thread.join() without a timeout: it returns only once the thread has
# finished (its result is there, is_alive() is False, the virtual clock has
# passed its sleep), also when one worker joins another.
import threading
import time

results = {}

def work(name, secs):
    time.sleep(secs)
    results[name] = time.monotonic()

def chained(first):
    first.join()  # a join from a thread other than main
    assert "slow" in results and not first.is_alive()
    results["chained"] = time.monotonic()

start = time.monotonic()
slow = threading.Thread(target=work, args=("slow", 30), name="slow")
fast = threading.Thread(target=work, args=("fast", 0.5), name="fast")
quick = threading.Thread(target=work, args=("quick", 0), name="quick")
chain = threading.Thread(target=chained, args=(slow,), name="chain")
for t in (slow, fast, quick, chain):
    t.start()
assert slow.is_alive()  # it sleeps 30 virtual s

slow.join()
assert not slow.is_alive() and "slow" in results
assert results["slow"] - start >= 30
assert time.monotonic() - start >= 30
chain.join()
assert results["chained"] >= results["slow"]
for t in (fast, quick):
    t.join()
    assert not t.is_alive()
assert results["quick"] <= results["fast"] < results["slow"], results
slow.join()  # joining a finished thread returns at once
