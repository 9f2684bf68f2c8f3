/* A cgroup namespace of the job's own. With one (and a user namespace to
 * own it) a job mounts cgroupfs, and the mount's root is the cgroup it
 * shares with its host: cgroup.kill, cgroup.freeze or the v1 freezer there
 * kill or freeze the host and its siblings. The attempts here stop at the
 * mount, which is what the kill and the freeze need. */
#include "tests/security/sec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

/* unshare and clone with CLONE_NEWCGROUP fail with EPERM; clone3, whose
 * flags a filter cannot see, with ENOSYS. The control makes the namespaces
 * and mounts cgroup2. */
static void test_cgroupns_refused(void)
{
	char dir[4096];
	char *kernel = (char *)sec_prog("kernel");

	if (!sec_sandbox_ok())
		return;
	snprintf(dir, sizeof(dir), "%s/cgroup2", tst_scratch());
	mkdir(dir, 0755);
	char *mount[] = {kernel, "cgroupns", dir, NULL};
	char *out = sec_out(NULL, NULL, mount);
	if (out && strcmp(out, "ok\n"))
		tst_skip("the control could not mount cgroup2 in its own namespaces "
			 "(%.40s): only the refusals are checked",
			 out);
	else
		CU_ASSERT_STRING_EQUAL(out ? out : "", "ok\n");
	free(out);
	for (size_t t = 0; t < 2; t++)
		sec_expect_ns(tiers[t], NULL, mount, "EPERM\n");

	static const char *const attempts[][2] = {{"clone-cgroupns", "EPERM\n"},
						  {"clone3", "ENOSYS\n"}};
	for (size_t i = 0; i < 2; i++) {
		char *argv[] = {kernel, (char *)attempts[i][0], NULL};
		sec_expect(NULL, NULL, argv, "ok\n");
		for (size_t t = 0; t < 2; t++)
			sec_expect_ns(tiers[t], NULL, argv, attempts[i][1]);
	}
}

/* The same with util-linux: `unshare -U -C` (a user namespace too, so that
 * it needs no privilege), started through nsreport so that its refusal is
 * known to come from inside the tier's namespaces. */
static void test_unshare_tool(void)
{
	char *argv[] = {(char *)tst_nsreport(), "unshare", "-U", "-C", "true", NULL};
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	CU_ASSERT_EQUAL_FATAL(tst_run(argv + 1, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 0);
	tst_proc_free(&r);
	for (size_t t = 0; t < 2; t++) {
		struct tst_how how = {.via = TST_HELPER, .tier = tiers[t]};
		tst_ns_reset();
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, &r), 0);
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		CU_ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) != 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "Operation not permitted"));
		tst_proc_free(&r);
	}
}

/* glibc 2.34+ tries clone3 first for threads and posix_spawn, and falls
 * back to clone on ENOSYS: both still work in the job. */
static void test_clone3_fallback(void)
{
	char *argv[] = {"/usr/bin/python3", "-c",
			"import os, threading\n"
			"t = threading.Thread(target=lambda: print('thread ok'))\n"
			"t.start(); t.join()\n"
			"pid = os.posix_spawn('/bin/true', ['true'], {})\n"
			"print('spawn', os.waitpid(pid, 0)[1])\n",
			NULL};

	if (!sec_sandbox_ok())
		return;
	if (access(argv[0], X_OK) < 0) {
		tst_skip("no /usr/bin/python3 to start a thread and a posix_spawn with");
		return;
	}
	sec_expect(NULL, NULL, argv, "thread ok\nspawn 0\n");
	for (size_t t = 0; t < 2; t++)
		sec_expect_ns(tiers[t], NULL, argv, "thread ok\nspawn 0\n");
}

static CU_TestInfo tests[] = {
    {"no cgroup namespace of the job's own: unshare, clone EPERM, clone3 ENOSYS",
     test_cgroupns_refused},
    {"unshare -U -C refused", test_unshare_tool},
    {"threads and posix_spawn still start (clone3's fallback)", test_clone3_fallback},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.cgroupns", tests)
