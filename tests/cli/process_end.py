# A script that ends its own process, chosen by the environment variable
# HOSTRACE_TEST_END (tests/cli_check.py runs each): the harness must turn
# each into a finding at the line that did it, never an internal error.
import ctypes
import os
import signal
import subprocess
import threading

import bpy

how = os.environ.get("HOSTRACE_TEST_END", "exit_main")


def worker():
    bpy.context.scene.frame_current = 3
    if how == "exit_thread":
        os._exit(3)
    elif how == "term_thread":
        os.kill(os.getpid(), signal.SIGTERM)
    elif how == "kill_thread":
        os.kill(os.getpid(), signal.SIGKILL)
    elif how == "stop_thread":
        os.kill(os.getpid(), signal.SIGSTOP)
    elif how == "outside":  # a signal from another process: no Python line
        subprocess.run(["kill", "-TERM", str(os.getpid())])
    elif how == "outside_stop":
        subprocess.run(["kill", "-STOP", str(os.getpid())])
    elif how == "c_exit":  # exit from C code: no Python line either
        ctypes.CDLL(None)._exit(5)
    elif how == "spin_child":  # a child that ignores SIGINT and spins, then os._exit
        subprocess.Popen(["sh", "-c", "trap '' INT; while :; do :; done",
                          "hr-spin-" + os.environ.get("TMPDIR", "")])
        os._exit(3)


if how == "exit_main":
    os._exit(0)
elif how == "killpg":
    os.killpg(0, signal.SIGTERM)
elif how == "raise_signal":
    signal.raise_signal(signal.SIGUSR1)
t = threading.Thread(target=worker, name="ender")
t.start()
t.join()
