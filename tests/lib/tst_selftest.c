/* The test library's own checks: what every other suite leans on. */
#include "tests/lib/tst.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

static void run_captures_output_and_status(void)
{
	char *argv[] = {"sh", "-c", "echo out; echo err >&2; exit 7", NULL};
	struct tst_proc r;

	CU_ASSERT_EQUAL_FATAL(tst_run(argv, NULL, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.out, "out\n");
	CU_ASSERT_STRING_EQUAL(r.err, "err\n");
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 7);
	tst_proc_free(&r);
}

static void run_reports_signal_death(void)
{
	char *argv[] = {"sh", "-c", "kill -TERM $$", NULL};
	struct tst_proc r;

	CU_ASSERT_EQUAL_FATAL(tst_run(argv, NULL, &r), 0);
	CU_ASSERT_TRUE(WIFSIGNALED(r.status));
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 128 + SIGTERM);
	tst_proc_free(&r);
}

static void run_kills_on_timeout(void)
{
	char *argv[] = {"sleep", "30", NULL};
	struct tst_opts o = {.timeout_ms = 200};
	struct tst_proc r;

	CU_ASSERT_EQUAL_FATAL(tst_run(argv, &o, &r), 0);
	CU_ASSERT_TRUE(r.timed_out);
	tst_proc_free(&r);
}

static void env_adds_and_drops(void)
{
	const char *add[] = {"TST_A=1", NULL};
	const char *drop[] = {"PATH", NULL};
	char **env = tst_env(add, drop);
	int a = 0, path = 0;

	for (char **e = env; *e; e++) {
		a += strcmp(*e, "TST_A=1") == 0;
		path += strncmp(*e, "PATH=", 5) == 0;
	}
	CU_ASSERT_EQUAL(a, 1);
	CU_ASSERT_EQUAL(path, 0);
	tst_env_free(env);
}

static CU_TestInfo tests[] = {
    {"run captures output and status", run_captures_output_and_status},
    {"run reports death by signal", run_reports_signal_death},
    {"run kills on timeout", run_kills_on_timeout},
    {"env adds and drops", env_adds_and_drops},
    CU_TEST_INFO_NULL,
};
TST_SUITE("lib", tests)
