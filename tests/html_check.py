#!/usr/bin/env python3
"""End-to-end check of the HTML report in a real headless browser.

usage: html_check.py HOSTRACE

Triages two corpus programs (daemon_location_draw: data races under TSan;
deadlock_run_on_main_join: a deadlock in every build) with --html, writes the
same report again with `hostrace report --html` and checks both are
byte-identical, that index.html links one page per finding and one per
cause (each loads without JavaScript errors and shows its pattern), and that every
page, loaded in Debian's chromium, drew its timeline (one lane per thread of
the schedule, one mark per access with a step) without JavaScript errors.
Then damaged findings (no schedule, corrupt finding.json, markup in a
message) and bad command lines.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = ["daemon_location_draw", "deadlock_run_on_main_join"]
CHROMIUM = "/usr/bin/chromium"


def fail(msg):
    print("html_check: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run(cmd, expect):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != expect:
        fail("%s: exit %d, expected %d\n%s%s" % (" ".join(cmd), p.returncode, expect, p.stdout, p.stderr))
    return p


def tree(d):
    """{relative path: bytes} of every file under d."""
    out = {}
    for base, _, files in os.walk(d):
        for f in files:
            p = os.path.join(base, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def is_tsan(hostrace):
    """The build's sanitizer, from the CMakeCache.txt of its build directory."""
    cache = os.path.join(os.path.dirname(os.path.abspath(hostrace)), "CMakeCache.txt")
    try:
        with open(cache) as f:
            return "HOSTRACE_SANITIZER:STRING=thread" in f.read()
    except OSError:
        return False


def load_page(tmp, path):
    """The DOM of path after its scripts ran, and chromium's log."""
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--user-data-dir=" + os.path.join(tmp, "chromium-profile"),
           "--enable-logging=stderr", "--v=0", "--dump-dom", "file://" + os.path.abspath(path)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if p.returncode != 0 or "<body" not in p.stdout:
        fail("chromium could not load %s (exit %d)\n%s" % (path, p.returncode, p.stderr[-2000:]))
    return p.stdout, p.stderr


def attrs_of(dom, elem_re):
    m = re.search(elem_re, dom)
    if not m:
        return None
    return dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(0)))


def check_drawn(tmp, page, lanes, marks):
    """Loads page; its timeline must be drawn with these counts, no JS error."""
    dom, log = load_page(tmp, page)
    body = attrs_of(dom, r"<body[^>]*>") or {}
    if "data-errors" in body:
        fail("%s: JavaScript errors: %s" % (page, body["data-errors"]))
    if "Uncaught" in log:
        fail("%s: uncaught JavaScript error on the console:\n%s" % (page, log[-2000:]))
    tl = attrs_of(dom, r'<div[^>]*id="timeline"[^>]*>')
    if tl is None:
        fail("%s: no #timeline element" % page)
    got = (tl.get("data-drawn"), tl.get("data-lanes"), tl.get("data-marks"))
    want = ("1", str(lanes), str(marks))
    if got != want:
        fail("%s: timeline drawn/lanes/marks %s, expected %s" % (page, got, want))
    return dom


def expected_counts(fdir):
    """Lanes (thread lines of schedule.txt) and marks (accesses with a step)."""
    lanes = 0
    try:
        with open(os.path.join(fdir, "schedule.txt")) as f:
            lanes = sum(1 for line in f if line.startswith("thread "))
    except OSError:
        pass
    try:
        with open(os.path.join(fdir, "finding.json")) as f:
            fj = json.load(f)
        marks = sum(1 for a in fj.get("accesses", []) if "step" in a)
    except (OSError, ValueError):
        marks = 0
    return lanes, marks


def check_report(hostrace, tmp, out, h1, tsan):
    with open(os.path.join(out, "triage.json")) as f:
        tri = json.load(f)
    findings = tri["findings"]
    with open(os.path.join(h1, "index.html")) as f:
        links = set(re.findall(r'href="([^"]+\.html)"', f.read()))
    # a page per finding and one per cause
    pages = {"%s-%s.html" % (v["kind"], k) for k, v in findings.items()}
    pages |= {"cause-%s.html" % c["id"] for c in tri["causes"]}
    if links != pages:
        fail("index.html links %s, triage.json has %s" % (sorted(links), sorted(pages)))
    kinds = [v["kind"] for v in findings.values()]
    if "deadlock" not in kinds:
        fail("no deadlock finding: %s" % kinds)
    if tsan and "data-race" not in kinds:
        fail("a TSan build found no data race: %s" % kinds)
    dom, log = load_page(tmp, os.path.join(h1, "index.html"))
    if "data-errors" in (attrs_of(dom, r"<body[^>]*>") or {}) or "Uncaught" in log:
        fail("index.html: JavaScript errors")
    for c in tri["causes"]:
        page = os.path.join(h1, "cause-%s.html" % c["id"])
        dom, log = load_page(tmp, page)
        if "data-errors" in (attrs_of(dom, r"<body[^>]*>") or {}) or "Uncaught" in log:
            fail("%s: JavaScript errors" % page)
        if c.get("fix") and "Instead" not in dom:
            fail("%s: no pattern to use instead" % page)
    for sig, v in sorted(findings.items()):
        name = "%s-%s" % (v["kind"], sig)
        lanes, marks = expected_counts(os.path.join(out, name))
        if lanes < 2:
            fail("%s: schedule has %d threads" % (name, lanes))
        if v["kind"] == "data-race" and marks != 2:
            fail("%s: a data race with %d accesses on the timeline" % (name, marks))
        check_drawn(tmp, os.path.join(h1, name + ".html"), lanes, marks)
        print("html_check: %s: %d lanes, %d marks drawn" % (name, lanes, marks))
    return findings


def check_damaged(hostrace, tmp, out, findings):
    """A finding without schedule.txt, one with a corrupt finding.json, and
    markup in a message: the report is still written, escaped."""
    bad = os.path.join(tmp, "damaged")
    shutil.copytree(out, bad)
    names = sorted("%s-%s" % (v["kind"], k) for k, v in findings.items())
    os.remove(os.path.join(bad, names[0], "schedule.txt"))
    with open(os.path.join(bad, names[-1], "finding.json"), "w") as f:
        f.write("{ not json")
    tj = os.path.join(bad, "triage.json")
    with open(tj) as f:
        t = json.load(f)
    sig = sorted(t["findings"])[0]
    t["findings"][sig]["message"] = "</script><b>x</b> & \"q\""
    with open(tj, "w") as f:
        json.dump(t, f)
    h = os.path.join(tmp, "h-damaged")
    run([hostrace, "report", bad, "--html", h], 0)
    dom = check_drawn(tmp, os.path.join(h, names[0] + ".html"), 0, 0)
    if "No schedule recorded" not in dom:
        fail("%s: no 'No schedule recorded' note" % names[0])
    lanes, _ = expected_counts(os.path.join(bad, names[-1]))
    dom = check_drawn(tmp, os.path.join(h, names[-1] + ".html"), lanes, 0)
    if "No finding.json" not in dom:
        fail("%s: no note about the corrupt finding.json" % names[-1])
    with open(os.path.join(h, "index.html")) as f:
        index = f.read()
    if "&lt;/script&gt;&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;" not in index:
        fail("index.html: the message's markup is not escaped")


def check_usage(hostrace, tmp, out):
    p = run([hostrace, "report", "/nonexistent", "--html", os.path.join(tmp, "x")], 2)
    if len(p.stderr.strip().splitlines()) != 1:
        fail("report /nonexistent: expected one line on stderr, got:\n" + p.stderr)
    if os.path.exists(os.path.join(tmp, "x")):
        fail("report /nonexistent wrote its output directory")
    run([hostrace, "report", out], 2)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    hostrace = os.path.abspath(sys.argv[1])
    if not os.access(CHROMIUM, os.X_OK):
        fail("%s not found: the HTML report is checked in Debian's chromium "
             "(apt-get install chromium)" % CHROMIUM)
    tsan = is_tsan(hostrace)
    with tempfile.TemporaryDirectory(prefix="hr-html-") as tmp:
        lf = os.path.join(tmp, "lf")
        os.mkdir(lf)
        for i, prog in enumerate(PROGRAMS, 1):
            run([hostrace, "encode", os.path.join(ROOT, "corpus", "programs", prog + ".txt"),
                 "-o", os.path.join(lf, "crash-%d" % i)], 0)
        out, h1, h2 = (os.path.join(tmp, d) for d in ("out", "h1", "h2"))
        run([hostrace, "triage", lf, "--out", out, "--html", h1], 1)
        run([hostrace, "report", out, "--html", h2], 0)
        t1, t2 = tree(h1), tree(h2)
        if t1 != t2:
            diff = sorted(k for k in set(t1) | set(t2) if t1.get(k) != t2.get(k))
            fail("triage --html and report --html differ: %s" % diff)
        findings = check_report(hostrace, tmp, out, h1, tsan)
        check_damaged(hostrace, tmp, out, findings)
        check_usage(hostrace, tmp, out)
    print("html_check: ok (%d findings, %s build)" % (len(findings), "tsan" if tsan else "non-tsan"))


if __name__ == "__main__":
    main()
