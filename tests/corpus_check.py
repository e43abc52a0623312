#!/usr/bin/env python3
"""Checks one corpus script against the expectation in its header, under
the deterministic scheduler:

    # expect: data-race, thread-outlives-script     (or: # expect: clean)
    # expect-free-threaded: data-race                (optional)

The second line, where present, replaces the first in a build that embeds a
free-threaded interpreter (--free-threaded: the ft-tsan preset), whose runs
must then also say that the GIL stayed off.

Unsafe in this build (an expected error kind this build can detect):
  `hostrace run SCRIPT --strategy pct --seed 0 --schedules N` must stop with
  an expected error-level finding, every finding's kind must be expected (or
  --allow'ed), and the saved schedule of the first error must reproduce it
  (same signature, same exit code) in each of --replays fresh `hostrace
  replay` processes. For a data race, a replay that shows a race on the
  same write (site, role and Python line) paired by TSan with another of
  the reads that race with it also counts, and is counted apart: which
  earlier read TSan keeps depends on the process's own history, which
  differs between the exploring run and a replay at some checkout paths
  (docs/design-notes.md, "Which race TSan reports").
Clean in this build: over --clean-schedules schedules (--keep-going) no
  error-level finding, and every expected warning shows.

A script whose schedules wait for other processes in real time says so in
its header ('# timing: real (...)'): its clean schedules are capped at
REAL_TIMING_CLEAN (each waits for processes it starts), and it has no
determinism test (when another process answers is not the script's input;
its saved schedules still replay exactly).

A sanitizer-detected kind (data-race, lock-order-inversion) is only expected
of a build whose sanitizer sees it; a use-after-free may show where a data
race is expected (a race on a buffer that is freed or moved can crash first).
The exit code of every run must say whether an error-level finding exists.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ERROR_KINDS = {"data-race", "use-after-free", "deadlock", "lock-order-inversion", "assertion",
               "hang", "blocked-outside-scheduler", "invariant-broken", "script-error", "crash",
               "process-killed"}
WARNING_KINDS = {"thread-outlives-script", "operator-refused", "fork-with-threads",
                 "process-exit"}
# which sanitizer builds can see each sanitizer-detected kind
DETECTED_BY = {"data-race": {"thread", "address", "none"},  # TSan; hostrace's detector
               "lock-order-inversion": {"thread"},
               "use-after-free": {"address", "thread", "none"}}  # a crash, without ASan
# every run gets this virtual-time budget: no scenario needs more than a few
# virtual seconds, and a hang is found in a tenth of the default's time
MAX_VTIME = "600"


REAL_TIMING_CLEAN = 100


def real_timing(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                return False
            if line[1:].strip().startswith("timing: real"):
                return True
    return False


def skip_reason(path, free_threaded):
    """'# skip-free-threaded: REASON': the scenario's check does not hold in
    a free-threaded build, for the reason given (the test is reported as
    skipped there, never as passed)."""
    if not free_threaded:
        return None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                return None
            body = line[1:].strip()
            if body.startswith("skip-free-threaded:"):
                return body[len("skip-free-threaded:"):].strip() or "no reason given"
    return None


SKIPPED = 77  # ctest's SKIP_RETURN_CODE for the corpus tests


def parse_header(path, free_threaded=False):
    expect = expect_ft = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("#"):
                break
            body = line[1:].strip()
            if body.startswith("expect:"):
                expect = {k.strip() for k in body[7:].split(",") if k.strip()}
            elif body.startswith("expect-free-threaded:"):
                expect_ft = {k.strip() for k in body[21:].split(",") if k.strip()}
    if expect is None:
        sys.exit("%s: no '# expect:' line in the header" % path)
    if free_threaded and expect_ft is not None:
        expect = expect_ft
    expect.discard("clean")
    unknown = expect - ERROR_KINDS - WARNING_KINDS
    if unknown:
        sys.exit("%s: unknown kinds in '# expect:': %s" % (path, ", ".join(sorted(unknown))))
    return expect


FREE_THREADED = False


def run_json(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=3600)
    try:
        report = json.loads(p.stdout)
    except ValueError:
        raise SystemExit("FAIL: `%s` exit %d, output is not JSON; stderr tail:\n%s"
                         % (" ".join(cmd), p.returncode, p.stderr.decode(errors="replace")[-3000:]))
    py = report.get("python", {})
    if FREE_THREADED and not (py.get("free_threaded") and py.get("gil") is False):
        raise SystemExit("FAIL: `%s` did not run without the GIL: %s" % (" ".join(cmd), py))
    return p.returncode, report


def write_key(f):
    """The racing write of a data-race finding: (site, role, file:line)."""
    return sorted((a.get("site"), a.get("role"), str(a.get("python")))
                  for a in f.get("accesses", []) if a.get("access") == "write")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("hostrace")
    ap.add_argument("script")
    ap.add_argument("--schedules", type=int, default=200, help="pct schedules to find the bug in")
    ap.add_argument("--clean-schedules", type=int, default=1000)
    ap.add_argument("--replays", type=int, default=20)
    ap.add_argument("--sanitizer", choices=("thread", "address", "none"), default="thread")
    ap.add_argument("--host", action="append", default=[], help="host switch, passed on")
    ap.add_argument("--expect", help="override the header's kinds (comma separated; 'clean' for none)")
    ap.add_argument("--allow", default="", help="kinds that may appear without being required")
    ap.add_argument("--free-threaded", action="store_true",
                    help="the build embeds a free-threaded interpreter: '# expect-free-threaded:' "
                         "applies, and every run must report the GIL off")
    args = ap.parse_args()

    global FREE_THREADED
    FREE_THREADED = args.free_threaded
    why = skip_reason(args.script, args.free_threaded)
    if why:
        print("%s: skipped in a free-threaded build: %s" % (os.path.basename(args.script), why))
        sys.exit(SKIPPED)
    expect = parse_header(args.script, args.free_threaded)
    if real_timing(args.script):
        args.clean_schedules = min(args.clean_schedules, REAL_TIMING_CLEAN)
    if args.expect is not None:
        expect = {k.strip() for k in args.expect.split(",") if k.strip()} - {"clean"}
    allowed = {k.strip() for k in args.allow.split(",") if k.strip()}
    if "data-race" in expect:  # a race can also end in a crash
        allowed |= {"use-after-free", "crash"}
    # a kind this build's sanitizer cannot see is not required of it
    for kind, builds in DETECTED_BY.items():
        if kind in expect and args.sanitizer not in builds:
            expect.discard(kind)
    errors_expected = expect & ERROR_KINDS
    name = os.path.basename(args.script)
    label = name + ((" with " + " ".join(args.host)) if args.host else "")
    out = tempfile.mkdtemp(prefix="hostrace-corpus-")
    base = [args.hostrace, "run", args.script, "--json", "--strategy", "pct", "--seed", "0",
            "--max-vtime", MAX_VTIME, "--out", out]
    for h in args.host:
        base += ["--host", h]
    failures = []

    if errors_expected:
        code, report = run_json(base + ["--schedules", str(args.schedules)])
        found = report["findings"]
        kinds = {f["kind"] for f in found}
        errors = [f for f in found if f["severity"] == "error"]
        print("%s: expected %s; pct found %s after %d of %d schedules"
              % (label, ", ".join(sorted(expect)), ", ".join(sorted(kinds)) or "nothing",
                 report["schedules"], args.schedules))
        if code != (1 if errors else 0):
            failures.append("exit code %d with %d error-level findings" % (code, len(errors)))
        if not errors or errors[0]["kind"] not in errors_expected:
            failures.append("no expected error kind (%s) within %d schedules"
                            % (", ".join(sorted(errors_expected)), args.schedules))
        for f in found:
            if f["kind"] not in expect and f["kind"] not in allowed:
                failures.append("unexpected %s: %s" % (f["kind"], f["message"]))
        for kind in sorted(expect - kinds - allowed):
            failures.append("expected %s not found" % kind)
        if errors and "saved" in errors[0]:
            first = errors[0]
            sched = os.path.join(first["saved"], "schedule.txt")
            same = other_read = 0
            for i in range(args.replays):
                rcode, rep = run_json([args.hostrace, "replay", sched, "--json"])
                sigs = {f["signature"] for f in rep["findings"]}
                if rcode == 1 and first["signature"] in sigs:
                    same += 1
                elif (rcode == 1 and first["kind"] == "data-race" and write_key(first) and
                      any(f["kind"] == "data-race" and write_key(f) == write_key(first)
                          for f in rep["findings"])):
                    other_read += 1
                elif len(failures) < 20:
                    failures.append("replay %d: exit %d, signatures %s; wanted %s"
                                    % (i, rcode, sorted(sigs), first["signature"]))
            print("%s: replaying %s reproduced %s %d/%d%s" % (
                label, sched, first["kind"], same, args.replays,
                " (%d more: the same write, paired with another read)" % other_read
                if other_read else ""))
        elif errors:
            failures.append("the first error was not saved with its schedule")
    else:
        code, report = run_json(base + ["--schedules", str(args.clean_schedules), "--keep-going"])
        found = report["findings"]
        kinds = {f["kind"] for f in found}
        errors = [f for f in found if f["severity"] == "error"]
        print("%s: expected %s; over %d schedules found %s"
              % (label, ", ".join(sorted(expect)) or "clean", report["schedules"],
                 ", ".join(sorted(kinds)) or "nothing"))
        if code != (1 if errors else 0):
            failures.append("exit code %d with %d error-level findings" % (code, len(errors)))
        for f in errors:
            failures.append("error-level %s (%s, first in schedule %s): %s"
                            % (f["kind"], f["signature"], f.get("schedule_index"), f["message"]))
        for f in found:
            if f["kind"] not in expect and f["kind"] not in allowed and f["severity"] != "error":
                failures.append("unexpected %s: %s" % (f["kind"], f["message"]))
        for kind in sorted(expect - kinds):
            failures.append("expected %s not found" % kind)

    for line in failures[:20]:
        print("FAIL:", line)
    if failures:
        print("FAILED (%d problems); findings saved in %s" % (len(failures), out))
        return 1
    shutil.rmtree(out, ignore_errors=True)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
