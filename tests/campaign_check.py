#!/usr/bin/env python3
"""The campaign end to end, through scripts/campaign as the README runs it
(the builds must exist: scripts/test builds them first).

1. programs: a program campaign (--minutes 1, three AFL++ instances: TSan,
   ASan and release) from the seed corpus must end with exit 1, print its
   status lines, run the release instance (its execs counted), list at
   least one data race, and the replay command it prints for each of three
   error findings must reproduce that finding's signature.
2. schedule: a schedule campaign on a clean corpus script must end with
   exit 0 and no error-level finding.
3. addon: an add-on campaign (--addon corpus/addons/live_link: its race
   needs a user's tick, which the input's bytes choose) must fuzz (execs >
   0), end with exit 1, and its replay command must reproduce a data race.
4. sigterm: SIGTERM to a campaign while it fuzzes (two instances, once
   AFL++ has saved a crash): exit 130, the findings listed, findings.json
   complete and saying so, and within seconds no process of the campaign
   (afl-fuzz, its targets, hostrace) and no temporary directory of it left.
5. sigkill: SIGKILL to a campaign once AFL++ has saved 3 crashes: every
   afl-fuzz ends within 5 s (each watches the campaign), the rest of its
   processes within the drivers' own time limit; `hostrace triage DIR`
   replays every crash input AFL++ saved; a second campaign into the same
   --out keeps them (earlier/) and replays each one.
6. sigint-seeds: Ctrl-C (SIGINT to the campaign's process group) during
   the seed check: exit 130, no traceback, findings.json, nothing left.
7. sighup-replays: SIGHUP while the campaign replays its crash inputs: the
   replays stop, exit 130, the inputs not replayed are listed
   (not_triaged, complete false), nothing left.
8. release-confirm: a crash input a release instance saved (a race
   program, left by an unfinished campaign in earlier/) is replayed in the
   release build and once more in the TSan build: its data race is listed
   as a release instance's, confirmed by TSan, in the listing and in
   findings.json.

Usage: campaign_check.py [--minutes M] [CASE...]   (default: every case)
"""

import argparse
import hashlib
import json
import os
import selectors
import shlex
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import campaign_procs  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAMPAIGN = os.path.join(ROOT, "scripts/campaign")
ENV = dict(os.environ, CI="1")  # the one-line status, not AFL++'s screen


def campaign(args, out):
    cmd = [CAMPAIGN, "--no-build", "--out", out] + args
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV, timeout=1800)
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


class Running:
    """A campaign started in the background (in a process group of its
    own, as a shell starts a job), its output read as it comes."""

    def __init__(self, args, out, env=None):
        self.out = out
        self.t0 = time.time()
        self.watch = campaign_procs.Watch()
        self.p = subprocess.Popen([CAMPAIGN, "--no-build", "--out", out] + args,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  env=env or ENV,
                                  start_new_session=True)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.p.stdout, selectors.EVENT_READ)
        self.buf = b""
        self.eof = False

    @property
    def text(self):
        return self.buf.decode(errors="replace")

    def read(self, timeout):
        if self.eof:
            time.sleep(timeout)
            return
        for _ in self.sel.select(timeout=timeout):
            d = os.read(self.p.stdout.fileno(), 65536)
            if not d:
                self.eof = True
            self.buf += d

    def wait_for(self, cond, seconds, what):
        """Reads output until cond() holds; False (and says so) when the
        campaign ended first or seconds passed."""
        t = time.time()
        while not cond():
            if self.p.poll() is not None and self.eof:
                print(self.text[-3000:])
                print("FAIL: the campaign ended (exit %d) before %s" % (self.p.returncode, what))
                return False
            if time.time() - t > seconds:
                print(self.text[-3000:])
                print("FAIL: no %s within %d s" % (what, seconds))
                return False
            self.read(0.1)
        return True

    def crash_files(self):
        """AFL++'s saved crash inputs so far."""
        afl = os.path.join(self.out, "afl")
        out = []
        for inst in sorted(os.listdir(afl)) if os.path.isdir(afl) else []:
            d = os.path.join(afl, inst, "crashes")
            if os.path.isdir(d):
                out += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.startswith("id:")]
        return out

    def signal(self, sig, group=False):
        print("  sending %s%s at %.1f s" % (signal.Signals(sig).name, " to the process group" if group
                                            else "", time.time() - self.t0))
        self.t_signal = time.time()
        (os.killpg if group else os.kill)(self.p.pid, sig)

    def abort(self):
        """After a failure: the campaign killed (what it started follows it)."""
        self.p.kill()
        self.p.wait()
        self.watch.stop()

    def interrupt_when(self, cond, seconds, what, sig, settle=0.0, group=False, finish=120):
        """Waits for cond (as wait_for), then after settle seconds sends sig
        and reads to the end. Returns (reached, exit code); the code is
        None when the campaign did not end, and it is then killed."""
        if not self.wait_for(cond, seconds, what):
            self.abort()
            return False, None
        time.sleep(settle)
        self.signal(sig, group)
        code = self.finish(finish)
        if code is None:
            self.abort()
        return True, code

    def finish(self, seconds):
        """Reads to the end: the exit code (None when it did not end)."""
        t = time.time()
        while not (self.eof and self.p.poll() is not None):
            if time.time() - t > seconds:
                return None
            self.read(0.2)
        return self.p.returncode


def nothing_left(run, what):
    """No process of the campaign within 5 s of its end, and no temporary
    directory of it: True, or prints what is left."""
    _, left = campaign_procs.wait_gone(5)
    ours, new = run.watch.leftover_tmpdirs()
    ok = True
    if left:
        print("FAIL: %s: %d processes of the campaign still running 5 s after it ended: %s"
              % (what, len(left), "; ".join(" ".join(a)[:150] for a in left.values())))
        ok = False
    stray = campaign_procs.anywhere(run.out)
    if stray:
        print("FAIL: %s: still running with %s on the command line: %s" % (what, run.out, stray))
        ok = False
        for pid in stray:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    campaign_procs.kill_all()
    if os.path.exists(os.path.join(run.out, "tmp")):
        print("FAIL: %s: the campaign's TMPDIR (%s/tmp) remains" % (what, run.out))
        ok = False
    if ours:
        print("FAIL: %s: its temporary directories remain: %s" % (what, sorted(ours)))
        ok = False
    if new:
        if run.watch.foreign:
            print("  note: new %s remain, but other hostrace processes ran meanwhile on this "
                  "machine: not counted" % sorted(new))
        else:
            print("FAIL: %s: new temporary directories remain: %s" % (what, sorted(new)))
            ok = False
    return ok


def findings_json(out):
    try:
        with open(os.path.join(out, "findings.json")) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print("FAIL: findings.json: %s" % e)
        return None


def listed(text):
    """Did the campaign print its listing?"""
    return "distinct finding" in text and "findings.json" in text


def case_programs(tmp, minutes):
    out = os.path.join(tmp, "programs")
    code, text = campaign(["--minutes", minutes, "--jobs", "3"], out)
    print(text[-4000:])
    if code != 1:
        print("FAIL: the program campaign exited %d, expected 1 (findings)" % code)
        return False
    if "execs" not in text or "/s)" not in text:
        print("FAIL: no status line")
        return False
    if "release2: afl-release" not in text:
        print("FAIL: no release instance among the campaign's instances")
        return False
    rel_execs = 0
    try:
        with open(os.path.join(out, "afl", "release2", "fuzzer_stats")) as f:
            for line in f:
                if line.split(":")[0].strip() == "execs_done":
                    rel_execs = int(line.split(":", 1)[1])
    except (OSError, ValueError):
        pass
    if not rel_execs:
        print("FAIL: the release instance ran no input")
        return False
    res = json.load(open(os.path.join(out, "findings.json")))
    errors = {s: g for s, g in res["findings"].items() if g["severity"] == "error"}
    races = [s for s, g in errors.items() if g["kind"] == "data-race"]
    if not races:
        print("FAIL: no data race among %d error findings" % len(errors))
        return False
    checked = 0
    for sig, g in sorted(errors.items())[:3]:
        if not reproduces(sig, g, os.path.join(tmp, "replay")):
            return False
        checked += 1
    # every access a Python thread made names its line in the program
    py_accesses = 0
    for sig, g in sorted(res["findings"].items()):
        path = os.path.join(g.get("saved") or "", "finding.json")
        if not g.get("saved") or not os.path.exists(path):
            continue
        with open(path) as f:
            finding = json.load(f)
        for a in finding.get("accesses", []):
            if a.get("role") != "python":
                continue
            py_accesses += 1
            loc = a.get("python") or {}
            if not loc.get("file") or not loc.get("line"):
                print("FAIL: %s (%s): an access of Python thread '%s' at %s has no Python "
                      "location" % (sig, g["message"], a.get("thread"), a.get("site")))
                return False
    if races and not py_accesses:
        print("FAIL: no access of a Python thread among the saved findings: nothing was checked")
        return False
    # the findings by cause: each signature in one cause, listed causes first
    owner = {}
    for c in res.get("causes", []):
        for s in c["signatures"]:
            if s in owner:
                print("FAIL: signature %s is in two causes" % s)
                return False
            owner[s] = c["id"]
    if set(owner) != set(res["findings"]):
        print("FAIL: findings.json's causes hold %d signatures, its findings %d"
              % (len(owner), len(res["findings"])))
        return False
    if "%d cause" % len(res["causes"]) not in text or not any(
            c["replay"] and c["severity"] == "error" for c in res["causes"]):
        print("FAIL: the listing does not count the %d causes, or no error cause has a "
              "reproducer" % len(res["causes"]))
        return False
    print("program campaign: %d execs, %d distinct error findings (%d data races) in %d causes; "
          "%d replay commands reproduce their finding; %d accesses of Python threads, each with "
          "its program line" % (res["execs"], len(errors), len(races), len(res["causes"]),
                                checked, py_accesses))
    return True


def case_schedule(tmp, minutes):
    out = os.path.join(tmp, "clean")
    script = os.path.join(ROOT, "corpus/scripts/threads_joined.py")
    code, text = campaign(["--minutes", minutes, "--jobs", "1", "--script", script], out)
    if code != 0:
        print(text[-4000:])
        print("FAIL: the schedule campaign on a clean script exited %d, expected 0" % code)
        return False
    res = json.load(open(os.path.join(out, "findings.json")))
    print("schedule campaign on %s: %d execs, no error-level finding"
          % (os.path.basename(script), res["execs"]))
    return True


def case_addon(tmp, minutes):
    out = os.path.join(tmp, "addon")
    addon = os.path.join(ROOT, "corpus/addons/live_link")
    code, text = campaign(["--minutes", minutes, "--jobs", "1", "--addon", addon,
                           "--explore-ui", "12"], out)
    res = json.load(open(os.path.join(out, "findings.json")))
    races = {s: g for s, g in res["findings"].items() if g["kind"] == "data-race"}
    if code != 1 or not races or not res["execs"]:
        print(text[-4000:])
        print("FAIL: the add-on campaign exited %d with %d execs and %d data races; "
              "expected exit 1, execs and a race" % (code, res["execs"], len(races)))
        return False
    sig, g = sorted(races.items())[0]
    if not reproduces(sig, g, os.path.join(tmp, "replay-addon")):
        return False
    print("add-on campaign on live_link: %d execs, %d data races, the replay reproduces %s"
          % (res["execs"], len(races), sig))
    return True


def case_sigterm(tmp, minutes):
    out = os.path.join(tmp, "sigterm")
    # a TMPDIR of the campaign's own: whatever is left in it afterwards (a
    # killed run's blender_XXXXXX, a run directory) the campaign leaked
    tmpdir = os.path.join(tmp, "sigterm-tmpdir")
    os.makedirs(tmpdir)
    run = Running(["--minutes", "2", "--jobs", "2"], out, env=dict(ENV, TMPDIR=tmpdir))
    # the corpus's seeds make AFL++ save a crash within seconds
    reached, code = run.interrupt_when(lambda: "fuzzing for" in run.text and run.crash_files(),
                                       120, "crash saved by AFL++", signal.SIGTERM, finish=180)
    if not reached:
        return False
    took = time.time() - run.t_signal
    text = run.text
    ok = True
    if code != 130:
        print(text[-4000:])
        print("FAIL: SIGTERM while fuzzing: exit %s, expected 130" % code)
        ok = False
    if not listed(text) or "Traceback" in text:
        print(text[-4000:])
        print("FAIL: SIGTERM while fuzzing: no listing of the findings, or a traceback")
        ok = False
    res = findings_json(out)
    if res is not None:
        intr = res.get("interrupted") or {}
        if (intr.get("signals") != ["SIGTERM"] or intr.get("phase") != "fuzzing" or
                not res.get("complete") or not res.get("findings")):
            print("FAIL: findings.json after SIGTERM while fuzzing: interrupted %s, complete %s, "
                  "%d findings" % (intr, res.get("complete"), len(res.get("findings", {}))))
            ok = False
    if not os.path.isdir(os.path.join(out, "findings")):
        print("FAIL: no findings/ after SIGTERM")
        ok = False
    ok = nothing_left(run, "SIGTERM while fuzzing") and ok
    if os.listdir(tmpdir):
        print("FAIL: SIGTERM while fuzzing: left in the campaign's TMPDIR: %s"
              % sorted(os.listdir(tmpdir)))
        ok = False
    if ok:
        print("sigterm: exit 130 %.1f s after SIGTERM while fuzzing, %d findings from %d inputs "
              "listed, nothing left running" % (took, len(res["findings"]), res["inputs"]))
    return ok


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def case_sigkill(tmp, minutes):
    out = os.path.join(tmp, "sigkill")
    run = Running(["--minutes", "2", "--jobs", "2"], out)
    if not run.wait_for(lambda: "fuzzing for" in run.text and len(run.crash_files()) >= 3, 120,
                        "3 crashes saved by AFL++"):
        run.abort()
        return False
    run.signal(signal.SIGKILL)
    run.p.wait()
    # the afl-fuzz instances are orphans now: re-parented to this test (a
    # subreaper), or anywhere with the --out on their command line
    took, left = campaign_procs.wait_gone(5, pattern="afl-fuzz")
    ok = True
    left.update(campaign_procs.anywhere(os.path.join(out, "afl")))
    if left:
        print("FAIL: afl-fuzz still running 5 s after SIGKILL of the campaign: %s"
              % "; ".join(" ".join(a)[:150] for a in left.values()))
        ok = False
    # the rest (a run a forkserver had forked) within the drivers' --timeout 45
    took_all, rest = campaign_procs.wait_gone(50)
    if rest:
        print("FAIL: processes of the campaign still running 50 s after SIGKILL: %s"
              % "; ".join(" ".join(a)[:150] for a in rest.values()))
        ok = False
    run.watch.stop()
    crashes = run.crash_files()  # AFL++'s saves are final once the instances ended
    hashes = {sha(p) for p in crashes}
    if not crashes:
        print("FAIL: the crash inputs AFL++ saved are gone after SIGKILL")
        return False
    # hostrace triage DIR finds them
    tdir = os.path.join(tmp, "sigkill-triage")
    r = subprocess.run([os.path.join(ROOT, "build/tsan/hostrace"), "triage", out, "--out", tdir],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
    try:
        tri = json.load(open(os.path.join(tdir, "triage.json")))
        replayed = {p for g in tri["findings"].values() for p in g["inputs"]} |             {f["input"] for f in tri.get("flaky", [])}
    except (OSError, ValueError, KeyError) as e:
        replayed = set()
        print(r.stdout.decode(errors="replace")[-3000:])
        print("FAIL: hostrace triage %s: no triage.json (%s)" % (out, e))
    if not set(crashes) <= replayed:
        print("FAIL: hostrace triage %s replayed %d of the %d crash inputs"
              % (out, len(set(crashes) & replayed), len(crashes)))
        ok = False
    # a second campaign into the same --out
    code, text = campaign(["--minutes", "0.1", "--jobs", "1"], out)
    res = findings_json(out)
    if res is None:
        return False
    triaged = {p for g in res["findings"].values() for p in g["inputs"]} |         set(res.get("not_reproduced", []))
    earlier = [p for p in triaged if p.startswith(os.path.join(out, "earlier") + "/")]
    got = {sha(p) for p in earlier if os.path.isfile(p)}
    if code not in (0, 1) or not res.get("complete") or "kept in" not in text or             res.get("earlier_inputs") != len(crashes) or not hashes <= got:
        print(text[-4000:])
        print("FAIL: the campaign after SIGKILL exited %d, complete %s, %s earlier inputs; of the "
              "%d crash inputs of the killed one, %d replayed"
              % (code, res.get("complete"), res.get("earlier_inputs"), len(crashes),
                 len(hashes & got)))
        ok = False
    if ok:
        print("sigkill: afl-fuzz gone %.1f s after SIGKILL, everything %.1f s; hostrace triage "
              "replayed the %d crash inputs; the next campaign into the same --out replayed "
              "all %d of them (earlier/) with its own %d"
              % (took, took_all, len(crashes), len(crashes), res["inputs"] - len(crashes)))
    return ok


def case_sigint_seeds(tmp, minutes):
    out = os.path.join(tmp, "sigint")
    run = Running(["--minutes", "1", "--jobs", "2"], out)
    # to the process group: what Ctrl-C on a terminal does
    reached, code = run.interrupt_when(lambda: "checking" in run.text, 60, "seed check",
                                       signal.SIGINT, settle=0.5, group=True)
    if not reached:
        return False
    text = run.text
    ok = True
    res = findings_json(out)
    phase = ((res or {}).get("interrupted") or {}).get("phase")
    if code != 130 or "Traceback" in text or not listed(text) or phase != "checking the seeds":
        print(text[-4000:])
        print("FAIL: Ctrl-C during the seed check: exit %s (expected 130), traceback %s, listing %s, "
              "findings.json phase %r" % (code, "Traceback" in text, listed(text), phase))
        ok = False
    ok = nothing_left(run, "Ctrl-C during the seed check") and ok
    if ok:
        print("sigint-seeds: Ctrl-C during the seed check: exit 130, no traceback, %d findings "
              "listed, nothing left running" % len(res["findings"]))
    return ok


def case_sighup_replays(tmp, minutes):
    out = os.path.join(tmp, "sighup")
    run = Running(["--minutes", "0.1", "--jobs", "1"], out)
    reached, code = run.interrupt_when(lambda: "replaying the" in run.text, 120, "replays",
                                       signal.SIGHUP, settle=1)
    if not reached:
        return False
    text = run.text
    res = findings_json(out) or {}
    ok = True
    intr = res.get("interrupted") or {}
    if (code != 130 or not listed(text) or "Traceback" in text or res.get("complete") is not False
            or not res.get("not_triaged") or intr.get("phase") != "replaying the crash inputs"):
        print(text[-4000:])
        print("FAIL: SIGHUP during the replays: exit %s (expected 130), listing %s, complete %s, "
              "%d not triaged, interrupted %s" % (code, listed(text), res.get("complete"),
                                                  len(res.get("not_triaged", [])), intr))
        ok = False
    ok = nothing_left(run, "SIGHUP during the replays") and ok
    if ok:
        print("sighup-replays: exit 130, %d of %d inputs replayed and listed, the other %d in "
              "not_triaged, nothing left running"
              % (res["inputs"] - len(res["not_triaged"]), res["inputs"], len(res["not_triaged"])))
    return ok


def case_release_confirm(tmp, minutes):
    out = os.path.join(tmp, "release-confirm")
    inst = os.path.join(out, "earlier", "1", "release2")
    os.makedirs(os.path.join(inst, "crashes"))
    with open(os.path.join(inst, "cmdline"), "w") as f:
        f.write("%s\n--timeout\n45\n" % os.path.join(ROOT, "build/afl-release/fuzz_program"))
    crash = os.path.join(inst, "crashes", "id:000000,sig:06,src:000000,time:1,execs:1,op:havoc")
    r = subprocess.run([os.path.join(ROOT, "build/tsan/hostrace"), "encode",
                        os.path.join(ROOT, "corpus/programs/daemon_location_draw.txt"), "-o", crash],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode:
        print("FAIL: encode: %s" % r.stdout.decode(errors="replace"))
        return False
    code, text = campaign(["--minutes", "0.1", "--jobs", "1"], out)
    print(text[-3000:])
    res = findings_json(out)
    if res is None:
        return False
    mine = {s: g for s, g in res["findings"].items() if crash in g["inputs"]}
    races = {s: g for s, g in mine.items() if g["kind"] == "data-race"}
    if code != 1 or not races:
        print("FAIL: exit %d; the release instance's input gave %d data races (of %d findings)"
              % (code, len(races), len(mine)))
        return False
    for s, g in sorted(races.items()):
        if g.get("tsan") != "confirmed":
            print("FAIL: data race %s of the release instance's input: tsan %r, expected "
                  "'confirmed' (the TSan build sees this race)" % (s, g.get("tsan")))
            return False
        line = [l for l in text.splitlines() if s in l]
        if not line or "a release instance's; TSan confirmed it" not in line[0]:
            print("FAIL: the listing's line of %s does not say TSan confirmed it: %r" % (s, line))
            return False
    print("release-confirm: %d data races of a release instance's input, each confirmed by TSan"
          % len(races))
    return True


CASES = {"programs": case_programs, "schedule": case_schedule, "addon": case_addon,
         "sigterm": case_sigterm, "sigkill": case_sigkill, "sigint-seeds": case_sigint_seeds,
         "sighup-replays": case_sighup_replays, "release-confirm": case_release_confirm}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", default="1", help="length of the programs, schedule and addon "
                    "campaigns (default 1)")
    ap.add_argument("cases", nargs="*", metavar="CASE", help="of: " + ", ".join(CASES))
    a = ap.parse_args()
    for c in a.cases:
        if c not in CASES:
            ap.error("no case %r (cases: %s)" % (c, ", ".join(CASES)))
    campaign_procs.become_subreaper()
    failed = []
    with tempfile.TemporaryDirectory(prefix="campaign-check-") as tmp:
        for name in a.cases or CASES:
            t = time.time()
            print("=== %s" % name, flush=True)
            if not CASES[name](tmp, a.minutes):
                failed.append(name)
            campaign_procs.kill_all()  # after a failure: nothing of it stays
            print("=== %s: %s in %.0f s" % (name, "FAIL" if name in failed else "ok", time.time() - t),
                  flush=True)
    if failed:
        print("FAIL: %s" % ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
