# A worker waits on a pipe nobody writes to: a real blocking read the
# scheduler cannot see. The run must end with blocked-outside-scheduler
# naming the worker and this line, not hang.
import os
import threading

r, w = os.pipe()


def reader():
    os.read(r, 1)


t = threading.Thread(target=reader, name="reader")
t.start()
t.join()
