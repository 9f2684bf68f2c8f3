/* A job stays in the process group the host started it in (docs/helper.md),
 * and the kernel does not filter a group's members by pid namespace: its
 * kill(0, sig) must still not reach the host's processes of that group
 * (Landlock's signal scope, docs/security.md). The control: without cordon
 * it does. */
#include "tests/security/sec.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const tiers[] = {NULL, "hardened", "lockdown"};

/* A host process leading group G, SIGUSR1 left at its default (death). */
static pid_t leader(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(pid, pid);
	return pid;
}

/* argv (plainly, or through the helper at tier) as a member of group g;
 * its wait status. */
static int run_in_group(const char *tier, char *const argv[], pid_t g)
{
	char **v = tier ? tst_helper_cmdline(tier, argv) : NULL;
	int st = -1;
	pid_t pid = fork();

	if (pid == 0) {
		setpgid(0, g);
		execvp(v ? v[0] : argv[0], v ? v : argv);
		_exit(127);
	}
	setpgid(pid, g);
	tst_hcmd_free(v);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static void test_kill_zero(void)
{
	/* The job ignores USR1 itself: only the others of G may die of it. */
	char *argv[] = {"sh", "-c", "trap '' USR1; kill -USR1 0", NULL};

	if (!sec_sandbox_ok())
		return;
	for (size_t t = 0; t < 3; t++) {
		pid_t g = leader();
		CU_ASSERT_TRUE_FATAL(g > 0);
		int st = run_in_group(tiers[t], argv, g);
		CU_ASSERT_EQUAL(st, 0);
		struct timespec pause = {0, 50000000};
		nanosleep(&pause, NULL);
		int gst = 0;
		pid_t w = waitpid(g, &gst, WNOHANG);
		bool killed = w == g && WIFSIGNALED(gst) && WTERMSIG(gst) == SIGUSR1;
		/* The control dies of it; the host's member of a job's group
		 * does not. */
		CU_ASSERT_EQUAL(killed, tiers[t] == NULL);
		if (killed != (tiers[t] == NULL))
			printf("\n    %s: the group's leader %s\n",
			       tiers[t] ? tiers[t] : "plain",
			       killed ? "died of the job's kill(0)" : "lived");
		if (w != g) {
			kill(g, SIGKILL);
			waitpid(g, &gst, 0);
		}
	}
}

static CU_TestInfo tests[] = {
    {"a job's kill(0) spares the host's members of its group", test_kill_zero},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.group", tests)
