# expect: clean
# expect-free-threaded: data-race
# The hand-back pattern add-on authors are told to use: worker threads do
# not touch bpy data, they hand each result to the main thread with
# bpy.app.timers.register(callback), and the script joins them. Under the
# GIL two registrations never overlap; without it two workers push onto
# the window manager's timer list at once (Blender guards that list with
# no lock of its own: timers_lock=1 is the fix).
import functools
import threading

import bpy

results = []


def deliver(value):
    results.append(value)
    return None  # run once


def worker(i):
    for chunk in range(20):
        value = sum(k * k for k in range(chunk, chunk + 10 * (i + 1)))
        bpy.app.timers.register(functools.partial(deliver, value), first_interval=0.0)


workers = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
for w in workers:
    w.start()
for w in workers:
    w.join()
