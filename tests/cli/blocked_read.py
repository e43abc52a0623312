# A worker waits on a pipe nobody writes to. The read is an external call:
# the worker leaves the scheduler while it waits (the main thread and the
# host go on), but the main thread joins it, and nothing will ever write:
# the run ends with a deadlock listing the reader in io.read at line 12.
import os
import threading

r, w = os.pipe()


def reader():
    os.read(r, 1)


t = threading.Thread(target=reader, name="reader")
t.start()
t.join()
