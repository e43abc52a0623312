# expect: thread-outlives-script
# The unsupported case from Blender's documentation: a threading.Timer that
# re-arms itself many times a second as a daemon, left running after the
# script returns.
from threading import Timer


def my_timer():
    t = Timer(0.1, my_timer)
    t.daemon = True
    t.start()
    print("Running...")


my_timer()
