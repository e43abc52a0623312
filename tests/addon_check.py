"""hostrace addon on one add-on of corpus/addons: its expected outcome.

Line 1 of the add-on's __init__.py is "# expect: clean" or "# expect: KIND",
line 2 "# hostrace: ARGS" (its --invoke operators). An unsafe add-on must
show a finding of KIND within --schedules pct schedules from seed 0, and
the saved schedule must replay it (--replays times, same signature); a
clean one must have no error-level finding over --schedules schedules.
Neither may meet an unsupported-api warning: every bpy name the corpus
uses is modelled.

usage: addon_check.py HOSTRACE ADDON_DIR [--schedules N] [--replays N]
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile


def header(addon):
    with open(os.path.join(addon, "__init__.py"), encoding="utf-8") as f:
        first, second = f.readline(), f.readline()
    if not first.startswith("# expect:"):
        sys.exit("%s: line 1 is not '# expect: ...'" % addon)
    kinds = [k.strip() for k in first.split(":", 1)[1].split(",") if k.strip()]
    args = shlex.split(second.split(":", 1)[1]) if second.startswith("# hostrace:") else []
    return kinds, args


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=1800)
    if p.returncode not in (0, 1):
        sys.exit("%s: exit %d\n%s" % (" ".join(cmd), p.returncode, p.stderr[-3000:]))
    try:
        return p.returncode, json.loads(p.stdout)
    except ValueError:
        sys.exit("%s: no JSON on stdout\n%s" % (" ".join(cmd), p.stdout[-2000:]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hostrace")
    ap.add_argument("addon")
    ap.add_argument("--schedules", type=int, default=200)
    ap.add_argument("--replays", type=int, default=3)
    a = ap.parse_args()
    kinds, args = header(a.addon)
    name = os.path.basename(a.addon.rstrip("/"))
    with tempfile.TemporaryDirectory() as out:
        cmd = [a.hostrace, "addon", a.addon] + args + [
            "--schedules", str(a.schedules), "--json", "--out", out]
        code, res = run(cmd)
        found = res["findings"]
        gaps = [f["message"] for f in found if f["kind"] == "unsupported-api"]
        if gaps or res.get("unsupported_api"):
            sys.exit("%s: unsupported-api warnings: %s" % (name, gaps))
        errors = [f for f in found if f["severity"] == "error"]
        if kinds == ["clean"]:
            if errors or code != 0:
                sys.exit("%s: expected clean over %d schedules, got: %s"
                         % (name, a.schedules, [f["message"] for f in errors]))
            print("%s: clean over %d schedules" % (name, res["schedules"]))
            return
        want = [f for f in errors if f["kind"] in kinds]
        if not want:
            sys.exit("%s: expected %s within %d schedules, got: %s"
                     % (name, kinds, a.schedules, [f["message"] for f in errors]))
        f = want[0]
        sched = os.path.join(f["saved"], "schedule.txt")
        print("%s: %s %s found at schedule %s: %s"
              % (name, f["kind"], f["signature"], f.get("schedule_index"), f["message"]))
        for i in range(a.replays):
            _, rep = run([a.hostrace, "replay", sched, "--json"])
            sigs = {g["signature"] for g in rep["findings"]}
            if f["signature"] not in sigs:
                sys.exit("%s: replay %d of %s did not reproduce %s (got %s)"
                         % (name, i + 1, sched, f["signature"], sorted(sigs)))
        print("%s: replayed %d/%d" % (name, a.replays, a.replays))


if __name__ == "__main__":
    main()
