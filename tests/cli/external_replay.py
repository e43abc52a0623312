# Threads and the main thread wait on other processes: a worker thread in
# subprocess.run (the child's pipes, waitpid), the main thread in a
# multiprocessing.Queue fed by a process (its feeder thread writes a pipe)
# and in Process.join. The script then fails on purpose, so that the run
# saves its schedule: its replays must complete every external call at the
# recorded step, 10 times of 10. (No Pool: its workers race each other and
# its handler threads for tasks and locks outside the schedule, so a replay
# can see another process win, and then says it diverges; bench/RESULTS.md
# gives the rate.)
import multiprocessing
import subprocess
import threading

out = {}


def tool():
    out["echo"] = subprocess.run(["/bin/echo", "ok"], capture_output=True, text=True).stdout


def feed(q):
    for i in range(3):
        q.put(i * i)


t = threading.Thread(target=tool, name="tool")
t.start()
q = multiprocessing.Queue()
p = multiprocessing.Process(target=feed, args=(q,))
p.start()
got = [q.get(timeout=30) for _ in range(3)]
p.join()
t.join()
assert out["echo"] == "ok\n" and got == [0, 1, 4], (out, got)
raise RuntimeError("done: %d values" % len(got))
