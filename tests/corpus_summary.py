#!/usr/bin/env python3
"""Runs each script once under `hostrace run --json`, keeps the reports in
OUT, and prints one line per script: expected kinds, found kinds, verdict.
Usage: corpus_summary.py HOSTRACE OUT SCRIPT..."""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_check import parse_header  # noqa: E402


def main():
    hostrace, out, scripts = sys.argv[1], sys.argv[2], sys.argv[3:]
    mismatched = 0
    print("%-32s %-40s %s" % ("script", "expected", "found"))
    for i, script in enumerate(scripts, 1):
        expect, needs = parse_header(script)
        name = os.path.splitext(os.path.basename(script))[0]
        t0 = time.monotonic()
        p = subprocess.run([hostrace, "run", script, "--json"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=600)
        with open(os.path.join(out, name + ".json"), "wb") as f:
            f.write(p.stdout)
        with open(os.path.join(out, name + ".stderr"), "wb") as f:
            f.write(p.stderr)
        try:
            found = {}
            for fd in json.loads(p.stdout)["findings"]:
                found[fd["kind"]] = found.get(fd["kind"], 0) + 1
        except ValueError:
            found = {"<no report: exit %d>" % p.returncode: 1}
        ok = set(found) == expect or ("scheduler" in needs and set(found) <= expect)
        mismatched += not ok
        shown = ", ".join("%s x%d" % (k, n) if n > 1 else k for k, n in sorted(found.items()))
        note = "" if ok else "   <- differs"
        if "scheduler" in needs and not ok:
            note = "   <- differs"
        elif "scheduler" in needs and set(found) != expect:
            note = "   (needs the scheduler's interleavings to be certain)"
        print("%-32s %-40s %s%s  [%.1fs]" % (name, ", ".join(sorted(expect)) or "clean",
                                            shown or "clean", note, time.monotonic() - t0))
        sys.stdout.flush()
    print("\n%d scripts, %d as expected, %d differ; reports in %s/" % (
        len(scripts), len(scripts) - mismatched, mismatched, out))
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
