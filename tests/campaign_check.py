#!/usr/bin/env python3
"""The campaign end to end, through scripts/campaign as the README runs it
(the builds must exist: scripts/test builds them first).

1. A program campaign (--minutes 1, two AFL++ instances: TSan and ASan)
   from the seed corpus must end with exit 1, print its status lines,
   list at least one data race, and the replay command it prints for each
   of three error findings must reproduce that finding's signature.
2. A schedule campaign on a clean corpus script must end with exit 0 and
   no error-level finding.
3. An add-on campaign (--addon corpus/addons/live_link: its race needs a
   user's tick, which the input's bytes choose) must fuzz (execs > 0), end
   with exit 1, and its replay command must reproduce a data race.

Usage: campaign_check.py [--minutes M]
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def campaign(args, out):
    cmd = [os.path.join(ROOT, "scripts/campaign"), "--no-build", "--out", out] + args
    env = dict(os.environ, CI="1")  # the one-line status, not AFL++'s screen
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, timeout=1800)
    text = r.stdout.decode(errors="replace")
    return r.returncode, text


def reproduces(sig, g, out):
    """Runs the replay command the campaign printed for finding g: does it
    show signature sig? Prints why not."""
    cmd = shlex.split(g["replay"])
    cmd[0] = os.path.join(ROOT, cmd[0])
    r = subprocess.run(cmd + ["--json", "--out", out], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=600)
    sigs = [f["signature"] for f in json.loads(r.stdout.decode()).get("findings", [])]
    if sig not in sigs:
        print("FAIL: %s does not reproduce %s (found %s)" % (g["replay"], sig, sigs))
    return sig in sigs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", default="1")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostrace-campaign-") as tmp:
        out = os.path.join(tmp, "programs")
        code, text = campaign(["--minutes", a.minutes, "--jobs", "2"], out)
        print(text[-4000:])
        if code != 1:
            print("FAIL: the program campaign exited %d, expected 1 (findings)" % code)
            return 1
        if "execs" not in text or "/s)" not in text:
            print("FAIL: no status line")
            return 1
        res = json.load(open(os.path.join(out, "findings.json")))
        errors = {s: g for s, g in res["findings"].items() if g["severity"] == "error"}
        races = [s for s, g in errors.items() if g["kind"] == "data-race"]
        if not races:
            print("FAIL: no data race among %d error findings" % len(errors))
            return 1
        checked = 0
        for sig, g in sorted(errors.items())[:3]:
            if not reproduces(sig, g, os.path.join(tmp, "replay")):
                return 1
            checked += 1
        print("program campaign: %d execs, %d distinct error findings (%d data races); %d replay "
              "commands reproduce their finding" % (res["execs"], len(errors), len(races), checked))

        out = os.path.join(tmp, "clean")
        script = os.path.join(ROOT, "corpus/scripts/threads_joined.py")
        code, text = campaign(["--minutes", a.minutes, "--jobs", "1", "--script", script], out)
        if code != 0:
            print(text[-4000:])
            print("FAIL: the schedule campaign on a clean script exited %d, expected 0" % code)
            return 1
        res = json.load(open(os.path.join(out, "findings.json")))
        print("schedule campaign on %s: %d execs, no error-level finding"
              % (os.path.basename(script), res["execs"]))

        out = os.path.join(tmp, "addon")
        addon = os.path.join(ROOT, "corpus/addons/live_link")
        code, text = campaign(["--minutes", a.minutes, "--jobs", "1", "--addon", addon,
                               "--explore-ui", "12"], out)
        res = json.load(open(os.path.join(out, "findings.json")))
        races = {s: g for s, g in res["findings"].items() if g["kind"] == "data-race"}
        if code != 1 or not races or not res["execs"]:
            print(text[-4000:])
            print("FAIL: the add-on campaign exited %d with %d execs and %d data races; "
                  "expected exit 1, execs and a race" % (code, res["execs"], len(races)))
            return 1
        sig, g = sorted(races.items())[0]
        if not reproduces(sig, g, os.path.join(tmp, "replay-addon")):
            return 1
        print("add-on campaign on live_link: %d execs, %d data races, the replay reproduces %s"
              % (res["execs"], len(races), sig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
