#!/usr/bin/env python3
"""Runs one corpus script under `hostrace run --json` several times and
checks its findings against the expectation in the script's header:

    # expect: data-race, thread-outlives-script     (or: # expect: clean)
    # needs: scheduler                              (optional)

Until the deterministic scheduler lands, threads run freely, so:
- a sanitizer-detected kind (data-race, use-after-free, lock-order-inversion)
  must be found in at least --min-hits of --runs runs, and only in a build
  whose sanitizer detects it;
- every other expected kind must be found in every run;
- a kind that is not expected must be found in no run;
- a script marked `needs: scheduler` may show its expected kinds but need not;
- where a data race is expected, a use-after-free may show too: a race on a
  buffer that is freed or moved can crash before (or instead of) a report.
The exit code of every run must say whether an error-level finding exists.
"""

import argparse
import json
import os
import subprocess
import sys

ERROR_KINDS = {"data-race", "use-after-free", "deadlock", "lock-order-inversion", "assertion",
               "hang", "blocked-outside-scheduler", "invariant-broken", "script-error"}
WARNING_KINDS = {"thread-outlives-script", "operator-refused"}
# which sanitizer builds can see each sanitizer-detected kind
DETECTED_BY = {"data-race": {"thread"}, "lock-order-inversion": {"thread"},
               "use-after-free": {"address", "thread", "none"}}  # a crash, without ASan


def parse_header(path):
    expect, needs = None, set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("#"):
                break
            body = line[1:].strip()
            if body.startswith("expect:"):
                expect = {k.strip() for k in body[7:].split(",") if k.strip()}
            elif body.startswith("needs:"):
                needs |= {k.strip() for k in body[6:].split(",") if k.strip()}
    if expect is None:
        sys.exit("%s: no '# expect:' line in the header" % path)
    expect.discard("clean")
    unknown = expect - ERROR_KINDS - WARNING_KINDS
    if unknown:
        sys.exit("%s: unknown kinds in '# expect:': %s" % (path, ", ".join(sorted(unknown))))
    return expect, needs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("hostrace")
    ap.add_argument("script")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--min-hits", type=int, default=18)
    ap.add_argument("--sanitizer", choices=("thread", "address", "none"), default="thread")
    ap.add_argument("--host", action="append", default=[], help="host switch, passed on")
    ap.add_argument("--expect", help="override the header's kinds (comma separated; 'clean' for none)")
    ap.add_argument("--allow", default="", help="kinds that may appear without being required")
    ap.add_argument("--frames", type=int)
    args = ap.parse_args()

    expect, needs = parse_header(args.script)
    if args.expect is not None:
        expect = {k.strip() for k in args.expect.split(",") if k.strip()} - {"clean"}
    allowed = {k.strip() for k in args.allow.split(",") if k.strip()}
    if "data-race" in expect:
        allowed.add("use-after-free")
    if "scheduler" in needs:
        allowed |= expect  # free-running threads may or may not interleave this way
        expect = set()
    # a kind this build's sanitizer cannot see is not required of it
    for kind, builds in DETECTED_BY.items():
        if kind in expect and args.sanitizer not in builds:
            expect.discard(kind)

    cmd = [args.hostrace, "run", args.script, "--json"]
    for h in args.host:
        cmd += ["--host", h]
    if args.frames is not None:
        cmd += ["--frames", str(args.frames)]

    seen = {}
    failures = []
    for i in range(args.runs):
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        except subprocess.TimeoutExpired:
            failures.append("run %d: hostrace did not finish in 300 s" % i)
            continue
        try:
            report = json.loads(p.stdout)
        except ValueError:
            failures.append("run %d: exit %d, output is not JSON; stderr tail:\n%s"
                            % (i, p.returncode, p.stderr.decode(errors="replace")[-2000:]))
            continue
        kinds = {f["kind"] for f in report["findings"]}
        for k in kinds:
            seen[k] = seen.get(k, 0) + 1
        has_error = any(f["severity"] == "error" for f in report["findings"])
        if p.returncode != (1 if has_error else 0):
            failures.append("run %d: exit code %d but %s error-level finding"
                            % (i, p.returncode, "an" if has_error else "no"))
        for f in report["findings"]:
            if f["kind"] not in expect and f["kind"] not in allowed:
                failures.append("run %d: unexpected %s: %s" % (i, f["kind"], f["message"]))

    name = os.path.basename(args.script)
    print("%s%s: expected %s; over %d runs found %s" % (
        name, (" with " + " ".join(args.host)) if args.host else "",
        ", ".join(sorted(expect)) or "clean", args.runs,
        ", ".join("%s %d/%d" % (k, n, args.runs) for k, n in sorted(seen.items())) or "nothing"))
    for kind in sorted(expect):
        need = min(args.min_hits, args.runs) if kind in DETECTED_BY else args.runs
        if seen.get(kind, 0) < need:
            failures.append("%s found in %d of %d runs, needs %d" % (kind, seen.get(kind, 0), args.runs, need))
    # keep the report short: the first few distinct failure lines
    uniq = list(dict.fromkeys(f.split(": ", 1)[-1] if f.startswith("run ") else f for f in failures))
    for line in uniq[:10]:
        print("FAIL:", line)
    if failures:
        print("FAILED (%d problems)" % len(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
