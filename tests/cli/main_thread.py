# The script runs on Python's main thread, as `blender --python` runs it:
# threading says so, and signal.signal(), which only the interpreter's main
# thread may call, works (a schedule forked from the schedule server runs
# on a thread that took the interpreter over; cli_check.py main_thread).
import signal
import threading

assert threading.current_thread() is threading.main_thread(), threading.current_thread()
assert threading.main_thread().ident == threading.get_ident()

seen = []
old = signal.signal(signal.SIGUSR2, lambda signum, frame: seen.append(signum))
assert signal.getsignal(signal.SIGUSR2) is not old
signal.signal(signal.SIGUSR2, old)
assert signal.getsignal(signal.SIGUSR2) == old
