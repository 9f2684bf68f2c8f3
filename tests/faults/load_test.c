/* Load: many jobs in sequence, at once and from several threads, then
 * nothing left behind in the host (fds, zombies, processes, namespaces);
 * the memory that idle sandboxes cost. tests/lib/progs/host.c runs the
 * jobs and checks each status; a job i exits with i % 100. */
#include "tests/faults/futil.h"
#include "tests/helper/hutil.h"
#include "tests/shim/sutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* host MODE N with a job that exits with its number, under tier. */
static void load(const char *tier, const char *mode, const char *n, const char *want)
{
	char *argv[] = {(char *)s_prog("host"),
			(char *)mode,
			(char *)n,
			"/bin/sh",
			"sh",
			"-c",
			"exit $1",
			"sh",
			"%",
			NULL};
	struct tst_proc r;

	CU_ASSERT_EQUAL_FATAL(f_run_long(tier, argv, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.out, want);
	CU_ASSERT_FALSE(r.timed_out);
	if (strcmp(r.out, want) != 0)
		printf("\n    %s %s %s: %.500s%.500s", tier ? tier : "plain", mode, n,
		       r.out, r.err);
	tst_proc_free(&r);
}

static void test_sequence(void)
{
	load(NULL, "seq", "1000", "jobs 1000 wrong 0\nfds kept\nleftover 0\n");
	if (!tst_sandbox_ok())
		return;
	load("hardened", "seq", "1000", "jobs 1000 wrong 0\nfds kept\nleftover 0\n");
	load("lockdown", "seq", "300", "jobs 300 wrong 0\nfds kept\nleftover 0\n");
}

static void test_parallel(void)
{
	load(NULL, "par", "64", "jobs 64 wrong 0\nfds kept\nleftover 0\n");
	if (!tst_sandbox_ok())
		return;
	load("hardened", "par", "64", "jobs 64 wrong 0\nfds kept\nleftover 0\n");
	load("lockdown", "par", "64", "jobs 64 wrong 0\nfds kept\nleftover 0\n");
}

/* 8 threads, 16 posix_spawn calls each, released at the same moment. */
static void test_threads(void)
{
	load(NULL, "threads", "8", "jobs 128 wrong 0\nfds kept\nleftover 0\n");
	if (!tst_sandbox_ok())
		return;
	load("hardened", "threads", "8", "jobs 128 wrong 0\nfds kept\nleftover 0\n");
	load("lockdown", "threads", "8", "jobs 128 wrong 0\nfds kept\nleftover 0\n");
}

/* A leaked namespace would count against user.max_user_namespaces. The
 * host is root in its own user namespace (unshare -r): each of its jobs
 * holds two (the sandbox's, and the job's own below it: docs/helper.md).
 * With 16 allowed, 8 jobs at once fit, and of 16 that stay alive for 3 s
 * at most 8 run: the limit holds, and the others fail after the helper's
 * wait with the limit named. 40 jobs back to back with 4 allowed all run: each
 * sandbox gave its namespaces back. The kernel frees them only after an
 * RCU grace period, tens of ms after the job's end, so most of those 40
 * find the count used up at first; the helper waits for it (up to 1 s). */
static void test_namespaces_released(void)
{
	static const struct {
		const char *limit, *mode, *n, *script;
		bool all;
	} runs[] = {
	    {"16", "par", "8", "exit $1", true},
	    {"16", "par", "16", "sleep 3; exit $1", false},
	    {"4", "seq", "40", "exit $1", true},
	};

	if (!tst_sandbox_ok())
		return;
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		char *argv[] = {(char *)s_prog("host"),
				(char *)runs[i].mode,
				(char *)runs[i].n,
				"/bin/sh",
				"sh",
				"-c",
				(char *)runs[i].script,
				"sh",
				"%",
				NULL};
		struct tst_proc r;
		char want[64], setup[128];
		snprintf(setup, sizeof(setup),
			 "echo %s > /proc/sys/user/max_user_namespaces", runs[i].limit);
		if (f_run_unshared(setup, "hardened", argv, &r) < 0)
			return;
		snprintf(want, sizeof(want), "jobs %s wrong 0\n", runs[i].n);
		if (runs[i].all) {
			CU_ASSERT_EQUAL(strncmp(r.out, want, strlen(want)), 0);
		} else {
			/* At most 8 fit; more may fail where the sandboxes of
			 * some took the namespaces the jobs of others needed. */
			int wrong = -1;
			CU_ASSERT_EQUAL(sscanf(r.out, "jobs 16 wrong %d", &wrong), 1);
			CU_ASSERT_TRUE(wrong >= 8 && wrong <= 16);
			CU_ASSERT_PTR_NOT_NULL(
			    strstr(r.err, "a per-user namespace limit is reached"));
		}
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nfds kept\nleftover 0\n"));
		if (runs[i].all && strncmp(r.out, want, strlen(want)) != 0)
			printf("\n    %s %s at %s: %.300s%.300s", runs[i].mode, runs[i].n,
			       runs[i].limit, r.out, r.err);
		tst_proc_free(&r);
	}
}

/* 256 lockdown jobs sleeping at once: what monitor and init cost each
 * (printed), then SIGTERM to every pid the host got ends them all. */
static void test_idle_memory(void)
{
	char *argv[] = {
	    (char *)s_prog("host"), "idle", "256", "/bin/sleep", "sleep", "30", NULL};
	struct tst_proc r;
	long pss = -1, rss = -1;

	if (!tst_sandbox_ok())
		return;
	CU_ASSERT_EQUAL_FATAL(f_run_long("lockdown", argv, &r), 0);
	const char *line = strstr(r.out, "idle 256 running 256 measured 256: ");
	CU_ASSERT_PTR_NOT_NULL(line);
	if (line && sscanf(line,
			   "idle 256 running 256 measured 256: per job, "
			   "monitor+init PSS %ld KiB RSS %ld",
			   &pss, &rss) == 2)
		printf("\n    256 idle lockdown jobs: %.*s ", (int)strcspn(line, "\n"),
		       line);
	else
		printf("\n    %.500s%.500s", r.out, r.err);
	/* docs/helper.md: monitor and init together within 128 KiB PSS (the
	 * sanitized helper is a different program). */
	CU_ASSERT(pss > 0 && (pss <= 128 || h_sanitized()));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "jobs 256 wrong 0\nfds kept\nleftover 0\n"));
	tst_proc_free(&r);
}

static CU_TestInfo tests[] = {
    {"1000 jobs in sequence", test_sequence},
    {"64 jobs at once", test_parallel},
    {"8 threads spawning at once", test_threads},
    {"namespaces released", test_namespaces_released},
    {"256 idle lockdown jobs", test_idle_memory},
    CU_TEST_INFO_NULL,
};
TST_SUITE("load.load", tests)
