#!/usr/bin/env python3
"""The corpus's finding signatures, against the ones recorded.

    signatures_check.py HOSTRACE CORPUS_DIR EXPECTED [--schedules N] [--update]

HOSTRACE is a release (or asan) build, whose data races come from
hostrace's own detector, which decides from the schedule alone. Every
script of CORPUS_DIR/scripts and every seed program of CORPUS_DIR/programs
runs over N pct schedules from seed 0 (--keep-going). The set of
(kind, signature) pairs it finds must be exactly the one EXPECTED records
for it: a move or a clean-up of the tree (issue 17) must leave every
signature as it was. A change that means to change signatures rewrites
EXPECTED with --update, and its commit says why.

Left out, because they do not depend on the schedule alone:
- scripts whose header says '# timing: real' (they wait for other
  processes in real time);
- the kinds a real-time clock can produce: hang (a thread running
  --stall seconds without a scheduling point) and blocked-outside-scheduler.
The regression cases are not run here: `hostrace regress` (ctest regress.*)
already checks each against the signature its case.json records.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

REAL_TIME_KINDS = {"hang", "blocked-outside-scheduler"}


def inputs(corpus):
    out = []
    sdir = os.path.join(corpus, "scripts")
    for n in sorted(os.listdir(sdir)):
        p = os.path.join(sdir, n)
        if not n.endswith(".py"):
            continue
        with open(p, encoding="utf-8") as f:
            head = f.read(4096)
        if "# timing: real" in head:
            continue
        out.append(("scripts/" + n, [p]))
    pdir = os.path.join(corpus, "programs")
    for n in sorted(os.listdir(pdir)):
        if n.endswith(".txt"):
            out.append(("programs/" + n, ["--program", os.path.join(pdir, n)]))
    return out


def signatures(hostrace, args, schedules):
    with tempfile.TemporaryDirectory(prefix="hostrace-sig-") as out:
        p = subprocess.run([hostrace, "run"] + args +
                           ["--json", "--strategy", "pct", "--seed", "0", "--schedules",
                            str(schedules), "--keep-going", "--out", out],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1800)
    if p.returncode not in (0, 1):
        raise SystemExit("FAIL: hostrace run %s: exit %d\n%s"
                         % (" ".join(args), p.returncode,
                            p.stderr.decode(errors="replace")[-2000:]))
    rep = json.loads(p.stdout)
    return sorted({(f["kind"], f["signature"]) for f in rep["findings"]
                   if f["kind"] not in REAL_TIME_KINDS})


def read_expected(path):
    exp = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, rest = line.split(None, 1) if " " in line else (line, "")
            exp.setdefault(name, [])
            if rest and rest != "-":
                kind, sig = rest.split()
                exp[name].append((kind, sig))
    return {k: sorted(v) for k, v in exp.items()}


def write_expected(path, got, schedules):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Finding signatures of the corpus: tests/signatures_check.py, release build,\n"
                "# pct from seed 0, %d schedules, --keep-going. One line per finding\n"
                "# (name kind signature); '-' for an input with none.\n" % schedules)
        for name in sorted(got):
            if not got[name]:
                f.write("%s -\n" % name)
            for kind, sig in got[name]:
                f.write("%s %s %s\n" % (name, kind, sig))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("hostrace")
    ap.add_argument("corpus")
    ap.add_argument("expected")
    ap.add_argument("--schedules", type=int, default=5)
    ap.add_argument("--update", action="store_true",
                    help="write EXPECTED from this run instead of comparing")
    a = ap.parse_args()
    got = {}
    for name, args in inputs(a.corpus):
        got[name] = signatures(a.hostrace, args, a.schedules)
        print("%s: %s" % (name, ", ".join("%s %s" % x for x in got[name]) or "none"),
              flush=True)
    if a.update:
        write_expected(a.expected, got, a.schedules)
        print("signatures_check: wrote %s" % a.expected)
        return 0
    exp = read_expected(a.expected)
    bad = 0
    for name in sorted(set(got) | set(exp)):
        if name not in exp:
            print("FAIL: %s is not recorded in %s (run with --update and commit it)"
                  % (name, a.expected))
            bad = 1
            continue
        if name not in got:
            print("FAIL: %s is recorded but no longer in the corpus" % name)
            bad = 1
            continue
        if got[name] != exp[name]:
            gone = sorted(set(exp[name]) - set(got[name]))
            new = sorted(set(got[name]) - set(exp[name]))
            print("FAIL: %s: signatures changed; gone: %s; new: %s"
                  % (name, ", ".join("%s %s" % x for x in gone) or "none",
                     ", ".join("%s %s" % x for x in new) or "none"))
            bad = 1
    if bad:
        return 1
    print("signatures_check: ok (%d inputs, %d findings)"
          % (len(got), sum(len(v) for v in got.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
