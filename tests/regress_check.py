#!/usr/bin/env python3
"""hostrace promote and regress end to end, through the public command:

- triage of fixture inputs gives findings; promote checks the expectation
  before copying a case, and refuses one that does not hold;
- regress passes on the promoted cases and fails, with a message naming
  the case, when a case's bug is back (expect clean, the finding shows),
  its expected fix switch is turned off (--host), its finding disappears
  (a switch that fixes an expect-race case) or its signature changed;
- --junit loads in a standard XML parser as JUnit (one test case per
  regression case, failures marked) and --sarif passes the SARIF 2.1.0
  structure check (sarif_validate.py), for triage and regress alike;
- bad arguments give one-line errors with exit 2.

    regress_check.py HOSTRACE
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from sarif_validate import validate  # noqa: E402

PROGS = os.path.join(os.path.dirname(HERE), "corpus", "programs")


def run(*cmd, timeout=900):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def check(cond, what, detail=""):
    if not cond:
        sys.exit("FAIL: %s\n%s" % (what, detail[-3000:]))


def one_line_error(code, out, err, what):
    check(code == 2 and len(err.strip().splitlines()) == 1,
          "%s: expected exit 2 and one line on stderr, got %d" % (what, code), err)


def junit_cases(path):
    root = ET.parse(path).getroot()
    check(root.tag == "testsuites", "JUnit root is <%s>" % root.tag)
    suites = root.findall("testsuite")
    check(len(suites) == 1, "one <testsuite>")
    cases = {}
    for tc in suites[0].findall("testcase"):
        check(tc.get("name") and tc.get("classname") and float(tc.get("time")) >= 0,
              "testcase attributes", ET.tostring(tc).decode())
        cases[tc.get("name")] = ("failure" if tc.find("failure") is not None else
                                 "skipped" if tc.find("skipped") is not None else
                                 "error" if tc.find("error") is not None else "pass")
    s = suites[0]
    check(int(s.get("tests")) == len(cases), "tests= counts the cases")
    check(int(s.get("failures")) == sum(v == "failure" for v in cases.values()),
          "failures= counts the failures")
    return cases


def check_sarif(path, expect_results):
    log = json.load(open(path))
    errors = validate(log)
    check(not errors, "SARIF %s does not validate" % path, "\n".join(errors))
    results = log["runs"][0]["results"]
    check(len(results) == expect_results, "SARIF results %d, expected %d" %
          (len(results), expect_results))
    for r in results:
        check(r.get("locations"), "SARIF result without a location: %r" % r)
    return results


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: regress_check.py HOSTRACE")
    h = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        lf = os.path.join(tmp, "lf")
        os.makedirs(lf)
        for name in ("deadlock_run_on_main_join", "timer_register_from_thread"):
            code, out, err = run(h, "encode", os.path.join(PROGS, name + ".txt"), "-o",
                                 os.path.join(lf, "crash-" + name))
            check(code == 0, "encode %s" % name, err)
        tri = os.path.join(tmp, "triage")
        sarif = os.path.join(tmp, "triage.sarif")
        code, out, err = run(h, "triage", lf, "--out", tri, "--sarif", sarif)
        check(code == 1, "triage: exit %d" % code, out + err)
        tri_json = json.load(open(os.path.join(tri, "triage.json")))
        findings = tri_json["findings"]
        # one result per cause (README, "Causes")
        check_sarif(sarif, len(tri_json["causes"]))
        by_kind = {}
        for sig, f in sorted(findings.items()):
            by_kind.setdefault(f["kind"], []).append(sig)
        check("deadlock" in by_kind, "no deadlock finding", json.dumps(findings))
        dl = os.path.join(tri, "deadlock-" + by_kind["deadlock"][0])
        # the timer race is only visible to TSan; its fix is timers_lock=1
        race = None
        if "data-race" in by_kind:
            for sig in by_kind["data-race"]:
                if "timer" in findings[sig]["message"]:
                    race = os.path.join(tri, "data-race-" + sig)
                    break

        corpus = os.path.join(tmp, "corpus")
        # a deadlock kept visible: must show, and does
        code, out, err = run(h, "promote", dl, "--expect", "race", "--name", "deadlock",
                             "--to", corpus, "--check", "2")
        check(code == 0 and "promoted deadlock" in out, "promote deadlock: exit %d" % code,
              out + err)
        meta = json.load(open(os.path.join(corpus, "deadlock", "case.json")))
        check(meta["expect"] == "race" and meta["kind"] == "deadlock" and
              sorted(meta["sanitizers"]) == ["address", "none", "thread"], "case.json %r" % meta)
        for f in ("case.json", "input", "schedule.txt", "repro.py"):
            check(os.path.isfile(os.path.join(corpus, "deadlock", f)), "case lacks " + f)
        # ... and cannot be promoted as fixed
        code, out, err = run(h, "promote", dl, "--expect", "clean", "--name", "fixed",
                             "--to", corpus, "--check", "1")
        check(code == 1 and "does not hold" in err and
              not os.path.exists(os.path.join(corpus, "fixed")),
              "promote --expect clean of a live deadlock: exit %d" % code, err)
        # the same name twice needs --force
        one_line_error(*run(h, "promote", dl, "--expect", "race", "--name", "deadlock", "--to",
                            corpus, "--check", "1"), "promote onto an existing case")
        if race:
            code, out, err = run(h, "promote", race, "--expect", "clean-with", "timers_lock=1",
                                 "--name", "timer-race", "--to", corpus, "--check", "2")
            check(code == 0, "promote timer race clean-with timers_lock=1: exit %d" % code,
                  out + err)
            # the switch does not fix the deadlock: refused
            code, out, err = run(h, "promote", dl, "--expect", "clean-with", "timers_lock=1",
                                 "--name", "nope", "--to", corpus, "--check", "1")
            check(code == 1, "promote clean-with a switch that does not fix it: exit %d" % code,
                  err)
        ncases = 2 if race else 1

        # the suite passes
        junit, rsarif = os.path.join(tmp, "j.xml"), os.path.join(tmp, "r.sarif")
        code, out, err = run(h, "regress", corpus, "--out", os.path.join(tmp, "rout"),
                             "--junit", junit, "--sarif", rsarif)
        check(code == 0 and "%d passed, 0 failed" % ncases in out, "regress: exit %d" % code,
              out + err)
        cases = junit_cases(junit)
        check(cases == {n: "pass" for n in (["deadlock", "timer-race"] if race else
                                            ["deadlock"])}, "JUnit cases %r" % cases)
        # the SARIF of a passing suite lists the bugs kept visible (the deadlock)
        res = check_sarif(rsarif, 1)
        check(res[0]["ruleId"] == "deadlock", "regress SARIF %r" % res)

        if race:
            # the fix switch turned off: the timer race is back, the case fails
            code, out, err = run(h, "regress", corpus, "--host", "timers_lock=0", "--out",
                                 os.path.join(tmp, "rout2"), "--junit", junit)
            check(code == 1 and "FAIL timer-race" in out and "must be clean" in out,
                  "regress with the fix switch off: exit %d" % code, out + err)
            check(junit_cases(junit)["timer-race"] == "failure", "JUnit marks the failure")
            # an expect-race case whose finding disappears fails
            one = os.path.join(tmp, "one")
            shutil.copytree(os.path.join(corpus, "timer-race"), os.path.join(one, "t"))
            m = json.load(open(os.path.join(one, "t", "case.json")))
            m["expect"] = "race"
            del m["switch"]
            json.dump(m, open(os.path.join(one, "t", "case.json"), "w"))
            code, out, err = run(h, "regress", one, "--host", "timers_lock=1", "--out",
                                 os.path.join(tmp, "rout3"))
            check(code == 1 and "no longer shows" in out,
                  "an expect-race case fixed by a switch: exit %d" % code, out + err)

        # the bug reintroduced: the case says fixed (clean) but the deadlock shows
        back = os.path.join(tmp, "back")
        shutil.copytree(os.path.join(corpus, "deadlock"), os.path.join(back, "deadlock"))
        m = json.load(open(os.path.join(back, "deadlock", "case.json")))
        m["expect"] = "clean"
        json.dump(m, open(os.path.join(back, "deadlock", "case.json"), "w"))
        code, out, err = run(h, "regress", back, "--out", os.path.join(tmp, "rout4"))
        check(code == 1 and "FAIL deadlock" in out and "must be clean" in out,
              "the reintroduced bug: exit %d" % code, out + err)
        # a changed signature fails
        m["expect"] = "race"
        m["signature"] = "0123456789abcdef"
        json.dump(m, open(os.path.join(back, "deadlock", "case.json"), "w"))
        code, out, err = run(h, "regress", back, "--out", os.path.join(tmp, "rout5"))
        check(code == 1 and "no longer shows" in out and by_kind["deadlock"][0] in out,
              "a changed signature: exit %d" % code, out + err)

        # bad input
        one_line_error(*run(h, "regress", os.path.join(tmp, "nope")), "regress of no directory")
        one_line_error(*run(h, "regress", lf), "regress of a directory without cases")
        one_line_error(*run(h, "regress", corpus, "--host", "bogus=1"), "regress --host bogus")
        one_line_error(*run(h, "promote", dl), "promote without --expect")
        one_line_error(*run(h, "promote", lf, "--expect", "race"), "promote of no finding")
        one_line_error(*run(h, "promote", dl, "--expect", "clean-with", "nokey=1"),
                       "promote clean-with an unknown switch")
        bad = os.path.join(tmp, "bad", "c")
        shutil.copytree(os.path.join(corpus, "deadlock"), bad)
        open(os.path.join(bad, "case.json"), "w").write("{\"hostrace-regression\": 1}")
        one_line_error(*run(h, "regress", bad), "regress of a bad case.json")
    print("ok regress (%d cases: %s)" % (ncases, "a deadlock and a timer race (tsan)" if race else "a deadlock"))


if __name__ == "__main__":
    main()
