#!/usr/bin/env python3
"""The GitHub workflows run what the README documents, with options that
exist: every `scripts/NAME` a workflow runs is an executable script of the
repository that the README names too, and every `hostrace SUBCOMMAND
--option` a workflow passes is in that subcommand's --help and in the
README. (Text checks: a fresh machine has no YAML parser for Python.)

    workflows_check.py HOSTRACE
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(msg):
    sys.exit("FAIL: " + msg)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: workflows_check.py HOSTRACE")
    h = sys.argv[1]
    wdir = os.path.join(ROOT, ".github", "workflows")
    files = sorted(f for f in os.listdir(wdir) if f.endswith(".yml"))
    if len(files) < 2:
        fail("expected the tsan-regressions and fuzz workflows, found %r" % files)
    readme = open(os.path.join(ROOT, "README.md")).read()
    helps = {}
    checked = 0
    for name in files:
        text = open(os.path.join(wdir, name)).read()
        for key in ("on:", "jobs:", "runs-on:", "steps:"):
            if key not in text:
                fail("%s: no '%s'" % (name, key))
        # join continued shell lines, then look at each command
        text = re.sub(r"\\\n\s*", " ", text)
        for script in sorted(set(re.findall(r"\bscripts/([a-z-]+)", text))):
            path = os.path.join(ROOT, "scripts", script)
            if not os.access(path, os.X_OK):
                fail("%s runs scripts/%s, which is not an executable script" % (name, script))
            if "scripts/" + script not in readme:
                fail("%s runs scripts/%s, which the README does not mention" % (name, script))
            checked += 1
        for sub, rest in re.findall(r"hostrace (triage|regress|report|promote|minimize|run) ([^\n;&|']*)",
                                    text):
            if sub not in helps:
                p = subprocess.run([h, sub, "--help"], stdout=subprocess.PIPE, timeout=60)
                helps[sub] = p.stdout.decode()
            for opt in re.findall(r"(--[a-z][a-z-]*)", rest):
                if opt not in helps[sub]:
                    fail("%s: `hostrace %s %s` is not in `hostrace %s --help`" % (name, sub, opt,
                                                                                   sub))
                if opt not in readme:
                    fail("%s: `hostrace %s %s` is not in the README" % (name, sub, opt))
                checked += 1
            if "hostrace " + sub not in readme and "$H " + sub not in readme:
                fail("%s: `hostrace %s` is not in the README" % (name, sub))
    print("ok workflows (%d files, %d script and option uses checked)" % (len(files), checked))


if __name__ == "__main__":
    main()
