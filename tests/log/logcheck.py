#!/usr/bin/python3
"""Reads a cordon audit log (CORDON_LOG) with python3's json and checks
every line against the format of docs/shim.md; exits 1 naming the first bad
line. Prints one line per record for the tests to match:

    FUNCTION DECISION ERRNO TIER REQUESTED PATH ARGV [truncated] [invalid_utf8] [fd=N] pid=N

(ERRNO and TIER "-"/"null" when absent; REQUESTED, PATH and ARGV as JSON,
ASCII only). With --summary, counts instead, and checks the argv of
tests/log/progs/logbulk.c records. With --policy, the filesystem policy of
each record that has one:

    FUNCTION DECISION TIER writable=JSON hidden=JSON [dropped=JSON] [missing=JSON]
"""
import collections
import datetime
import json
import re
import sys

FUNCTIONS = {"execve", "execv", "execvp", "execvpe", "execl", "execle", "execlp",
             "fexecve", "execveat", "posix_spawn", "posix_spawnp", "pidfd_spawn",
             "pidfd_spawnp", "system", "popen"}
DECISIONS = {"passthrough", "sandboxed", "refused", "failed"}
TIERS = {"none", "hardened", "lockdown", None}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,9}Z$")
KEYS = ["time", "pid", "function", "decision", "requested_tier", "tier", "path",
        "argc", "argv"]
OPTIONAL = {"errno", "fd", "truncated", "invalid_utf8", "writable", "hidden",
            "writable_dropped", "writable_missing", "limits"}
LIMITS = {"pids", "time", "cpu", "nofile", "fsize", "core", "mem", "userns", "inotify", "tmp"}
PATH_LISTS = ["hidden", "writable_dropped", "writable_missing"]
LINE_MAX = 8192


def check(rec, raw):
    assert isinstance(rec, dict), "not an object"
    for k in KEYS:
        assert k in rec, "no " + k
    extra = set(rec) - set(KEYS) - OPTIONAL
    assert not extra, "unknown keys %s" % sorted(extra)
    assert len(raw) <= LINE_MAX, "line of %d bytes" % len(raw)
    assert TIME.match(rec["time"]), "time " + rec["time"]
    t = datetime.datetime.strptime(rec["time"][:19], "%Y-%m-%dT%H:%M:%S")
    now = datetime.datetime.utcnow()
    assert abs((now - t).total_seconds()) < 86400, "time far off: " + rec["time"]
    assert isinstance(rec["pid"], int) and rec["pid"] > 0, "pid"
    assert rec["function"] in FUNCTIONS, "function"
    assert rec["decision"] in DECISIONS, "decision"
    failing = rec["decision"] in ("refused", "failed")
    assert ("errno" in rec) == failing, "errno with decision " + rec["decision"]
    if failing:
        e = rec["errno"]
        assert (isinstance(e, str) and re.match(r"^E[A-Z0-9]+$", e)) or \
            (isinstance(e, int) and not isinstance(e, bool)), "errno %r" % (e,)
    assert rec["requested_tier"] is None or isinstance(rec["requested_tier"], str)
    assert rec["tier"] in TIERS, "tier"
    assert rec["path"] is None or isinstance(rec["path"], str), "path"
    assert isinstance(rec["argc"], int) and rec["argc"] >= 0, "argc"
    assert isinstance(rec["argv"], list), "argv"
    assert all(isinstance(a, str) for a in rec["argv"]), "argv strings"
    cut = rec.get("truncated", False)
    assert cut in (True, False) and ("truncated" not in rec or cut), "truncated"
    assert rec.get("invalid_utf8", True) is True, "invalid_utf8"
    assert len(rec["argv"]) == rec["argc"] or (cut and len(rec["argv"]) <= rec["argc"]), \
        "argc %d, %d in argv" % (rec["argc"], len(rec["argv"]))
    if "fd" in rec:
        assert isinstance(rec["fd"], int), "fd"
    check_policy(rec)


def check_policy(rec):
    """writable and hidden come together, on records of a sandboxed tier;
    the other two only with them, and never empty."""
    assert ("writable" in rec) == ("hidden" in rec), "writable without hidden"
    if "writable" not in rec:
        assert not any(k in rec for k in PATH_LISTS + ["limits"]), \
            "a policy list alone"
        return
    assert rec["tier"] in ("hardened", "lockdown"), "a policy at tier none"
    w = rec["writable"]
    assert w is None or isinstance(w, list), "writable"
    for k in ["writable"] + PATH_LISTS:
        v = rec.get(k) or []
        assert all(isinstance(p, str) and p.startswith("/") for p in v), k
    for k in ("writable_dropped", "writable_missing"):
        assert k not in rec or rec[k], k + " empty"
    lim = rec.get("limits", {"time": 1})
    assert isinstance(lim, dict) and lim, "limits"
    assert set(lim) <= LIMITS, "unknown limits %s" % sorted(set(lim) - LIMITS)
    assert all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
               for v in lim.values()), "limit values"


def show_policy(rec):
    words = [rec["function"], rec["decision"], rec["tier"] or "null"]
    for key, name in (("writable", "writable"), ("hidden", "hidden"),
                      ("writable_dropped", "dropped"), ("writable_missing", "missing")):
        if key in rec:
            words.append("%s=%s" % (name, json.dumps(rec[key], separators=(",", ":"))))
    if "limits" in rec:
        words.append("limits=" + ",".join("%s=%d" % kv for kv in rec["limits"].items()))
    return " ".join(words)


def show(rec):
    words = [rec["function"], rec["decision"], rec.get("errno", "-"),
             rec["tier"] or "null", json.dumps(rec["requested_tier"]),
             json.dumps(rec["path"]), json.dumps(rec["argv"], separators=(",", ":"))]
    words += [k for k in ("truncated", "invalid_utf8") if k in rec]
    if "fd" in rec:
        words.append("fd=%d" % rec["fd"])
    words.append("pid=%d" % rec["pid"])
    return " ".join(str(w) for w in words)


def bulk_argv_ok(rec):
    a = rec["argv"]
    if rec["function"] != "execve" or a[:1] != ["bulk"]:
        return True
    p, t, i = (int(x) for x in a[1].split("-"))
    want = chr(ord("a") + p * 2 + t) * (i * 7 % 2000)
    return len(a) == 3 and a[2] == want and rec["path"] == "/nonexistent/cordon-bulk"


def main():
    summary = sys.argv[1] == "--summary"
    policy = sys.argv[1] == "--policy"
    path = sys.argv[-1]
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        print("BAD: the log does not end with a newline")
        return 1
    counts = collections.Counter()
    pids = set()
    for n, raw in enumerate(data.splitlines(keepends=True), 1):
        try:
            rec = json.loads(raw)
            # A record a full disk cut short, mended in place by the shim:
            # valid JSON, no record.
            if rec in ({"torn": True}, {}, 0):
                counts["torn"] += 1
                if not summary:
                    print("torn")
                continue
            check(rec, raw)
        except (ValueError, AssertionError) as e:
            print("BAD line %d: %s: %r" % (n, e, raw[:300]))
            return 1
        if summary:
            counts["records"] += 1
            counts[rec["decision"]] += 1
            counts["bad bulk argv"] += not bulk_argv_ok(rec)
            pids.add(rec["pid"])
        elif policy:
            if "writable" in rec:
                print(show_policy(rec))
        else:
            print(show(rec))
    if summary:
        for k in ("records", "passthrough", "sandboxed", "refused", "failed",
                  "bad bulk argv", "torn"):
            print("%s %d" % (k, counts[k]))
        print("pids %d" % len(pids))
    return 0


sys.exit(main())
