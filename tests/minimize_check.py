#!/usr/bin/env python3
"""hostrace minimize and the standalone repro.py, end to end through the
public commands. Usage: minimize_check.py HOSTRACE

Triages the corpus programs and two fixtures with operations that have
nothing to do with their finding, then checks:
  - every triaged repro.py, run as `hostrace run repro.py`, shows its
    finding's signature (the reproducer trailer); a malformed trailer is a
    one-line error with exit 2
  - minimize of a deadlock and of a data race (TSan's in a TSan build,
    hostrace's detector's elsewhere) of programs, and of a deadlock of a
    script's schedule bytes: exit 0; every run's schedules forked from the
    one schedule server minimize started; operations, preemptions and bytes
    do not grow and the operations shrink; the result's replay.sh and
    repro.py show the signature; the finding's own files are unchanged; a
    second minimize writes byte-identical files
  - bad input: exit 2 with one line on stderr
"""

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(ROOT, "corpus", "programs")
SEEDS = ["daemon_location_draw", "deadlock_run_on_main_join", "pool_location_lost_update",
         "render_in_thread"]

# The deadlock of deadlock_run_on_main_join with a longer worker body, a
# higher loop count and unrelated operations around it.
DEADLOCK_EXTRA = """hostrace-program 1
thread daemon=0 loop=4  # t0: the worker
  loc_rmw ob=Camera axis=y form=axis
  run_on_main ob=Cube axis=x wait=1
  hide ob=Light
loc_rmw ob=Light axis=z form=axis
frame_set frame=3
join target=t0
hide ob=Camera
"""

# daemon_location_draw's races with unrelated operations around them.
RACE_EXTRA = """hostrace-program 1
frame_set frame=2
thread daemon=1 loop=16  # t1
  loc_rmw ob=Cube axis=x form=axis
  hide ob=Camera
  sleep ms=5
hide ob=Light
loc_rmw ob=Camera axis=y form=axis
"""


def run(cmd, timeout=900, env=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                       env=env)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def check(cond, what, out=""):
    if not cond:
        raise AssertionError(what + ("\n--- output ---\n" + out[-4000:] if out else ""))


def one_line_error(code, err, what):
    lines = [l for l in err.splitlines() if l.strip()]
    check(code == 2, "%s: exit %d, expected 2" % (what, code), err)
    check(len(lines) == 1, "%s: expected one line on stderr, got %d" % (what, len(lines)), err)


def signatures(out):
    """The signatures of a `--json` run's findings."""
    try:
        return {f["signature"] for f in json.loads(out)["findings"]}
    except (ValueError, KeyError):
        return set()


def tree_digest(d):
    """name -> sha256 of every file under d (minimized/ aside)."""
    res = {}
    for base, dirs, files in os.walk(d):
        dirs[:] = [x for x in dirs if x != "minimized"]
        for f in files:
            p = os.path.join(base, f)
            with open(p, "rb") as fh:
                res[os.path.relpath(p, d)] = hashlib.sha256(fh.read()).hexdigest()
    return res


def triage(h, tmp, name, programs):
    """Encodes programs {name: text-form path} as libFuzzer artifacts and
    triages them: {signature: (kind, dir)}."""
    arts = os.path.join(tmp, name + "-artifacts")
    os.makedirs(arts)
    for n, src in sorted(programs.items()):
        code, out, err = run([h, "encode", src, "-o", os.path.join(arts, "crash-" + n)])
        check(code == 0, "encode %s" % src, out + err)
    out_dir = os.path.join(tmp, name)
    code, out, err = run([h, "triage", arts, "--out", out_dir, "--json"])
    check(code in (0, 1), "triage exit %d" % code, out + err)
    res = json.loads(out)
    return {sig: (f["kind"], f["dir"]) for sig, f in res["findings"].items()}


def check_repro(h, d, sig, what):
    """`hostrace run repro.py`, with no option, shows sig."""
    code, out, err = run([h, "run", os.path.join(d, "repro.py"), "--json"])
    check(sig in signatures(out), "%s: `hostrace run repro.py` does not show %s" % (what, sig),
          out + err)


def check_triaged_repros(h, found):
    """Every triaged finding's repro.py shows it, run on its own. Data races
    are left to minimize_one: which of several racing pairs TSan reports
    for one interleaving can still depend on the process (its working
    directory among others; docs/design-notes.md, "Which race TSan
    reports"), so a triaged program with several races is no fixture for
    it; the minimized race, alone in its program, is."""
    for sig, (kind, d) in sorted(found.items()):
        if kind != "data-race":
            check_repro(h, d, sig, "%s-%s" % (kind, sig))


def minimize_one(h, d, sig, what, env, twice=True):
    """Minimizes the finding in d (twice: and again, which must give the
    same) and checks everything; returns its before/after figures."""
    orig = tree_digest(d)
    t0 = time.time()
    code, out, err = run([h, "minimize", d, "--json"])
    elapsed = time.time() - t0
    check(code == 0, "%s: minimize exit %d" % (what, code), out + err)
    res = json.loads(out)
    before, after = res["before"], res["after"]
    for k in ("ops", "preemptions", "bytes"):
        check(after[k] <= before[k], "%s: %s grew: %s -> %s" % (what, k, before[k], after[k]),
              out + err)
    check(res["signature"] == sig, "%s: minimized another signature" % what, out)
    # every candidate's schedules forked from the one server minimize
    # started (its options, directory and environment are the runs' own)
    check(res["shared_server_runs"] == res["runs"],
          "%s: %d of %d runs on minimize's schedule server" % (what, res["shared_server_runs"],
                                                              res["runs"]), out)
    mdir = os.path.join(d, "minimized")
    for f in ("input", "schedule.txt", "report.txt", "finding.json", "repro.py", "replay.sh"):
        check(os.path.isfile(os.path.join(mdir, f)), "%s: minimized/%s missing" % (what, f))
    check(tree_digest(d) == orig, "%s: minimize changed the finding's own files" % what)
    code, out2, err2 = run(["sh", os.path.join(mdir, "replay.sh"), "--json"], env=env)
    check(sig in signatures(out2), "%s: minimized replay.sh does not show %s" % (what, sig),
          out2 + err2)
    # repro.py's code is the code the schedule was recorded with: no
    # "not the script the schedule was recorded for" note
    check("not the script" not in err2, "%s: replay.sh takes repro.py for another script" % what,
          err2)
    check_repro(h, mdir, sig, what + " (minimized)")
    if twice:
        first = tree_digest(mdir)
        code, out3, err3 = run([h, "minimize", d, "--json"])
        check(code == 0 and json.loads(out3) == res, "%s: a second minimize differs" % what,
              out + out3 + err3)
        check(tree_digest(mdir) == first, "%s: a second minimize wrote other files" % what)
    print("minimize_check: %s: ops %d -> %d, threads %d -> %d, preemptions %d -> %d, "
          "bytes %d -> %d, %d runs, %.1f s" % (what, before["ops"], after["ops"],
                                             before["threads"], after["threads"],
                                             before["preemptions"], after["preemptions"],
                                             before["bytes"], after["bytes"], res["runs"],
                                             elapsed))
    return before, after


def check_bad_input(h, tmp):
    code, out, err = run([h, "minimize"])
    one_line_error(code, err, "minimize without FINDING_DIR")
    code, out, err = run([h, "minimize", os.path.join(tmp, "no-such-dir")])
    one_line_error(code, err, "minimize of a missing directory")
    empty = os.path.join(tmp, "empty-finding")
    os.makedirs(empty)
    code, out, err = run([h, "minimize", empty])
    one_line_error(code, err, "minimize of a directory without finding.json")
    code, out, err = run([h, "minimize", empty, "--max-runs", "zero"])
    one_line_error(code, err, "minimize --max-runs zero")


def check_bad_trailer(h, tmp, d):
    with open(os.path.join(d, "repro.py")) as f:
        text = f.read()
    for n, bad in enumerate([text.replace("# frames: ", "# frames: many"),
                             text.replace("# generated: ", "# gen: "),
                             text + "# schedule-bytes: 00\n",
                             text.replace("# schedule-bytes: ", "# schedule-bytes: 0g")]):
        p = os.path.join(tmp, "bad_trailer_%d.py" % n)
        with open(p, "w") as f:
            f.write(bad)
        code, out, err = run([h, "run", p, "--json"])
        one_line_error(code, err, "a malformed trailer (%d)" % n)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: minimize_check.py HOSTRACE")
    h = os.path.abspath(sys.argv[1])
    env = dict(os.environ, HOSTRACE=h)
    t_start = time.time()
    tmp = tempfile.mkdtemp(prefix="hostrace-minimize-check-")
    try:
        check_bad_input(h, tmp)
        corpus = triage(h, tmp, "corpus",
                        {s: os.path.join(CORPUS, s + ".txt") for s in SEEDS})
        check(any(k == "deadlock" for k, _ in corpus.values()), "no deadlock in the corpus",
              repr(corpus))
        check_triaged_repros(h, corpus)
        fixtures = {}
        for n, text in (("deadlock_extra", DEADLOCK_EXTRA), ("race_extra", RACE_EXTRA)):
            p = os.path.join(tmp, n + ".txt")
            with open(p, "w") as f:
                f.write(text)
            fixtures[n] = p
        extra = triage(h, tmp, "extra", fixtures)
        check_triaged_repros(h, extra)
        dl = sorted((s, d) for s, (k, d) in extra.items() if k == "deadlock")
        check(dl, "the deadlock fixture shows no deadlock", repr(extra))
        check_bad_trailer(h, tmp, dl[0][1])
        before, after = minimize_one(h, dl[0][1], dl[0][0], "deadlock", env)
        check(after["ops"] < before["ops"], "deadlock: no operation was dropped")
        # preferably the race of the viewport drawing the Cube while the
        # thread moves it; which of the fixture's races TSan pairs can still
        # depend on where hostrace runs (docs/design-notes.md), so any other
        # of its data races will do
        races = sorted((s, d) for s, (k, d) in extra.items() if k == "data-race")
        races.sort(key=lambda sd: "draw.object.transform" not in
                   json.load(open(os.path.join(sd[1], "finding.json")))["message"])
        # every build reports data races: TSan, or hostrace's own detector
        check(races, "the build reports no data race of the race fixture", repr(extra))
        before, after = minimize_one(h, races[0][1], races[0][0], "data-race", env)
        check(after["ops"] < before["ops"], "data-race: no operation was dropped")
        # a fuzz_schedule finding: schedule bytes for a script, the script
        # the same for every run (libFuzzer artifacts of three fixed inputs)
        arts = os.path.join(tmp, "script-artifacts")
        os.makedirs(arts)
        rnd = random.Random(5)
        for i in range(3):
            with open(os.path.join(arts, "crash-%d" % i), "wb") as f:
                f.write(bytes(rnd.randrange(256) for _ in range(40)))
        script = os.path.join(ROOT, "corpus", "scripts", "deadlock_run_on_main_join.py")
        code, out, err = run([h, "triage", arts, "--script", script, "--out",
                              os.path.join(tmp, "script"), "--json"])
        check(code in (0, 1), "triage --script exit %d" % code, out + err)
        dl = sorted((s, f["dir"]) for s, f in json.loads(out)["findings"].items()
                    if f["kind"] == "deadlock")
        check(dl, "the script's inputs show no deadlock", out + err)
        # (once: the programs' minimizes above show that a second gives the same)
        before, after = minimize_one(h, dl[0][1], dl[0][0], "script deadlock", env, twice=False)
        check(after["bytes"] < before["bytes"], "script deadlock: no schedule byte was dropped")
        print("minimize_check: ok (%.1f s)" % (time.time() - t_start))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
