"""Puts Python's threads and blocking primitives under hostrace's scheduler.

Loaded before bpy and before any user code. When the scheduler runs this
process, every thread Python starts becomes a managed thread, every lock
acquire that would block waits in the scheduler, and time is the scheduler's
virtual clock. Condition, Event, Semaphore, BoundedSemaphore, Barrier, Timer,
RLock, queue.Queue and concurrent.futures are built on the pieces replaced
here, so they follow. Without the scheduler nothing is changed.
"""
import _hostrace
import _thread
import concurrent.futures._base as _futures_base
import itertools as _itertools
import queue as _queue
import random as _random
import threading as _threading
import time as _time

if _hostrace.active():
    _Lock = _hostrace.Lock

    # locks: threading's Lock/_allocate_lock are what Condition, Event,
    # Semaphore, Barrier and Queue create; RLock becomes the pure-Python one
    # built on them
    _thread.allocate_lock = _Lock
    _thread.allocate = _Lock
    _threading.Lock = _Lock
    _threading._allocate_lock = _Lock
    _threading._CRLock = None

    # threads
    _thread.start_new_thread = _hostrace.start_new_thread
    _thread.start_new = _hostrace.start_new_thread
    _threading._start_new_thread = _hostrace.start_new_thread

    if hasattr(_thread, "start_joinable_thread"):
        # Python 3.13+: Thread.start gives start_joinable_thread a
        # _ThreadHandle, and join and is_alive ask it. A managed thread gets
        # a handle that asks the scheduler instead.
        # A thread started where nothing is scheduled (a child forked from
        # the run) gets a real handle, which the managed one passes on to.
        _real_start_joinable_thread = _thread.start_joinable_thread

        class _Handle:
            __slots__ = ("slot", "ident", "real")

            def __init__(self):
                self.slot = None
                self.ident = None
                self.real = None

            def join(self, timeout=None):
                if self.real is not None:
                    return self.real.join(timeout)
                if self.slot is None:
                    raise RuntimeError("thread not started")
                if self.ident == _thread.get_ident():
                    raise RuntimeError("Cannot join current thread")
                _hostrace.wait_thread(self.slot, timeout)

            def is_done(self):
                if self.real is not None:
                    return self.real.is_done()
                return self.slot is not None and _hostrace.thread_exited(self.slot)

            def _set_done(self):
                if self.real is not None:
                    self.real._set_done()

        def _start_joinable_thread(function, handle=None, daemon=True):
            if handle is None:
                handle = _Handle()
            if not _hostrace.active():
                handle.real = _real_start_joinable_thread(function, daemon=daemon)
                handle.ident = handle.real.ident
                return handle
            handle.ident = _hostrace.start_new_thread(function, ())
            handle.slot = getattr(getattr(function, "__self__", None), "_hostrace_slot", None)
            return handle

        _thread.start_joinable_thread = _start_joinable_thread
        _threading._start_joinable_thread = _start_joinable_thread
        _threading._ThreadHandle = _Handle

    _orig_join = _threading.Thread.join
    _orig_is_alive = _threading.Thread.is_alive

    def _join(self, timeout=None):
        slot = getattr(self, "_hostrace_slot", None)
        if slot is None or not self._started.is_set() or self is _threading.current_thread():
            return _orig_join(self, timeout)
        if not _hostrace.wait_thread(slot, timeout):
            return None  # timed out: still alive
        # the thread has left the scheduler; Python's own join now waits only
        # for its teardown
        return _orig_join(self)

    def _is_alive(self):
        slot = getattr(self, "_hostrace_slot", None)
        if slot is None:
            return _orig_is_alive(self)
        return self._started.is_set() and not _hostrace.thread_exited(slot)

    _join.__doc__ = _orig_join.__doc__
    _is_alive.__doc__ = _orig_is_alive.__doc__
    _threading.Thread.join = _join
    _threading.Thread.is_alive = _is_alive

    # Sets of threads and of futures (ThreadPoolExecutor joins its set of
    # worker threads; concurrent.futures.wait and as_completed iterate sets
    # of futures) iterate in hash order, and the default hash is the
    # object's address, which differs between a run and its replay. A
    # creation number is the same in both.
    _serial = _itertools.count(1)

    def _numbered(cls):
        init = cls.__init__

        def __init__(self, *args, **kwargs):
            self._hostrace_serial = next(_serial)
            init(self, *args, **kwargs)

        __init__.__doc__ = init.__doc__
        __init__.__wrapped__ = init
        cls.__init__ = __init__
        cls.__hash__ = lambda self: self.__dict__.get("_hostrace_serial") or object.__hash__(self)

    _numbered(_threading.Thread)
    _numbered(_futures_base.Future)

    # virtual time
    _time.sleep = _hostrace.sleep
    _time.monotonic = _hostrace.monotonic
    _time.monotonic_ns = _hostrace.monotonic_ns
    _time.time = _hostrace.time
    _time.time_ns = _hostrace.time_ns
    _time.perf_counter = _hostrace.perf_counter
    _time.perf_counter_ns = _hostrace.perf_counter_ns
    _threading._time = _hostrace.monotonic
    _queue.time = _hostrace.monotonic

    # queue.SimpleQueue is C and blocks in a real lock: use the Python one
    _queue.SimpleQueue = _queue._PySimpleQueue

    # the same random numbers every run
    _random.seed(0)
