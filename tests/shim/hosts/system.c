/* Test host for system(): FILE is the shell command, the rest ignored.
 * Reports system()'s return value as a wait status, and whether
 * the caller's signal mask is the same afterwards. */
#include "tests/shim/hosts/host.h"

#include <signal.h>

static int call(const char *file, char **argv)
{
	sigset_t before, after;
	int status;

	(void)argv;
	/* The kernel fills only its 64 bits of the 1024-bit sigset_t. */
	sigemptyset(&before);
	sigemptyset(&after);
	sigprocmask(SIG_SETMASK, NULL, &before);
	errno = 0;
	status = system(file);
	sigprocmask(SIG_SETMASK, NULL, &after);
	if (status == -1) {
		printf("system=-1 errno=%s\n", strerrorname_np(errno));
		return 0;
	}
	host_report_status(status);
	int changed = 0;
	for (int sig = 1; sig < 65; sig++)
		changed |= sigismember(&before, sig) != sigismember(&after, sig);
	printf("mask %s\n", changed ? "changed" : "kept");
	printf("system(NULL)=%d\n", system(NULL));
	return 0;
}
