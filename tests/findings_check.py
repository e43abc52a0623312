#!/usr/bin/env python3
"""Findings do not depend on the symbolizer, and every access by a Python
thread names its script line.

For every corpus script that expects a data race (its '# expect:' header),
runs `hostrace run SCRIPT --seed 0 --schedules N --keep-going --json` twice
in a TSan build: with TSan's symbolization on (TSAN_OPTIONS=symbolize=1,
the machine's llvm-symbolizer) and off (symbolize=0, what a machine without
one gets).
Both runs must give the same findings (kind, signature and cause), every
race with an access by a Python thread must have that thread as its cause's
script side, every access of
a sanitizer-found race must have a site (never '??') and a C stack whose
frames name functions, every access by a Python thread (annotated or found
by TSan inside a bpy call's C code) must carry a Python location in the
script and a step, and the run without symbolization must say so in one
line at its start.

Usage: findings_check.py HOSTRACE CORPUS_DIR [--schedules 10]
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

NOTICE = "TSan cannot symbolize in this build"


def expects_race(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            if line.startswith("# expect:") and "data-race" in line:
                return True
    return False


def run(hostrace, script, schedules, symbolize):
    env = dict(os.environ)
    # symbolize=1 against symbolize=0: the environment keeps its size, which
    # alone can change which of two races TSan reports (docs/design-notes.md)
    opts = [o for o in env.get("TSAN_OPTIONS", "").split(":") if o and not o.startswith("symbolize=")]
    opts.append("symbolize=%d" % symbolize)
    env["TSAN_OPTIONS"] = ":".join(opts)
    with tempfile.TemporaryDirectory(prefix="hostrace-sym-") as out:
        p = subprocess.run([hostrace, "run", script, "--seed", "0", "--schedules", str(schedules),
                            "--keep-going", "--json", "--max-vtime", "600", "--out", out],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=1800)
    if p.returncode not in (0, 1):
        raise SystemExit("FAIL: %s (symbolize=%d): exit %d\n%s"
                         % (script, symbolize, p.returncode, p.stderr.decode(errors="replace")[-2000:]))
    return json.loads(p.stdout), p.stderr.decode(errors="replace")


def compare(args, script, name):
    """Both runs of script: their findings as sorted (kind, signature,
    message), and the checks of each access."""
    failures = []
    counts = {"sanitizer": 0, "python": 0}
    results = {}
    for symbolize in (1, 0):
        report, err = run(args.hostrace, script, args.schedules, symbolize)
        results[symbolize] = report
        if symbolize == 0 and NOTICE not in err:
            failures.append("%s: no notice that symbolization is off" % name)
        if symbolize == 1 and NOTICE in err:
            failures.append("%s: the notice with a working symbolizer (is llvm-symbolizer "
                            "installed? scripts/setup)" % name)
        for f in report["findings"]:
            if f["kind"] not in ("data-race", "use-after-free"):
                continue
            for a in f.get("accesses", []):
                if a.get("role") == "python":
                    counts["python"] += symbolize
                    loc = a.get("python") or {}
                    if not loc.get("file", "").endswith(name) or not loc.get("line"):
                        failures.append("%s (symbolize=%d): %s: an access of Python thread "
                                        "'%s' at %s has no script line (python: %r)"
                                        % (name, symbolize, f["signature"], a.get("thread"),
                                           a["site"], loc or None))
                    if "step" not in a:
                        failures.append("%s (symbolize=%d): %s: an access of Python thread "
                                        "'%s' at %s has no step"
                                        % (name, symbolize, f["signature"], a.get("thread"),
                                           a["site"]))
                if "stack" not in a:
                    continue  # an annotation-only access (no sanitizer stack)
                counts["sanitizer"] += symbolize
                if a["site"] in ("", "??"):
                    failures.append("%s (symbolize=%d): %s has an access without a site"
                                    % (name, symbolize, f["signature"]))
                if not a["stack"] or any(not fr["function"] or fr["function"] == "??"
                                         for fr in a["stack"]):
                    failures.append("%s (symbolize=%d): %s has an access whose stack is %r"
                                    % (name, symbolize, f["signature"], a["stack"]))
            # a Python thread's race is the script's cause: its side is that thread
            if any(a.get("role") == "python" for a in f.get("accesses", [])):
                c = f.get("cause") or {}
                if not any(sd.get("where") == "thread" for sd in c.get("script", [])):
                    failures.append("%s (symbolize=%d): %s: a Python thread's race whose cause "
                                    "has no script thread side: %r"
                                    % (name, symbolize, f["signature"], c))
    # the cause too: the same with and without symbolization
    sigs = {k: sorted((f["kind"], f["signature"], f["message"], f["cause"]["id"])
                      for f in r["findings"])
            for k, r in results.items()}
    counts["failures"] = failures
    return sigs, counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("hostrace")
    ap.add_argument("corpus")
    ap.add_argument("--schedules", type=int, default=10)
    args = ap.parse_args()
    failures = []
    scripts = [s for s in sorted(glob.glob(os.path.join(args.corpus, "*.py"))) if expects_race(s)]
    if not scripts:
        print("FAIL: no corpus script expects a data race in %s" % args.corpus)
        return 1
    sanitizer_races = python_accesses = 0
    for script in scripts:
        name = os.path.basename(script)
        # a difference that comes back in a second pair of runs is the
        # symbolizer's; one that does not is load: under ctest -j2,
        # render_engine_reads_context once lost a race with symbolize=1 that
        # it reports alone, every time (docs/design-notes.md, issue 15)
        for attempt in (1, 2):
            sigs, checks = compare(args, script, name)
            if sigs[1] == sigs[0]:
                break
            if attempt == 1:
                print("%s: findings differed with and without symbolization; running both again"
                      % name)
        failures += checks["failures"]
        sanitizer_races += checks["sanitizer"]
        python_accesses += checks["python"]
        if sigs[1] != sigs[0]:
            only1 = sorted(set(sigs[1]) - set(sigs[0]))
            only0 = sorted(set(sigs[0]) - set(sigs[1]))
            failures.append("%s: findings differ twice; only with the symbolizer: %s; only "
                            "without: %s" % (name, only1, only0))
        print("%s: %d findings, the same without symbolization: %s"
              % (name, len(sigs[1]), "yes" if sigs[1] == sigs[0] else "NO"))
    if sanitizer_races == 0:
        failures.append("no finding had a sanitizer stack: nothing was compared")
    if python_accesses == 0:
        failures.append("no finding had an access by a Python thread: nothing was checked")
    for line in failures[:30]:
        print("FAIL:", line)
    if failures:
        return 1
    print("ok: %d scripts, %d sanitizer-found accesses, the same findings with and without "
          "symbolization; %d accesses by Python threads, each with its script line"
          % (len(scripts), sanitizer_races, python_accesses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
