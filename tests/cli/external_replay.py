# Threads and the main thread wait on other processes: a worker thread in
# subprocess.run (the child's pipes, waitpid), the main thread in a
# multiprocessing.Pool map and a Queue fed by a process. The script then
# fails on purpose, so that the run saves its schedule: its replays must
# complete every external call at the recorded step, 10 times of 10. (One
# pool worker, closed and joined: two workers race each other for tasks,
# and terminate() races the worker for the task queue's lock, outside the
# schedule; a replay where another process wins diverges, and says so.)
import multiprocessing
import subprocess
import threading

out = {}


def tool():
    out["echo"] = subprocess.run(["/bin/echo", "ok"], capture_output=True, text=True).stdout


def square(x):
    return x * x


def feed(q):
    for i in range(3):
        q.put(i)


t = threading.Thread(target=tool, name="tool")
t.start()
pool = multiprocessing.Pool(1)
squares = pool.map(square, range(6))
pool.close()  # not terminate(): see above
pool.join()
q = multiprocessing.Queue()
p = multiprocessing.Process(target=feed, args=(q,))
p.start()
got = [q.get(timeout=30) for _ in range(3)]
p.join()
t.join()
assert out["echo"] == "ok\n" and squares == [0, 1, 4, 9, 16, 25] and got == [0, 1, 2]
raise RuntimeError("done: %d squares" % len(squares))
