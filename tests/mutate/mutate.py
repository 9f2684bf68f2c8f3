#!/usr/bin/env python3
"""make mutate: the suite must catch a broken shim or helper.

    mutate.py BUILD_DIR [NAME...]      (every mutant, or those named)

Each mutant of tests/mutate/mutants.py is a deliberate fault: pieces of the
source, each found exactly once (else the run fails: a mutant that no longer
applies must be updated, never skipped), replaced by broken ones. For each,
a copy of the sources gets the fault, and libcordon.so and cordon-helper
are rebuilt from it on top of a copy of BUILD_DIR's objects, so only the
changed files compile; they replace the good ones in a staged copy of the
build tree, and the tests the mutant names run there. At least one must
fail. The fault exists only in those copies: the shipped objects are never
built with it.

The staged tree sits in a world-readable directory of its own under
$CORDON_STAGE_BASE (default /var/lib), not under /tmp: lockdown hides /tmp.
The tests run as the caller, and again as uid 65534 when the caller is
root and they caught nothing (as scripts/check runs both); a mutant whose
catch is a race's (the stop storms' notes) gets those runs twice over.
Prints which
test caught each mutant; exits 1 when one survived or did not apply.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from mutants import MUTANTS  # noqa: E402

SOURCES = ["GNUmakefile", "VERSION", "common", "shim", "helper", "scripts", "tests",
           "bench", "man", "debian", "docs"]
ARTIFACTS = ["libcordon.so", "cordon-helper"]
# What the two artifacts are linked from, and what their rules read.
OBJECTS = ["obj/so", "obj/helper", "paths.stamp"]


def stage_base(build_dir):
    base = os.environ.get("CORDON_STAGE_BASE", "/var/lib")
    if os.path.isdir(base) and os.access(base, os.W_OK):
        return base
    return os.path.dirname(build_dir)


def copy_sources(tree, build_dir):
    """The sources, and the good objects with their times kept: make then
    rebuilds what the mutant changes, nothing else."""
    for name in SOURCES:
        src = os.path.join(TOP, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(tree, name), symlinks=True)
        elif os.path.exists(src):
            shutil.copy2(src, os.path.join(tree, name))
    for name in OBJECTS + ARTIFACTS:
        src, dst = os.path.join(build_dir, name), os.path.join(tree, "build", name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.isdir(src):
            shutil.copytree(src, dst, symlinks=True)
        else:
            shutil.copy2(src, dst)


def apply(tree, m):
    for e in m["edits"]:
        path = os.path.join(tree, e["file"])
        with open(path) as f:
            text = f.read()
        n = text.count(e["find"])
        if n != 1:
            return "%r is in %s %d times, not once: update the mutant" % (
                e["find"][:60], e["file"], n)
        with open(path, "w") as f:
            f.write(text.replace(e["find"], e["replace"]))
    return None


def build(tree, cflags):
    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SANITIZE", "B"):
        env.pop(v, None)
    # A mutant may well warn (a function it no longer calls): -Wno-error.
    cmd = ["make", "-s", "-C", tree, "B=build", "CFLAGS=%s -Wno-error" % cflags]
    r = subprocess.run(cmd + ["build/" + a for a in ARTIFACTS], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    return None if r.returncode == 0 else r.stdout[-2000:]


# As scripts/check runs the suites: as the caller, and as uid 65534 when
# that is root (a root caller's jobs keep capabilities and no_new_privs is
# theirs to set: a fault there shows in an ordinary caller's run).
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def cgroup_make():
    """As root, a cgroup v2 directory for security.cgroup's jobs (as
    scripts/check makes one) on the first cgroup2 mount; None without."""
    if os.getuid() != 0:
        return None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            pre, _, post = line.partition(" - ")
            if post.split(" ")[0] == "cgroup2":
                try:
                    d = tempfile.mkdtemp(dir=pre.split(" ")[4], prefix="cordon-mutate.")
                    os.chmod(d, 0o755)
                    return d
                except OSError:
                    return None
    return None


def pids_v1_make():
    """As root, a directory of cgroup v1's pids hierarchy, where the pids
    controller is bound to v1 (as scripts/check makes one); None without."""
    if os.getuid() != 0:
        return None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            pre, _, post = line.partition(" - ")
            fields = post.split(" ")
            if fields[0] == "cgroup" and "pids" in fields[2].strip().split(","):
                try:
                    d = tempfile.mkdtemp(dir=pre.split(" ")[4], prefix="cordon-mutate.")
                    os.chmod(d, 0o755)
                    return d
                except OSError:
                    return None
    return None


def cgroup_remove(top):
    """Removes top and the cgroups below it, deepest first (a cgroup goes
    with rmdir once empty; the last processes of a run may still exit)."""
    for _ in range(20):
        for d, _, _ in sorted(os.walk(top), key=lambda w: -len(w[0])):
            try:
                os.rmdir(d)
            except OSError:
                pass
        if not os.path.isdir(top):
            return
        time.sleep(0.1)


CGROUP = None
PIDS_V1 = None


def run_tests(stage, selectors, nobody=False):
    runner = os.path.join(stage, "build", "tests", "cordon-tests")
    scratch = tempfile.mkdtemp(dir=stage, prefix="scratch.")
    os.chmod(scratch, 0o755)
    if nobody:
        os.chown(scratch, 65534, 65534)
    env = dict(os.environ, CORDON_TEST_SCRATCH=scratch)
    # The root run's; the 65534 run goes without (its runner would have
    # to start inside a delegated cgroup).
    env.pop("CORDON_TEST_CGROUP", None)
    env.pop("CORDON_TEST_PIDS_V1", None)
    if CGROUP and not nobody:
        env["CORDON_TEST_CGROUP"] = CGROUP
    if PIDS_V1 and not nobody:
        env["CORDON_TEST_PIDS_V1"] = PIDS_V1
    try:
        r = subprocess.run((NOBODY if nobody else []) + [runner] + selectors,
                           cwd=stage, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=300)
        out = r.stdout
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") + "\n(timed out)\n"
    shutil.rmtree(scratch, ignore_errors=True)
    # CUnit ends a failed test with FAILED, maybe lines after its name.
    caught, suite, test, ran = [], "", "", 0
    for line in out.splitlines():
        s = re.match(r"Suite: (.*)", line)
        if s:
            suite = s.group(1)
        t = re.match(r"\s*Test: (.*?) \.\.\.", line)
        if t:
            ran += 1
            test = "%s / %s" % (suite, t.group(1))
        if line.endswith("FAILED") and test and test not in caught:
            caught.append(test)
    return caught, ran, out


def put(src, dst):
    """Copies src over dst by a rename: a process a mutant's test left
    behind may still run dst (ETXTBSY for a copy over it)."""
    shutil.copy2(src, dst + ".new")
    os.replace(dst + ".new", dst)


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    build_dir = os.path.abspath(sys.argv[1])
    names = sys.argv[2:]
    cflags = os.environ.get("CORDON_MUTATE_CFLAGS", "-O2 -g")
    todo = [m for m in MUTANTS if not names or m["name"] in names]
    unknown = set(names) - {m["name"] for m in MUTANTS}
    if unknown:
        sys.stderr.write("mutate: no mutant named %s\n" % ", ".join(sorted(unknown)))
        return 2
    stage = tempfile.mkdtemp(dir=stage_base(build_dir), prefix="cordon-mutate.")
    os.chmod(stage, 0o755)
    global CGROUP, PIDS_V1
    CGROUP = cgroup_make()
    PIDS_V1 = pids_v1_make()
    failed, idle = [], []
    began = time.time()
    try:
        shutil.copytree(build_dir, os.path.join(stage, "build"), symlinks=True,
                        ignore=shutil.ignore_patterns("san", "fuzz", "bench", "pkg",
                                                      "scratch", "obj", "lint"))
        subprocess.run(["chmod", "-R", "a+rX", stage], check=True)
        good = {}
        for a in ARTIFACTS:
            good[a] = os.path.join(stage, "good-" + a)
            shutil.copy2(os.path.join(stage, "build", a), good[a])
        for m in todo:
            if m.get("needs") == "pids_v1" and not PIDS_V1:
                print("mutant %-36s not applicable here: no cgroup v1 pids "
                      "hierarchy to run its tests in" % m["name"], flush=True)
                idle.append(m["name"])
                continue
            start = time.time()
            tree = tempfile.mkdtemp(dir=stage, prefix="tree.")
            copy_sources(tree, build_dir)
            why = apply(tree, m) or build(tree, cflags)
            if why:
                print("mutant %-36s NOT APPLIED: %s" % (m["name"], why))
                failed.append(m["name"])
                shutil.rmtree(tree, ignore_errors=True)
                continue
            for a in ARTIFACTS:
                put(os.path.join(tree, "build", a), os.path.join(stage, "build", a))
            shutil.rmtree(tree, ignore_errors=True)
            caught, ran = [], 0
            for _ in range(2 if m.get("racy") else 1):
                if not caught:
                    caught, more, out = run_tests(stage, m["tests"])
                    ran += more
                if not caught and os.getuid() == 0:
                    caught, more, out = run_tests(stage, m["tests"], nobody=True)
                    ran += more
            for a in ARTIFACTS:
                put(good[a], os.path.join(stage, "build", a))
            took = time.time() - start
            if caught:
                print("mutant %-36s caught (%4.1f s) by %s%s" % (
                    m["name"], took, caught[0],
                    " and %d more" % (len(caught) - 1) if len(caught) > 1 else ""),
                    flush=True)
            else:
                print("mutant %-36s SURVIVED (%4.1f s): %s; %d tests of %s passed"
                      % (m["name"], took, m["what"], ran, " ".join(m["tests"])),
                      flush=True)
                if ran == 0:
                    print("  (no test matched: a selector names a test that is gone)")
                sys.stdout.write(out[-1500:])
                failed.append(m["name"])
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if CGROUP:
            cgroup_remove(CGROUP)
        if PIDS_V1:
            cgroup_remove(PIDS_V1)
    print("\n%d mutants, %d caught, %d not%s (%.0f s)" % (
        len(todo), len(todo) - len(failed) - len(idle), len(failed),
        ", %d not applicable here" % len(idle) if idle else "", time.time() - began))
    return 1 if failed else 0


sys.exit(main())
