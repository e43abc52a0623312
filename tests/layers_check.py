#!/usr/bin/env python3
"""The source tree's layers: which folder may include which.

Every `#include "..."` in the C sources of harness/ and fuzz/ is read and
checked against the intended parts (issue 17):

- sched knows no host, no Python binding, no report;
- report knows the scheduler only (no host);
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

Usage: layers_check.py SOURCE_DIR
"""

import os
import re
import sys

# folder -> the folders it may include (besides its own)
ALLOWED = {
    "sched": set(),
    "report": {"sched"},
    "host": {"sched", "report"},
    "prog": {"host"},
    "py": {"sched", "report", "host"},
    "cli": {"sched", "report", "host", "py", "prog"},
    "fuzz": {"sched", "report", "host", "py", "prog", "cli"},
}
# where each folder is, from the source root; harness/ is the include root
FOLDERS = {name: os.path.join("harness", name) for name in ALLOWED if name != "fuzz"}
FOLDERS["fuzz"] = "fuzz"
# headers from outside the tree that are written with quotes
EXTERNAL = {"xxhash.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


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
                other, header = inc.split("/", 1)
                if other == name:
                    errors.append("%s: %s's own header is included by its bare name" % (where, name))
                    continue
                if other not in FOLDERS or not os.path.isfile(os.path.join(root, FOLDERS[other],
                                                                          header)):
                    errors.append("%s: no such header in the tree's folders" % where)
                    continue
                edges[name].add(other)
                if other not in ALLOWED[name]:
                    errors.append("%s: %s may not include %s (it may include: %s)"
                                  % (where, name, other, ", ".join(sorted(ALLOWED[name])) or
                                     "nothing else"))
    # cycles between folders, from the includes as they are
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
        print("%-7s -> %s" % (n, ", ".join(sorted(edges[n])) or "(nothing)"))
    print("layers_check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
