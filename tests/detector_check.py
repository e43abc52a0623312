#!/usr/bin/env python3
"""hostrace's own race detector against TSan, and its determinism.

agree HOSTRACE CORPUS_DIR [--schedules N]
    HOSTRACE is a TSan build. Every corpus script that expects a data race
    (its '# expect:' header) runs with --detector both over N pct schedules
    from seed 0 (--keep-going). Every race TSan reports between two
    annotated accesses (sites named by SCHED_ACCESS, which the detector
    sees) must be one the detector reports too, with the same signature in
    the same run ("detector": "both"); races at memory no annotation covers
    (a site that is a C function) are TSan's alone, and races the detector
    alone reports are listed (TSan reports a pair of accesses once per
    process and drops a race whose earlier access left its history). The
    detector must find a race in every such script.

determinism HOSTRACE... --script S [--script S ...] [--runs 20]
    Each HOSTRACE (a release, asan or tsan build; missing ones are named
    and left out, and fewer than two present skips with 77) runs each script
    --runs times with --detector hostrace, 3 pct schedules from seed 0,
    alternately from two working directories of different path lengths and
    with an environment padded by a variable of a different size each run.
    The set of data-race signatures must be the same in every run of every
    build: the detector decides from the schedule alone.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SKIPPED = 77
# an annotation's site id ("draw.object.transform"); a C function has no dot
SITE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from findings_check import expects_race  # noqa: E402


def run(hostrace, script, args, cwd=None, env=None):
    with tempfile.TemporaryDirectory(prefix="hostrace-det-") as out:
        p = subprocess.run([hostrace, "run", os.path.abspath(script), "--json", "--seed", "0",
                            "--keep-going", "--max-vtime", "600", "--out", out] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env,
                           timeout=1800)
    if p.returncode not in (0, 1):
        raise SystemExit("FAIL: %s %s: exit %d\n%s" % (hostrace, script, p.returncode,
                                                       p.stderr.decode(errors="replace")[-2000:]))
    return json.loads(p.stdout)


def annotated(f):
    return all(SITE_RE.match(a.get("site", "")) for a in f.get("accesses", []))


def agree(args):
    scripts = sorted(os.path.join(args.corpus, n) for n in os.listdir(args.corpus)
                     if n.endswith(".py") and expects_race(os.path.join(args.corpus, n)))
    failures = []
    totals = {"both": 0, "tsan": 0, "hostrace": 0}
    for s in scripts:
        rep = run(args.hostrace, s, ["--detector", "both", "--schedules", str(args.schedules)])
        races = [f for f in rep["findings"] if f["kind"] == "data-race"]
        by = {"both": [], "tsan": [], "hostrace": []}
        for f in races:
            by.setdefault(f.get("detector", "?"), []).append(f)
        for k in totals:
            totals[k] += len(by[k])
        name = os.path.basename(s)
        print("%s: %d races: %d both, %d TSan only, %d hostrace only"
              % (name, len(races), len(by["both"]), len(by["tsan"]), len(by["hostrace"])))
        for f in by["tsan"]:
            if annotated(f):
                failures.append("%s: TSan alone found a race between annotated accesses: %s %s"
                                % (name, f["signature"], f["message"]))
            else:
                print("    TSan only (memory no annotation covers): %s %s"
                      % (f["signature"], f["message"]))
        for f in by["hostrace"]:
            print("    hostrace only: %s %s" % (f["signature"], f["message"]))
        if not by["both"] and not by["hostrace"]:
            failures.append("%s: hostrace's detector found no race" % name)
        for k in set(by) - set(totals):
            failures.append("%s: races with detector %r" % (name, k))
    print("all: %d both, %d TSan only, %d hostrace only"
          % (totals["both"], totals["tsan"], totals["hostrace"]))
    return failures


def determinism(args):
    builds = []
    for b in args.hostrace:
        if os.access(b, os.X_OK):
            builds.append(b)
        else:
            print("not built, left out: %s" % b)
    if len(builds) < 2:
        print("fewer than two builds: skipped")
        sys.exit(SKIPPED)
    failures = []
    with tempfile.TemporaryDirectory(prefix="d") as short, \
            tempfile.TemporaryDirectory(prefix="hostrace-determinism-long-directory-") as longer:
        for s in args.script:
            seen = {}
            for b in builds:
                for i in range(args.runs):
                    env = dict(os.environ)
                    env["HOSTRACE_CHECK_PAD"] = "x" * (i * 37 % 300)
                    rep = run(b, s, ["--detector", "hostrace", "--schedules", "3"],
                              cwd=short if i % 2 else longer, env=env)
                    sigs = tuple(sorted(f["signature"] for f in rep["findings"]
                                        if f["kind"] == "data-race"))
                    seen.setdefault(sigs, []).append("%s run %d" % (b, i))
            name = os.path.basename(s)
            if len(seen) != 1:
                failures.append("%s: %d different sets of data-race signatures: %s"
                                % (name, len(seen), "; ".join("%s in %s" % (list(k), v[:3])
                                                              for k, v in seen.items())))
            else:
                sigs = next(iter(seen))
                print("%s: %d runs in %d builds, the same %d data-race signatures"
                      % (name, args.runs * len(builds), len(builds), len(sigs)))
                if not sigs:
                    failures.append("%s: no data race found" % name)
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    a = sub.add_parser("agree")
    a.add_argument("hostrace")
    a.add_argument("corpus")
    a.add_argument("--schedules", type=int, default=10)
    d = sub.add_parser("determinism")
    d.add_argument("hostrace", nargs="+")
    d.add_argument("--script", action="append", required=True)
    d.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    failures = agree(args) if args.mode == "agree" else determinism(args)
    for f in failures:
        print("FAIL:", f)
    print("FAILED" if failures else "ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
