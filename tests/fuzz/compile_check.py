#!/usr/bin/env python3
"""Python syntax check of the program codec's output: renders 5000 random
programs with `hr_prog_check --python DIR 5000` and compile()s every file.
Usage: compile_check.py HR_PROG_CHECK [COUNT]. Exit status 0 only when every
file compiles."""

import os
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: compile_check.py HR_PROG_CHECK [COUNT]", file=sys.stderr)
        return 2
    checker = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) == 3 else 5000
    with tempfile.TemporaryDirectory(prefix="hr_prog_py.") as tmp:
        p = subprocess.run([checker, "--python", tmp, str(count)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=600)
        if p.returncode != 0:
            sys.stderr.write(p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace"))
            print("compile_check: %s --python failed with exit %d" % (checker, p.returncode))
            return 1
        files = sorted(f for f in os.listdir(tmp) if f.endswith(".py"))
        bad = 0
        for name in files:
            path = os.path.join(tmp, name)
            with open(path, encoding="utf-8") as f:
                src = f.read()
            try:
                compile(src, path, "exec")
            except (SyntaxError, ValueError) as e:
                bad += 1
                if bad <= 10:
                    print("compile_check: %s: %s" % (name, e), file=sys.stderr)
        if len(files) != count:
            print("compile_check: expected %d files, found %d" % (count, len(files)))
            return 1
        print("compile_check: %d programs compiled, %d failed" % (len(files), bad))
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
