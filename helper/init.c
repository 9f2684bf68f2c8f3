/* init: PID 1 of the sandbox. Ties its life to the monitor's, gets its id
 * maps, builds the job's mounts, starts the target and reaps every process
 * until the target ends; then it exits and the kernel kills whatever is left
 * in the pid namespace, so no process of the job outlives it. */
#include "helper/helper.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* PR_SET_PDEATHSIG covers the monitor dying from now on; the monitor may
 * have died before. getppid() cannot tell (it is 0 for a namespace's init),
 * but the socket can: the monitor holds the only other end. */
static void tie_to_monitor(struct job *j)
{
	struct pollfd p = {j->sock[1], POLLRDHUP, 0};

	close(j->sock[0]);
	close(j->late[0]);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die(EXIT_SETUP, "init: PR_SET_PDEATHSIG: %s", strerror(errno));
	if (poll(&p, 1, 0) < 0)
		die(EXIT_SETUP, "init: poll: %s", strerror(errno));
	if (p.revents & (POLLHUP | POLLRDHUP))
		_exit(EXIT_SETUP);
}

static void get_ids(struct job *j)
{
	struct msg m;
	ssize_t n;

	if (!j->privileged) {
		int rc = idmap_write_self(j->uid, j->gid);
		/* Linux 5.12+: mapping uid 0 needs CAP_SETFCAP where the
		 * namespace was made, which a job of a root host (no
		 * capabilities left) does not have. */
		if (rc == -EPERM && j->uid == 0)
			die_cause(
			    CAUSE_IDMAP, NULL,
			    "cannot map uid 0 into a nested sandbox: root without "
			    "capabilities (inside a cordon sandbox) may not, since "
			    "Linux 5.12; start the host with the higher tier instead");
		if (rc < 0)
			die_cause(CAUSE_IDMAP, NULL,
				  "cannot write the sandbox's uid/gid maps: %s",
				  strerror(-rc));
		return;
	}
	do
		n = recv(j->sock[1], &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(m) || m.type != MSG_MAPS_DONE)
		_exit(EXIT_SETUP); /* the monitor failed and said why */
}

static _Noreturn void reap(struct job *j, pid_t target)
{
	static const enum msg_type report[] = {MSG_EXITED, MSG_STOPPED, MSG_CONTINUED};

	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, __WALL | WUNTRACED | WCONTINUED);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			die(EXIT_SETUP, "init: waitpid: %s", strerror(errno));
		}
		if (p != target)
			continue; /* an orphan: reaped, that is all */
		enum msg_type t = report[WIFSTOPPED(st) ? 1 : WIFCONTINUED(st) ? 2 : 0];
		msg_send(t == MSG_EXITED ? j->late[1] : j->sock[1], t, st);
		if (t == MSG_EXITED)
			_exit(0);
	}
}

#ifndef __SANITIZE_ADDRESS__
static int target_entry(void *j)
{
	target_run(j);
}
#endif

/* The target shares our memory until its exec (CLONE_VM|CLONE_VFORK): no
 * page tables to copy, and we have nothing to do meanwhile. It runs on a
 * stack of its own, so it cannot clobber our frames. ASan cannot follow a
 * process on a foreign stack: sanitized builds fork instead. */
static pid_t start_target(struct job *j)
{
#ifdef __SANITIZE_ADDRESS__
	pid_t pid = raw_clone(SIGCHLD);
	if (pid == 0)
		target_run(j);
	return pid;
#else
	static char stack[32768] __attribute__((aligned(16)));
	return clone(target_entry, stack + sizeof(stack),
		     CLONE_VM | CLONE_VFORK | SIGCHLD, j);
#endif
}

void init_run(struct job *j)
{
	pid_t target;

	tie_to_monitor(j);
	/* Our own group: a signal to the host's process group reaches the
	 * inside only through the monitor, so exactly once. */
	if (setpgid(0, 0) < 0)
		die(EXIT_SETUP, "init: setpgid: %s", strerror(errno));
	get_ids(j);
	mounts_build(j);
	target = start_target(j);
	if (target < 0)
		die(EXIT_SETUP, "init: cannot start the target: %s", strerror(errno));
	int keep[] = {j->sock[1], j->late[1]};
	close_all_but(keep, sizeof(keep) / sizeof(keep[0]));
	reap(j, target);
}
