/* scripts/cordon, as installed in the build tree ($(B)/cordon). */
#include "tests/shim/fixtures.h"
#include "tests/shim/sutil.h"

#include <string.h>
#include <sys/wait.h>

static int launch(char *const argv[], struct tst_proc *r)
{
	return s_run(NULL, NULL, argv, r);
}

static bool own_pidns(const char *out)
{
	return s_ns_of(out, "pid") && s_ns_of(out, "pid") != s_ns("pid");
}

static void test_preload_mode(void)
{
	struct tst_proc r;
	char *host_itself[] = {(char *)tst_build("cordon"), "--tier", "hardened", "--",
			       (char *)fx("bin/target"),    "ns",     NULL};
	char *jobs[] = {(char *)tst_build("cordon"),
			"--tier=lockdown",
			"/bin/sh",
			"-c",
			"\"$0\" ns",
			(char *)fx("bin/target"),
			NULL};

	if (!s_sandbox_ok())
		return;
	/* The host runs outside, with the shim and the tier in its env. */
	CU_ASSERT_EQUAL_FATAL(launch(host_itself, &r), 0);
	CU_ASSERT_FALSE(own_pidns(r.out));
	tst_proc_free(&r);
	/* Its jobs run inside. */
	CU_ASSERT_EQUAL_FATAL(launch(jobs, &r), 0);
	CU_ASSERT_TRUE(own_pidns(r.out));
	CU_ASSERT_NOT_EQUAL(s_ns_of(r.out, "net"), s_ns("net"));
	tst_proc_free(&r);
}

static void test_whole_mode(void)
{
	struct tst_proc r;
	char *whole[] = {
	    (char *)tst_build("cordon"), "--tier", "hardened", "--whole", "--",
	    (char *)fx("bin/target"),	 "ns",	   "exit:9",   NULL};
	char *path[] = {(char *)tst_build("cordon"),
			"--tier",
			"lockdown",
			"--whole",
			"sh",
			"-c",
			"exit 4",
			NULL};

	if (!s_sandbox_ok())
		return;
	CU_ASSERT_EQUAL_FATAL(launch(whole, &r), 0);
	CU_ASSERT_TRUE(own_pidns(r.out));
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 9);
	tst_proc_free(&r);
	CU_ASSERT_EQUAL_FATAL(launch(path, &r), 0);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 4);
	tst_proc_free(&r);
}

static void test_usage_errors(void)
{
	char *const *cases[] = {
	    (char *[]){"--tier", "lockdwon", "true", NULL},
	    (char *[]){"true", NULL},
	    (char *[]){"--tier", "none", NULL},
	    (char *[]){"--bogus", "--tier", "none", "true", NULL},
	    (char *[]){"--tier", "hardened", "--whole", "nosuch-cmd", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = {(char *)tst_build("cordon")};
		struct tst_proc r;
		for (size_t k = 0; cases[i][k]; k++)
			argv[k + 1] = cases[i][k];
		CU_ASSERT_EQUAL_FATAL(launch(argv, &r), 0);
		CU_ASSERT_EQUAL(tst_shell_status(r.status), 125);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "cordon: "));
		tst_proc_free(&r);
	}
}

static CU_TestInfo tests[] = {
    {"preload mode: host outside, jobs inside", test_preload_mode},
    {"--whole: the host itself inside", test_whole_mode},
    {"usage errors exit 125", test_usage_errors},
    CU_TEST_INFO_NULL,
};
TST_SUITE("shim.launcher", tests)
