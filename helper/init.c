/* init: PID 1 of the sandbox, a child of the monitor sharing its fd table
 * (CLONE_FILES), in the host's process group G while the job runs.
 *
 * It starts the job first (its copy of the table is then exactly the
 * host's), empties the shared table and makes the channel there, gets its
 * id maps, builds the sandbox's mounts, takes a table of its own, and then
 * serves: it is the job's parent and the reaper of every orphan, and the
 * sentinel of G. It blocks every signal and keeps what G receives pending,
 * so the monitor can ask it what was sent to the group (round.c). When the
 * job ends it leaves G and lives on while anything of the job lives, or
 * exits at once (nothing left, or --orphans kill: the kernel then kills the
 * rest). If the monitor dies first, the job is killed as it would have been
 * if the monitor had been the job; what the job left lives on. */
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
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

struct init {
	struct job *j;
	struct page *pg;
	pid_t q;  /* the job, as our pid namespace numbers it */
	int qpfd; /* the job's pidfd (our copy) */
	int sv;	  /* our end of the channel; -1 once the monitor is gone */
	int sfd;  /* SIGCHLD */
	bool q_alive, q_stopped, p_gone;
	int q_stopsig;	 /* the signal that stopped the job (q_stopped) */
	bool state_owed; /* a stop or continue not told: the channel was full */
	bool end_owed;	 /* the job's end not told (what it left lives on) */
	int end_status;
	bool chld_ev; /* a SIGCHLD sent by a process (evidence), not a child's */
	bool killed;  /* time=: everything killed at the deadline */
};

/* The job's stack while it shares our memory (clone.c, SYS_RAW). */
static char q_stack[65536] __attribute__((aligned(16)));

/* ---- start-up --------------------------------------------------------- */

/* Without clone3's set_tid (a seccomp policy answering ENOSYS, as container
 * runtimes' do): the next pid of our namespace is ns_last_pid + 1, and
 * nothing else forks in it yet. The table we share is the host's and may
 * be full: one slot is borrowed by raising the soft RLIMIT_NOFILE for the
 * moment. Where that cannot be done the job gets another pid (still
 * sandboxed; docs/helper.md). */
static void next_pid_is(pid_t want)
{
	struct rlimit was, more;
	char num[24];
	int fd;

	if (getrlimit(RLIMIT_NOFILE, &was) < 0)
		return;
	more = was;
	if (more.rlim_cur < more.rlim_max)
		more.rlim_cur++;
	setrlimit(RLIMIT_NOFILE, &more);
	fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	setrlimit(RLIMIT_NOFILE, &was);
	if (fd < 0)
		return;
	size_t n = fmt_sn(num, sizeof(num), "%d", (int)want - 1);
	(void)!write(fd, num, n);
	close(fd);
}

/* The job's exec gets back the host's SIGCHLD disposition; setting SIG_IGN
 * here around the clone gives it that without a sigaction in the job. It
 * also discards a SIGCHLD pending here then: evidence of a group send that
 * came before the job existed, which the job must get (round.c). */
static void set_chld(bool ignored)
{
	struct sigaction sa = {.sa_handler = ignored ? SIG_IGN : SIG_DFL};

	sigaction(SIGCHLD, &sa, NULL);
}

/* The process limit (RLIMIT_NPROC, per user) counts the monitor and init
 * too: name it, so the host learns why its job did not start. */
static _Noreturn void die_no_job(int e)
{
	die_if_nproc(e);
	die(EXIT_SETUP, "cannot create the job (clone3: %s)", strerror(e));
}

/* cgroup v1: nothing is made before the monitor moved us into the job's
 * cgroup (cgroup.c), where what we make is counted. */
static void wait_moved(struct init *in)
{
	while (fut_get(&in->pg->moved) == 0) {
		if (page_monitor_gone(in->pg))
			_exit(EXIT_SETUP);
		fut_wait(&in->pg->moved, 0, 100);
	}
	if (fut_get(&in->pg->moved) != 1)
		_exit(EXIT_SETUP); /* the monitor failed and said why */
}

static void start_job(struct init *in)
{
	struct job *j = in->j;
	pid_t q;

	if (j->host_chld_ignored)
		set_chld(true);
	q = clone_job(j->p, q_stack, sizeof(q_stack), target_entry, j);
	/* ENOSYS, EPERM: clone3 or set_tid refused; EEXIST: the host is pid
	 * 1, our own number here. */
	if (q == -ENOSYS || q == -EPERM || q == -EINVAL) {
		next_pid_is(j->p);
		q = clone_job(0, q_stack, sizeof(q_stack), target_entry, j);
	} else if (q == -EEXIST) {
		q = clone_job(0, q_stack, sizeof(q_stack), target_entry, j);
	}
	if (j->host_chld_ignored)
		set_chld(false);
	if (q < 0) {
		in->pg->q_errno = -q;
		die_no_job(-q);
	}
	in->q = q;
	in->q_alive = true;
}

/* The job has its copy of the host's rlimits: ours may differ. The mounts
 * hold a pair of fds per device node kept for a root caller's job
 * (fspolicy.c), more than a host at a low soft RLIMIT_NOFILE leaves. */
static void more_fds(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

/* The job has its copy of the host's fds: ours go, and with them the
 * monitor's (the table is shared). stderr and --status-fd stay until the
 * sandbox is built, for a failure's line. */
static void leave_host_fds(struct init *in)
{
	int keep[] = {STDERR_FILENO, in->j->a->status_fd};

	close_all_but(keep, sizeof(keep) / sizeof(keep[0]));
	fut_set(&in->pg->fds_closed, 1);
}

static void open_channel(struct init *in)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die(EXIT_SETUP, "init: socketpair: %s", strerror(errno));
	/* Every signal the monitor passes on goes through this fd: never to a
	 * pid that may have become another process's. */
	in->qpfd = (int)syscall(SYS_pidfd_open, in->q, 0);
	if (in->qpfd < 0)
		die(EXIT_SETUP, "init: pidfd_open: %s", strerror(errno));
	in->pg->sv_p = sv[0];
	in->pg->qpfd = in->qpfd;
	in->sv = sv[1];
}

static void get_ids(struct init *in)
{
	struct job *j = in->j;

	if (!j->root) {
		int rc = idmap_write_self(j->uid, j->gid);
		/* Linux 5.12+: mapping uid 0 needs CAP_SETFCAP where the
		 * namespace was made, which a root without capabilities (some
		 * containers) does not have. */
		if (rc == -EPERM && j->uid == 0)
			die_cause(CAUSE_IDMAP, NULL,
				  "cannot map uid 0 into the sandbox: root without "
				  "capabilities may not, since Linux 5.12; run the host "
				  "with CAP_SETUID, CAP_SETGID and CAP_SETFCAP, or as "
				  "another user");
		if (rc < 0)
			die_cause(CAUSE_IDMAP, NULL,
				  "cannot write the sandbox's uid/gid maps: %s",
				  strerror(-rc));
		return;
	}
	/* The monitor writes them from the host's user namespace. */
	while (fut_get(&in->pg->maps) == 0) {
		if (page_monitor_gone(in->pg))
			_exit(EXIT_SETUP);
		fut_wait(&in->pg->maps, 0, 100);
	}
	if (fut_get(&in->pg->maps) != 1)
		_exit(EXIT_SETUP); /* the monitor failed and said why */
}

/* The monitor's death, whenever it comes, wakes us (a SIGCHLD: no fd); its
 * robust word tells that SIGCHLD from a child's. It may have died before
 * the prctl: the word says that too. */
static void tie_to_monitor(struct init *in)
{
	int sig = in->j->orphans_kill ? SIGKILL : SIGCHLD;

	if (prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) < 0)
		die(EXIT_SETUP, "init: PR_SET_PDEATHSIG: %s", strerror(errno));
	if (page_monitor_gone(in->pg))
		_exit(EXIT_SETUP); /* the kernel kills the job with us */
}

static void fill_userns(struct init *in, const char *ns)
{
	struct stat st;

	if (stat(ns, &st) < 0)
		die(EXIT_SETUP, "cannot stat %s: %s", ns, strerror(errno));
	fmt_sn(in->pg->env_userns, sizeof(in->pg->env_userns),
	       "CORDON_SANDBOX_USERNS=%llu", (unsigned long long)st.st_ino);
}

/* Our own copy of the table: the monitor's later fds stay its own. */
static void own_table(struct init *in)
{
	if (unshare(CLONE_FILES) < 0)
		die(EXIT_SETUP, "init: unshare(CLONE_FILES): %s", strerror(errno));
	int keep[] = {in->sv, in->qpfd, STDERR_FILENO, in->j->a->status_fd};
	close_all_but(keep, sizeof(keep) / sizeof(keep[0]));
	in->sfd = ksig_fd(KBIT(SIGCHLD), SFD_NONBLOCK | SFD_CLOEXEC);
	if (in->sfd < 0)
		die(EXIT_SETUP, "init: signalfd: %s", strerror(errno));
}

/* ---- the sentinel ----------------------------------------------------- */

/* flags 0: waits for room. MSG_DONTWAIT: true when the note could not be
 * sent for want of room (it is owed then). */
static bool note(const struct init *in, int type, int a, int b, int flags)
{
	struct msg m;

	if (in->sv < 0)
		return false;
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.a = a;
	m.b = b;
	return msg_send(in->sv, &m, flags) < 0 && errno == EAGAIN;
}

/* The job stopped or continued: told without blocking. A monitor stopped
 * with a job that stops itself over and over (its child continuing it)
 * reads nothing meanwhile, and the channel fills; we must not wait on it
 * (serve keeps time=). What could not be sent is owed, and the job's
 * state then is told once there is room (serve): the monitor asks for the
 * job's state on each stop note, so the stops between count as one. */
static void note_state(struct init *in)
{
	in->state_owed = note(in, in->q_stopped ? N_STOPPED : N_CONTINUED,
			      in->q_stopped ? in->q_stopsig : 0, 0, MSG_DONTWAIT);
}

/* Whether any child is left, reaping the zombies. */
static bool have_children(void)
{
	int st;

	for (;;) {
		pid_t c = waitpid(-1, &st, WNOHANG | __WALL);
		if (c > 0)
			continue;
		return c == 0;
	}
}

/* The job's end, told without blocking; owed while the channel is full. */
static void tell_end(struct init *in)
{
	in->end_owed = note(in, N_EXITED, in->end_status, 0, MSG_DONTWAIT);
}

static void job_ended(struct init *in, int st)
{
	in->q_alive = false;
	in->state_owed = false; /* its end says the rest */
	/* The start-up had not got as far as the cut (the job could not
	 * start and said why): the monitor, waiting, takes the status here. */
	if (fut_get(&in->pg->q_waiting) != 1) {
		in->pg->q_status = st;
		fut_set(&in->pg->q_ended, 1);
		fut_set(&in->pg->q_waiting, 2);
	}
	/* Out of G first: a later kill -KILL -G must not end the sandbox of
	 * what the job left, which it would through us, its PID 1. */
	setsid();
	if (in->j->orphans_kill) {
		note(in, N_EXITED, st, 1, 0);
		_exit(0); /* and the kernel kills whatever is left */
	}
	bool alone = !have_children();
	if (alone) {
		note(in, N_EXITED, st, 1, 0);
		_exit(0);
	}
	/* What the job left lives on, time= with it: we must not wait on a
	 * full channel for the monitor (stopped by its host) to read. */
	in->end_status = st;
	tell_end(in);
	/* We live on with what the job left: our copy of the job's command
	 * line (the job read it from our memory until its exec) goes. */
	hide_args(in->j->argc, in->j->argv);
}

/* The last of what the job left has ended: so do we, and the pid
 * namespace with us. An end still owed is told first, waiting for room:
 * nothing is left to keep time for, and the monitor must take the job's
 * status from it, not ours. */
static _Noreturn void all_ended(struct init *in)
{
	if (in->end_owed)
		note(in, N_EXITED, in->end_status, 1, 0);
	_exit(0);
}

static void reap(struct init *in)
{
	for (;;) {
		int st;
		pid_t c = waitpid(-1, &st, WNOHANG | __WALL | WUNTRACED | WCONTINUED);
		if (c < 0 && errno == ECHILD && !in->q_alive)
			all_ended(in);
		if (c <= 0)
			return;
		if (c != in->q)
			continue; /* an orphan, reaped; or its stop */
		if (WIFSTOPPED(st) || WIFCONTINUED(st)) {
			in->q_stopped = WIFSTOPPED(st);
			in->q_stopsig = in->q_stopped ? WSTOPSIG(st) : 0;
			if (!in->state_owed)
				note_state(in);
		} else {
			job_ended(in, st);
		}
	}
}

/* SIGCHLD: a child's state (reaped here), the monitor's death, or one sent
 * by a process to G, which is evidence like any other signal. */
static void read_chld(struct init *in)
{
	struct signalfd_siginfo si;

	while (read(in->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_code <= 0)
			in->chld_ev = true;
	reap(in);
}

/* The monitor's SIGCONT that woke us from a stop is its own, not G's. */
static bool is_cookie(const struct init *in, int sig, const siginfo_t *si)
{
	return sig == SIGCONT && si->si_code == SI_QUEUE &&
	       si->si_value.sival_int == in->j->cookie;
}

static kset consume_std(struct init *in)
{
	kset got = 0, pend;
	siginfo_t si;

	read_chld(in);
	pend = ksig_pending() & KSET_STD & ~KBIT(SIGCHLD);
	for (int s = 1; s <= 31; s++)
		if ((pend & KBIT(s)) && ksig_take(KBIT(s), &si) == s &&
		    !is_cookie(in, s, &si))
			got |= KBIT(s);
	if (in->chld_ev)
		got |= KBIT(SIGCHLD);
	in->chld_ev = false;
	return got;
}

static uint32_t flush_all(struct init *in)
{
	uint32_t n = (uint32_t)__builtin_popcountll(consume_std(in));
	siginfo_t si;

	while (ksig_take(~KSET_STD, &si) > 0)
		n++;
	return n;
}

static void answer(struct init *in, const struct msg *req)
{
	struct msg a;
	siginfo_t si;

	memset(&a, 0, sizeof(a));
	a.type = A_ANSWER;
	if (req->type == R_CONSUME) {
		a.mask = consume_std(in);
		for (int s = 32; s <= 64; s++)
			for (uint32_t k = 0; k < req->n[s]; k++) {
				if (ksig_take(KBIT(s), &si) != s)
					break;
				a.n[s]++;
			}
	} else if (req->type == R_FLUSH) {
		a.a = (int32_t)flush_all(in);
	} else if (req->type == R_QSTATE) {
		read_chld(in); /* with WCONTINUED: a continue is seen at once */
		a.a = in->q_alive && in->q_stopped;
	}
	if (in->sv >= 0)
		msg_send(in->sv, &a, 0);
}

/* The monitor is gone (SIGKILL, or its own end after the job's): the job
 * dies as it would have, had the monitor been the job; what it left
 * lives on. */
static void monitor_gone(struct init *in)
{
	if (in->p_gone)
		return;
	in->p_gone = true;
	if (in->sv >= 0)
		close(in->sv);
	in->sv = -1;
	/* Our child, not yet reaped: the pid cannot be another's. */
	if (in->q_alive)
		kill(in->q, SIGKILL);
	setsid();
}

static _Noreturn void serve(struct init *in)
{
	for (;;) {
		short out = in->state_owed || in->end_owed ? POLLOUT : 0;
		struct pollfd p[2] = {{in->sfd, POLLIN, 0},
				      {in->sv, (short)(POLLIN | out), 0}};
		struct msg m;
		/* time=: the monitor ends the sandbox at the deadline. What the
		 * job left after the monitor is gone ends with us then; and
		 * when the monitor could not (stopped with a job that stopped
		 * itself and had a child continue it), we kill everything
		 * here a moment later: the job's death, SIGKILL, reaches the
		 * monitor once it runs again. Looked at after every wake-up:
		 * a stream of events must not hold it off. */
		int late = in->p_gone ? 0 : 200;
		int ms = in->killed ? -1 : limits_poll_ms(in->j, late),
		    rc = poll(p, 2, ms);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			die(EXIT_SETUP, "init: poll: %s", strerror(errno));
		}
		if (ms >= 0 && limits_poll_ms(in->j, late) == 0) {
			if (in->p_gone)
				_exit(0);
			kill(-1, SIGKILL); /* every process of our pid namespace */
			in->killed = true;
		}
		if (p[0].revents)
			read_chld(in);
		if (page_monitor_gone(in->pg))
			monitor_gone(in);
		if (in->state_owed && (p[1].revents & POLLOUT))
			note_state(in);
		if (in->end_owed && (p[1].revents & POLLOUT))
			tell_end(in);
		if (in->sv >= 0 && (p[1].revents & ~POLLOUT)) {
			int got = msg_recv(in->sv, &m, MSG_DONTWAIT);
			if (got > 0)
				answer(in, &m);
			else if (got == 0)
				monitor_gone(in);
		}
		if (in->p_gone && !in->q_alive && !have_children())
			_exit(0);
	}
}

/* ---- the job's own user namespace (root callers) ---------------------- */

/* A root caller's job keeps root's capabilities, in a user namespace of its
 * own below ours: the mounts we made are then locked for it (the kernel
 * locks what a less privileged namespace inherits), so it cannot uncover
 * what they hide. Its network namespace, at lockdown, is its own too, so
 * that it may bind ports below 1024 there. It unshares; we write its maps
 * (the identity of ours), bring its lo up, and let it go on. */
static void nest_job(struct init *in)
{
	char path[64];
	int st, fd;

	while (fut_get(&in->pg->nested) != 1) {
		siginfo_t w;
		memset(&w, 0, sizeof(w));
		if (waitid(P_PID, (id_t)in->q, &w, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    w.si_pid == in->q)
			return; /* it failed and said why; serve() reports its end */
		fut_wait(&in->pg->nested, 0, 100);
	}
	pid_t q = idmap_proc_pid(in->qpfd, in->q);
	st = idmap_write_child(q, true);
	if (st < 0)
		die_cause(CAUSE_IDMAP, NULL, "cannot write the job's uid/gid maps: %s",
			  strerror(-st));
	if (in->j->a->tier == TIER_LOCKDOWN) {
		fmt_sn(path, sizeof(path), "/proc/%d/ns/net", (int)q);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
			die(EXIT_SETUP, "cannot enter the job's network namespace: %s",
			    strerror(errno));
		close(fd);
		st = net_lo_up();
		if (st < 0)
			die(EXIT_SETUP, "cannot bring up lo in the sandbox: %s",
			    strerror(-st));
	}
	fmt_sn(path, sizeof(path), "/proc/%d/ns/user", (int)q);
	fill_userns(in, path);
}

void init_run(struct job *j)
{
	static struct init in;

	in.j = j;
	in.pg = j->pg;
	in.sv = in.sfd = in.qpfd = -1;
	/* Any failure from here on is the start-up's: the monitor waits on it. */
	die_notify(&in.pg->q_waiting);
	/* No signal scope (landlock.c): we are no sentinel, and a group of
	 * our own keeps G's sends from piling up here; the job takes its own
	 * too (target.c), and the monitor passes on everything. */
	if (j->own_group && setpgid(0, 0) < 0)
		die(EXIT_SETUP, "init: setpgid: %s", strerror(errno));
	if (j->cgroup_v1)
		wait_moved(&in);
	start_job(&in);
	more_fds();
	leave_host_fds(&in);
	open_channel(&in);
	get_ids(&in);
	tie_to_monitor(&in);
	mounts_build(j);
	if (!j->nested) {
		fill_userns(&in, "/proc/self/ns/user");
		/* Root's job has CAP_SYS_PTRACE in our user namespace: it must
		 * not trace us (our memory belongs to the host's namespace),
		 * Landlock's scope aside. Anyone else's has no capability, and
		 * the host's tools may read our /proc files as before. */
		if (j->root)
			prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	}
	own_table(&in);
	/* The start-up cut's first link (round.c): what reached us so far
	 * is flushed; then the job drains what reached it. */
	in.pg->n_i = flush_all(&in);
	ksig_barrier();
	fut_set(&in.pg->ready, 1);
	if (j->nested) {
		nest_job(&in);
		/* Only now: the job's /proc files were to be opened. */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		fut_set(&in.pg->nested, 2);
	}
	close(STDERR_FILENO);
	die_status_close();
	serve(&in);
}
