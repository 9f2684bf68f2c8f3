/* The monitor: the exec'd helper, keeping the pid P and the process group
 * G the host knows, outside the namespaces. It installs no signal handler:
 * every signal stays blocked and is looked at from a signalfd, so nothing
 * is lost or run twice, and the job is the one whose dispositions decide
 * what a signal does. It opens nothing before its first clone (the host's
 * fd table may be full): init, sharing the table, makes what both need
 * once the job has its copy of the host's fds. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h> /* nanosleep */
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* hardened's mount namespace holds its fresh /proc (and a root caller's
 * read-only host), so that the job writes no host process's /proc files. */
static const unsigned long tier_flags[] = {
    [TIER_HARDENED] = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS,
    [TIER_LOCKDOWN] =
	CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET,
};

/* What the kernel answers when user namespaces are refused (ENOSPC: clone_init). */
static const int userns_refusals[] = {EPERM, EUSERS, EINVAL, EACCES};

/* Blocks every signal (the kernel's full set): they wait, pending, for the
 * start-up cut and the rounds (round.c). SIGCHLD must not stay SIG_IGN, or
 * waitpid(init) fails with ECHILD; the job gets the host's back. */
static void take_signals(struct job *j)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old;

	if (ksig_mask(SIG_SETMASK, KSET_ALL, &j->host_mask) < 0)
		die(EXIT_SETUP, "cannot block signals: %s", strerror(errno));
	if (sigaction(SIGCHLD, &dfl, &old) < 0)
		die(EXIT_SETUP, "cannot reset SIGCHLD: %s", strerror(errno));
	j->host_chld_ignored = old.sa_handler == SIG_IGN;
}

static const char userns_fixes[] =
    "allow user namespaces: sysctl user.max_user_namespaces=15000 (if it is 0), "
    "kernel.unprivileged_userns_clone=1 (Debian, older kernels), "
    "kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu 23.10+)";

/* 1 when a mountinfo line is the root's mount. */
static int root_line(char *line, void *arg)
{
	const char *f = mountinfo_field(line, 4); /* MOUNTPOINT */

	(void)arg;
	return f && f[0] == '/' && f[1] == ' ';
}

/* The kernel refuses a new user namespace to a chrooted caller
 * (kernel/user_namespace.c, current_chrooted()): no sysctl helps then. Only
 * a caller that may look at init's root can tell; an unprivileged one gets
 * the general advice. */
static bool chrooted(void)
{
	struct stat ours, init;
	char buf[4096];

	if (stat("/", &ours) == 0 && stat("/proc/1/root/", &init) == 0)
		return ours.st_dev != init.st_dev || ours.st_ino != init.st_ino;
	/* init's root out of reach (fewer capabilities than pid 1): a root
	 * that is a plain directory, not a mount, has no line in mountinfo
	 * (the kernel shows only mounts reachable from the caller's root).
	 * Unreadable: not known to be a chroot. */
	return file_lines("/proc/self/mountinfo", buf, sizeof(buf), root_line, NULL) == 0;
}
static const char *kind_disabled(unsigned long flags);

/* The kernel refused namespaces of flags to call ("clone", or the job's
 * own "unshare"): why, as precisely as we can tell. */
static _Noreturn void die_ns(const char *call, int e, unsigned long flags)
{
	const char *off = e == ENOSPC ? kind_disabled(flags) : NULL;
	char why[64];

	if (off)
		die_cause(CAUSE_NS_DISABLED, off,
			  "the kernel refused the sandbox's namespaces (%s: %s): "
			  "user.%s is 0, which disables them; allow them: sysctl -w "
			  "user.%s=15000",
			  call, strerror(ENOSPC), off, off);
	if (e == EPERM && chrooted())
		die_cause(CAUSE_CHROOT, NULL,
			  "the kernel refused the sandbox's namespaces (clone: %s): the "
			  "caller runs in a chroot, where Linux allows no new user "
			  "namespace; run the host outside the chroot (a container or "
			  "cordon run give it a root of its own)",
			  strerror(e));
	fmt_sn(why, sizeof(why), "%s: %s", call, strerror(e));
	for (size_t i = 0; i < sizeof(userns_refusals) / sizeof(userns_refusals[0]); i++)
		if (e == userns_refusals[i])
			die_cause(CAUSE_USERNS, why,
				  "the kernel refused the sandbox's namespaces (%s); %s",
				  why, userns_fixes);
	if (e == ENOSPC)
		die_cause(
		    CAUSE_NS_LIMIT, NULL,
		    "the kernel refused the sandbox's namespaces (%s): a per-user "
		    "namespace limit is reached and each sandbox alive holds one (a root "
		    "caller's, two); raise user.max_user_namespaces (and "
		    "max_pid/ipc/mnt/net_namespaces) with sysctl -w, or start fewer "
		    "jobs at once",
		    why);
	die_if_nproc(e);
	die(EXIT_SETUP, "cannot create the sandbox (%s)", why);
}

/* Whether /proc/sys/user/NAME reads 0 (a namespace kind disabled). */
static bool limit_is_zero(const char *name)
{
	char path[64], buf[32];

	fmt_sn(path, sizeof(path), "/proc/sys/user/%s", name);
	return file_read(AT_FDCWD, path, buf, sizeof(buf)) >= 2 && buf[0] == '0' &&
	       buf[1] == '\n';
}

/* The sysctl of a namespace kind in flags whose limit is 0, or NULL. */
static const char *kind_disabled(unsigned long flags)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} kinds[] = {
	    {CLONE_NEWUSER, "max_user_namespaces"}, {CLONE_NEWPID, "max_pid_namespaces"},
	    {CLONE_NEWIPC, "max_ipc_namespaces"},   {CLONE_NEWNS, "max_mnt_namespaces"},
	    {CLONE_NEWNET, "max_net_namespaces"},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if ((flags & kinds[i].flag) && limit_is_zero(kinds[i].name))
			return kinds[i].name;
	return NULL;
}

/* init's clone into the job's cgroup failed: for the cgroup, or (EPERM,
 * and the rest) for the namespaces, as a plain clone would say. */
static _Noreturn void cgroup_refused(int err, const char *dir, unsigned long flags)
{
	if (err == ENOSYS || err == EINVAL || err == E2BIG)
		die(EXIT_SETUP,
		    "cannot start the job in its cgroup: clone3 with CLONE_INTO_CGROUP "
		    "(Linux 5.7) failed here (%s; a seccomp filter may refuse clone3); "
		    "unset CORDON_CGROUP, and with it mem= and a root caller's pids=",
		    strerror(err));
	if (err == EACCES)
		die(EXIT_SETUP,
		    "cannot start the job in its cgroup under %s: %s (moving a "
		    "process there takes write access to cgroup.procs of the cgroup "
		    "that holds both it and the host: delegate that subtree to this "
		    "user and start the host in it)",
		    dir, strerror(err));
	if (err == EBUSY || err == EOPNOTSUPP || err == ENOENT || err == ENODEV)
		die(EXIT_SETUP, "cannot start the job in its cgroup under %s: %s", dir,
		    strerror(err));
	die_ns("clone", err, flags);
}

/* clone() for init. ENOSPC is a per-user count of namespaces
 * (user.max_*_namespaces) used up, and the kernel gives a finished
 * sandbox's namespaces back only after an RCU grace period, tens of ms
 * after its end: jobs started back to back near the limit would fail
 * while none of them is alive. So ENOSPC is retried, with growing pauses,
 * for up to ENOSPC_WAIT_MS; not when a limit is 0 (that kind is disabled:
 * no wait helps; the message names the sysctl), looked up at the first
 * ENOSPC only. Signals are blocked
 * meanwhile and wait in the signalfd: the loop forwards them once the
 * target runs. */
enum { ENOSPC_WAIT_MS = 1000 };

static pid_t clone_init(const struct job *j, unsigned long flags, int cgroup)
{
	struct timespec pause = {0, 1000000};
	int waited = 0; /* ms, the sum of the pauses: no clock on the way */
	pid_t pid;

	for (;;) {
		pid = cgroup < 0 ? raw_clone(flags) : clone_into(flags, cgroup);
		if (pid < 0 && cgroup >= 0 && errno != ENOSPC)
			cgroup_refused(errno, j->a->cgroup, flags);
		if (pid >= 0 || errno != ENOSPC)
			return pid;
		if (!waited && kind_disabled(flags))
			die_ns("clone", ENOSPC, flags);
		if (waited >= ENOSPC_WAIT_MS)
			die_cause(
			    CAUSE_NS_LIMIT, NULL,
			    "the kernel refused the sandbox's namespaces (clone: %s, "
			    "for %d ms): a per-user namespace limit is reached and "
			    "each sandbox alive holds one (a root caller's, two); raise "
			    "user.max_user_namespaces (and "
			    "max_pid/ipc/mnt/net_namespaces) "
			    "with sysctl -w, or start fewer jobs at once",
			    strerror(ENOSPC), waited);
		nanosleep(&pause, NULL);
		waited += (int)(pause.tv_nsec / 1000000);
		if (pause.tv_nsec < 32000000)
			pause.tv_nsec *= 2;
	}
}

/* Zeroes our arguments (argv[0] stays) in /proc/PID/cmdline, so that
 * `pkill -f PATTERN` finds the target only, not the monitor too: the target
 * would get the signal twice. Only when the kernel laid them out
 * contiguously, as it does for exec. */
void hide_args(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i++)
		if (argv[i + 1] != argv[i] + strlen(argv[i]) + 1)
			return;
	if (argc > 1)
		memset(argv[1], 0,
		       (size_t)(argv[argc - 1] - argv[1]) + strlen(argv[argc - 1]));
}

/* Mirrors a stop of the job on ourselves, so the host sees the pid it
 * knows stop with the same signal; we continue when someone sends us
 * SIGCONT, which stays pending (blocked) for the next round. */
static void stop_self(int sig)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
	bool reset = sigaction(sig, &dfl, &old) == 0; /* fails for SIGSTOP: fine */

	kill(getpid(), sig);
	ksig_mask(SIG_UNBLOCK, KBIT(sig), NULL); /* delivered here: we stop */
	ksig_mask(SIG_BLOCK, KBIT(sig), NULL);
	if (reset)
		sigaction(sig, &old, NULL);
}

/* time='s one line, on the job's stderr (kept open for it). */
static void say_time_up(const struct job *j)
{
	say("the job ran out of its time limit (time=%llu s): its sandbox is killed",
	    (unsigned long long)j->lim.v[LIMIT_TIME]);
}

/* The job, for mirror's line: time= ended it (init did, while we were
 * stopped; or we did, and said so: said). */
static const struct job *the_job;
static bool said;

/* Dies the way the job did. RLIMIT_CORE 0: the core, if any, was the
 * job's to write, not ours. */
static _Noreturn void mirror(int status)
{
	struct rlimit none = {0, 0};
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	int sig;

	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && the_job &&
	    the_job->lim.set[LIMIT_MEM] && cgroup_oom())
		say("the job ran out of its memory limit (mem=%llu bytes): the kernel's "
		    "OOM killer ended it",
		    (unsigned long long)the_job->lim.v[LIMIT_MEM]);
	cgroup_remove();
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	sig = WTERMSIG(status);
	if (sig == SIGKILL && !said && the_job && the_job->deadline_ms &&
	    limits_poll_ms(the_job, 0) == 0)
		say_time_up(the_job);
	/* Best effort each: whatever fails, the _exit below still reports the
	 * signal the way a shell would. */
	setrlimit(RLIMIT_CORE, &none);
	sigaction(sig, &dfl, NULL);
	kill(getpid(), sig);
	ksig_mask(SIG_UNBLOCK, KBIT(sig), NULL);
	_exit(128 + sig);
}

/* init has ended: the job's status if it sent it, else init's own (it
 * could not build the sandbox and said why, or it was killed). */
static _Noreturn void end_with_init(struct rounds *r)
{
	int st;

	rounds_init_gone(r, &st);
	mirror(st);
}

/* Without the signal scope the job leads a group of its own: the
 * terminal's foreground goes to it when it was ours, and comes back at its
 * end. SIGTTOU is blocked: we may ask from the background. */
static void tty_give(struct job *j)
{
	if (j->tty >= 0 && tcgetpgrp(j->tty) == getpgrp())
		tcsetpgrp(j->tty, j->q_host);
}

static void tty_take_back(const struct job *j)
{
	if (j->tty >= 0 && tcgetpgrp(j->tty) == j->q_host)
		tcsetpgrp(j->tty, getpgrp());
}

/* A round, or where the job has a group of its own, everything passed on
 * to it. */
static void signals(struct rounds *r, const struct job *j)
{
	if (j->own_group)
		rounds_forward(r, j->q_host);
	else
		rounds_run(r);
}

/* While we are stopped for a job that stopped, a child of ours outside
 * the sandbox watches the channel: when the job is continued from inside
 * (by a process of its own) or ends, nobody else would continue us, and
 * the host would wait on a stopped pid for ever. It only peeks, so the
 * note stays ours; its SIGCONT carries the cookie, which the rounds do
 * not pass on (round.c). A note may already be there before we stop (a
 * job that stops and is continued over and over), and a SIGCONT that
 * comes before our SIGSTOP is undone by it: so it sends one every
 * millisecond until we, continued, end it (SIGKILL); a SIGCONT still
 * pending then is undone by our next stop. It dies with us, and never
 * signals whoever adopts it. */
static pid_t waker_start(struct rounds *r)
{
	struct timespec ms = {0, 1000000};
	pid_t me = getpid();
	siginfo_t si;
	struct msg m;
	pid_t w = raw_clone(SIGCHLD);

	if (w != 0)
		return w;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != me)
		_exit(0);
	while (recv(rounds_sv(r), &m, sizeof(m), MSG_PEEK) < 0 && errno == EINTR)
		;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGCONT;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = rounds_job(r)->cookie;
	for (;;) {
		if (getppid() != me || syscall(SYS_rt_sigqueueinfo, me, SIGCONT, &si) < 0)
			_exit(0);
		nanosleep(&ms, NULL);
	}
}

static void waker_end(pid_t w)
{
	if (w <= 0)
		return;
	kill(w, SIGKILL);
	while (waitpid(w, NULL, __WALL) < 0 && errno == EINTR)
		;
}

static void on_note(struct rounds *r, const struct msg *m)
{
	struct msg req, ans;

	switch (m->type) {
	case N_STOPPED:
		/* What came before the stop is passed on first; the job may
		 * have been continued meanwhile. */
		signals(r, rounds_job(r));
		memset(&req, 0, sizeof(req));
		req.type = R_QSTATE;
		rounds_ask(r, &req, &ans);
		if (ans.a && !(ksig_pending() & KBIT(SIGCONT))) {
			pid_t w = waker_start(r);
			stop_self(m->a);
			waker_end(w);
		}
		break;
	case N_EXITED:
		/* Nothing left of the job: the sandbox ends before the host
		 * sees the status, as the job's own end would. Else the host
		 * sees it now, and init lives on with what the job left. */
		if (m->b)
			while (waitpid(rounds_init(r), NULL, __WALL) < 0 &&
			       errno == EINTR)
				;
		tty_take_back(rounds_job(r));
		mirror(m->a);
	default: /* N_CONTINUED: we were continued first */
		break;
	}
}

/* time= has run out: the sandbox ends, the job and what it left, at once;
 * init's death (SIGKILL) is then the job's, as `timeout -s KILL` gives.
 * The kill first: the line may find no room (say). */
static void time_up(struct rounds *r)
{
	/* Our child, not yet reaped: the pid is still init's. */
	kill(rounds_init(r), SIGKILL);
	say_time_up(rounds_job(r));
	said = true;
}

/* Wakes for a signal, a note of init's, or the deadline; the deadline is
 * looked at after every wake-up, so that no stream of events (a job that
 * stops itself while its child keeps continuing it) can hold it off. */
static _Noreturn void loop(struct rounds *r, int sfd, int sv)
{
	bool timed_out = false;

	for (;;) {
		struct pollfd p[2] = {{sfd, POLLIN, 0}, {sv, POLLIN, 0}};
		struct msg m;
		while (rounds_note(r, &m))
			on_note(r, &m);
		int ms = timed_out ? -1 : limits_poll_ms(rounds_job(r), 0),
		    rc = poll(p, 2, ms);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			die(EXIT_SETUP, "poll: %s", strerror(errno));
		}
		if (ms >= 0 && limits_poll_ms(rounds_job(r), 0) == 0) {
			timed_out = true;
			time_up(r);
			continue;
		}
		if (p[0].revents)
			signals(r, rounds_job(r));
		if (p[1].revents) {
			int got = msg_recv(sv, &m, MSG_DONTWAIT);
			if (got > 0)
				on_note(r, &m);
			else if (got == 0)
				end_with_init(r);
		}
	}
}

/* Waits until init says whether the job exists and drained its first
 * signals (1), or the start-up failed (2, init's die_notify). */
static uint32_t wait_word(struct job *j, pid_t init, uint32_t *w)
{
	int st;

	while (fut_get(w) == 0) {
		fut_wait(w, 0, 100);
		/* Killed before it could say so. */
		if (fut_get(w) == 0 && waitpid(init, &st, WNOHANG | __WALL) == init) {
			if (w == &j->pg->fds_closed && WIFSIGNALED(st) &&
			    WTERMSIG(st) == SIGKILL)
				cgroup_killed_at_birth();
			mirror(st);
		}
	}
	return fut_get(w);
}

/* Root: init's maps, the identity of ours over every id, written from the
 * host's user namespace. Only once init emptied the table we share: an fd
 * of ours would otherwise be closed under us. */
static void write_maps(struct job *j, pid_t init)
{
	pid_t in_proc = init;
	int rc, fd;

	if (wait_word(j, init, &j->pg->fds_closed) != 1)
		return; /* the start-up failed: the loop below learns how */
	fd = (int)syscall(SYS_pidfd_open, init, 0);
	if (fd >= 0) {
		in_proc = idmap_proc_pid(fd, init);
		close(fd);
	}
	rc = idmap_write_child(in_proc, false);
	if (rc < 0) {
		fut_set(&j->pg->maps, 2);
		die_cause(CAUSE_IDMAP, NULL,
			  "cannot write the sandbox's uid/gid maps: %s", strerror(-rc));
	}
	fut_set(&j->pg->maps, 1);
}

static void random_cookie(struct job *j)
{
	if (syscall(SYS_getrandom, &j->cookie, sizeof(j->cookie), 0) !=
	    (long)sizeof(j->cookie))
		j->cookie = (int)((uintptr_t)&j->cookie ^ (uintptr_t)getpid());
}

/* The flags of init's clone: the tier's namespaces, our fd table shared
 * (the start-up opens nothing before the job has its copy). A root
 * caller's lockdown job makes its own network namespace (init.c). */
static unsigned long init_flags(const struct job *j)
{
	unsigned long f = tier_flags[j->a->tier] | CLONE_FILES | SIGCHLD;

	if (j->cover_mqueue)
		f |= CLONE_NEWNS;
	if (j->nested)
		f &= ~(unsigned long)CLONE_NEWNET;
	return f;
}

void monitor_run(struct job *j, int argc, char **argv)
{
	pid_t init;
	int sfd;

	take_signals(j);
	/* The shim starts us through an fd: before Linux 6.14 our comm is then
	 * the fd's number. */
	prctl(PR_SET_NAME, "cordon-helper", 0, 0, 0);
	random_cookie(j);
	j->p = getpid();
	j->argc = argc;
	j->argv = argv;
	j->uid = geteuid();
	j->gid = getegid();
	j->root = j->uid == 0 && caps_can_map_ids();
	j->orphans_kill = j->a->orphans != NULL;
	j->pinned = -1;
	j->cover_mqueue = j->a->tier == TIER_HARDENED && mounts_host_mqueue();
	/* No signal scope (landlock.c): the job's kill(0) must not reach the
	 * host's members of G, so it is not in G (docs/helper.md). */
	j->own_group = landlock_abi() < LANDLOCK_SCOPES_ABI;
	j->tty = -1;
	j->nested = j->root && (init_flags(j) & CLONE_NEWNS);
	limits_check(j);
	the_job = j;
	die_cleanup(cgroup_remove);
	init = clone_init(j, init_flags(j), cgroup_make(j));
	if (init < 0)
		die_ns("clone", errno, init_flags(j));
	if (init == 0)
		init_run(j);
	cgroup_enter(j, init);
	/* After the clone: init's copy keeps the job's argv. */
	hide_args(argc, argv);
	if (j->root)
		write_maps(j, init);
	struct rounds *r = NULL;
	if (wait_word(j, init, &j->pg->q_waiting) != 1) {
		/* init ends with the job: reaped here, not left to the host. */
		if (fut_get(&j->pg->q_ended) && j->pg->nest_errno &&
		    waitpid(init, NULL, __WALL) >= 0)
			die_ns("unshare", j->pg->nest_errno,
			       CLONE_NEWUSER | CLONE_NEWNS |
				   (tier_flags[j->a->tier] & CLONE_NEWNET));
		r = rounds_start(j, init, -1, -1);
		end_with_init(r);
	}
	/* init has a table of its own now; ours holds the channel's ends and
	 * the job's pidfd it made, and stderr until the job runs. */
	r = rounds_start(j, init, j->pg->sv_p, j->pg->qpfd);
	int keep[] = {j->pg->sv_p, j->pg->qpfd, STDERR_FILENO, j->a->status_fd};
	close_all_but(keep, sizeof(keep) / sizeof(keep[0]));
	sfd = ksig_fd(KSET_ALL, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		die(EXIT_SETUP, "signalfd: %s", strerror(errno));
	if (j->own_group) {
		j->q_host = idmap_proc_pid(j->pg->qpfd, -1);
		if (j->q_host <= 0)
			die(EXIT_SETUP, "cannot find the job's process group");
		j->tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		rounds_on_cont(r, tty_give);
		tty_give(j); /* before the job runs (the cut's end) */
	}
	rounds_cut(r);
	/* From here on nothing should fail; if it does, the exit code tells.
	 * A reader of our stderr sees its end when the job closes it; with
	 * time= when we end too (we keep it for the limit's line). */
	if (!j->deadline_ms && !j->lim.set[LIMIT_MEM])
		close(STDERR_FILENO);
	die_status_close();
	loop(r, sfd, j->pg->sv_p);
}
