/* A spawn at the caller's process limit (shim.h, report_open). Each job
 * is three processes: the helper (the spawn's own child, whose fork fails
 * as the real call's would), the sandbox's init and the job. Only when
 * all the machine's tasks and those three could exceed the limit does a
 * spawn ask the helper for its report: anywhere else the spawn returns as
 * soon as the helper runs, as before. */
#include "shim/shim.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* Whether the limit could refuse the job's processes: never root's (the
 * kernel exempts uid 0; the helper's check is the same), nor when every
 * task of the machine (/proc/loadavg's, an upper bound of the caller's)
 * and three more fit under it. Unknown: near. */
static bool nproc_near(void)
{
	struct rlimit rl;
	char buf[128], *p;
	unsigned long long tasks = 0;
	ssize_t n;
	int fd;

	if (sys_geteuid() == 0 || sys_getrlimit(RLIMIT_NPROC, &rl) < 0 ||
	    rl.rlim_cur == RLIM_INFINITY)
		return false;
	fd = sys_open("/proc/loadavg", O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return true;
	n = sys_pread(fd, buf, sizeof(buf) - 1, 0);
	sys_close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	/* "0.00 0.01 0.05 RUNNING/TASKS LASTPID" */
	if (!(p = strchr(buf, '/')) || *++p < '0' || *p > '9')
		return true;
	while (*p >= '0' && *p <= '9' && tasks < rl.rlim_cur)
		tasks = tasks * 10 + (unsigned long long)(*p++ - '0');
	return tasks + 3 > rl.rlim_cur;
}

void report_open(struct spawn_report *rp, const posix_spawn_file_actions_t **fa,
		 struct helper_req *r, struct call_mem *m)
{
	const posix_spawn_file_actions_t *with;
	int p[2];

	rp->rfd = rp->wfd = -1;
	if (!nproc_near() || sys_pipe2(p, O_CLOEXEC) < 0)
		return;
	/* The child's copy of the read end becomes the write end, inherited
	 * by the helper alone (another thread's fork gets neither end past
	 * its exec). Not where stdio or the host's actions could meet it. */
	if (p[0] < 3 || spawn_fa_touches(*fa, p[0]) || spawn_fa_touches(*fa, p[1]) ||
	    !(with = spawn_fa_after_dup2(*fa, p[1], p[0], &rp->fa, m))) {
		sys_close(p[0]);
		sys_close(p[1]);
		return;
	}
	rp->rfd = p[0];
	rp->wfd = p[1];
	r->status_fd = p[0];
	*fa = with;
}

/* The helper, which exits once it said why: reaped, as glibc reaps the
 * child of a spawn that failed. ECHILD (a host that reaps all, or ignores
 * SIGCHLD) ends the wait too. */
static void reap(pid_t pid, const int *pidfd)
{
	siginfo_t si;

	if (pidfd)
		while (syscall(SYS_waitid, P_PIDFD, *pidfd, &si, WEXITED, NULL) < 0 &&
		       errno == EINTR)
			;
	else
		while (syscall(SYS_wait4, pid, NULL, 0, NULL) < 0 && errno == EINTR)
			;
	if (pidfd)
		sys_close(*pidfd);
}

int report_wait(struct spawn_report *rp, int err, pid_t pid, const int *pidfd)
{
	char said[16];
	size_t n = 0;
	ssize_t k;

	if (rp->rfd < 0)
		return err;
	sys_close(rp->wfd);
	/* Its end comes when the job starts (close-on-exec), or when the
	 * helper, init and the job are gone; the first line names the cause.
	 * What does not fit in said is read over its end: only the first
	 * word matters. */
	while (!err && (k = sys_read(rp->rfd, said + n, sizeof(said) - n)) != 0) {
		if (k < 0 && errno != EINTR)
			break;
		if (k > 0 && (n += (size_t)k) == sizeof(said))
			n = 8;
	}
	sys_close(rp->rfd);
	enum { W = sizeof(CAUSE_NPROC) - 1 };
	if (err || n <= W || memcmp(said, CAUSE_NPROC, W) != 0 ||
	    (said[W] != ' ' && said[W] != '\n'))
		return err;
	reap(pid, pidfd);
	return EAGAIN;
}
