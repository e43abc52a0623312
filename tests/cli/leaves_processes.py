# A script that leaves processes behind: a shell it never waits for (with
# a grandchild, sleep), and a multiprocessing child that outlives the
# script. None of them may outlive the schedule: hostrace ends the
# schedule's process group when the schedule ends.
import multiprocessing
import subprocess
import time

MARK = "hostrace-leftover-mark"
subprocess.Popen(["/bin/sh", "-c", "sleep 300; echo " + MARK])


def linger():
    time.sleep(300)


multiprocessing.Process(target=linger, daemon=True).start()
# an error, so that the schedule is saved (the test replays it)
raise RuntimeError("the script fails after starting its processes")
