#!/usr/bin/env python3
"""End-to-end checks of the fuzz drivers (fuzz/driver.c) and of program
inputs on the hostrace command line.

Usage: driver_check.py BUILD_DIR SRC_DIR CASE [options]

Cases:
  determinism  the same input, run several times by one driver process
               (each run a fork of the same snapshot), gives identical
               decision traces and findings; for fuzz_schedule and
               fuzz_program
  replay       `hostrace run --program` of an input gives the decisions the
               driver took on it, so a campaign's replay commands are exact
  random N     N random inputs through fuzz_program (batches of 500):
               every run ends clean or with findings (no input error,
               internal error, harness crash or hang), and the driver's own
               memory stays flat
  codec_cli    hostrace decode/encode: text -> bytes -> text is the
               identity for every seed, bad text is refused with exit 2
  seeds        every seed of corpus/programs under hostrace run --program:
               its expected finding kinds appear within --schedules
               schedules (pct), and no other error (data races: TSan in the
               TSan builds, hostrace's detector in the others)
"""

import json
import os
import random
import re
import subprocess
import sys
import tempfile

FINDING = re.compile(r"^(ERROR|WARNING) \[([0-9a-f]{16})\] ([a-z-]+):")


def run(cmd, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("timeout", 1800)
    return subprocess.run(cmd, **kw)


def split_runs(stdout):
    """Trace blocks of a driver's stdout, one per input."""
    runs, cur = [], None
    for line in stdout.splitlines():
        if line.startswith("trace: seed "):
            cur = []
            runs.append(cur)
        if line.startswith("trace:") and cur is not None:
            cur.append(line)
    return runs


def findings(stderr):
    return [m.group(0) for m in map(FINDING.match, stderr.splitlines()) if m]


def fail(msg):
    print("FAIL: " + msg)
    return 1


def case_determinism(build, src, tmp):
    prog = os.path.join(tmp, "p.bin")
    r = run([os.path.join(build, "hostrace"), "encode",
             os.path.join(src, "corpus/programs/daemon_location_draw.txt"), "-o", prog])
    if r.returncode:
        return fail("encode: " + r.stderr.decode())
    sched = os.path.join(tmp, "s.bin")
    with open(sched, "wb") as f:
        f.write(bytes(random.Random(7).randrange(256) for _ in range(200)))
    cases = [
        ("fuzz_program", [prog] * 4),
        ("fuzz_schedule", [os.path.join(src, "corpus/scripts/render_invoke_animation.py")] + [sched] * 4),
    ]
    for driver, args in cases:
        r = run([os.path.join(build, driver), "--trace"] + args)
        out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
        runs = split_runs(out)
        if len(runs) != 4:
            return fail("%s: %d traces for 4 runs\n%s" % (driver, len(runs), err[-2000:]))
        if any(t != runs[0] for t in runs):
            return fail("%s: the same input gave different decision traces" % driver)
        per_run = err.split("%s: " % driver)
        f = [findings(chunk) for chunk in per_run[1:]]
        f = [x for x in f if x is not None][:4]
        if len(f) != 4 or any(x != f[0] for x in f):
            return fail("%s: the same input gave different findings: %s" % (driver, f))
        print("%s: 4 runs of one input, %d decisions each, identical traces and findings (%s)"
              % (driver, len(runs[0]) - 1, ", ".join(x.split("]")[0] + "]" for x in f[0]) or "none"))
    return 0


def case_replay(build, src, tmp):
    prog = os.path.join(tmp, "p.bin")
    rng = random.Random(3)
    run([os.path.join(build, "hostrace"), "encode",
         os.path.join(src, "corpus/programs/render_invoke_animation.txt"), "-o", prog])
    with open(prog, "ab") as f:  # schedule bytes after the program
        f.write(bytes(rng.randrange(256) for _ in range(64)))
    d = run([os.path.join(build, "fuzz_program"), "--trace", prog])
    h = run([os.path.join(build, "hostrace"), "run", "--program", prog, "--trace",
             "--out", os.path.join(tmp, "out")])
    dt = split_runs(d.stdout.decode(errors="replace"))
    ht = split_runs(h.stdout.decode(errors="replace"))
    if len(dt) != 1 or len(ht) != 1:
        return fail("expected one trace from each: %d, %d\n%s" % (len(dt), len(ht), h.stderr.decode()[-2000:]))
    if dt[0] != ht[0]:
        for i, (a, b) in enumerate(zip(dt[0], ht[0])):
            if a != b:
                return fail("traces differ at line %d:\n  driver:  %s\n  hostrace: %s" % (i, a, b))
        return fail("traces differ in length: %d vs %d" % (len(dt[0]), len(ht[0])))
    df = sorted(set(findings(d.stderr.decode(errors="replace"))))
    hf = sorted(set(l.split(" (seen")[0] for l in h.stdout.decode(errors="replace").splitlines()
                    if FINDING.match(l)))
    if [x.split("]")[0] for x in df] != [x.split("]")[0] for x in hf]:
        return fail("findings differ:\n  driver:  %s\n  hostrace: %s" % (df, hf))
    print("replay: hostrace run --program takes the driver's %d decisions and reports the same %d finding(s)"
          % (len(dt[0]) - 1, len(df)))
    return 0


def case_random(build, src, tmp, n):
    rng = random.Random(12345)
    total = {"clean": 0, "findings": 0}
    rss = []
    batch = 500
    for start in range(0, n, batch):
        files = []
        for i in range(start, min(n, start + batch)):
            p = os.path.join(tmp, "r%06d" % i)
            with open(p, "wb") as f:
                f.write(bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 8, 32, 64, 128, 512]))))
            files.append(p)
        r = run([os.path.join(build, "fuzz_program"), "--frames", "2", "--timeout", "20"] + files,
                timeout=7200)
        err = r.stderr.decode(errors="replace")
        m = re.search(r"(\d+) inputs: (\d+) clean, (\d+) with findings, (\d+) input errors, "
                      r"(\d+) internal errors; driver RSS (-?\d+) KiB before, (-?\d+) KiB after", err)
        if not m:
            return fail("no summary from the driver (exit %d)\n%s" % (r.returncode, err[-3000:]))
        ninp, clean, found, inerr, interr, r0, r1 = map(int, m.groups())
        if inerr or interr or clean + found != ninp:
            bad = re.findall(r"fuzz_program: (\S+) \(\d+ bytes\)\n(?:(?!fuzz_program: ).*\n)*?.*(?:died of signal|internal error).*", err)
            return fail("batch at %d: %d input errors, %d internal errors %s" % (start, inerr, interr, bad[:3]))
        if "died of signal" in err:
            return fail("batch at %d: a run died of a signal" % start)
        total["clean"] += clean
        total["findings"] += found
        rss.append((r0, r1))
        for p in files:
            os.unlink(p)
    growth = max(b - a for a, b in rss)
    if growth > 4096:
        return fail("the driver's memory grew by %d KiB over a batch" % growth)
    print("random: %d inputs: %d clean, %d with findings, no harness error; driver RSS %d -> %d KiB "
          "(largest growth over %d inputs: %d KiB)"
          % (n, total["clean"], total["findings"], rss[0][0], rss[-1][1], batch, growth))
    return 0


def case_codec_cli(build, src, tmp):
    hr = os.path.join(build, "hostrace")
    seeds = sorted(os.listdir(os.path.join(src, "corpus/programs")))
    for s in seeds:
        txt = os.path.join(src, "corpus/programs", s)
        b1 = os.path.join(tmp, "a.bin")
        r = run([hr, "encode", txt, "-o", b1])
        if r.returncode:
            return fail("encode %s: %s" % (s, r.stderr.decode()))
        t1 = run([hr, "decode", "--text", b1]).stdout
        t1p = os.path.join(tmp, "a.txt")
        open(t1p, "wb").write(t1)
        b2 = os.path.join(tmp, "b.bin")
        if run([hr, "encode", t1p, "-o", b2]).returncode:
            return fail("encode of decode --text of %s" % s)
        if open(b1, "rb").read() != open(b2, "rb").read():
            return fail("%s: text -> bytes -> text -> bytes changed the bytes" % s)
        py = run([hr, "decode", b1])
        if py.returncode or b"import bpy" not in py.stdout:
            return fail("decode %s gave no Python" % s)
    bad = os.path.join(tmp, "bad.txt")
    for text in ["hostrace-program 1\nfrobnicate x=1\n", "hostrace-program 2\n", "hostrace-program 1\nthread daemon=7 loop=1\n"]:
        open(bad, "w").write(text)
        r = run([hr, "encode", bad, "-o", os.path.join(tmp, "x.bin")])
        if r.returncode != 2 or b"line" not in r.stderr:
            return fail("bad text %r: exit %d, %s" % (text, r.returncode, r.stderr.decode()))
        r = run([hr, "run", "--program", bad])
        if r.returncode != 2:
            return fail("run --program of bad text %r: exit %d" % (text, r.returncode))
    r = run([hr, "decode", os.path.join(tmp, "missing")])
    if r.returncode != 2:
        return fail("decode of a missing file: exit %d" % r.returncode)
    print("codec_cli: %d seeds round-trip through decode --text/encode; bad text refused" % len(seeds))
    return 0


def case_seeds(build, src, tmp, schedules):
    hr = os.path.join(build, "hostrace")
    bad = 0
    d = os.path.join(src, "corpus/programs")
    for s in sorted(os.listdir(d)):
        text = open(os.path.join(d, s)).read()
        m = re.search(r"^# expect: (.*)$", text, re.M)
        expect = [k.strip() for k in m.group(1).split(",")] if m else []
        # data races: TSan in the TSan builds, hostrace's own detector elsewhere
        expect = [k for k in expect if k != "clean"]
        r = run([hr, "run", "--program", os.path.join(d, s), "--strategy", "pct", "--seed", "0",
                 "--schedules", str(schedules), "--keep-going", "--json",
                 "--out", os.path.join(tmp, "out")])
        try:
            res = json.loads(r.stdout.decode())
        except ValueError:
            print("%s: no JSON (exit %d)\n%s" % (s, r.returncode, r.stderr.decode()[-2000:]))
            bad += 1
            continue
        kinds = sorted(set(f["kind"] for f in res.get("findings", [])))
        errors = [f["kind"] for f in res.get("findings", []) if f.get("severity") == "error"]
        missing = [k for k in expect if k not in kinds]
        unexpected = [k for k in errors if k not in expect]
        ok = not missing and not unexpected
        print("%-34s expect %-45s found %s%s" % (s, ",".join(expect) or "clean", ",".join(kinds) or "nothing",
                                                 "" if ok else "   <-- MISMATCH"))
        bad += not ok
    return fail("%d seed(s) did not show what they expect" % bad) if bad else 0


def main():
    build, src, case = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory(prefix="hostrace-drv-") as tmp:
        if case == "determinism":
            return case_determinism(build, src, tmp)
        if case == "replay":
            return case_replay(build, src, tmp)
        if case == "random":
            return case_random(build, src, tmp, int(sys.argv[4]))
        if case == "codec_cli":
            return case_codec_cli(build, src, tmp)
        if case == "seeds":
            return case_seeds(build, src, tmp, int(sys.argv[4]))
    print("unknown case " + case)
    return 2


if __name__ == "__main__":
    sys.exit(main())
