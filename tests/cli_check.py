#!/usr/bin/env python3
"""End-to-end checks of the hostrace command line: help, bad input, exit
codes and the JSON form. Usage: cli_check.py HOSTRACE CASE (or 'all')."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.path.join(HERE, "cli")


def run(hostrace, *args):
    p = subprocess.run([hostrace, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def check(cond, what, out=""):
    if not cond:
        raise AssertionError(what + ("\n--- output ---\n" + out[-3000:] if out else ""))


def one_line_error(code, out, err, want_code, *needles):
    check(code == want_code, "exit code %d, expected %d" % (code, want_code), out + err)
    lines = [l for l in err.splitlines() if l.strip()]
    check(len(lines) == 1, "expected one line on stderr, got %d" % len(lines), err)
    for n in needles:
        check(n in lines[0], "stderr line lacks %r" % n, err)
    check("Traceback" not in err and "Sanitizer" not in err, "harness crash or traceback", err)


def case_help(h):
    code, out, err = run(h, "--help")
    check(code == 0 and "run SCRIPT.py" in out, "hostrace --help", out + err)
    code, out, err = run(h, "run", "--help")
    check(code == 0, "hostrace run --help exit %d" % code, err)
    for word in ("--frames", "--host", "--json", "lock_interface", "render=invoke|exec",
                 "timers_lock", "main_thread_guard", "rna_safety", "exit codes", "--detector"):
        check(word in out, "run --help does not mention %s" % word, out)
    # every command the top-level help lists answers --help with its usage
    code, top, err = run(h, "--help")
    for cmd in ("run", "replay", "triage", "minimize", "report", "promote", "regress", "decode",
                "encode"):
        check("  %s " % cmd in top, "hostrace --help does not list %s" % cmd, top)
        code, out, err = run(h, cmd, "--help")
        check(code == 0 and ("usage: hostrace %s" % cmd) in out,
              "hostrace %s --help: exit %d" % (cmd, code), out + err)


def case_usage_errors(h):
    code, out, err = run(h)
    check(code == 2, "no command: exit %d" % code, err)
    one_line_error(*run(h, "frobnicate"), 2, "unknown command")
    one_line_error(*run(h, "run"), 2, "missing SCRIPT.py")
    one_line_error(*run(h, "run", os.path.join(CLI, "raises.py"), "--bogus"), 2, "--bogus")
    one_line_error(*run(h, "run", os.path.join(CLI, "raises.py"), "--frames", "many"), 2, "--frames")


def case_missing_script(h):
    one_line_error(*run(h, "run", "/nonexistent/dir/script.py"), 2, "cannot open script",
                   "No such file")
    one_line_error(*run(h, "run", HERE), 2, "not a regular file")


def case_syntax_error(h):
    one_line_error(*run(h, "run", os.path.join(CLI, "syntax_error.py")), 2, "syntax_error.py:2",
                   "SyntaxError")


def case_unknown_host_switch(h):
    one_line_error(*run(h, "run", os.path.join(CLI, "raises.py"), "--host", "bogus=1"), 2,
                   "unknown host switch 'bogus'")
    one_line_error(*run(h, "run", os.path.join(CLI, "raises.py"), "--host", "render=fast"), 2,
                   "render")
    # every key the error lists is one the run accepts and reports in its
    # JSON (one table parses and writes them), bpy_on_main only when on
    _, _, err = run(h, "run", os.path.join(CLI, "raises.py"), "--host", "bogus=1")
    keys = err.split("(keys: ", 1)[1].split(")", 1)[0].split()
    check(len(keys) >= 7 and "render" in keys and "bpy_on_main" in keys, "keys %r" % keys)
    on = ["%s=%s" % (k, "exec" if k == "render" else "0" if k == "drivers_gil_release" else "1")
          for k in keys]
    with tempfile.TemporaryDirectory() as tmp:
        for switches in ([], on):
            args = [a for sw in switches for a in ("--host", sw)]
            code, out, err = run(h, "run", os.path.join(HERE, "..", "corpus", "scripts",
                                                         "threads_joined.py"),
                                 "--json", "--out", tmp, *args)
            host = json.loads(out)["host"]
            want = {k: (("exec" if switches else "invoke") if k == "render" else
                        bool(switches) != (k == "drivers_gil_release")) for k in keys}
            if not switches:
                del want["bpy_on_main"]
            check(code == 0 and host == want, "host %r, expected %r" % (host, want), err)


def findings(h, script, *extra):
    code, out, err = run(h, "run", script, "--json", "--frames", "5", *extra)
    try:
        return code, json.loads(out), err
    except ValueError:
        raise AssertionError("--json output is not JSON (exit %d)\n%s\n%s" % (code, out, err[-2000:]))


def case_script_raises(h):
    code, rep, err = findings(h, os.path.join(CLI, "raises.py"))
    check(code == 1, "a raising script must exit 1, got %d" % code, err)
    kinds = [f["kind"] for f in rep["findings"]]
    check(kinds == ["script-error"], "findings %r" % kinds)
    f = rep["findings"][0]
    check("KeyError" in f["message"] and "raises.py:2" in f["message"], f["message"])
    check(f["threads"] == [{"name": "main", "role": "main"}], json.dumps(f["threads"]))
    check(f["severity"] == "error" and len(f["signature"]) == 16, json.dumps(f))
    check("Traceback" in f.get("detail", ""), "the traceback is kept in detail")


def case_assertion(h):
    code, rep, _ = findings(h, os.path.join(CLI, "assert_fails.py"))
    check(code == 1 and [f["kind"] for f in rep["findings"]] == ["assertion"], json.dumps(rep))
    check("frame is not 99" in rep["findings"][0]["message"], rep["findings"][0]["message"])


def case_thread_exception(h):
    code, rep, _ = findings(h, os.path.join(CLI, "thread_exception.py"))
    check(code == 1, "exit %d" % code)
    f = [f for f in rep["findings"] if f["kind"] == "script-error"]
    check(len(f) == 1 and "thread 'boomer'" in f[0]["message"] and "ValueError" in f[0]["message"],
          json.dumps(rep))
    check(f[0]["threads"] == [{"name": "boomer", "role": "python"}], json.dumps(f[0]["threads"]))


def case_driver_error(h):
    """An exception in a Python driver, raised on a depsgraph worker: one
    script-error naming the driver, at the function's line; the driver is
    disabled, as Blender disables it."""
    code, rep, _ = findings(h, os.path.join(CLI, "driver_error.py"))
    check(code == 1, "exit %d" % code)
    f = [f for f in rep["findings"] if f["kind"] == "script-error"]
    check(len(f) == 1 and f[0]["count"] == 1, json.dumps(rep))
    check("driver location[0] of object 'Cube'" in f[0]["message"] and "KeyError" in f[0]["message"],
          f[0]["message"])
    check("driver_error.py:10" in json.dumps(f[0]), json.dumps(f[0]))
    check(f[0]["threads"][0]["role"] == "depsgraph-worker", json.dumps(f[0]["threads"]))
    check(rep["errors"] == 1, "the script's own assertions failed: " + json.dumps(rep))


def case_json_shape(h):
    code, rep, _ = findings(h, os.path.join(HERE, "..", "corpus", "scripts", "timer_daemon.py"))
    check(code == 0, "a warning alone must exit 0, got %d" % code)
    for key in ("hostrace", "script", "frames", "host", "findings", "errors", "warnings"):
        check(key in rep, "JSON lacks %s" % key)
    check(rep["errors"] == 0 and rep["warnings"] == 1, json.dumps(rep))
    f = rep["findings"][0]
    for key in ("kind", "severity", "signature", "message", "threads", "count"):
        check(key in f, "finding lacks %s" % key)
    check(f["kind"] == "thread-outlives-script" and f["severity"] == "warning", json.dumps(f))
    check("my_timer" in f["message"], f["message"])
    check(len(f["threads"]) == 1 and f["threads"][0]["role"] == "python", json.dumps(f["threads"]))


def case_crash_handler_fault(h):
    """A crash whose own report cannot be written (a race corrupted the
    heap, and the crash handler faults in malloc) is still one finding,
    exit 1, never an internal error or a lost finding. The handler is made
    to fault on purpose (HOSTRACE_TEST_HANDLER_FAULT). Not in ASan builds,
    which report crashes through ASan and have no such handler."""
    env = dict(os.environ, HOSTRACE_TEST_HANDLER_FAULT="1")

    def one(*args):
        p = subprocess.run([h, *args, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=300)
        out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
        check(p.returncode == 1, "%s: exit %d, expected 1 (a finding)" % (args[0], p.returncode),
              out + err)
        check("internal error" not in err, "reported as an internal error", err)
        check("the report could not be written" in err, "the child's own line is missing", err)
        rep = json.loads(out)
        fs = rep["findings"]
        check(len(fs) == 1 and fs[0]["kind"] == "crash"
              and "heap corrupted" in fs[0]["message"], "findings %r" % fs, err)
        return fs[0]

    with tempfile.TemporaryDirectory() as tmp:
        f = one("run", os.path.join(CLI, "crash_in_worker.py"), "--out", tmp)
        # saved with the schedule the crashed run wrote on its way out,
        # which replays to the same finding
        d = f.get("saved")
        check(d and os.path.isfile(os.path.join(d, "schedule.txt")), "not saved: %r" % f)
        sched = open(os.path.join(d, "schedule.txt")).read().splitlines()
        nd = [int(l.split()[1]) for l in sched if l.startswith("decisions ")]
        check(nd and nd[0] > 0 and sched[-1] == "end", "schedule: %s" % sched[:20])
        g = one("replay", os.path.join(d, "schedule.txt"))
        check(g["signature"] == f["signature"], "replay: %r vs %r" % (g, f))


def case_signature_stable(h):
    """The same finding gets the same signature in separate runs."""
    sigs = set()
    for _ in range(3):
        _, rep, _ = findings(h, os.path.join(CLI, "raises.py"))
        sigs.add(rep["findings"][0]["signature"])
    check(len(sigs) == 1, "signatures differ across runs: %r" % sigs)


def case_text_output(h):
    code, out, err = run(h, "run", os.path.join(CLI, "raises.py"), "--frames", "2")
    check(code == 1 and "1 finding (1 error, 0 warnings)" in out and "script-error" in out, out + err)


DEADLOCK = os.path.join(HERE, "..", "corpus", "scripts", "deadlock_run_on_main_join.py")
TWO = os.path.join(CLI, "two_workers.py")


def saved_schedule(h, script, out):
    """Runs script until its first error and returns that finding's schedule file."""
    code, rep, err = findings(h, script, "--schedules", "20", "--out", out)
    check(code == 1 and rep["findings"] and "saved" in rep["findings"][0], "no saved finding", err)
    return os.path.join(rep["findings"][0]["saved"], "schedule.txt")


def case_strategies(h):
    """Every strategy runs correct code cleanly, and its own way."""
    traces = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "bytes.bin")
        with open(data, "wb") as f:
            f.write(bytes(range(7, 250, 3)))
        for strat, extra in (("pct", ()), ("random", ()), ("rr", ()), ("bytes", ("--input", data))):
            code, out, err = run(h, "run", TWO, "--strategy", strat, "--trace", "--frames", "3",
                                 "--out", tmp, *extra)
            check(code == 0, "--strategy %s: exit %d" % (strat, code), out + err)
            traces[strat] = [l for l in out.splitlines() if l.startswith("trace:")]
            check(len(traces[strat]) > 3, "--strategy %s traced no decisions" % strat, out)
        check(len({tuple(t) for t in traces.values()}) == 4, "two strategies gave the same schedule")
    one_line_error(*run(h, "run", TWO, "--strategy", "fastest"), 2, "--strategy")
    one_line_error(*run(h, "run", TWO, "--strategy", "replay"), 2, "hostrace replay")
    one_line_error(*run(h, "run", TWO, "--input", TWO), 2, "--input is for --strategy bytes")
    one_line_error(*run(h, "run", TWO, "--strategy", "bytes", "--input", "/nonexistent"), 2,
                   "cannot open --input")


def case_trace(h):
    """--trace names the step, the thread, the scheduling point with its
    script line, and the thread chosen."""
    code, out, err = run(h, "run", TWO, "--trace", "--frames", "2", "--strategy", "rr")
    check(code == 0, "exit %d" % code, out + err)
    lines = [l for l in out.splitlines() if l.startswith("trace: ") and " step " in l]
    check(lines, "no decision lines", out)
    check(any("two_workers.py:" in l and " -> w" in l for l in lines),
          "no decision names a script line and a worker", "\n".join(lines[:20]))


def case_replay_reproduces(h):
    with tempfile.TemporaryDirectory() as tmp:
        sched = saved_schedule(h, DEADLOCK, tmp)
        with open(sched) as f:
            text = f.read()
        check(text.startswith("hostrace-schedule 1\n") and text.endswith("end\n"), "schedule file form", text[:500])
        for _ in range(3):
            code, out, err = run(h, "replay", sched, "--json")
            rep = json.loads(out)
            check(code == 1 and [f["kind"] for f in rep["findings"]] == ["deadlock"], "replay", out + err)
            check("deadlock_run_on_main_join.py:23" in rep["findings"][0]["detail"],
                  "the deadlock names the join's line", rep["findings"][0]["detail"])


def case_replay_bad_files(h):
    with tempfile.TemporaryDirectory() as tmp:
        sched = saved_schedule(h, DEADLOCK, tmp)
        with open(sched) as f:
            text = f.read()

        def bad(content, *needles):
            p = os.path.join(tmp, "bad.txt")
            with open(p, "w") as f:
                f.write(content)
            one_line_error(*run(h, "replay", p), 2, *needles)

        one_line_error(*run(h, "replay", os.path.join(tmp, "missing.txt")), 2, "cannot open schedule")
        one_line_error(*run(h, "replay", tmp), 2, "schedule")
        bad("", "empty file")
        bad("#!/bin/sh\necho hi\n", "not a hostrace schedule")
        bad(text.replace("hostrace-schedule 1", "hostrace-schedule 7", 1), "version '7'", "version 1")
        lines = text.splitlines(True)
        bad("".join(lines[: len(lines) // 2]), "truncated")
        bad("".join(lines[:-1]), "truncated")
        bad(text.replace("\ndecisions ", "\ndecisions x", 1), "whole number")
        first = next(i for i, l in enumerate(lines) if l.startswith("decisions "))
        bad("".join(lines[: first + 1] + ["zzz\n"] + lines[first + 2:]), "malformed")
        one_line_error(*run(h, "replay"), 2, "missing SCHEDULE_FILE")


def case_replay_other_script(h):
    """A schedule recorded for one script, replayed against another, is
    reported as diverging (exit 2), never replayed silently wrong."""
    with tempfile.TemporaryDirectory() as tmp:
        sched = saved_schedule(h, DEADLOCK, tmp)
        code, out, err = run(h, "replay", sched, "--script", TWO)
        check(code == 2, "exit %d, expected 2" % code, out + err)
        check("diverges" in err and "not the script the schedule was recorded for" in err, "stderr", err)
        check("Traceback" not in err and "Sanitizer" not in err, "harness crash", err)


def case_blocked_outside(h):
    """A call hostrace does not interpose (pause) ends the run with a
    finding naming the blocked thread and its line (not the first thread of
    Python's stack dump), never a silent hang; the watchdog's own path is
    free of TSan reports."""
    code, rep, err = findings(h, os.path.join(CLI, "blocked_pause.py"), "--stall", "2")
    check(code == 1, "exit %d" % code, err)
    kinds = [f["kind"] for f in rep["findings"]]
    check(kinds == ["blocked-outside-scheduler"], "findings %r" % kinds, json.dumps(rep)[:3000])
    f = rep["findings"][0]
    check("pauser" in f["message"] and "blocked_pause.py:16" in f["message"], f["message"])
    check(f["threads"] == [{"name": "pauser", "role": "python"}], json.dumps(f["threads"]))
    check("blocked_pause.py\", line 16 in pauser" in f["detail"], "Python stack in detail", f["detail"])
    # a race inside hostrace's own stall path (the watchdog reading what the
    # stuck thread wrote) would show here: none may
    own = [r for r in err.split("WARNING: ThreadSanitizer")[1:]
           if any(f in r for f in ("watchdog", "stall_finding", "child_finish",
                                   "hr_schedule_write"))]
    check(not own, "a TSan report from hostrace itself", err)


def case_external_call(h):
    """A blocking read on a pipe is an external call: the reader leaves the
    scheduler while it waits, the main thread goes on, and a main thread
    that joins a reader nobody will ever feed is a deadlock that lists the
    reader in its read, with the same signature every time."""
    sigs = set()
    for _ in range(2):
        code, rep, err = findings(h, os.path.join(CLI, "blocked_read.py"), "--stall", "2")
        check(code == 1, "exit %d" % code, err)
        kinds = [f["kind"] for f in rep["findings"]]
        check(kinds == ["deadlock"], "findings %r" % kinds, json.dumps(rep)[:3000])
        f = rep["findings"][0]
        check("thread reader (python): in an external call in io.read at" in f["detail"] and
              "blocked_read.py:12" in f["detail"], "the reader's wait", f["detail"])
        sigs.add(f["signature"])
    check(len(sigs) == 1, "signatures differ: %r" % sigs)


def leftovers(needles):
    """Processes (not this one) whose command line contains a needle."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(n in cmd for n in needles):
            found.append("%s: %s" % (pid, cmd))
    return found


def case_no_process_left(h):
    """What a script starts (a shell and its sleep, a multiprocessing child)
    ends with the schedule: nothing of the run is alive once hostrace
    returned, after run and after replay."""
    script = os.path.join(CLI, "leaves_processes.py")
    needles = ["hostrace-leftover-mark", "leaves_processes.py"]
    check(not leftovers(needles), "processes from an earlier run: %r" % leftovers(needles))
    with tempfile.TemporaryDirectory() as tmp:
        code, out, err = run(h, "run", script, "--frames", "5", "--schedules", "2",
                             "--keep-going", "--out", tmp)
        check(code == 1 and "script-error" in out, "exit %d" % code, out + err)
        left = leftovers(needles)
        check(not left, "left running after run: %r" % left)
        sched = saved_schedule(h, script, tmp)
        code, out, err = run(h, "replay", sched)
        check(code == 1, "replay exit %d" % code, out + err)
        left = leftovers(needles)
        check(not left, "left running after replay: %r" % left)


def case_main_thread(h):
    """The script runs on Python's main thread in every schedule and in a
    free run: threading's main thread, and the interpreter's
    (signal.signal works). The free-threaded build's schedules run on a
    thread that cannot take the interpreter's main thread over
    (docs/design-notes.md, "The schedule server"): signal.signal raises
    there, and this checks that it is that and nothing else."""
    script = os.path.join(CLI, "main_thread.py")
    with tempfile.TemporaryDirectory() as out:
        code, o, e = run(h, "run", script, "--frames", "2", "--schedules", "3", "--json",
                         "--out", out)
        rep = json.loads(o)
        ft = rep.get("python", {}).get("free_threaded")
        kinds = [f["kind"] for f in rep["findings"]]
        if ft:
            check(code == 1 and kinds == ["script-error"] and
                  "signal only works in main thread" in rep["findings"][0]["message"],
                  "free-threaded: expected signal.signal's ValueError only", o + e)
            return
        check(code == 0 and kinds == [], "3 schedules: exit %d, findings %r" % (code, kinds), o + e)
        code, o, e = run(h, "run", script, "--frames", "2", "--strategy", "free")
        check(code == 0, "free run: exit %d" % code, o + e)
        code, o, e = run(h, "run", script, "--frames", "2", "--seed", "7")
        check(code == 0, "seed 7: exit %d" % code, o + e)


def case_shared_server(h):
    """A run told of a shared schedule server (HOSTRACE_SERVER, which
    hostrace minimize and triage set for the runs they start) that is not
    there, closes the connection, or answers in another protocol runs its
    schedules with a server of its own: the same findings as without it,
    none of its schedules counted as shared, no error of its own."""
    import socket
    import threading
    script = os.path.join(HERE, "..", "corpus", "scripts", "deadlock_run_on_main_join.py")
    args = ["run", script, "--schedules", "2", "--keep-going", "--json"]

    def sigs(o):
        return sorted(f["signature"] for f in json.loads(o)["findings"])

    with tempfile.TemporaryDirectory() as tmp:
        code, o, e = run(h, *args, "--out", os.path.join(tmp, "plain"))
        check(code == 1 and sigs(o), "plain run: exit %d" % code, o + e)
        want = sigs(o)

        def fake(path, answer):
            srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            srv.bind(path)
            srv.listen(4)

            def loop():
                while True:
                    try:
                        c, _ = srv.accept()
                    except OSError:
                        return
                    if answer:
                        c.recv(1 << 16)
                        c.sendall(b"\x00" * 12)  # no SERVE_MAGIC
                    c.close()
            threading.Thread(target=loop, daemon=True).start()
            return srv

        for n, (what, answer) in enumerate((("missing", None), ("closing", False),
                                            ("other protocol", True))):
            path = os.path.join(tmp, "sock%d" % n)
            srv = fake(path, answer) if answer is not None else None
            code, o, e = run_env(h, {"HOSTRACE_SERVER": path}, *args,
                                 "--out", os.path.join(tmp, "out%d" % n))
            if srv:
                srv.close()
            check(code == 1 and sigs(o) == want,
                  "%s server: exit %d, findings %r (want %r)" % (what, code, sigs(o), want), o + e)
            check(json.loads(o).get("shared_server_schedules") == 0,
                  "%s server: schedules counted as shared" % what, o)
            check("internal error" not in e, "%s server: an internal error" % what, e)


def case_session_dir(h):
    """bpy.app.tempdir and the user resources are the run's own: empty as
    each schedule, replay and free run starts (session_dir.py fails
    otherwise), and gone from $TMPDIR once the command returned."""
    script = os.path.join(CLI, "session_dir.py")
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as out:
        def cmd(*args):
            return run_env(h, {"TMPDIR": tmp}, *args)

        code, o, e = cmd("run", script, "--frames", "2", "--schedules", "4", "--out", out)
        check(code == 0, "run over 4 schedules: exit %d" % code, o + e)
        check(os.listdir(tmp) == [], "left in TMPDIR after run: %r" % os.listdir(tmp))
        code, o, e = cmd("run", script, "--frames", "2", "--strategy", "free")
        check(code == 0, "free run: exit %d" % code, o + e)
        check(os.listdir(tmp) == [], "left in TMPDIR after a free run: %r" % os.listdir(tmp))
        sched = [os.path.join(r, "schedule.txt") for r, _, fs in os.walk(out) if "schedule.txt" in fs]
        check(len(sched) == 1, "one schedule saved (the thread left waiting): %r" % sched, o)
        for _ in range(2):
            code, o, e = cmd("replay", sched[0], "--json")
            check(code == 0, "replay: exit %d" % code, o + e)
            kinds = [f["kind"] for f in json.loads(o)["findings"]]
            check(kinds == ["thread-outlives-script"], "replay found %r" % kinds, o + e)
        check(os.listdir(tmp) == [], "left in TMPDIR after replay: %r" % os.listdir(tmp))


def case_external_replay(h):
    """Calls that wait for other processes (subprocess, a multiprocessing
    process and queue) complete at recorded steps: the schedule file lists
    them, and every replay completes each at the same step (10 of 10, no
    divergence), with the same finding."""
    script = os.path.join(CLI, "external_replay.py")
    with tempfile.TemporaryDirectory() as tmp:
        sched = saved_schedule(h, script, tmp)
        with open(sched) as f:
            ext = [l for l in f if len(l.split()) > 2 and l.split()[1] in ("-3", "-4")]
        check(len(ext) >= 5, "external calls in the schedule: %d" % len(ext))
        sigs = set()
        for _ in range(10):
            code, out, err = run(h, "replay", sched, "--json")
            check(code == 1, "replay exit %d" % code, out + err)
            rep = json.loads(out)
            sigs.add(tuple(sorted(f["signature"] for f in rep["findings"])))
            check("diverges" not in err, "the replay diverged", err)
        check(len(sigs) == 1, "replays differ: %r" % sigs)


def case_late_thread(h):
    """A thread a timer starts after the script returned, still running when
    the event loop ends, is a thread-outlives-script warning that names the
    timer that started it."""
    code, rep, err = findings(h, os.path.join(CLI, "late_thread.py"), "--frames", "30")
    check(code == 0, "exit %d" % code, err)
    w = [f for f in rep["findings"] if f["kind"] == "thread-outlives-script"]
    check(len(w) == 1, "findings %r" % [f["kind"] for f in rep["findings"]], json.dumps(rep)[:3000])
    m = w[0]["message"]
    check("late-worker" in m and "started by timer start_worker (late_thread.py:11)" in m, m)


def case_fork_with_threads(h):
    """os.fork() while another Python thread runs is a fork-with-threads
    warning at the line of the fork, naming the other thread; the run is
    otherwise clean (exit 0)."""
    code, rep, err = findings(h, os.path.join(CLI, "fork_with_threads.py"))
    check(code == 0, "exit %d" % code, err)
    kinds = [f["kind"] for f in rep["findings"]]
    check(kinds == ["fork-with-threads"], "findings %r" % kinds, json.dumps(rep)[:3000])
    m = rep["findings"][0]["message"]
    check("fork_with_threads.py:14" in m and "(waiter)" in m, m)


def case_mp_start_methods(h):
    """multiprocessing's spawn and forkserver pools work (they start the
    embedded Python's interpreter), over 3 schedules, and leave no process."""
    with tempfile.TemporaryDirectory() as tmp:
        code, out, err = run(h, "run", os.path.join(CLI, "mp_start_methods.py"), "--json",
                             "--frames", "5", "--schedules", "3", "--keep-going", "--out", tmp)
        check(code == 0, "exit %d" % code, out + err)
        rep = json.loads(out)
        check(rep["schedules"] == 3 and not rep["findings"], json.dumps(rep)[:3000], err)
    left = leftovers(["mp_start_methods", "multiprocessing.spawn", "multiprocessing.forkserver"])
    check(not left, "left running: %r" % left)


def case_busy_loop(h):
    """A pure-Python busy loop (no scheduling point) is a hang naming the
    spinning thread, with the same signature every time."""
    sigs = set()
    for _ in range(2):
        code, rep, err = findings(h, os.path.join(CLI, "busy_loop.py"), "--stall", "2")
        check(code == 1, "exit %d" % code, err)
        f = [f for f in rep["findings"] if f["kind"] == "hang"]
        check(len(f) == 1 and "spinner" in f[0]["message"] and "busy loop" in f[0]["message"],
              json.dumps(rep)[:3000])
        sigs.add(f[0]["signature"])
    check(len(sigs) == 1, "signatures differ: %r" % sigs)


def case_sleep_hour(h):
    """Virtual time: sleeping an hour in two threads takes no real hour."""
    code, rep, err = findings(h, os.path.join(CLI, "sleep_hour.py"))
    check(code == 0 and not rep["findings"], "exit %d, findings %r" % (code, rep["findings"]), err)


def case_quiescence(h):
    """Under the scheduler the event loop ends once no script code can run
    again (frames_run in the JSON), and not before."""
    want = {"joined": (0, 0), "timer_5": (5, 6), "timer_forever": (240, 240),
            "handler": (240, 240), "late_thread": (55, 70)}
    for mode, (lo, hi) in sorted(want.items()):
        p = subprocess.run([h, "run", os.path.join(CLI, "quiescence.py"), "--json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                           env=dict(os.environ, HOSTRACE_TEST_MODE=mode))
        err = p.stderr.decode(errors="replace")
        check(p.returncode == 0, "%s: exit %d" % (mode, p.returncode), err)
        rep = json.loads(p.stdout.decode())
        check(rep["frames"] == 240, "%s: frames %r" % (mode, rep["frames"]))
        check(lo <= rep["frames_run"] <= hi,
              "%s: %d frames run, expected %d..%d" % (mode, rep["frames_run"], lo, hi), err)
    # free-running, the loop always runs every frame: nothing to compare,
    # but the run must still end cleanly
    code, out, err = run(h, "run", os.path.join(CLI, "quiescence.py"), "--strategy", "free",
                         "--frames", "5")
    check(code == 0, "free run: exit %d" % code, err)
    # hostrace's detector needs the scheduler: a free run without TSan says
    # that no data race was looked for
    tsan = os.environ.get("HR_SANITIZER") == "thread"
    check(("no data race was looked for" in out) != tsan, "free run: the detector note", out)
    code, out, err = run(h, "run", os.path.join(CLI, "quiescence.py"), "--strategy", "free",
                         "--frames", "5", "--json")
    check(json.loads(out)["detector"] == ("tsan" if tsan else "none"),
          "free run: the detector in the JSON", out)
    code, out, err = run(h, "run", os.path.join(CLI, "quiescence.py"), "--frames", "5", "--json")
    check(json.loads(out)["detector"] == ("tsan" if tsan else "hostrace"),
          "scheduled run: the detector in the JSON", out)
    one_line_error(*run(h, "run", os.path.join(CLI, "quiescence.py"), "--detector", "x"), 2,
                   "--detector")


def case_triage(h):
    """hostrace triage over an AFL++ sync directory and libFuzzer artifacts:
    one directory per signature with a replay that reproduces it, inputs
    without an error listed as flaky, and the same output when re-run."""
    progs = os.path.join(os.path.dirname(HERE), "corpus", "programs")
    build = os.path.dirname(os.path.abspath(h))
    with tempfile.TemporaryDirectory() as tmp:
        def enc(name, path):
            code, out, err = run(h, "encode", os.path.join(progs, name + ".txt"), "-o", path)
            check(code == 0, "encode %s: exit %d" % (name, code), err)
        inst = os.path.join(tmp, "sync", "main")
        for d in ("crashes", "hangs", "queue"):
            os.makedirs(os.path.join(inst, d))
        with open(os.path.join(inst, "fuzzer_stats"), "w") as f:
            f.write("start_time        : 0\ncommand_line      : afl-fuzz -i seeds -o sync -M main "
                    "-- %s/fuzz_program --timeout 45\n" % build)
        enc("deadlock_run_on_main_join", os.path.join(inst, "crashes", "id:000000,sig:06"))
        enc("threads_joined", os.path.join(inst, "hangs", "id:000000,src:000001"))
        os.makedirs(os.path.join(tmp, "lf"))
        enc("deadlock_run_on_main_join", os.path.join(tmp, "lf", "crash-0123abcd"))
        open(os.path.join(tmp, "lf", "notes.txt"), "w").write("not an artifact")

        out = os.path.join(tmp, "findings")
        code, text, err = run(h, "triage", os.path.join(tmp, "sync"), os.path.join(tmp, "lf"),
                              "--out", out)
        check(code == 1, "triage: exit %d, expected 1" % code, text + err)
        check("3 inputs, 1 cause, 1 distinct finding, 1 flaky" in text, "triage summary",
              text + err)
        res = json.load(open(os.path.join(out, "triage.json")))
        check(res["inputs"] == 3, "inputs %r" % res["inputs"])
        check([f["input"] for f in res["flaky"]] ==
              [os.path.join(inst, "hangs", "id:000000,src:000001")], "flaky %r" % res["flaky"])
        sigs = list(res["findings"])
        check(len(sigs) == 1 and res["findings"][sigs[0]]["kind"] == "deadlock" and
              res["findings"][sigs[0]]["count"] == 2, "findings %r" % res["findings"])
        fdir = os.path.join(out, "deadlock-" + sigs[0])
        causes = res["causes"]
        check(len(causes) == 1 and causes[0]["signatures"] == sigs and
              causes[0]["reproducer"] == fdir and causes[0]["count"] == 2 and
              res["findings"][sigs[0]]["cause"] == causes[0]["id"], "causes %r" % causes)
        for name in ("input", "schedule.txt", "report.txt", "finding.json", "repro.py",
                     "replay.sh", "inputs.txt"):
            check(os.path.isfile(os.path.join(fdir, name)), "missing %s" % name)
        check("run_on_main" in open(os.path.join(fdir, "repro.py")).read(), "repro.py is no program")
        check("flaky" not in open(os.path.join(out, "flaky.txt")).read() and
              "id:000000,src:000001" in open(os.path.join(out, "flaky.txt")).read(), "flaky.txt")
        p = subprocess.run([os.path.join(fdir, "replay.sh"), "--json"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=300)
        rep = json.loads(p.stdout.decode())
        check(p.returncode == 1 and sigs[0] in [f["signature"] for f in rep["findings"]],
              "replay.sh: exit %d, findings %r" % (p.returncode, rep.get("findings")),
              p.stderr.decode(errors="replace"))
        check(b"not the script" not in p.stderr, "replay.sh takes repro.py for another script",
              p.stderr.decode(errors="replace"))

        def snapshot():
            snap = {}
            for root, _, files in os.walk(out):
                for name in files:
                    snap[os.path.relpath(os.path.join(root, name), out)] = open(
                        os.path.join(root, name), "rb").read()
            return snap
        first = snapshot()
        code, text, err = run(h, "triage", os.path.join(tmp, "sync"), os.path.join(tmp, "lf"),
                              "--out", out, "--json")
        check(code == 1 and json.loads(text)["inputs"] == 3, "second triage: exit %d" % code, err)
        check(snapshot() == first, "a second triage changed the output")

        one_line_error(*run(h, "triage"), 2, "missing DIR")
        one_line_error(*run(h, "triage", os.path.join(tmp, "nope")), 2, "not a directory")
        one_line_error(*run(h, "triage", os.path.join(inst, "queue")), 2, "no AFL++ instance")
        one_line_error(*run(h, "triage", os.path.join(tmp, "lf"), "--timeout", "x"), 2, "--timeout")




def case_unsupported_api(h):
    """API the mock lacks, probed and caught by the script: still a warning
    per distinct name, with the script line, and the summary says so."""
    script = os.path.join(CLI, "unsupported_api.py")
    code, rep, err = findings(h, script)
    check(code == 0, "warnings only must exit 0, got %d" % code, err)
    gaps = sorted(f["message"].split(" ", 1)[0] for f in rep["findings"]
                  if f["kind"] == "unsupported-api")
    check(gaps == ["Scene.cycles", "bpy.types.GizmoGroup"], "unsupported-api names %r" % gaps)
    check(rep["unsupported_api"] == 2 and rep["errors"] == 0, json.dumps(rep)[:2000])
    check(any("unsupported_api.py:6" in f["message"] for f in rep["findings"]),
          "the script line is named", json.dumps(rep["findings"])[:2000])
    code, out, err = run(h, "run", script, "--frames", "2")
    check("clean, but 2 APIs were not modelled" in out, "the summary says so", out)


def case_addon_forms(h):
    """hostrace addon: a package folder, a single module and a .zip load and
    register; a schedule replays as an add-on run; bad input is one line."""
    import zipfile
    with tempfile.TemporaryDirectory() as d:
        pkg = os.path.join(d, "hr_demo")
        os.makedirs(pkg)
        src = ("bl_info = {'name': 'demo', 'blender': (4, 2, 0)}\n"
               "import bpy\n"
               "class HR_OT_demo(bpy.types.Operator):\n"
               "    bl_idname = 'hr.demo'\n"
               "    bl_label = 'Demo'\n"
               "    size: bpy.props.IntProperty(default=1)\n"
               "    def execute(self, context):\n"
               "        context.window_manager['hr_demo'] = self.size\n"
               "        return {'FINISHED'}\n"
               "class HR_PT_demo(bpy.types.Panel):\n"
               "    bl_label = 'Demo'\n"
               "    bl_space_type = 'VIEW_3D'\n"
               "    bl_region_type = 'UI'\n"
               "    def draw(self, context):\n"
               "        print('drawn', context.window_manager.get('hr_demo'))\n"
               "        self.layout.operator('hr.demo')\n"
               "        self.layout.prop(context.window_manager, '[\"hr_demo\"]')\n"
               "def register():\n"
               "    bpy.utils.register_class(HR_OT_demo)\n"
               "    bpy.utils.register_class(HR_PT_demo)\n"
               "    assert 'hr_demo' in bpy.context.preferences.addons\n"
               "def unregister():\n"
               "    print('unregistered')\n"
               "    bpy.utils.unregister_class(HR_PT_demo)\n"
               "    bpy.utils.unregister_class(HR_OT_demo)\n")
        with open(os.path.join(pkg, "__init__.py"), "w") as f:
            f.write(src)
        single = os.path.join(d, "hr_single.py")
        with open(single, "w") as f:
            f.write(src.replace("'hr_demo' in", "'hr_single' in"))
        zpath = os.path.join(d, "hr_zipped.zip")
        with zipfile.ZipFile(zpath, "w") as z:
            z.writestr("hr_zipped/__init__.py", src.replace("'hr_demo' in", "'hr_zipped' in"))
        for target in (pkg, single, zpath):
            code, out, err = run(h, "addon", target, "--invoke", "hr.demo:size=7",
                                 "--frames", "3", "--out", os.path.join(d, "out"))
            check(code == 0, "addon %s exit %d" % (target, code), out + err)
            check("drawn 7" in out + err and "unregistered" in out + err,
                  "panel drawn after the invoke, unregister() ran", out + err)
        code, out, err = run(h, "addon", os.path.join(d, "nope"))
        one_line_error(code, out, err, 2, "cannot open")
        code, out, err = run(h, "addon", pkg, "--invoke", "nodot")
        one_line_error(code, out, err, 2, "--invoke")
        code, out, err = run(h, "run", single, "--invoke", "hr.demo")
        one_line_error(code, out, err, 2, "--invoke is for")
        # a finding of an add-on run replays as one
        with open(os.path.join(pkg, "__init__.py"), "a") as f:
            f.write("import threading\n"
                    "def _bump():\n"
                    "    for i in range(50):\n"
                    "        bpy.context.window_manager['hr_demo'] = i\n"
                    "threading.Thread(target=_bump).start()\n")
        out_dir = os.path.join(d, "out2")
        code, out, err = run(h, "addon", pkg, "--schedules", "50", "--json", "--out", out_dir)
        rep = json.loads(out)
        # every build sees the race: TSan in a TSan build, hostrace's own
        # detector in the others
        check(code == 1, "the racing add-on must exit 1, got %d" % code, out + err)
        race = next((f for f in rep["findings"] if f["kind"] == "data-race"), None)
        check(race is not None, "a data race between the thread and the panel", out)
        want = "tsan" if os.environ.get("HR_SANITIZER") == "thread" else "hostrace"
        check(race["detector"] == want, "found by %s, not %s" % (want, race["detector"]), out)
        sched = os.path.join(race["saved"], "schedule.txt")
        with open(sched) as f:
            check("addon 1" in f.read(), "the schedule records an add-on run")
        code, out, err = run(h, "replay", sched, "--json")
        check(race["signature"] in {g["signature"] for g in json.loads(out)["findings"]},
              "the replay reproduces the race", out + err)



EXPLORE_ADDON = """bl_info = {'name': 'explore', 'blender': (4, 2, 0)}
import threading
import bpy


def _live_changed(self, context):
    print('user: live', self.live)
    if self.live:
        tool = self
        # the bug: a thread writes a property the panel draws
        threading.Thread(target=lambda: setattr(tool, 'count', tool.count + 1)).start()


class HRX_Props(bpy.types.PropertyGroup):
    count: bpy.props.IntProperty(default=2, min=0, max=50)
    mode: bpy.props.EnumProperty(items=[('A', 'A', ''), ('B', 'B', '')],
                                 update=lambda self, ctx: print('user: mode', self.mode))
    live: bpy.props.BoolProperty(update=_live_changed)


class HRX_OT_bake(bpy.types.Operator):
    bl_idname = 'hrx.bake'
    bl_label = 'Bake'
    steps: bpy.props.IntProperty(default=1)

    @classmethod
    def poll(cls, context):
        return context.scene.hrx.mode == 'B'

    def execute(self, context):
        print('user: bake', self.steps)
        return {'FINISHED'}


class HRX_PT_panel(bpy.types.Panel):
    bl_label = 'Explore'
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'

    def draw(self, context):
        t = context.scene.hrx
        self.layout.prop(t, 'count')
        self.layout.prop(t, 'mode')
        row = self.layout.row()
        row.enabled = %s
        row.prop(t, 'live')
        self.layout.operator('hrx.bake').steps = 9


def register():
    bpy.utils.register_class(HRX_Props)
    bpy.utils.register_class(HRX_OT_bake)
    bpy.utils.register_class(HRX_PT_panel)
    bpy.types.Scene.hrx = bpy.props.PointerProperty(type=HRX_Props)


def unregister():
    del bpy.types.Scene.hrx
    for c in (HRX_PT_panel, HRX_OT_bake, HRX_Props):
        bpy.utils.unregister_class(c)
"""


def user_lines(text):
    return [l for l in text.splitlines() if l.startswith("user: ")]


def case_addon_explore(h):
    """hostrace addon --explore-ui: the schedule acts as a user on what the
    UI drew (property edits, operator buttons whose poll() passes, greyed-out
    rows left alone); the same seed does the same things, a saved schedule
    replays them, and a race that needs a user's click is found only then."""
    with tempfile.TemporaryDirectory() as d:
        pkg = os.path.join(d, "hr_explore")
        os.makedirs(pkg)
        with open(os.path.join(pkg, "__init__.py"), "w") as f:
            f.write(EXPLORE_ADDON % "False")
        # greyed out: the user never touches 'live'; edits mode, clicks bake
        seen = set()
        for seed in range(6):
            code, out, err = run(h, "addon", pkg, "--explore-ui=15", "--seed", str(seed),
                                 "--schedules", "1", "--out", os.path.join(d, "o"))
            check(code == 0, "a greyed-out row: no thread, clean (seed %d)" % seed, out + err)
            seen.update(l.split()[1] for l in user_lines(out))
            if seed == 0:
                first = user_lines(out)
        check("live" not in seen, "the user changed a greyed-out property", str(seen))
        check({"mode", "bake"} <= seen, "the user edits 'mode' and clicks bake once mode is B",
              str(seen))
        code, out, err = run(h, "addon", pkg, "--explore-ui=15", "--seed", "0", "--schedules", "1",
                             "--out", os.path.join(d, "o"))
        check(user_lines(out) == first, "the same seed, the same user", out)
        # without --explore-ui nobody clicks: the loop ends when the add-on is idle
        code, out, err = run(h, "addon", pkg, "--schedules", "3", "--out", os.path.join(d, "o"))
        check(code == 0 and not user_lines(out), "no user without --explore-ui", out + err)
        one_line_error(*run(h, "addon", pkg, "--explore-ui=0"), 2, "--explore-ui")
        one_line_error(*run(h, "run", os.path.join(CLI, "raises.py"), "--explore-ui"), 2,
                       "--explore-ui is for")

        # enabled: a click on 'live' starts the racing thread
        with open(os.path.join(pkg, "__init__.py"), "w") as f:
            f.write(EXPLORE_ADDON % "True")
        code, out, err = run(h, "addon", pkg, "--schedules", "3", "--json",
                             "--out", os.path.join(d, "o"))
        check(code == 0 and not json.loads(out)["findings"],
              "nobody clicks 'live' without --explore-ui: clean", out + err)
        # every build sees the race (TSan, or hostrace's own detector)
        out_dir = os.path.join(d, "o2")
        code, out, err = run(h, "addon", pkg, "--explore-ui", "--schedules", "30", "--json",
                             "--out", out_dir)
        rep = json.loads(out)
        f = next((f for f in rep["findings"] if f["kind"] == "data-race"), None)
        check(code == 1 and f is not None, "the user's click on 'live' leads to a data race",
              out + err)
        sched = os.path.join(f["saved"], "schedule.txt")
        with open(sched) as fh:
            text = fh.read()
        check("explore-ui 20\n" in text and " -2 " in text and "user.action" in text,
              "the schedule records --explore-ui and the user's choices", text[:600])
        code, out, err = run(h, "replay", sched, "--json")
        check(f["signature"] in {g["signature"] for g in json.loads(out)["findings"]},
              "the replay reproduces the finding", out + err)
        # a schedule whose user choice was edited does not fit the run: it says so
        lines = text.splitlines(True)
        i = next(k for k, l in enumerate(lines) if " -2 " in l and "user.action" in l)
        step = lines[i].split()
        lines[i] = " ".join([step[0], "0", step[2]] + step[3:]) + "\n"
        bad = os.path.join(d, "bad.txt")
        with open(bad, "w") as fh:
            fh.write("".join(lines))
        code, out, err = run(h, "replay", bad, "--json")
        check(code == 2 and "diverges" in err and "user.action" in err,
              "an edited user choice diverges (exit 2)", out + err)



def case_bundled_modules(h):
    """numpy and requests, which Blender bundles, import in the embedded
    interpreter (scripts/setup installs Debian's), and foreach_get fills a
    numpy array."""
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, "bundled.py")
        with open(script, "w") as f:
            f.write("import bpy\nimport numpy as np\nimport requests\n"
                    "me = bpy.data.objects['Cube'].data\n"
                    "co = np.zeros(len(me.vertices) * 3, dtype=np.float32)\n"
                    "me.vertices.foreach_get('co', co)\n"
                    "req = requests.Request('GET', 'http://127.0.0.1:9/x', params={'q': 1}).prepare()\n"
                    "print('bundled', len(co), float(np.abs(co).max()), req.url)\n")
        code, out, err = run(h, "run", script, "--out", os.path.join(d, "o"))
        check(code == 0 and "bundled 24 1.0 http://127.0.0.1:9/x?q=1" in out,
              "numpy and requests in the embedded interpreter", out + err)


def run_env(hostrace, env, *args, timeout=300):
    e = dict(os.environ)
    e.update(env)
    p = subprocess.run([hostrace, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, env=e)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def run_temporaries(tmp):
    """What a run left in its TMPDIR, but bpy.app.tempdir (a fixed
    directory, as Blender's user temp folder, not one per run)."""
    return sorted(n for n in os.listdir(tmp) if n != "hostrace-blender-tmp")


def case_process_end(h):
    """A script that ends its own process (os._exit in the script or a
    thread, a signal it sends itself, one from another process, exit() in
    C code) gives a finding: kind, severity and the script's line where
    Python made the call, the schedule saved so it replays. Under
    --keep-going every schedule runs; no exit 3, nothing left running."""
    script = os.path.join(CLI, "process_end.py")
    # how: (kind, exit code, text in the message)
    cases = {
        "exit_main": ("process-exit", 0, "os._exit(0) at process_end.py:38"),
        "exit_thread": ("process-exit", 0, "thread 'ender' ended the process with os._exit(3) "
                                           "at process_end.py:18"),
        "term_thread": ("process-killed", 1, "os.kill (SIGTERM) at process_end.py:20"),
        "kill_thread": ("process-killed", 1, "os.kill (SIGKILL) at process_end.py:22"),
        "killpg": ("process-killed", 1, "os.killpg (SIGTERM) at process_end.py:40"),
        "raise_signal": ("process-killed", 1, "signal.raise_signal (SIGUSR1) at process_end.py:42"),
        "outside": ("process-killed", 1, "died of SIGTERM"),
        "c_exit": ("process-exit", 0, "exited with code 5"),
    }
    for how, (kind, want, text) in cases.items():
        with tempfile.TemporaryDirectory() as tmp:
            code, out, err = run_env(h, {"HOSTRACE_TEST_END": how, "TMPDIR": tmp}, "run", script,
                                     "--schedules", "3", "--keep-going", "--json", "--out",
                                     os.path.join(tmp, "out"))
            check(code == want, "%s: exit %d, expected %d" % (how, code, want), out + err)
            rep = json.loads(out)
            check(rep["schedules"] == 3, "%s: %d schedules ran" % (how, rep["schedules"]))
            f = rep["findings"]
            check([x["kind"] for x in f] == [kind] and f[0]["count"] == 3,
                  "%s: findings %r" % (how, [(x["kind"], x["count"]) for x in f]), out)
            check(text in f[0]["message"], "%s: message %r lacks %r" % (how, f[0]["message"], text))
            check("internal error" not in err, "%s: internal error" % how, err)
            if "process_end.py:" in text:
                sched = os.path.join(f[0]["saved"], "schedule.txt")
                code, rout, rerr = run_env(h, {"HOSTRACE_TEST_END": how}, "replay", sched,
                                           "--json")
                check(code == want and json.loads(rout)["findings"][0]["signature"] ==
                      f[0]["signature"], "%s: replay exit %d" % (how, code), rout + rerr)
            check(run_temporaries(tmp) in (["out"], []),
                  "%s: temporary files left: %r" % (how, os.listdir(tmp)))
            left = leftovers([tmp + "/hostrace-run-"])
            check(not left, "%s: left running: %r" % (how, left))


def case_stopped_process(h):
    """A schedule process stopped by SIGSTOP (from the script's thread, at
    its line, or from another process) is a hang after --stall seconds,
    killed with its group: the parent never waits forever."""
    script = os.path.join(CLI, "process_end.py")
    for how, text in (("stop_thread", "os.kill (SIGSTOP) at process_end.py:24"),
                      ("outside_stop", "stopped by SIGSTOP")):
        with tempfile.TemporaryDirectory() as tmp:
            code, out, err = run_env(h, {"HOSTRACE_TEST_END": how, "TMPDIR": tmp}, "run", script,
                                     "--stall", "2", "--json", "--out", tmp, timeout=120)
            check(code == 1, "%s: exit %d" % (how, code), out + err)
            f = json.loads(out)["findings"]
            check([x["kind"] for x in f] == ["hang"] and text in f[0]["message"],
                  "%s: findings %r" % (how, [(x["kind"], x["message"]) for x in f]), out)
            left = leftovers([tmp + "/hostrace-run-"])
            check(not left, "%s: left running: %r" % (how, left))


def case_crash_sites(h):
    """Two crash sites in two threads are two findings, each named by its
    thread and line, kind crash (a NULL read and an abort are no evidence
    of freed memory); each of 20 schedules finds one (none missed)."""
    script = os.path.join(CLI, "crash_sites.py")
    with tempfile.TemporaryDirectory() as tmp:
        code, out, err = run(h, "run", script, "--schedules", "20", "--keep-going", "--json",
                             "--out", tmp)
        check(code == 1, "exit %d" % code, out + err)
        f = json.loads(out)["findings"]
        got = sorted((x["kind"], x["threads"][0]["name"], x["message"].split(" at ")[1].split(",")[0],
                      x["count"]) for x in f)
        check([g[:3] for g in got] == [("crash", "aborter", "crash_sites.py:21"),
                                       ("crash", "reader", "crash_sites.py:15")],
              "findings %r" % got, out)
        check(sum(g[3] for g in got) == 20, "crashes caught in %d of 20 schedules" %
              sum(g[3] for g in got), out)
        check(any("NULL pointer" in x["message"] for x in f), "no NULL class", out)


def case_excepthook_replaced(h):
    """An exception in a thread is a finding even when the script installs
    a threading.excepthook that swallows it."""
    code, out, err = run(h, "run", os.path.join(CLI, "excepthook_replaced.py"), "--json")
    check(code == 1, "exit %d" % code, out + err)
    f = json.loads(out)["findings"]
    check([x["kind"] for x in f] == ["script-error"] and
          "excepthook_replaced.py:10" in f[0]["message"], "findings %r" % f, out)


def case_interrupted(h):
    """SIGINT, SIGTERM or SIGHUP to `hostrace run` ends the running
    schedule, lists what the schedules so far found (text and JSON), exits
    130 and leaves no process and no temporary directory."""
    script = os.path.join(CLI, "process_end.py")
    for sig, json_out, how in ((signal.SIGINT, False, "exit_thread"),
                               (signal.SIGTERM, True, "exit_thread"),
                               (signal.SIGHUP, False, "exit_thread"),
                               (signal.SIGINT, False, "spin_child")):
        with tempfile.TemporaryDirectory() as tmp:
            # spin_child: each schedule leaves a shell that ignores SIGINT
            # and spins; it ends with its schedule's group
            env = dict(os.environ, HOSTRACE_TEST_END=how, TMPDIR=tmp)
            args = [h, "run", script, "--schedules", "500", "--keep-going", "--out",
                    os.path.join(tmp, "out")] + (["--json"] if json_out else [])
            p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            # wait until a schedule ran (the finding is saved), then signal
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not os.path.isdir(os.path.join(tmp, "out")):
                time.sleep(0.1)
            time.sleep(0.5)
            p.send_signal(sig)
            out, err = p.communicate(timeout=60)
            out, err = out.decode(errors="replace"), err.decode(errors="replace")
            name = signal.Signals(sig).name
            check(p.returncode == 130, "%s: exit %d" % (name, p.returncode), out + err)
            check("interrupted by %s" % name in err, "%s: no interrupt line" % name, err)
            if json_out:
                rep = json.loads(out)
                check(rep["interrupted"] == name and 0 < rep["schedules"] < 500 and
                      [x["kind"] for x in rep["findings"]] == ["process-exit"],
                      "%s: report %r" % (name, rep))
            else:
                check("process-exit" in out and "explored" in out, "%s: no listing" % name, out)
            check(run_temporaries(tmp) == ["out"], "%s: left in TMPDIR: %r" % (name, os.listdir(tmp)))
            left = leftovers([tmp + "/hostrace-run-", "hr-spin-" + tmp])
            check(not left, "%s: left running: %r" % (name, left))


def case_long_c_call(h):
    """A thread inside one long C call (running, its Python frame not
    advancing) is not a busy loop: no hang at --stall 1 for a call of a
    few seconds; a call that outlasts --timeout is a hang naming the
    call's line. A Python loop of the same length stays a hang
    (case_busy_loop)."""
    script = os.path.join(CLI, "long_c_call.py")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        code, out, err = run(h, "run", script, "--stall", "1", "--json", "--out", tmp)
        took = time.monotonic() - t0
        check(code == 0 and json.loads(out)["findings"] == [],
              "exit %d after %.1f s" % (code, took), out + err)
        check(took > 2, "the C call took only %.1f s: no test of --stall 1" % took)
        code, out, err = run_env(h, {"HOSTRACE_TEST_SUM": str(10 ** 12)}, "run", script,
                                 "--stall", "1", "--timeout", "4", "--json", "--out", tmp)
        check(code == 1, "exit %d" % code, out + err)
        f = json.loads(out)["findings"]
        # a free-threaded interpreter's stack dump stops the world, which
        # would wait for the call: there the line is not known
        line = ("a line not known" if f and f[0]["python"]["free_threaded"]
                else "long_c_call.py:11")
        check([x["kind"] for x in f] == ["hang"] and "inside one C call" in f[0]["message"] and
              line in f[0]["message"], "findings %r" % f, out)


def case_killed_parent(h):
    """SIGKILL of `hostrace run` (nothing can be caught): its schedule
    process and what that started die with it within seconds
    (PR_SET_PDEATHSIG and the group), and the next run removes the
    temporary directory the killed one left."""
    script = os.path.join(CLI, "process_end.py")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HOSTRACE_TEST_END="outside_stop", TMPDIR=tmp)
        p = subprocess.Popen([h, "run", script, "--stall", "60", "--out",
                              os.path.join(tmp, "out")], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
        # the schedule process is stopped (SIGSTOP from a subprocess) and
        # would stay so for --stall 60 s: kill hostrace meanwhile
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not leftovers([tmp + "/hostrace-run-"]):
            time.sleep(0.1)
        time.sleep(1)
        check(leftovers([tmp + "/hostrace-run-"]), "no schedule process ever ran")
        p.kill()
        p.communicate(timeout=60)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and leftovers([tmp + "/hostrace-run-"]):
            time.sleep(0.2)
        left = leftovers([tmp + "/hostrace-run-"])
        check(not left, "outlived a SIGKILL of hostrace by 10 s: %r" % left)
        stale = [n for n in run_temporaries(tmp) if n.startswith("hostrace-run-")]
        check(len(stale) == 1, "the killed run's directory: %r" % os.listdir(tmp))
        code, out, err = run_env(h, {"HOSTRACE_TEST_END": "exit_main", "TMPDIR": tmp}, "run",
                                 script, "--out", os.path.join(tmp, "out"))
        check(code == 0, "rerun exit %d" % code, out + err)
        check(run_temporaries(tmp) == ["out"], "left in TMPDIR: %r" % os.listdir(tmp))


def case_triage_interrupted(h):
    """SIGTERM to `hostrace triage` stops the replay it is running, writes
    triage.json for the inputs replayed so far (marked interrupted) and
    exits 130, leaving no replay running."""
    progs = os.path.join(os.path.dirname(HERE), "corpus", "programs")
    with tempfile.TemporaryDirectory() as tmp:
        inst = os.path.join(tmp, "sync", "main")
        for d in ("crashes", "hangs", "queue"):
            os.makedirs(os.path.join(inst, d))
        for i in range(6):
            code, out, err = run(h, "encode", os.path.join(progs, "deadlock_run_on_main_join.txt"),
                                 "-o", os.path.join(inst, "crashes", "id:%06d,sig:06" % i))
            check(code == 0, "encode: exit %d" % code, err)
        out_dir = os.path.join(tmp, "findings")
        env = dict(os.environ, TMPDIR=tmp)
        p = subprocess.Popen([h, "triage", os.path.join(tmp, "sync"), "--out", out_dir],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        # wait for the first input's line, then stop it in the second
        err = b""
        while b"[1/6]" not in err:
            line = p.stderr.readline()
            check(line, "triage ended before its first input", err.decode(errors="replace"))
            err += line
        p.send_signal(signal.SIGTERM)
        out, rest = p.communicate(timeout=120)
        err = (err + rest).decode(errors="replace")
        check(p.returncode == 130, "exit %d" % p.returncode, out.decode(errors="replace") + err)
        check("interrupted after replaying" in err, "no interrupt line", err)
        res = json.load(open(os.path.join(out_dir, "triage.json")))
        check(res.get("interrupted") is True and 1 <= res["replayed"] < 6 and res["inputs"] == 6,
              "triage.json %r" % {k: res.get(k) for k in ("interrupted", "replayed", "inputs")})
        check(len(res["findings"]) == 1, "findings %r" % res["findings"])
        check(not leftovers([tmp + "/"]), "left running: %r" % leftovers([tmp + "/"]))
        check(run_temporaries(tmp) == ["findings", "sync"], "left in TMPDIR: %r" % os.listdir(tmp))


def case_replay_hostile_files(h):
    """replay refuses what is not a small regular schedule file at once:
    /dev/zero, a FIFO, a 1 GiB sparse file, a directory, garbage bytes
    (never echoed raw), out-of-range header values, a cut line."""
    with tempfile.TemporaryDirectory() as tmp:
        sched = saved_schedule(h, DEADLOCK, tmp)
        text = open(sched).read()
        fifo = os.path.join(tmp, "fifo")
        os.mkfifo(fifo)
        sparse = os.path.join(tmp, "sparse")
        with open(sparse, "wb") as f:
            f.truncate(1 << 30)
        for path, needle in (("/dev/zero", "not a regular file"), (fifo, "a FIFO"),
                             (sparse, "256 MiB"), (tmp, "a directory")):
            t0 = time.monotonic()
            one_line_error(*run(h, "replay", path), 2, needle)
            check(time.monotonic() - t0 < 30, "%s took %.0f s" % (path, time.monotonic() - t0))

        def bad(content, *needles):
            p = os.path.join(tmp, "bad.txt")
            with open(p, "wb") as f:
                f.write(content)
            code, out, err = run(h, "replay", p)
            one_line_error(code, out, err, 2, *needles)
            check("\x1b" not in err and "\x01" not in err, "control bytes echoed", repr(err))

        bad(b"\x1b[31m\x01garbage\n", "not a hostrace schedule")
        bad(text.replace("\nthread ", "\n\x1b[2Jthread ", 1).encode(), "\\x1b")
        for key, value, needle in (("frames", "4000000000", "frames must be"),
                                   ("pct-depth", "0", "pct-depth must be"),
                                   ("pct-steps", "0", "pct-steps must be")):
            lines = [("%s %s\n" % (key, value)) if l.startswith(key + " ") else l
                     for l in text.splitlines(True)]
            bad("".join(lines).encode(), needle)
        lines = text.splitlines(True)
        cut = "".join(lines[:3]) + lines[3][:2]
        bad(cut.encode(), "truncated", "line 4")


CASES = {n[5:]: f for n, f in sorted(globals().items()) if n.startswith("case_")}


def main():
    if len(sys.argv) != 3 or (sys.argv[2] != "all" and sys.argv[2] not in CASES):
        sys.exit("usage: cli_check.py HOSTRACE CASE|all (cases: %s)" % ", ".join(CASES))
    names = list(CASES) if sys.argv[2] == "all" else [sys.argv[2]]
    failed = 0
    for n in names:
        try:
            CASES[n](sys.argv[1])
            print("ok", n)
        except AssertionError as e:
            failed += 1
            print("FAIL", n, "-", e)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
