# The script installs its own threading.excepthook that swallows
# everything: the exception in the thread is still a finding (line 10).
import threading

threading.excepthook = lambda args: None


def work():
    total = 0
    raise ValueError("lost in a silent excepthook %d" % total)


t = threading.Thread(target=work)
t.start()
t.join()
