/* Test host for vfork + execve: the child shares the parent's memory, so
 * the shim must leave no trace there (errno is handed back through it, as
 * CPython's _posixsubprocess does with a pipe). */
#include "tests/shim/progs/host.h"

static volatile int child_errno;

static int call(const char *file, char **argv)
{
	char **env_before = environ;
	pid_t pid = vfork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve(file, argv, environ);
		child_errno = errno;
		_exit(99);
	}
	if (environ != env_before)
		printf("environ changed\n");
	if (child_errno) {
		int status;
		waitpid(pid, &status, 0);
		return -child_errno;
	}
	return pid;
}
