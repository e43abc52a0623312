# multiprocessing's spawn and forkserver start sys.executable, the embedded
# Python's interpreter (as Blender's is its bundled Python); the children
# import the worker from a module next to the script, and re-import the
# script itself as __mp_main__, so its work is guarded, as in Blender.
import multiprocessing
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mp_work  # noqa: E402

if __name__ == "__main__":
    for method in ("spawn", "forkserver"):
        with multiprocessing.get_context(method).Pool(2) as pool:
            got = pool.map(mp_work.cube, range(5))
        assert got == [0, 1, 8, 27, 64], (method, got)
