/* Test host for system(): FILE is the shell command; ARGV0 "sigint" sends
 * the host SIGINT and SIGQUIT while the command runs.
 * Reports system()'s return value as a wait status, and whether
 * the caller's signal mask is the same afterwards. */
#include "tests/shim/progs/host.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

/* While system() waits, SIGINT and SIGQUIT to the caller are ignored. */
static void *interrupt(void *arg)
{
	struct timespec t = {0, 200 * 1000 * 1000};

	(void)arg;
	nanosleep(&t, NULL);
	kill(getpid(), SIGINT);
	kill(getpid(), SIGQUIT);
	return NULL;
}

static int call(const char *file, char **argv)
{
	sigset_t before, after;
	int status;

	pthread_t t;

	if (strcmp(argv[0], "sigint") == 0 && pthread_create(&t, NULL, interrupt, NULL))
		return -EAGAIN;
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
