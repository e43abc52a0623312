# Every run starts with an empty bpy.app.tempdir and empty user resources,
# whatever an earlier schedule or run wrote there (Blender gives every
# session a temporary directory of its own): this script fails if it finds
# a file of its own, or anyone else's, then leaves some behind.
import os
import threading

import bpy

tmp = bpy.app.tempdir
assert tmp.endswith(os.sep) and os.path.isdir(tmp), tmp
assert os.listdir(tmp) == [], "tempdir not empty: %r" % os.listdir(tmp)
config = bpy.utils.user_resource('CONFIG', path="session_dir_check", create=True)
assert os.listdir(config) == [], "config not empty: %r" % os.listdir(config)
scripts = bpy.utils.user_resource('SCRIPTS', path="addons")
assert not os.path.exists(scripts) or os.listdir(scripts) == [], scripts

with open(os.path.join(config, "prefs.json"), "w") as f:
    f.write("{}")


def write_cache():
    os.makedirs(os.path.join(tmp, "cache", "deep"), exist_ok=True)
    with open(os.path.join(tmp, "cache", "deep", "tile.bin"), "wb") as f:
        f.write(b"\0" * 64)


t = threading.Thread(target=write_cache)
t.start()
t.join()
with open(os.path.join(tmp, "marker.txt"), "w") as f:
    f.write("left by the script")

# a thread the script leaves running: a warning, and a schedule to replay
threading.Thread(target=threading.Event().wait, name="left-waiting", daemon=True).start()
