# concurrent.futures.ThreadPoolExecutor(3): map() keeps input order while its
# three workers sleep in parallel on the virtual clock; as_completed() follows
# VIRTUAL completion time; exceptions and result(timeout) TimeoutError come
# back through futures; leaving the `with` block joins every worker.
import concurrent.futures as cf
import threading
import time

def slow_square(x):
    time.sleep((5 - x) * 0.1)  # later inputs finish first
    return x * x

def boom():
    raise KeyError("boom")

start = time.monotonic()
with cf.ThreadPoolExecutor(max_workers=3, thread_name_prefix="pool") as ex:
    assert list(ex.map(slow_square, range(6))) == [x * x for x in range(6)]
    mapped = time.monotonic() - start  # 1.5 s of sleeps over three workers
    assert 0.5 <= mapped < 0.6, f"map took {mapped} virtual s"
    futs = {ex.submit(time.sleep, s): s for s in (0.3, 0.1, 0.2)}
    order = [futs[f] for f in cf.as_completed(futs)]
    assert order == [0.1, 0.2, 0.3], order
    bad = ex.submit(boom)
    assert isinstance(bad.exception(), KeyError)
    slow = ex.submit(lambda: time.sleep(5) or "finally")
    t0 = time.monotonic()
    try:
        slow.result(timeout=0.5)
        raise AssertionError("result() did not time out")
    except cf.TimeoutError:
        assert 0.5 <= time.monotonic() - t0 < 0.6
    workers = [t for t in threading.enumerate() if t.name.startswith("pool")]
assert len(workers) == 3, workers
assert not any(w.is_alive() for w in workers), "shutdown(wait=True) left a worker alive"
assert slow.done() and slow.result() == "finally"
assert time.monotonic() - start >= 5
