"""A small line-based command server polled by a background thread.

Protocol: one command per line, words separated by spaces, for example
``nudge Cube 0.5`` (move the object up by 0.5).
"""

import functools
import socket
import threading
import time

import bpy

POLL_INTERVAL = 0.05
MAX_POLLS = 50  # the listening session closes itself after this many polls


def open_listener():
    """Bind a non-blocking loopback listener on a free port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.setblocking(False)
    return listener


class CommandServer(threading.Thread):
    """Accepts clients and forwards each command line to ``handler``.

    The handler runs in Blender's main thread: the server schedules it with
    bpy.app.timers so that it never touches scene data itself.
    """

    def __init__(self, listener, handler, on_closed):
        super().__init__(name="remote-control", daemon=True)
        self.listener = listener
        self.handler = handler
        self.on_closed = on_closed
        self.stop_event = threading.Event()
        self.clients = []

    @property
    def port(self):
        return self.listener.getsockname()[1]

    def stop(self):
        self.stop_event.set()

    def _accept_clients(self):
        while True:
            try:
                conn, _address = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            conn.setblocking(False)
            self.clients.append([conn, b""])

    def _read_clients(self):
        for client in list(self.clients):
            conn, pending = client
            try:
                data = conn.recv(1024)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:
                if pending.strip():
                    self._dispatch(pending)
                conn.close()
                self.clients.remove(client)
                continue
            pending += data
            *lines, client[1] = pending.split(b"\n")
            for line in lines:
                self._dispatch(line)

    def _dispatch(self, raw_line):
        line = raw_line.decode("utf-8", "replace").strip()
        if line:
            bpy.app.timers.register(functools.partial(self.handler, line), first_interval=0.0)

    def run(self):
        try:
            for _ in range(MAX_POLLS):
                if self.stop_event.is_set():
                    break
                self._accept_clients()
                self._read_clients()
                time.sleep(POLL_INTERVAL)
        finally:
            for conn, _pending in self.clients:
                conn.close()
            self.listener.close()
            bpy.app.timers.register(self.on_closed, first_interval=0.0)
