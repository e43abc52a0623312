#!/usr/bin/env python3
"""The main job's report: explores each script's schedules with
`hostrace run --strategy pct --schedules N --json` (stopping at the first
error-level finding), keeps the reports and the findings (each with the
schedule that replays it) in OUT, and prints one line per script: expected
kinds, found kinds, schedules explored, and the replay command of its first
error. Usage: corpus_summary.py HOSTRACE OUT SCHEDULES SCRIPT..."""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_check import DETECTED_BY, parse_header  # noqa: E402


def main():
    hostrace, out, schedules, scripts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    sanitizer = os.environ.get("HOSTRACE_SANITIZER", "thread")
    mismatched = 0
    print("%-32s %-36s %-36s %s" % ("script", "expected", "found", "schedules"))
    for script in scripts:
        expect = parse_header(script)
        for kind, builds in DETECTED_BY.items():
            if kind in expect and sanitizer not in builds:
                expect.discard(kind)
        name = os.path.splitext(os.path.basename(script))[0]
        t0 = time.monotonic()
        p = subprocess.run([hostrace, "run", script, "--json", "--strategy", "pct", "--seed", "0",
                            "--schedules", schedules, "--out", os.path.join(out, "findings")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=3600)
        with open(os.path.join(out, name + ".json"), "wb") as f:
            f.write(p.stdout)
        with open(os.path.join(out, name + ".stderr"), "wb") as f:
            f.write(p.stderr)
        replay = ""
        try:
            report = json.loads(p.stdout)
            found = {}
            for fd in report["findings"]:
                found[fd["kind"]] = found.get(fd["kind"], 0) + 1
                if not replay and fd["severity"] == "error" and "saved" in fd:
                    replay = "hostrace replay %s/schedule.txt" % fd["saved"]
            explored = report["schedules"]
        except ValueError:
            found = {"<no report: exit %d>" % p.returncode: 1}
            explored = 0
        ok = set(found) <= expect | ({"use-after-free", "crash"} if "data-race" in expect else set()) \
            and expect & set(found) == expect
        mismatched += not ok
        shown = ", ".join(sorted(found)) or "clean"
        print("%-32s %-36s %-36s %3d  [%.1fs]%s" % (name, ", ".join(sorted(expect)) or "clean",
                                                 shown, explored, time.monotonic() - t0,
                                                 "" if ok else "   <- differs"))
        if replay:
            print("%-32s   %s" % ("", replay))
        sys.stdout.flush()
    print("\n%d scripts, %d as expected, %d differ; reports and findings in %s/" % (
        len(scripts), len(scripts) - mismatched, mismatched, out))
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
