# Two threads crash at two different lines: a NULL read through ctypes
# (line 15) and an abort (line 21). Each first reads the scene a few
# times, so the schedule decides which crashes first and ends the process;
# each crash is a finding of its own, named by its thread and line.
import ctypes
import os
import threading

import bpy


def reader():
    for _ in range(3):
        bpy.context.scene.frame_current
    ctypes.string_at(0)


def aborter():
    for _ in range(3):
        bpy.context.scene.frame_current
    os.abort()


a = threading.Thread(target=reader, name="reader")
b = threading.Thread(target=aborter, name="aborter")
a.start()
b.start()
a.join()
b.join()
