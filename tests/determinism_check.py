#!/usr/bin/env python3
"""Determinism: the same script, strategy and seed give the same
interleaving and the same findings, every run.

Runs `hostrace run SCRIPT --seed 0 --schedules SEEDS --keep-going --trace`
RUNS times (each schedule in a fresh process) and requires every run to
print the identical decision trace (every decision of every seed: step,
thread, scheduling point, script line, thread chosen) and the identical
set of distinct findings (kind, signature, message), with the same exit
code. Neither the order in which findings are listed (by the first
schedule that found each) nor how often TSan reported one race ("seen N
times") is compared: see docs/design-notes.md, "Which race TSan reports".

With --races-by-signature (the free-threaded TSan build), a data race is
compared by its signature (the unordered pair of sites) and not by the
accesses its message describes: there the interpreter is itself built with
TSan, its own waits count TSan events by real time, and which of a pair of
sites' racing accesses TSan reports (thread 1's read and thread 2's write,
or the other way round) can differ between runs of one schedule (see
docs/design-notes.md, "Which race TSan reports").

Usage: determinism_check.py HOSTRACE SCRIPT [--seeds 10] [--runs 20]
                            [--strategy pct] [--races-by-signature]
                            [extra hostrace options...]
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile

FINDING = re.compile(r"^(ERROR|WARNING) \[[0-9a-f]{16}\] ")
SEEN = re.compile(r" \(seen \d+ times\)$")
RACE = re.compile(r"^((ERROR|WARNING) \[[0-9a-f]{16}\] data-race): ")


def normalise(stdout, races_by_signature=False):
    """The decision trace in order, then the distinct findings sorted: the
    order in which findings are listed is the order of the first schedule
    that found each, and under TSan a schedule whose one write races with
    two earlier reads can name either pair first (docs/design-notes.md,
    "Which race TSan reports"). The set of distinct findings over the
    schedules must be the same in every run."""
    trace, findings = [], []
    for line in stdout.splitlines():
        if line.startswith("trace:"):
            trace.append(line)
        elif FINDING.match(line):
            line = SEEN.sub("", line)
            race = RACE.match(line)
            if races_by_signature and race:
                line = race.group(1)
            findings.append(line)
    return trace + sorted(findings)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("hostrace")
    ap.add_argument("script")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--strategy", default="pct")
    ap.add_argument("--races-by-signature", action="store_true")
    args, extra = ap.parse_known_args()
    out = tempfile.mkdtemp(prefix="hostrace-det-")
    cmd = [args.hostrace, "run", args.script, "--strategy", args.strategy, "--seed", "0",
           "--schedules", str(args.seeds), "--keep-going", "--trace", "--max-vtime", "600",
           "--out", out] + extra
    first = None
    first_code = None
    for i in range(args.runs):
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=3600)
        lines = normalise(p.stdout.decode(errors="replace"), args.races_by_signature)
        decisions = sum(1 for l in lines if l.startswith("trace:") and " step " in l)
        if p.returncode not in (0, 1):
            print("FAIL: run %d: exit %d\n%s" % (i, p.returncode, p.stderr.decode(errors="replace")[-3000:]))
            return 1
        if first is None:
            first, first_code = lines, p.returncode
            findings = [l for l in lines if not l.startswith("trace:")]
            print("%s: %d seeds, %d decisions, %d findings: %s" % (
                args.script, args.seeds, decisions, len(findings),
                "; ".join(sorted(set(l.split("] ", 1)[1].split(":", 1)[0] for l in findings))) or "none"))
            if decisions == 0:
                print("FAIL: no decision was traced (no choice point in %d schedules?)" % args.seeds)
                return 1
            continue
        if p.returncode != first_code or lines != first:
            diff = next((k for k, (a, b) in enumerate(zip(first, lines)) if a != b), min(len(first), len(lines)))
            print("FAIL: run %d differs from run 0 (exit %d vs %d), first at line %d:\n  run 0: %s\n  run %d: %s"
                  % (i, p.returncode, first_code, diff, first[diff] if diff < len(first) else "(end)",
                     i, lines[diff] if diff < len(lines) else "(end)"))
            return 1
    shutil.rmtree(out, ignore_errors=True)
    print("ok: %d runs identical" % args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
