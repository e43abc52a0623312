# expect: clean
# timing: real (child processes)
# What the seed recommends instead of threads: work in other processes.
# multiprocessing.Pool (fork, Linux's default) maps a pure function over
# the data; the pool's own handler threads wait in pipes and semaphores
# shared with the workers. Only the main thread touches bpy, after map()
# returned.
import multiprocessing

import bpy


def falloff(distance):
    return 1.0 / (1.0 + distance * distance)


with multiprocessing.Pool(2) as pool:
    weights = pool.map(falloff, [0.0, 0.5, 1.0, 2.0, 4.0])

bpy.data.objects["Cube"].location.x = sum(weights)
