"""Pipeline checks on a plain snapshot of the scene (no bpy in here).

A snapshot is a list of (object name, (x, y, z)) tuples taken on the main
thread, so the checks can run in worker threads.
"""

import hashlib
import json

NAME_PREFIXES = ("CH_", "PR_", "SET_", "CAM_", "LGT_", "FX_")


def check_names(snapshot):
    """Every object must carry a department prefix."""
    return ["%s: missing department prefix" % name
            for name, _location in snapshot
            if not name.startswith(NAME_PREFIXES)]


def check_bounds(snapshot, limit):
    """Objects further than ``limit`` from the origin are probably misplaced."""
    issues = []
    for name, (x, y, z) in snapshot:
        distance = (x * x + y * y + z * z) ** 0.5
        if distance > limit:
            issues.append("%s: %.1f m from the origin (limit %.1f m)" % (name, distance, limit))
    return issues


def check_duplicates(snapshot, tolerance=1e-4):
    """Two objects at the same place usually means a double import."""
    issues, buckets = [], {}
    for name, location in snapshot:
        key = tuple(round(c / tolerance) for c in location)
        if key in buckets:
            issues.append("%s: overlaps %s" % (name, buckets[key]))
        else:
            buckets[key] = name
    return issues


def manifest_digest(snapshot):
    """A short, stable digest of the layout, stored with the published shot."""
    payload = json.dumps(sorted(snapshot), separators=(",", ":")).encode("utf-8")
    return hashlib.sha1(payload).hexdigest()[:12]
