"""The deliberate faults of `make mutate` (tests/mutate/mutate.py).

Each mutant replaces pieces of the shim's or the helper's source (each
piece must be found exactly once) by broken ones, and names the tests that
must catch it: runner selectors, SUITE or SUITE/TEST-NAME-PREFIX, chosen so
that the whole list runs in a few minutes."""


def mutant(name, what, tests, *edits):
    return {"name": name, "what": what, "tests": tests,
            "edits": [{"file": f, "find": a, "replace": b} for f, a, b in edits]}


# One entry point whose job skips the helper: the call is logged as
# sandboxed but runs as the host would run it without cordon. COND picks
# the entry point out of the one pipeline (shim/call.c); the fn names of the
# two posix_spawn versions are the same, the compat ones run ENOEXEC
# through /bin/sh (c->sh).
ENTRY_POINTS = [
    ("execve", 'strcmp(c->fn, "execve") == 0', "shim.entry/exit status"),
    ("execv", 'strcmp(c->fn, "execv") == 0', "shim.entry/exit status"),
    ("execvp", 'strcmp(c->fn, "execvp") == 0', "shim.entry/exit status"),
    ("execvpe", 'strcmp(c->fn, "execvpe") == 0', "shim.entry/exit status"),
    ("execl", 'strcmp(c->fn, "execl") == 0', "shim.entry/exit status"),
    ("execle", 'strcmp(c->fn, "execle") == 0', "shim.entry/exit status"),
    ("execlp", 'strcmp(c->fn, "execlp") == 0', "shim.entry/exit status"),
    ("fexecve", 'strcmp(c->fn, "fexecve") == 0', "shim.entry/exit status"),
    ("execveat", 'strcmp(c->fn, "execveat") == 0', "shim.entry/exit status"),
    ("posix_spawn", 'strcmp(c->fn, "posix_spawn") == 0 && !c->sh',
     "shim.entry/exit status"),
    ("posix_spawnp", 'strcmp(c->fn, "posix_spawnp") == 0 && !c->sh',
     "shim.entry/exit status"),
    ("posix_spawn@GLIBC_2.2.5", 'strcmp(c->fn, "posix_spawn") == 0 && c->sh',
     "shim.entry/exit status"),
    ("posix_spawnp@GLIBC_2.2.5", 'strcmp(c->fn, "posix_spawnp") == 0 && c->sh',
     "shim.entry/exit status"),
    ("pidfd_spawn", 'strcmp(c->fn, "pidfd_spawn") == 0', "shim.entry/exit status"),
    ("pidfd_spawnp", 'strcmp(c->fn, "pidfd_spawnp") == 0', "shim.entry/exit status"),
    ("system", 'strcmp(c->fn, "system") == 0', "shim.entry/system()"),
    ("popen", 'strcmp(c->fn, "popen") == 0', "shim.entry/popen()"),
]

HAND_OVER = "err = log_err(c, hand_over(s, c, &r, &pin, &m));"
# system() and popen() have no pass function: their shell is spawned as is.
PASS = ("err = log_err(c, (%s) ? (c->pass ? c->pass(c, s->real) "
        ": s->real->spawn(c->pid, r.path, c->fa, c->attr, r.argv, c->envp)) "
        ": hand_over(s, c, &r, &pin, &m));")

MUTANTS = [
    mutant("divert-skipped:" + fn, fn + " runs its job outside the sandbox, logged as sandboxed",
           [sel], ("shim/call.c", HAND_OVER, PASS % cond))
    for fn, cond, sel in ENTRY_POINTS
] + [
    mutant("tier-lowered-by-job-env", "the job's CORDON_TIER may lower the host's tier",
           ["shim.tier/job env raises"],
           ("shim/tier.c", "if (t != TIER_BAD && j > t)", "if (t != TIER_BAD)")),
    mutant("cordon-vars-kept", "the job's CORDON_* variables reach the target",
           ["shim.tier/the job's env"],
           ("shim/env.c", 'return strncmp(entry, "CORDON_", 7) == 0;',
            "return entry && false;")),
    mutant("always-inside", "the nesting check always finds a sandbox already",
           ["shim.entry/exit status"],
           ("shim/config.c", "cfg.inside = TIER_NONE;", "cfg.inside = TIER_LOCKDOWN;")),
    mutant("capabilities-kept", "the job keeps its capabilities (bounding set and capset)",
           ["helper.isolation/no capability"],
           ("helper/caps.c", "rc = drop_bounding();", "rc = 0 * (drop_bounding != 0);"),
           ("helper/caps.c", "return (int)SYS(SYS_capset, &h, none);",
            "return (!&h || !none) ? 0 : 0;")),
    mutant("no-new-privs-unset", "no_new_privs is not set",
           ["helper.isolation/no capability"],
           ("helper/caps.c", "return (int)SYS(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1);",
            "return 0;")),
    mutant("seccomp-filter-missing", "the seccomp filter is not installed",
           ["helper.isolation/no capability", "helper.isolation/TIOCSTI"],
           ("helper/caps.c", "if ((rc = attach_filter(&prog)) < 0)",
            "if ((rc = (!attach_filter || !&prog)) < 0)")),
    mutant("keys-allowed", "the key system calls pass x86_64's filter",
           ["security.host/the host's session keyring"],
           ("helper/caps.c", "{AT(HIGH64), FROM(251, NEXT, ENOSYS_)},",
            "{AT(HIGH64), FROM(251, NEXT, NEXT)},")),
    mutant("vsock-allowed", "lockdown lets every socket family through",
           ["security.net/lockdown: vsock", "security.net/lockdown: families"],
           ("helper/caps.c", "{LOCK, IS(AF_NETLINK, ALLOW, EAFNO)},",
            "{LOCK, IS(AF_NETLINK, ALLOW, ALLOW)},")),
    mutant("cgroupns-allowed", "a job may make a cgroup namespace of its own",
           ["security.cgroupns"],
           ("helper/caps.c", "{BOTH, HAS(CLONE_NEWCGROUP, EPERM_, ALLOW)},\n#ifdef",
            "{BOTH, HAS(CLONE_NEWCGROUP, ALLOW, ALLOW)},\n#ifdef")),
    mutant("host-writable", "the read-only host is not read-only",
           ["security.readonly/every change outside"],
           ("helper/fspolicy.c", 'rc = fs_set("/", true, MS_RDONLY | MS_NODEV, 0);',
            'rc = fs_set("/", true, MS_NODEV, 0);')),
    mutant("hidden-not-covered", "a hidden path is left as it is",
           ["security.hidden/unreadable by name"],
           ("helper/hidden.c", "\t\tcover(&c, h[i]);", "\t\t(void)cover;")),
    mutant("layout-unchecked",
           "a hardened job that shares the host's files runs although its uid may "
           "replace the helper",
           ["security.layout/a job replacing"],
           ("shim/call.c", "bad = layout_replaceable(s->cfg, &why);",
            "bad = !layout_replaceable || !&why;")),
    mutant("rlimits-unset", "the job's rlimits (cpu, nofile, fsize, core, pids) are not set",
           ["security.limits/cpu"],
           ("helper/target.c", "\tlimits_rlimits(j);", "\t(void)limits_rlimits;")),
    mutant("time-ignored", "time= never ends the job (no clock, in the monitor or in init)",
           ["security.limits/time"],
           ("helper/limits.c", "if (!j->deadline_ms)\n\t\treturn -1;",
            "if (j->deadline_ms || !j->deadline_ms)\n\t\treturn -1;")),
    mutant("waker-once", "the waker's one SIGCONT may come before the monitor's stop",
           ["security.limits/time: a job that stops"],
           ("helper/monitor.c", "\t\tnanosleep(&ms, NULL);", "\t\t_exit(0 * (int)ms.tv_sec);")),
    mutant("state-note-blocks", "init waits on a full channel to tell of a stop",
           ["security.limits/time: a job that stops"],
           ("helper/init.c", "msg_send(in->sv, &m, MSG_DONTWAIT)", "msg_send(in->sv, &m, 0)")),
    mutant("tmp-limit-ignored", "tmp= leaves lockdown's tmpfs at the kernel's default size",
           ["shim.tier/tmp="],
           ("helper/limits.c", "if (!j->lim.set[LIMIT_TMP] ||", "if (true ||")),
    mutant("cgroup-not-entered", "init and the job start in the monitor's cgroup, not the job's",
           ["security.cgroup/a job in DIR"],
           ("helper/monitor.c", "pid = cgroup < 0 ? raw_clone(flags) : clone_into(flags, cgroup);",
            "pid = raw_clone(flags);")),
    mutant("cgroup-kept", "the job's cgroup is never removed",
           ["security.cgroup/jobs at once"],
           ("helper/cgroup.c", "\t\trmdir(made);", "\t\t(void)made;"),
           ("helper/cgroup.c", "\t\t\tunlinkat(d, e->d_name, AT_REMOVEDIR);",
            "\t\t\t(void)e;")),
    mutant("cgroup-writable-allowed", "a writable path above CORDON_CGROUP is let through",
           ["security.cgroup/a job cannot"],
           ("helper/cgroup.c", "if (path_within(dir, strlen(dir), p, n)) {",
            "if (!p || !n || !dir) {")),
    mutant("counts-unset", "the sandbox's namespace and inotify counts are not limited",
           ["security.limits/userns"],
           ("helper/mounts.c", "\tlimits_counts(j);", "\t(void)limits_counts;")),
    mutant("waker-missing",
           "a job stopped and continued from inside leaves the monitor stopped",
           ["helper.daemon/a job stopped"],
           ("helper/monitor.c", "pid_t w = raw_clone(SIGCHLD);", "pid_t w = -1;")),
    mutant("lockdown-mounts-skipped", "lockdown's private /tmp, /proc, ... are not mounted",
           ["helper.isolation/lockdown: /tmp", "helper.isolation/lockdown: /proc"],
           ("helper/mounts.c", "mount_scratch(limits_tmp_size(j));", "(void)mount_scratch;"),
           ("helper/mounts.c",
            "mount_all(root && getenv(\"CORDON_SANDBOX\") ? proc_nested : proc, 1);",
            "(void)proc, (void)proc_nested;")),
    mutant("lo-left-down", "lockdown's lo stays down", ["helper.isolation/lockdown: only lo"],
           ("helper/mounts.c", "(rc = net_lo_up()) < 0", "(rc = 0 * (net_lo_up != 0)) < 0")),
    mutant("forward-to-init", "a signal is forwarded to the sandbox's init, not the job",
           ["helper.signals/a signal to the pid"],
           ("helper/round.c",
            "if (syscall(SYS_pidfd_send_signal, r->qpfd, sig, info, 0) < 0 && info)\n"
            "\t\tsyscall(SYS_pidfd_send_signal, r->qpfd, sig, NULL, 0);",
            "kill(r->init, sig);")),
    mutant("exit-status-off-by-one", "the monitor exits with the job's status plus one",
           ["helper.status/exit codes"],
           ("helper/monitor.c", "_exit(WEXITSTATUS(status));",
            "_exit(WEXITSTATUS(status) + 1);")),
    mutant("own-group-skipped",
           "without Landlock's signal scope the job stays in the host's process group",
           ["helper.daemon/no Landlock signal scope"],
           ("helper/init.c", "if (j->own_group && setpgid(0, 0) < 0)",
            "if (j->own_group && setpgid(0, getpgrp()) < 0)"),
           ("helper/target.c", "if (j->own_group && (r = SYS(SYS_setpgid, 0, 0)) < 0)",
            "if (j->own_group && (r = 0) < 0)")),
    mutant("signal-death-as-exit", "a job killed by a signal is reported as exit 128+N",
           ["helper.status/death by each signal"],
           ("helper/monitor.c", "if (WIFEXITED(status))\n\t\t_exit(WEXITSTATUS(status));",
            "_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));")),
]
