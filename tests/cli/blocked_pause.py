# A worker blocks in a call hostrace does not interpose (pause(): it waits
# for a signal that never comes) while a newer worker waits in a pipe read
# (which hostrace does see, and which Python's stack dump lists first). The
# run must end with blocked-outside-scheduler naming the pausing worker and
# its line, not hang, and not blame the reader.
import os
import signal
import threading

r, w = os.pipe()
go = threading.Event()


def pauser():
    go.wait()
    signal.pause()


def reader():
    os.read(r, 1)


t2 = threading.Thread(target=pauser, name="pauser")
t2.start()
t1 = threading.Thread(target=reader, name="reader", daemon=True)
t1.start()
go.set()
t2.join()
