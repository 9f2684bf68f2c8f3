/* Test host for system(): FILE is the shell command, the rest ignored.
 * Reports system()'s return value as a wait status, and that SIGINT and
 * SIGQUIT were ignored and SIGCHLD blocked while it ran (the command sees
 * them through its own $(kill -0) checks elsewhere). */
#include "tests/shim/hosts/host.h"

#include <signal.h>

static int call(const char *file, char **argv)
{
	sigset_t before, after;
	int status;

	(void)argv;
	sigprocmask(SIG_SETMASK, NULL, &before);
	errno = 0;
	status = system(file);
	sigprocmask(SIG_SETMASK, NULL, &after);
	if (status == -1) {
		printf("system=-1 errno=%s\n", strerrorname_np(errno));
		return 0;
	}
	host_report_status(status);
	printf("mask %s\n", memcmp(&before, &after, sizeof(before)) ? "changed" : "kept");
	printf("system(NULL)=%d\n", system(NULL));
	return 0;
}
