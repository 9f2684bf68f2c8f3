/* A job cannot signal or trace a host process it names by pid (hardened
 * and lockdown: the host's pids are outside its pid namespace). */
#include "tests/security/sec.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

/* A host process of the same uid: its own process group, waiting. */
static pid_t victim(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(pid, pid);
	return pid;
}

static void attempt(const char *what, pid_t pid, const char *want[2])
{
	char arg[32];
	char *argv[] = {(char *)sec_prog("escape"), (char *)what, arg, NULL};

	snprintf(arg, sizeof(arg), "%d", (int)pid);
	sec_expect(NULL, NULL, argv, "ok\n");
	for (size_t t = 0; t < 2; t++)
		sec_expect(tiers[t], NULL, argv, want[t]);
}

/* kill(), kill() of its process group, PTRACE_SEIZE, pidfd_open(): the pid
 * is not in the job's namespace (ESRCH). Nor in its /proc, a fresh one at
 * both tiers: /proc/PID (as a pidfd), its environ and mem do not exist. */
static void test_by_pid(void)
{
	static const char *const esrch[2] = {"ESRCH\n", "ESRCH\n"};
	static const char *const procfd[2] = {"ENOENT\n", "ENOENT\n"};
	static const char *const proc_guarded[2] = {"ENOENT\n", "ENOENT\n"};
	static const char *const what[] = {"signal", "pgrp", "ptrace", "pidfd"};
	int st;

	if (!sec_sandbox_ok())
		return;
	pid_t pid = victim();
	CU_ASSERT_TRUE_FATAL(pid > 0);
	for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++)
		attempt(what[i], pid, (const char **)esrch);
	attempt("procfd", pid, (const char **)procfd);
	attempt("environ", pid, (const char **)proc_guarded);
	attempt("mem", pid, (const char **)proc_guarded);
	/* Alive and untouched (SIGCONT from the controls only). */
	CU_ASSERT_EQUAL(waitpid(pid, &st, WNOHANG), 0);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static CU_TestInfo tests[] = {
    {"signal, ptrace, pidfd, environ, mem of a host pid refused", test_by_pid},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.pid", tests)
