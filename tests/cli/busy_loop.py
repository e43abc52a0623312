# A thread spins on a flag in pure Python: no bpy call, no sleep, no lock,
# so it never reaches a scheduling point. The run must end with a hang
# naming the spinning thread and its line, not run forever.
import threading

flag = {"set": False}


def spin():
    n = 0
    while not flag["set"]:
        n += 1


t = threading.Thread(target=spin, name="spinner")
t.start()
t.join()
