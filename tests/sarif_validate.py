"""Checks a SARIF log against the structure SARIF 2.1.0 requires, field by
field (the OASIS schema itself is not shipped): every property the
standard marks as required, the types of what hostrace writes, the enums,
and the cross-references (ruleIndex, relatedLocations ids, uriBaseIds).

    errors = validate(json.load(open(path)))   # [] when valid
"""

import re

LEVELS = {"none", "note", "warning", "error"}
KINDS = {"notApplicable", "pass", "fail", "review", "open", "informational"}
# RFC 3986 URI reference: no spaces or control characters, a scheme if any
URI_REF = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:)?[^\s\x00-\x1f]*$")


def _check(errors, cond, where, what):
    if not cond:
        errors.append("%s: %s" % (where, what))
    return cond


def _message(errors, m, where):
    if _check(errors, isinstance(m, dict), where, "message must be an object"):
        _check(errors, isinstance(m.get("text"), str) or isinstance(m.get("id"), str), where,
               "message needs text or id")


def _artifact_location(errors, a, where, base_ids):
    if not _check(errors, isinstance(a, dict), where, "artifactLocation must be an object"):
        return
    if "uri" in a:
        _check(errors, isinstance(a["uri"], str) and URI_REF.match(a["uri"]), where,
               "uri %r is not a URI reference" % (a.get("uri"),))
    if "uriBaseId" in a:
        _check(errors, a["uriBaseId"] in base_ids, where,
               "uriBaseId %r is not in originalUriBaseIds" % a["uriBaseId"])
        _check(errors, not str(a.get("uri", "")).startswith("/"), where,
               "a uri relative to a uriBaseId must not be absolute")


def _location(errors, loc, where, base_ids, ids=None):
    if not _check(errors, isinstance(loc, dict), where, "location must be an object"):
        return
    if "id" in loc:
        _check(errors, isinstance(loc["id"], int) and loc["id"] >= -1, where, "id must be an int")
        if ids is not None:
            _check(errors, loc["id"] not in ids, where, "duplicate location id %r" % loc["id"])
            ids.add(loc["id"])
    if "message" in loc:
        _message(errors, loc["message"], where + ".message")
    phys = loc.get("physicalLocation")
    if phys is None:
        return
    if not _check(errors, isinstance(phys, dict), where, "physicalLocation must be an object"):
        return
    _check(errors, "artifactLocation" in phys or "address" in phys, where,
           "physicalLocation needs artifactLocation or address")
    if "artifactLocation" in phys:
        _artifact_location(errors, phys["artifactLocation"], where + ".artifactLocation", base_ids)
    region = phys.get("region")
    if region is not None:
        ok = isinstance(region, dict)
        _check(errors, ok, where, "region must be an object")
        if ok and "startLine" in region:
            _check(errors, isinstance(region["startLine"], int) and region["startLine"] >= 1,
                   where, "startLine must be an int >= 1")


def validate(log):
    errors = []
    if not _check(errors, isinstance(log, dict), "log", "must be an object"):
        return errors
    _check(errors, log.get("version") == "2.1.0", "log", "version must be \"2.1.0\"")
    if "$schema" in log:
        _check(errors, isinstance(log["$schema"], str) and URI_REF.match(log["$schema"]), "log",
               "$schema must be a URI")
    runs = log.get("runs")
    if not _check(errors, isinstance(runs, list), "log", "runs must be an array"):
        return errors
    for ri, run in enumerate(runs):
        w = "runs[%d]" % ri
        if not _check(errors, isinstance(run, dict), w, "must be an object"):
            continue
        driver = run.get("tool", {}).get("driver") if isinstance(run.get("tool"), dict) else None
        if not _check(errors, isinstance(driver, dict), w, "tool.driver is required"):
            continue
        _check(errors, isinstance(driver.get("name"), str) and driver["name"], w,
               "tool.driver.name is required")
        rules = driver.get("rules", [])
        _check(errors, isinstance(rules, list), w, "rules must be an array")
        for k, rule in enumerate(rules):
            rw = "%s.tool.driver.rules[%d]" % (w, k)
            _check(errors, isinstance(rule, dict) and isinstance(rule.get("id"), str), rw,
                   "a rule needs an id")
            if isinstance(rule, dict) and "shortDescription" in rule:
                _message(errors, rule["shortDescription"], rw + ".shortDescription")
            lvl = rule.get("defaultConfiguration", {}).get("level", "warning") \
                if isinstance(rule, dict) else "warning"
            _check(errors, lvl in LEVELS, rw, "level %r" % lvl)
        base_ids = run.get("originalUriBaseIds", {})
        _check(errors, isinstance(base_ids, dict), w, "originalUriBaseIds must be an object")
        for name, a in base_ids.items():
            _artifact_location(errors, a, "%s.originalUriBaseIds.%s" % (w, name), {})
            _check(errors, str(a.get("uri", "")).endswith("/"), w,
                   "originalUriBaseIds.%s uri must end with '/'" % name)
        results = run.get("results", [])
        if not _check(errors, isinstance(results, list), w, "results must be an array"):
            continue
        for k, res in enumerate(results):
            rw = "%s.results[%d]" % (w, k)
            if not _check(errors, isinstance(res, dict), rw, "must be an object"):
                continue
            _message(errors, res.get("message"), rw + ".message")
            if "level" in res:
                _check(errors, res["level"] in LEVELS, rw, "level %r" % res["level"])
            if "kind" in res:
                _check(errors, res["kind"] in KINDS, rw, "kind %r" % res["kind"])
            if "ruleIndex" in res:
                idx = res["ruleIndex"]
                if _check(errors, isinstance(idx, int) and 0 <= idx < len(rules), rw,
                          "ruleIndex %r out of range" % (idx,)):
                    _check(errors, rules[idx].get("id") == res.get("ruleId"), rw,
                           "ruleId %r is not rules[%d].id" % (res.get("ruleId"), idx))
            for j, loc in enumerate(res.get("locations", [])):
                _location(errors, loc, "%s.locations[%d]" % (rw, j), base_ids)
            ids = set()
            for j, loc in enumerate(res.get("relatedLocations", [])):
                _location(errors, loc, "%s.relatedLocations[%d]" % (rw, j), base_ids, ids)
            fp = res.get("partialFingerprints", {})
            _check(errors, isinstance(fp, dict) and all(isinstance(v, str) for v in fp.values()),
                   rw, "partialFingerprints values must be strings")
    return errors
