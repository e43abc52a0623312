"""Shared helpers of the bpy semantics tests: unique names, float
comparison, and the runner that runs every case_* function of a test file
and fails the script if any failed. Test files import it from their own
directory (hostrace run puts the script's directory first on sys.path)."""

import traceback

_counter = [0]


def uid(prefix):
    """A name no other case uses."""
    _counter[0] += 1
    return "%s_%d" % (prefix, _counter[0])


def close(a, b, eps=1e-5):
    """Two sequences of numbers equal within eps, element by element."""
    a, b = tuple(a), tuple(b)
    return len(a) == len(b) and all(abs(x - y) <= eps for x, y in zip(a, b))


def run(namespace):
    """Runs every case_* callable of namespace; reports each failure, not
    only the first, then asserts that none failed."""
    found = [(n, f) for n, f in sorted(namespace.items()) if n.startswith("case_") and callable(f)]
    failed = []
    for name, fn in found:
        try:
            fn()
        except Exception:
            traceback.print_exc()
            failed.append(name)
    print(f"{len(found) - len(failed)} passed, {len(failed)} failed")
    assert not failed, "failed cases: " + ", ".join(failed)
