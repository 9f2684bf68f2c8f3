/* The target's last steps, in the sandbox, before the exec of the job. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#define ENV_SANDBOX "CORDON_SANDBOX="
#define ENV_USERNS  "CORDON_SANDBOX_USERNS="

static char env_sandbox[sizeof(ENV_SANDBOX) + 16];
static char env_userns[sizeof(ENV_USERNS) + 24];

static bool is_ours(const char *e)
{
	return strncmp(e, ENV_SANDBOX, sizeof(ENV_SANDBOX) - 1) == 0 ||
	       strncmp(e, ENV_USERNS, sizeof(ENV_USERNS) - 1) == 0;
}

/* Runs in the monitor, before the clone, into slots[env_count(environ_) +
 * 3]. The target only writes the userns inode into its own copy of
 * env_userns. */
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
	j->envp[k++] = env_userns;
	j->envp[k] = NULL;
	j->env_userns = env_userns;
}

static void fill_userns(struct job *j)
{
	struct stat st;

	if (stat("/proc/self/ns/user", &st) < 0)
		die(EXIT_SETUP, "cannot stat /proc/self/ns/user: %s", strerror(errno));
	fmt_sn(j->env_userns, sizeof(env_userns), ENV_USERNS "%llu",
	       (unsigned long long)st.st_ino);
}

/* The host's mask and SIGCHLD disposition, as the exec handed them to us. */
static void restore_signals(const struct job *j)
{
	struct sigaction ign = {.sa_handler = SIG_IGN};

	if (j->host_chld_ignored && sigaction(SIGCHLD, &ign, NULL) < 0)
		die(EXIT_SETUP, "cannot restore SIGCHLD: %s", strerror(errno));
	if (ksig_mask(SIG_SETMASK, &j->host_mask, NULL) < 0)
		die(EXIT_SETUP, "cannot restore the signal mask: %s", strerror(errno));
}

static _Noreturn void exec_target(struct job *j)
{
	const struct helper_req *a = j->a;

	/* By path, not through the pinned fd: comm, /proc/self/exe and a
	 * script's $0 stay what they would be without cordon. */
	if (a->dirfd >= 0)
		syscall(SYS_execveat, a->dirfd, a->path, a->argv, j->envp,
			*a->path ? 0 : AT_EMPTY_PATH);
	else
		execve(a->path, a->argv, j->envp);
	if (errno == ENOEXEC && a->sh) {
		/* glibc's execvp: /bin/sh PATH ARG..., built in the argv slots
		 * just before ARGV0 (the PATH slot and the one we overwrite). */
		char **sh = (char **)a->argv - 1;
		sh[0] = (char *)"/bin/sh";
		sh[1] = (char *)a->path;
		execve(sh[0], sh, j->envp);
	}
	cannot_execute(a, errno);
}

void target_run(struct job *j)
{
	const struct helper_req *a = j->a;
	int rc;

	if (setpgid(0, 0) < 0)
		die(EXIT_SETUP, "target: setpgid: %s", strerror(errno));
	/* All signals are still blocked, so no SIGTTOU stops us for asking from
	 * the background; a failure leaves us in the background, which is what
	 * a job that lost the terminal would get anyway. */
	if (j->handover)
		tcsetpgrp(j->tty, getpid());
	/* The kernel attaches our host pid for the monitor. */
	if (msg_send(j->late[1], MSG_TARGET, 0) < 0)
		_exit(EXIT_SETUP);
	pinned_check(a);
	if (a->tier == TIER_HARDENED)
		landlock_scope();
	rc = drop_privileges(a->tier);
	if (rc < 0)
		die(EXIT_SETUP, "cannot drop the job's privileges: %s", strerror(-rc));
	fill_userns(j);
	if (a->cloexec >= 0 && fcntl(a->cloexec, F_SETFD, FD_CLOEXEC) < 0)
		die(EXIT_SETUP, "--cloexec %d: %s", a->cloexec, strerror(errno));
	/* `cordon check`'s channel is the helper's, not the job's. */
	if (a->status_fd >= 0 && fcntl(a->status_fd, F_SETFD, FD_CLOEXEC) < 0)
		die(EXIT_SETUP, "--status-fd %d: %s", a->status_fd, strerror(errno));
	restore_signals(j);
	exec_target(j);
}
