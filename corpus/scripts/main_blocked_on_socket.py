# expect: hang
# The main thread waits on a socket for an answer that a helper thread
# sends only after a minute: the interface is frozen for that minute (a
# blocking call in a script, an operator or a timer stops Blender's UI).
# hostrace reports a hang of the main thread, naming the call, once it has
# waited longer than --stall (10 s).
import socket
import threading
import time

ui_side, helper_side = socket.socketpair()


def slow_helper():
    time.sleep(60)
    helper_side.sendall(b"done")


threading.Thread(target=slow_helper, name="slow-helper", daemon=True).start()
reply = ui_side.recv(16)  # blocks the main thread
