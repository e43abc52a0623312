#!/usr/bin/env python3
"""The source tree's layers: which folder may include which.

Every `#include "..."` in the C sources of harness/, tsan/ and fuzz/ is
read and checked against the intended parts (issue 17):

- tsan/annotate.h (TSan's annotations) is a leaf every part may include;
- sched knows no host, no Python binding, no report;
- report knows the scheduler only (no host);
- tsan (the capture of sanitizer reports) knows the scheduler and the
  report, not the host;
- the host model knows the scheduler and the report, not the Python
  binding, the CLI or the fuzzers;
- the program codec (prog) knows the host's switches only;
- the Python binding (py) knows the host, not the CLI or the fuzzers;
- the CLI knows every library but the fuzz drivers, which use it.

It also fails on a cycle between folders (whatever the table says), on
`<Python.h>` outside py, and on an include in another style than the one
the tree uses: a folder's own header by its bare name ("sched.h"), another
folder's as "folder/name.h" from harness/ (no "../", no folder-qualified
own header). A header that no folder holds is an error too.
harness/ and the source root (for tsan/) are the include roots.

Usage: layers_check.py SOURCE_DIR
"""

import os
import re
import sys

# A part is a folder, or one header that stands apart from its folder's
# other files: tsan/annotate.h is a leaf every part may include, while the
# rest of tsan/ (the capture of sanitizer reports) builds findings and so
# needs the report.
ANNOTATE = "tsan/annotate.h"
# part -> the parts it may include (besides itself)
ALLOWED = {
    ANNOTATE: set(),
    "sched": {ANNOTATE},
    "report": {"sched", ANNOTATE},
    "tsan": {"sched", "report", ANNOTATE},
    "host": {"sched", "report", ANNOTATE},
    "prog": {"host"},
    "py": {"sched", "report", "host", ANNOTATE},
    "cli": {"sched", "report", "tsan", "host", "py", "prog", ANNOTATE},
    "fuzz": {"sched", "report", "tsan", "host", "py", "prog", "cli", ANNOTATE},
}
# where each folder is, from the source root; harness/ and the root are
# the include roots
FOLDERS = {name: os.path.join("harness", name)
           for name in ("sched", "report", "host", "prog", "py", "cli")}
FOLDERS["fuzz"] = "fuzz"
FOLDERS["tsan"] = "tsan"
# headers from outside the tree that are written with quotes
EXTERNAL = {"xxhash.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def part_of(folder, header):
    """The part a file of folder (a FOLDERS key) belongs to."""
    whole = "%s/%s" % (folder, header)
    return whole if whole in ALLOWED else folder


def sources(root, folder):
    d = os.path.join(root, folder)
    for name in sorted(os.listdir(d)):
        if name.endswith((".c", ".h")):
            yield os.path.join(d, name)


def check(root):
    errors = []
    edges = {name: set() for name in ALLOWED}
    for name, folder in sorted(FOLDERS.items()):
        for path in sources(root, folder):
            rel = os.path.relpath(path, root)
            part = part_of(name, os.path.basename(path))
            for lineno, line in enumerate(open(path, encoding="utf-8", errors="replace"), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                quote, inc = m.groups()
                where = "%s:%d: %s" % (rel, lineno, line.strip())
                if quote == "<":
                    if inc == "Python.h" and name != "py":
                        errors.append("%s: only the Python binding (py) includes Python" % where)
                    continue
                if inc in EXTERNAL:
                    continue
                if ".." in inc.split("/") or inc.startswith("/"):
                    errors.append("%s: a relative path; write \"folder/name.h\"" % where)
                    continue
                if "/" not in inc:
                    if not os.path.isfile(os.path.join(root, folder, inc)):
                        errors.append("%s: not a header of %s; another folder's header is "
                                      "\"folder/name.h\"" % (where, folder))
                        continue
                    other = part_of(name, inc)
                else:
                    other_folder, header = inc.split("/", 1)
                    if other_folder == name:
                        errors.append("%s: %s's own header is included by its bare name"
                                      % (where, name))
                        continue
                    if other_folder not in FOLDERS or not os.path.isfile(
                            os.path.join(root, FOLDERS[other_folder], header)):
                        errors.append("%s: no such header in the tree's folders" % where)
                        continue
                    other = part_of(other_folder, header)
                if other == part:
                    continue
                edges[part].add(other)
                if other not in ALLOWED[part]:
                    errors.append("%s: %s may not include %s (it may include: %s)"
                                  % (where, part, other, ", ".join(sorted(ALLOWED[part])) or
                                     "nothing else"))
    # cycles between parts, from the includes as they are
    state = {}

    def visit(n, stack):
        state[n] = 1
        for m in sorted(edges[n]):
            if state.get(m) == 1:
                cyc = stack[stack.index(m):] + [m]
                errors.append("a cycle between folders: %s" % " -> ".join(cyc))
            elif m not in state:
                visit(m, stack + [m])
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n, [n])
    return errors, edges


def self_test(root):
    """The check on a copy of the tree's includes with one violation of each
    kind added: each must be reported (a check that cannot fail is none)."""
    import shutil
    import tempfile
    tmp = tempfile.mkdtemp(prefix="hostrace-layers-")
    try:
        for folder in FOLDERS.values():
            shutil.copytree(os.path.join(root, folder), os.path.join(tmp, folder),
                            ignore=shutil.ignore_patterns("lib", "*.cmake"))
        cases = [
            ("harness/host/wm.c", '#include "py/py.h"', "host may not include py"),
            ("harness/cli/run.c", '#include "fuzz/coverage.h"', "a cycle between folders"),
            ("harness/sched/sched.c", '#include "../host/host.h"', "a relative path"),
            ("harness/report/report.c", "#include <Python.h>", "only the Python binding"),
            ("harness/cli/run.c", '#include "cli/cli.h"', "included by its bare name"),
            ("harness/py/embed.c", '#include "host.h"', "not a header of harness/py"),
            ("tsan/annotate.h", '#include "sched/sched.h"', "tsan/annotate.h may not include sched"),
            ("tsan/capture.c", '#include "cli/cli.h"', "tsan may not include cli"),
            ("harness/report/report.c", '#include "tsan/capture.h"', "a cycle between folders"),
        ]
        bad = 0
        for path, line, want in cases:
            p = os.path.join(tmp, path)
            text = open(p).read()
            open(p, "w").write(line + "\n" + text)
            errors, _ = check(tmp)
            open(p, "w").write(text)
            if not any(want in e for e in errors):
                print("FAIL: self-test: %s in %s was not reported as '%s': %r"
                      % (line, path, want, errors))
                bad = 1
        if check(tmp)[0]:
            print("FAIL: self-test: the copy itself fails: %r" % check(tmp)[0])
            bad = 1
        return bad
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    if self_test(sys.argv[1]):
        return 1
    errors, edges = check(sys.argv[1])
    for e in errors:
        print("FAIL: " + e)
    if errors:
        return 1
    for n in sorted(edges):
        print("%-15s -> %s" % (n, ", ".join(sorted(edges[n])) or "(nothing)"))
    print("layers_check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
