/* The monitor: the exec'd helper, keeping the pid the host knows, outside
 * the namespaces. It installs no signal handler: every signal stays blocked
 * and is read from a signalfd, so nothing is lost or run twice, and the
 * target is the one whose dispositions decide what a signal does. */
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
#include <sys/wait.h>
#include <termios.h>
#include <time.h> /* nanosleep */
#include <unistd.h>

/* hardened's mount namespace holds its fresh /proc (and a root caller's
 * read-only host), so that the job writes no host process's /proc files. */
static const unsigned long tier_flags[] = {
    [TIER_HARDENED] = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS,
    [TIER_LOCKDOWN] =
	CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET,
};

/* What the kernel answers when user namespaces are refused (ENOSPC: clone_init). */
static const int userns_refusals[] = {EPERM, EUSERS, EINVAL, EACCES};

struct mon {
	pid_t init;
	pid_t target; /* host pid = pgid of the target; 0 until it says so */
	bool handed;  /* we gave the terminal's foreground to the target */
	bool done;    /* status holds the target's wait status */
	int status;
};

/* Blocks every signal (the kernel's full set) and reads them from a signalfd.
 * SIGCHLD must not stay SIG_IGN, or waitpid(init) fails with ECHILD. */
static int take_signals(struct job *j)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
	sigset_t all;
	int fd;

	ksig_fill(&all);
	if (ksig_mask(SIG_SETMASK, &all, &j->host_mask) < 0)
		die(EXIT_SETUP, "cannot block signals: %s", strerror(errno));
	if (sigaction(SIGCHLD, &dfl, &old) < 0)
		die(EXIT_SETUP, "cannot reset SIGCHLD: %s", strerror(errno));
	j->host_chld_ignored = old.sa_handler == SIG_IGN;
	fd = ksig_fd(&all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		die(EXIT_SETUP, "signalfd: %s", strerror(errno));
	return fd;
}

/* The target takes the foreground only when we hold it: a job started in
 * the background stays there, as it would without cordon. */
static void find_tty(struct job *j)
{
	j->tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	/* ENXIO: no controlling terminal. */
	j->handover = j->tty >= 0 && tcgetpgrp(j->tty) == getpgrp();
}

static void open_channel(struct job *j)
{
	int on = 1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, j->sock) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, j->late) < 0)
		die(EXIT_SETUP, "socketpair: %s", strerror(errno));
	/* The kernel attaches the sender's pid, translated into our pid
	 * namespace, to each message: that is how we learn the target's host
	 * pid without scanning /proc. */
	if (setsockopt(j->late[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0)
		die(EXIT_SETUP, "SO_PASSCRED: %s", strerror(errno));
}

static const char userns_fixes[] =
    "allow user namespaces: sysctl user.max_user_namespaces=15000 (if it is 0), "
    "kernel.unprivileged_userns_clone=1 (Debian, older kernels), "
    "kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu 23.10+)";

/* The kernel refuses a new user namespace to a chrooted caller
 * (kernel/user_namespace.c, current_chrooted()): no sysctl helps then. Only
 * a caller that may look at init's root can tell; an unprivileged one gets
 * the general advice. */
static bool chrooted(void)
{
	struct stat ours, init;
	char buf[4096];
	ssize_t n;
	int fd;

	if (stat("/", &ours) == 0 && stat("/proc/1/root/", &init) == 0)
		return ours.st_dev != init.st_dev || ours.st_ino != init.st_ino;
	/* init's root out of reach (fewer capabilities than pid 1): a root
	 * that is a plain directory, not a mount, has no line in mountinfo
	 * (the kernel shows only mounts reachable from the caller's root). */
	fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool root_line = false;
	char *line = buf;
	size_t have = 0;
	while (!root_line && (n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += (size_t)n;
		buf[have] = '\0';
		char *nl;
		for (line = buf; (nl = strchr(line, '\n')); line = nl + 1) {
			/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ...: the fifth field. */
			const char *f = line;
			for (int k = 0; k < 4 && f; k++)
				f = strchr(f, ' ') ? strchr(f, ' ') + 1 : NULL;
			if (f && f[0] == '/' && f[1] == ' ')
				root_line = true;
		}
		have = strlen(line);
		memmove(buf, line, have);
	}
	close(fd);
	return !root_line;
}
static _Noreturn void die_clone(int e)
{
	if (e == EPERM && chrooted())
		die_cause(CAUSE_CHROOT, NULL,
			  "the kernel refused the sandbox's namespaces (clone: %s): the "
			  "caller runs in a chroot, where Linux allows no new user "
			  "namespace; run the host outside the chroot (a container or "
			  "cordon run give it a root of its own)",
			  strerror(e));
	char why[64];

	fmt_sn(why, sizeof(why), "clone: %s", strerror(e));
	for (size_t i = 0; i < sizeof(userns_refusals) / sizeof(userns_refusals[0]); i++)
		if (e == userns_refusals[i])
			die_cause(CAUSE_USERNS, why,
				  "the kernel refused the sandbox's namespaces (%s); %s",
				  why, userns_fixes);
	die(EXIT_SETUP, "cannot create the sandbox (clone: %s)", strerror(e));
}

/* Whether /proc/sys/user/NAME reads 0 (a namespace kind disabled). */
static bool limit_is_zero(const char *name)
{
	char path[64], buf[32];
	int fd;
	ssize_t n;

	fmt_sn(path, sizeof(path), "/proc/sys/user/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n >= 2 && buf[0] == '0' && buf[1] == '\n';
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

static pid_t clone_init(unsigned long flags)
{
	struct timespec pause = {0, 1000000};
	int waited = 0; /* ms, the sum of the pauses: no clock on the way */
	pid_t pid;

	for (;;) {
		pid = raw_clone(flags);
		if (pid >= 0 || errno != ENOSPC)
			return pid;
		const char *off = waited ? NULL : kind_disabled(flags);
		if (off)
			die_cause(
			    CAUSE_NS_DISABLED, off,
			    "the kernel refused the sandbox's namespaces (clone: %s): "
			    "user.%s is 0, which disables them; allow them: sysctl -w "
			    "user.%s=15000",
			    strerror(ENOSPC), off, off);
		if (waited >= ENOSPC_WAIT_MS)
			die_cause(
			    CAUSE_NS_LIMIT, NULL,
			    "the kernel refused the sandbox's namespaces (clone: %s, "
			    "for %d ms): a per-user namespace limit is reached and "
			    "each sandbox alive holds one; raise "
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
static void hide_args(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i++)
		if (argv[i + 1] != argv[i] + strlen(argv[i]) + 1)
			return;
	if (argc > 1)
		memset(argv[1], 0,
		       (size_t)(argv[argc - 1] - argv[1]) + strlen(argv[argc - 1]));
}

static void forward(const struct mon *m, int sig)
{
	/* ESRCH: the target left its process group; it still gets the signal. */
	if (kill(-m->target, sig) < 0 && errno == ESRCH)
		kill(m->target, sig);
}

/* Mirrors a stop of the target on ourselves, so the host's shell sees the
 * job stop; we continue when someone sends us SIGCONT, which stays pending
 * (blocked) for the loop to forward. In an orphaned process group (a daemon
 * host's) the kernel discards SIGTSTP/TTIN/TTOU: a job there would not have
 * stopped without cordon, so when no SIGCONT woke us, continue the target. */
static void stop_self(const struct mon *m, int sig)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
	bool reset = sigaction(sig, &dfl, &old) == 0; /* fails for SIGSTOP: fine */
	sigset_t one;

	ksig_only(&one, sig);
	kill(getpid(), sig);
	ksig_mask(SIG_UNBLOCK, &one, NULL); /* delivered here: we stop */
	ksig_mask(SIG_BLOCK, &one, NULL);
	if (reset)
		sigaction(sig, &old, NULL);
	if (!ksig_pending(SIGCONT) && m->target > 0)
		forward(m, SIGCONT);
}

/* Whether the kernel discards a stop signal for our process group: it does
 * when the group is orphaned (no member has a parent in another group of
 * the session: a daemon host's). The job's own group inside never is, so we
 * must not pass such a signal on. No system call tells; a child of ours, in
 * our group, tries, and we see whether it stopped. Only on stop signals. */
static bool stop_discarded(int sig)
{
	int st = 0;
	pid_t pid = raw_clone(SIGCHLD);

	if (pid == 0) {
		struct sigaction dfl = {.sa_handler = SIG_DFL};
		sigset_t one;
		sigaction(sig, &dfl, NULL);
		ksig_only(&one, sig);
		kill(getpid(), sig);
		ksig_mask(SIG_UNBLOCK, &one, NULL);
		_exit(0);
	}
	if (pid < 0)
		return false;
	while (waitpid(pid, &st, WUNTRACED) < 0 && errno == EINTR)
		;
	if (!WIFSTOPPED(st))
		return true;
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return false;
}

/* One message from fd: 1 read, 0 at the end of the stream, -1 none there
 * (EAGAIN with MSG_DONTWAIT). */
static int read_one(int fd, int flags, struct mon *m, struct msg *msg)
{
	union {
		struct cmsghdr h;
		// cppcheck-suppress unusedStructMember ; the room for the cmsg
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} c;
	struct iovec iov = {msg, sizeof(*msg)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = &c,
			    .msg_controllen = sizeof(c)};
	ssize_t n;

	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? -1 : 0;
	if (n != (ssize_t)sizeof(*msg))
		return 0;
	if (msg->type == MSG_TARGET)
		for (struct cmsghdr *h = CMSG_FIRSTHDR(&mh); h; h = CMSG_NXTHDR(&mh, h))
			if (h->cmsg_level == SOL_SOCKET &&
			    h->cmsg_type == SCM_CREDENTIALS) {
				struct ucred uc;
				memcpy(&uc, CMSG_DATA(h), sizeof(uc));
				m->target = uc.pid;
			}
	if (msg->type == MSG_EXITED) {
		m->done = true;
		m->status = msg->status;
	}
	return 1;
}

/* Reads the late channel: blocking until the target's pid is known (it
 * sends it first thing, so this waits microseconds), or just what is there.
 * Either way a status that came is seen, so no signal goes to the pid of a
 * target that has ended. */
static void read_late(struct job *j, struct mon *m, bool need_target)
{
	struct msg msg = {0, 0};

	while (!m->done) {
		bool wait = need_target && m->target == 0;
		if (read_one(j->late[0], wait ? 0 : MSG_DONTWAIT, m, &msg) <= 0)
			return;
	}
}

/* Returns 0 at the end of the event stream (init is gone), 1 otherwise. */
static int read_event(struct job *j, struct mon *m)
{
	struct msg msg = {0, 0};
	int rc = read_one(j->sock[0], MSG_DONTWAIT, m, &msg);

	if (rc == 0)
		return 0;
	if (rc > 0 && msg.type == MSG_STOPPED) {
		read_late(j, m, true);
		stop_self(m, WSTOPSIG(msg.status));
	}
	/* MSG_CONTINUED: nothing to mirror, we were continued first. */
	return 1;
}

static _Noreturn void finish(struct job *j, struct mon *m, int st);

static void on_signal(struct job *j, struct mon *m, int sig)
{
	int st;

	if (sig == SIGCHLD) {
		if (waitpid(m->init, &st, WNOHANG | __WALL) == m->init)
			finish(j, m, st);
		return;
	}
	read_late(j, m, true);
	if (m->done || m->target <= 0)
		return; /* the target has ended: the signal has no one to reach */
	if ((sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) && stop_discarded(sig))
		return;
	/* `fg` gave the foreground back to our group: pass it on. */
	if (sig == SIGCONT && j->tty >= 0 && tcgetpgrp(j->tty) == getpgrp() &&
	    tcsetpgrp(j->tty, m->target) == 0)
		m->handed = true;
	forward(m, sig);
}

static void read_signals(struct job *j, struct mon *m, int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		on_signal(j, m, (int)si.ssi_signo);
}

/* Dies the way the target did. RLIMIT_CORE 0: the core, if any, was the
 * target's to write, not ours. */
static _Noreturn void mirror(int status)
{
	struct rlimit none = {0, 0};
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t one;
	int sig;

	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	sig = WTERMSIG(status);
	/* Best effort each: whatever fails, the _exit below still reports the
	 * signal the way a shell would. */
	setrlimit(RLIMIT_CORE, &none);
	sigaction(sig, &dfl, NULL);
	ksig_only(&one, sig);
	kill(getpid(), sig);
	ksig_mask(SIG_UNBLOCK, &one, NULL);
	_exit(128 + sig);
}

/* init has ended (st), and with it every process of the sandbox: what they
 * sent is all queued on the late channel. */
static _Noreturn void finish(struct job *j, struct mon *m, int st)
{
	read_late(j, m, false);
	/* Give the terminal back to our group before the host sees the status:
	 * its shell reads the terminal next. */
	if (m->handed && tcgetpgrp(j->tty) == m->target)
		tcsetpgrp(j->tty, getpgrp());
	/* No status from init: it could not build the sandbox and said why;
	 * its exit code (125) or signal is ours. */
	mirror(m->done ? m->status : st);
}

static _Noreturn void wait_init(struct job *j, struct mon *m)
{
	int st;

	while (waitpid(m->init, &st, __WALL) < 0)
		if (errno != EINTR)
			die(EXIT_SETUP, "waitpid(init): %s", strerror(errno));
	finish(j, m, st);
}

/* Wakes for a signal (init's end is a SIGCHLD) or a stop of the target. */
static _Noreturn void loop(struct job *j, struct mon *m, int sfd)
{
	for (;;) {
		struct pollfd p[2] = {{j->sock[0], POLLIN, 0}, {sfd, POLLIN, 0}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die(EXIT_SETUP, "poll: %s", strerror(errno));
		}
		if (p[0].revents && !read_event(j, m))
			wait_init(j, m);
		if (p[1].revents)
			read_signals(j, m, sfd);
	}
}

void monitor_run(struct job *j, int argc, char **argv)
{
	struct mon m = {0};
	int sfd = take_signals(j);

	/* The shim starts us through an fd: before Linux 6.14 our comm is then
	 * the fd's number. */
	prctl(PR_SET_NAME, "cordon-helper", 0, 0, 0);

	find_tty(j);
	open_channel(j);
	j->uid = geteuid();
	j->gid = getegid();
	j->privileged = j->uid == 0 && caps_can_map_ids();
	j->pinned = -1;
	j->cover_mqueue = j->a->tier == TIER_HARDENED && mounts_host_mqueue();
	m.init = clone_init(tier_flags[j->a->tier] | SIGCHLD);
	if (m.init < 0)
		die_clone(errno);
	if (m.init == 0)
		init_run(j);
	close(j->sock[1]);
	close(j->late[1]);
	if (j->privileged) {
		int rc = idmap_write_child(m.init);
		if (rc < 0)
			die_cause(CAUSE_IDMAP, NULL,
				  "cannot write the sandbox's uid/gid maps: %s",
				  strerror(-rc));
		if (msg_send(j->sock[0], MSG_MAPS_DONE, 0) < 0)
			die(EXIT_SETUP, "cannot reach the sandbox's init: %s",
			    strerror(errno));
	}
	m.handed = j->handover;
	hide_args(argc, argv);
	/* From here on nothing should fail; if it does, the exit code tells. */
	int keep[] = {sfd, j->sock[0], j->late[0], j->tty};
	close_all_but(keep, sizeof(keep) / sizeof(keep[0]));
	loop(j, &m, sfd);
}
