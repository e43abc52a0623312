# expect: data-race, thread-outlives-script
# A remote-control pattern: a daemon thread accepts connections on a
# loopback socket and hands each to a client thread, which reads a command
# and registers a bpy.app.timers function FROM THAT THREAD to apply it on
# the main thread. Blender's timer list has no lock: the registration races
# with the main thread's event loop walking it. The socket threads spend
# most of the run blocked in accept() and recv(); those calls release the
# scheduler, so the race is reached (not a stall of the whole host).
import socket
import threading

import bpy

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(4)
port = listener.getsockname()[1]


def apply_nudge(name, dz):
    def timer():
        bpy.data.objects[name].location.z += dz
        return None
    return timer


def client_session(conn):
    with conn:
        line = conn.recv(256).decode()
        verb, name, amount = line.split()
        if verb == "nudge":
            bpy.app.timers.register(apply_nudge(name, float(amount)))  # not safe
        conn.sendall(b"ok\n")


def accept_loop():
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=client_session, args=(conn,), name="session",
                         daemon=True).start()


def tool(command):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(command.encode())
        s.recv(16)


threading.Thread(target=accept_loop, name="accept", daemon=True).start()
threading.Thread(target=tool, args=("nudge Cube 0.25",), name="tool", daemon=True).start()
