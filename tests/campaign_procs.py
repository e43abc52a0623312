"""What a campaign leaves behind: its processes and its temporary
directories, for tests/campaign_check.py.

The test process becomes a child subreaper (PR_SET_CHILD_SUBREAPER), so
whatever the campaign started and left orphaned (it was killed, or did
not wait) is re-parented to the test instead of init, and stays visible
as the test's descendant until it ends. While a campaign runs, Watch
samples the test's process tree: the /tmp/hostrace-* directories its
processes name on their command lines (`hostrace run` passes each
schedule process --result /tmp/hostrace-run-XXXXXX/result.bin) are the
campaign's temporary directories.
"""

import ctypes
import os
import re
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
# mkdtemp's names (hostrace's /tmp/hostrace-run-XXXXXX, Python's
# tempfile), and a run's session directory (Blender's blender_XXXXXX, which
# the fuzz drivers' runs make in the campaign's own TMPDIR): not the fixed
# /tmp/hostrace-blender-tmp the host shares
TMPDIR = re.compile(r"^/tmp/(hostrace-[a-z]+-[A-Za-z0-9_]{6,8}|blender_[A-Za-z0-9]{6})$")


def tmpdirs():
    try:
        return {"/tmp/" + e for e in os.listdir("/tmp") if TMPDIR.match("/tmp/" + e)}
    except OSError:
        return set()


def become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def _stat(pid):
    """(ppid, state) of pid, or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return None
    fields = st[st.rfind(")") + 2:].split()
    return int(fields[1]), fields[0]


def argv_of(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0")[:-1]]
    except OSError:
        return []


def descendants(root=None):
    """{pid: (state, argv)} of every process below root (default: this
    process), zombies included."""
    root = root or os.getpid()
    kids = {}
    for e in os.listdir("/proc"):
        if e.isdigit():
            st = _stat(int(e))
            if st:
                kids.setdefault(st[0], []).append((int(e), st[1]))
    out, todo = {}, list(kids.get(root, []))
    while todo:
        pid, state = todo.pop()
        out[pid] = (state, argv_of(pid))
        todo += kids.get(pid, [])
    return out


def reap(keep=()):
    """Waits for this process's children that have ended (the orphans the
    subreaper inherited), but those in keep (Popen objects' pids)."""
    for pid, (state, _) in descendants().items():
        st = _stat(pid)
        if state == "Z" and pid not in keep and st and st[0] == os.getpid():
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


def living(pattern=None, keep=()):
    """The test's live descendants ({pid: argv}), reaping the dead ones;
    only those whose command line contains pattern when given."""
    reap(keep)
    return {pid: argv for pid, (state, argv) in descendants().items()
            if state != "Z" and pid not in keep and
            (pattern is None or any(pattern in a for a in argv))}


def anywhere(pattern):
    """Live processes anywhere on the machine whose command line contains
    pattern ({pid: argv}), but this one."""
    out = {}
    for e in os.listdir("/proc"):
        if e.isdigit() and int(e) != os.getpid():
            st = _stat(int(e))
            argv = argv_of(int(e))
            if st and st[1] != "Z" and any(pattern in a for a in argv):
                out[int(e)] = argv
    return out


def hostrace_elsewhere():
    """Are hostrace or a fuzz driver running on the machine outside this
    process's tree?"""
    mine = set(descendants()) | {os.getpid()}
    for e in os.listdir("/proc"):
        if e.isdigit() and int(e) not in mine:
            try:
                exe = os.path.basename(os.readlink("/proc/%s/exe" % e))
            except OSError:
                continue
            if exe == "hostrace" or exe.startswith("fuzz_"):
                return True
    return False


def wait_gone(seconds, pattern=None, keep=()):
    """Waits up to seconds for the test's descendants (matching pattern) to
    end: (seconds it took, those still alive)."""
    t0 = time.time()
    while True:
        left = living(pattern, keep)
        if not left or time.time() - t0 > seconds:
            return time.time() - t0, left


def kill_all(keep=()):
    """Kills what is left below this process (after a failure: a test must
    not leave processes behind either) and waits for it."""
    import signal
    for pid in living(keep=keep):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    wait_gone(5, keep=keep)


class Watch:
    """Samples the test's process tree while a campaign runs: the
    temporary directories its processes use, and whether other hostrace
    processes ran on the machine at the same time (then a new
    /tmp/hostrace-* directory cannot be told to be the campaign's unless
    one of its processes named it)."""

    def __init__(self):
        self.before = tmpdirs()
        self.t0 = time.time()
        self.ours = set()
        self.foreign = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            for pid, (state, argv) in descendants().items():
                for a in argv:
                    d = "/".join(a.split("/")[:3])
                    if TMPDIR.match(d):
                        self.ours.add(d)
            if not self.foreign and hostrace_elsewhere():
                self.foreign = True
            self._stop.wait(0.2)

    def stop(self):
        self._stop.set()
        self._thread.join()

    def leftover_tmpdirs(self, grace=10.0):
        """After the campaign: (its temporary directories that remain, new
        /tmp/hostrace-*-XXXXXX directories that remain and that no sampled
        process of the campaign named), after up to grace seconds."""
        self.stop()
        t = time.time()
        while True:
            now = tmpdirs()
            ours = {d for d in self.ours if d in now}
            new = {d for d in now - self.before - ours
                   if os.path.getctime(d) >= self.t0 - 1}
            if not ours and not new or time.time() - t > grace:
                return ours, new
            time.sleep(0.5)
