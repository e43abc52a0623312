#!/usr/bin/env python3
"""Findings grouped into causes, the same in every output, and `triage
--fixes` measuring what removes each cause.

1. `hostrace run corpus/scripts/daemon_location_draw.py`: the thread's
   `cube.location.x += 0.01` races with the viewport draw and with the
   depsgraph's workers (two signatures); both are one cause, whose script
   side is that line in a Python thread and whose other side names both
   host activities. The text listing counts the same causes as the JSON,
   and a second run gives the same cause ids.
2. `hostrace triage --fixes=2` of two fuzz inputs (corpus/programs
   daemon_location_draw and timer_register_from_thread, encoded): every
   signature belongs to exactly one cause; every error cause reproduces as
   it is; the location race disappears with the script-side remedy
   (bpy_on_main=1) and stays with lock_interface=1; the timer-list race
   disappears with timers_lock=1. SARIF has one result per cause with its id
   in partialFingerprints; the HTML report has a page per cause with the
   pattern to use instead and the fixes table.

Usage: causes_check.py HOSTRACE SOURCE_DIR
"""

import json
import os
import re
import subprocess
import sys
import tempfile


def fail(msg):
    raise SystemExit("FAIL: " + msg)


def run_json(hostrace, script, out):
    p = subprocess.run([hostrace, "run", script, "--seed", "0", "--schedules", "20",
                        "--keep-going", "--json", "--out", out],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1200)
    if p.returncode != 1:
        fail("%s: exit %d (want 1)\n%s" % (script, p.returncode, p.stderr.decode()[-2000:]))
    return json.loads(p.stdout)


def check_run(hostrace, src, tmp):
    script = os.path.join(src, "corpus", "scripts", "daemon_location_draw.py")
    res = run_json(hostrace, script, os.path.join(tmp, "r1"))
    races = [f for f in res["findings"] if f["kind"] == "data-race"]
    if len(races) < 2:
        fail("daemon_location_draw: want 2 race signatures (draw, depsgraph), got %d" % len(races))
    ids = {f["cause"]["id"] for f in races}
    if len(ids) != 1:
        fail("daemon_location_draw: its races are %d causes, want 1: %s" % (len(ids), ids))
    cause = [c for c in res["causes"] if c["id"] in ids][0]
    sides = {(s["where"], os.path.basename(s.get("file", "")), s.get("line")) for s in cause["script"]}
    if sides != {("thread", "daemon_location_draw.py", 16)}:
        fail("daemon_location_draw: script side %s, want the thread at line 16" % sides)
    if "location" not in cause["script"][0].get("code", ""):
        fail("daemon_location_draw: the script side shows no code: %s" % cause["script"][0])
    acts = {s.get("activity") for s in cause["against"]}
    if not {"viewport draw", "depsgraph evaluation"} <= acts:
        fail("daemon_location_draw: against %s, want viewport draw and depsgraph evaluation" % acts)
    if "main thread" not in cause["fix"]:
        fail("daemon_location_draw: the fix does not say to use the main thread: %r" % cause["fix"])
    sigs = sorted(s.split("-", 2)[-1] for s in cause["signatures"])
    if sigs != sorted(f["signature"] for f in races):
        fail("daemon_location_draw: the cause lists %s, the findings are %s"
             % (sigs, [f["signature"] for f in races]))
    # the text listing: the same count of causes and signatures
    p = subprocess.run([hostrace, "run", script, "--seed", "0", "--schedules", "20",
                        "--keep-going", "--out", os.path.join(tmp, "r2")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1200)
    m = re.search(r"^(\d+) causes?, (\d+) signatures?$", p.stdout.decode(), re.M)
    if not m or (int(m.group(1)), int(m.group(2))) != (len(res["causes"]), len(res["findings"])):
        fail("daemon_location_draw: text listing %s, JSON %d causes %d findings"
             % (m.group(0) if m else "without a cause count", len(res["causes"]),
                len(res["findings"])))
    again = run_json(hostrace, script, os.path.join(tmp, "r3"))
    key = lambda r: sorted((c["id"], c["title"], tuple(c["signatures"])) for c in r["causes"])
    if key(again) != key(res):
        fail("daemon_location_draw: causes differ between two runs:\n%s\n%s"
             % (key(res), key(again)))
    print("ok: run: %d race signatures, 1 cause (%s), %d causes in all"
          % (len(races), cause["title"], len(res["causes"])))


def verdicts(cause):
    return {v["switch"]: v["verdict"] for v in cause["fixes"]["variants"]}


def check_triage(hostrace, src, tmp):
    art = os.path.join(tmp, "artifacts")
    os.makedirs(art)
    for name in ("daemon_location_draw", "timer_register_from_thread"):
        subprocess.run([hostrace, "encode", os.path.join(src, "corpus", "programs", name + ".txt"),
                        "-o", os.path.join(art, "crash-" + name)], check=True,
                       stdout=subprocess.DEVNULL)
    out, sarif, html = (os.path.join(tmp, n) for n in ("triage", "t.sarif", "html"))
    p = subprocess.run([hostrace, "triage", art, "--out", out, "--fixes=2", "--sarif", sarif,
                        "--html", html], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=3600)
    if p.returncode != 1:
        fail("triage --fixes: exit %d\n%s" % (p.returncode, p.stderr.decode()[-3000:]))
    text = p.stdout.decode()
    with open(os.path.join(out, "triage.json")) as f:
        tri = json.load(f)
    causes = tri["causes"]
    owner = {}
    for c in causes:
        for s in c["signatures"]:
            if s in owner:
                fail("triage: signature %s is in two causes" % s)
            owner[s] = c["id"]
    if set(owner) != set(tri["findings"]):
        fail("triage: causes hold %s, findings are %s" % (sorted(owner), sorted(tri["findings"])))
    for s, f in tri["findings"].items():
        if f.get("cause") != owner[s]:
            fail("triage: finding %s names cause %s, listed under %s" % (s, f.get("cause"), owner[s]))
    location = timers = None
    for c in causes:
        if c["severity"] != "error":
            continue
        if "fixes" not in c:
            fail("triage --fixes: error cause %s has no fixes" % c["id"])
        if c["fixes"]["as_is"]["verdict"] != "reproduced" or not c["fixes"]["as_is"]["reproducer"]:
            fail("triage --fixes: cause %s does not reproduce from its reproducer: %s"
                 % (c["title"], c["fixes"]["as_is"]))
        apis = " ".join(s.get("api", "") for s in c["script"])
        if "Object.location" in apis and c["script"][0]["where"] == "thread":
            location = c
        if "timers.register" in apis:
            timers = c
    if not location or not timers:
        fail("triage: no cause for the thread's location write (%s) or its timer registration (%s):"
             "\n%s" % (bool(location), bool(timers), text))
    v = verdicts(location)
    if v.get("bpy_on_main=1") != "gone" or v.get("lock_interface=1") != "still there":
        fail("triage --fixes: location cause: %s (want bpy_on_main=1 gone, lock_interface=1 "
             "still there)" % v)
    v = verdicts(timers)
    if v.get("timers_lock=1") != "gone":
        fail("triage --fixes: timer cause: %s (want timers_lock=1 gone)" % v)
    if "fixed by: " not in text or "%d causes," % len(causes) not in text:
        fail("triage: the listing does not show the causes and their fixes:\n" + text)
    with open(sarif) as f:
        results = json.load(f)["runs"][0]["results"]
    got = sorted(r["partialFingerprints"]["hostraceCause/v1"] for r in results)
    if got != sorted(c["id"] for c in causes):
        fail("SARIF: results %s, causes %s" % (got, sorted(c["id"] for c in causes)))
    with open(os.path.join(html, "index.html")) as f:
        index = f.read()
    for c in causes:
        page = os.path.join(html, "cause-%s.html" % c["id"])
        if not os.path.exists(page) or "cause-%s.html" % c["id"] not in index:
            fail("HTML: no page for cause %s, or the index does not link it" % c["id"])
    with open(os.path.join(html, "cause-%s.html" % location["id"])) as f:
        page = f.read()
    if "queue.Queue" not in page or "bpy_on_main=1" not in page or "Fixes, measured" not in page:
        fail("HTML: the location cause's page lacks the pattern or the fixes table")
    print("ok: triage --fixes: %d causes of %d signatures; location: %s; timers: %s"
          % (len(causes), len(owner), verdicts(location), verdicts(timers)))


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    hostrace, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="hostrace-causes-") as tmp:
        check_run(hostrace, src, tmp)
        check_triage(hostrace, src, tmp)


if __name__ == "__main__":
    main()
