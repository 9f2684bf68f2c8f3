/* The target: the job's process before its exec, a child of init whose pid
 * inside is the one the host knows, still in the host's process group.
 * Where SYS_RAW it shares init's memory (errno included) while init goes
 * on, so everything here is a raw system call (sys6): no libc wrapper that
 * could fail. Every signal stays blocked until the exec. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ENV_SANDBOX "CORDON_SANDBOX="
#define ENV_USERNS  "CORDON_SANDBOX_USERNS="

static char env_sandbox[sizeof(ENV_SANDBOX) + 16];

static bool is_ours(const char *e)
{
	return strncmp(e, ENV_SANDBOX, sizeof(ENV_SANDBOX) - 1) == 0 ||
	       strncmp(e, ENV_USERNS, sizeof(ENV_USERNS) - 1) == 0;
}

/* Runs in the monitor, before the clone, into slots[env_count(environ_) +
 * 3]. Init fills the user namespace's inode into the shared page. */
size_t env_count(char **environ_)
{
	size_t n = 0;

	while (environ_[n])
		n++;
	return n;
}

void target_env_prepare(struct job *j, char **environ_, char **slots)
{
	size_t n = env_count(environ_), k = 0;

	j->envp = slots;
	for (size_t i = 0; i < n; i++)
		if (!is_ours(environ_[i]))
			j->envp[k++] = environ_[i];
	fmt_sn(env_sandbox, sizeof(env_sandbox), ENV_SANDBOX "%s", tier_name(j->a->tier));
	j->envp[k++] = env_sandbox;
	j->envp[k++] = j->pg->env_userns;
	j->envp[k] = NULL;
}

static void wait_for(uint32_t *w, uint32_t v)
{
	while (fut_get(w) == v)
		fut_wait(w, v, -1);
}

/* A root caller's job: a user namespace of its own (init.c, nest_job).
 * ENOSPC is retried as the monitor's clone is (monitor.c, clone_init): the
 * namespaces of a sandbox that just ended count until an RCU grace period
 * has passed. */
static void nest(struct job *j)
{
	long flags = CLONE_NEWUSER | CLONE_NEWNS |
		     (j->a->tier == TIER_LOCKDOWN ? CLONE_NEWNET : 0);
	struct {
		long sec, nsec;
	} pause = {0, 1000000};
	long r, waited = 0; /* ms */

	while ((r = SYS(SYS_unshare, flags)) == -ENOSPC && waited < 1000) {
		SYS(SYS_nanosleep, &pause, NULL);
		waited += pause.nsec / 1000000;
		if (pause.nsec < 32000000)
			pause.nsec *= 2;
	}
	/* The monitor, outside the namespaces, can tell which limit it was
	 * and says so (monitor.c, die_ns). */
	if (r < 0) {
		j->pg->nest_errno = (int32_t)-r;
		SYS(SYS_exit_group, EXIT_SETUP);
	}
	fut_set(&j->pg->nested, 1);
	wait_for(&j->pg->nested, 1);
}

/* What reached us so far, into the page: the cut (round.c). */
static uint32_t drain(struct page *pg)
{
	uint32_t n = 0;
	siginfo_t si;
	int s;

	while (pg->nq < REC_MAX && (s = ksig_take(KSET_ALL, &si)) > 0) {
		pg->q[pg->nq].sig = s;
		memcpy(&pg->q[pg->nq].si, &si, sizeof(si));
		pg->nq++;
		n++;
	}
	return n;
}

/* The start-up cut, the job's side: a drain, then one per round the
 * monitor asks for, until it says go. */
static void cut(struct page *pg)
{
	uint32_t seen = 0;

	pg->q_new = drain(pg);
	ksig_barrier();
	fut_set(&pg->q_waiting, 1);
	for (;;) {
		uint32_t req = fut_get(&pg->cut_req);
		if (req == seen) {
			fut_wait(&pg->cut_req, seen, -1);
			continue;
		}
		seen = req;
		if (req & CUT_GO)
			return;
		pg->q_new = drain(pg);
		fut_set(&pg->cut_ans, req);
	}
}

/* What we drained, and what the monitor had that we missed, back in our
 * pending set: to ourselves any siginfo may be queued, so the job gets
 * each as it was sent. */
static void requeue(const struct page *pg)
{
	long me = SYS(SYS_getpid);

	for (uint32_t i = 0; i < pg->nq; i++)
		SYS(SYS_rt_tgsigqueueinfo, me, me, pg->q[i].sig, &pg->q[i].si);
	for (uint32_t i = 0; i < pg->nx; i++)
		SYS(SYS_rt_tgsigqueueinfo, me, me, pg->x[i].sig, &pg->x[i].si);
}

static void cloexec(int fd, const char *what)
{
	long r = SYS(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);

	if (r < 0)
		die(EXIT_SETUP, "%s %d: %s", what, fd, strerror((int)-r));
}

static _Noreturn void exec_target(struct job *j)
{
	const struct helper_req *a = j->a;
	kset all = KSET_ALL;
	long r;

	/* The host's mask, as the exec handed it to us; the host's SIGCHLD
	 * disposition came with the clone (init.c, start_job). */
	SYS(SYS_rt_sigprocmask, SIG_SETMASK, &j->host_mask, NULL, KSET_SIZE);
	/* By path, not through the pinned fd: comm, /proc/self/exe and a
	 * script's $0 stay what they would be without cordon. */
	if (a->dirfd >= 0)
		r = SYS(SYS_execveat, a->dirfd, a->path, a->argv, j->envp,
			*a->path ? 0 : AT_EMPTY_PATH);
	else
		r = SYS(SYS_execve, a->path, a->argv, j->envp);
	if (r == -ENOEXEC && a->sh) {
		/* glibc's execvp: /bin/sh PATH ARG..., built in the argv slots
		 * just before ARGV0 (the PATH slot and the one we overwrite). */
		char **sh = (char **)a->argv - 1;
		sh[0] = (char *)"/bin/sh";
		sh[1] = (char *)a->path;
		r = SYS(SYS_execve, sh[0], sh, j->envp);
	}
	/* Nothing of what is pending may end us before the line is out. */
	SYS(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, KSET_SIZE);
	cannot_execute(a, (int)-r);
}

static _Noreturn void target_run(struct job *j)
{
	const struct helper_req *a = j->a;
	int rc;

	/* Beside init, while it builds the sandbox (on another CPU, where
	 * there is one): the scopes and the drop need none of it, and on
	 * the way to the exec after it they were its costliest part (41
	 * PR_CAPBSET_DROPs that each commit new credentials, the filter's
	 * attach). A root caller's job has its own user namespace first
	 * (nest), and does both there. */
	if (!j->root) {
		landlock_scope(a->tier);
		rc = drop_privileges_early(a->tier);
		if (rc < 0)
			die(EXIT_SETUP, "cannot drop the job's privileges: %s",
			    strerror(-rc));
	}
	wait_for(&j->pg->ready, 0);
	if (fut_get(&j->pg->ready) != 1)
		SYS(SYS_exit_group, EXIT_SETUP); /* init said why */
	/* The sandbox's cwd and root, now that init has made them
	 * (clone.c): ours from here on. */
	long r = SYS(SYS_unshare, CLONE_FS);
	if (r < 0)
		die(EXIT_SETUP, "target: unshare(CLONE_FS): %s", strerror((int)-r));
	if (j->nested)
		nest(j);
	/* No signal scope: a group of our own, before the cut, so that what
	 * is sent to the host's group reaches us only through the monitor
	 * (landlock.c). */
	if (j->own_group && (r = SYS(SYS_setpgid, 0, 0)) < 0)
		die(EXIT_SETUP, "target: setpgid: %s", strerror((int)-r));
	pinned_check(a);
	if (j->root)
		landlock_scope(a->tier);
	rc = j->root ? drop_privileges(a->tier, true) : drop_capabilities();
	if (rc < 0)
		die(EXIT_SETUP, "cannot drop the job's privileges: %s", strerror(-rc));
	if (a->cloexec >= 0)
		cloexec(a->cloexec, "--cloexec");
	/* `cordon check`'s channel is the helper's, not the job's. */
	if (a->status_fd >= 0)
		cloexec(a->status_fd, "--status-fd");
	limits_rlimits(j);
	cut(j->pg);
	requeue(j->pg);
	exec_target(j);
}

int target_entry(void *job)
{
	target_run(job);
}
