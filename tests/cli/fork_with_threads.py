# The script forks (os.fork) while a thread of its own waits on an Event:
# the child has only the forking thread, and a lock the waiter held would
# stay held there. A fork-with-threads warning at line 14 (the fork),
# naming the waiter.
import os
import threading

ready = threading.Event()
waiter = threading.Thread(target=ready.wait, name="waiter")
waiter.start()


def fork_once():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


fork_once()
ready.set()
waiter.join()
