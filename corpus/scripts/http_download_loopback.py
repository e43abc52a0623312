# expect: clean
# The documented safe pattern with real I/O: worker threads fetch over HTTP
# (urllib, from a loopback server the script starts in a thread of its own),
# touch no bpy data, and are joined, with the server, before the script
# returns; the main thread applies what they fetched. Every socket call
# blocks while its peer (another thread of the script) has not answered:
# the blocked thread leaves the scheduler meanwhile, as CPython releases
# the GIL, and the run stays clean whatever the interleaving.
import http.server
import threading
import urllib.request

import bpy

PAYLOADS = {"/cube.json": b'{"scale": 2.0}', "/light.json": b'{"scale": 0.5}',
            "/camera.json": b'{"scale": 1.5}'}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAYLOADS.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):  # keep the run's output quiet
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
serving = threading.Thread(target=server.serve_forever, name="http-server")
serving.start()
base = "http://127.0.0.1:%d" % server.server_address[1]

fetched = {}


def download(path):
    with urllib.request.urlopen(base + path, timeout=30) as reply:
        fetched[path] = reply.read()


workers = [threading.Thread(target=download, args=(p,), name="download%s" % p[:-5])
           for p in PAYLOADS]
for w in workers:
    w.start()
for w in workers:
    w.join()
server.shutdown()
serving.join()
server.server_close()

assert fetched == PAYLOADS, fetched
import json  # noqa: E402

bpy.data.objects["Cube"].scale.x = json.loads(fetched["/cube.json"])["scale"]
