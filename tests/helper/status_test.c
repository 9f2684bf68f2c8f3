/* What the host sees of the job: its exit status and death by signal
 * mirrored exactly, and the helper's own failures (docs/errors.md). */
#include "tests/helper/hutil.h"
#include "tests/lib/hcmd.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const tiers[] = H_TIERS;

/* Every code through each tier (about 2 ms a job here). */
static void test_exit_codes(void)
{
	for (size_t t = 0; t < 2; t++)
		for (int code = 0; code < 256; code++) {
			char script[32];
			struct tst_proc r;
			snprintf(script, sizeof(script), "exit %d", code);
			CU_ASSERT_EQUAL_FATAL(h_sh(tiers[t], script, &r), 0);
			CU_ASSERT_TRUE(WIFEXITED(r.status) &&
				       WEXITSTATUS(r.status) == code);
			CU_ASSERT_STRING_EQUAL(r.err, "");
			tst_proc_free(&r);
		}
}

/* Death by each signal whose default action kills, compared with the same
 * job without cordon; a few real-time signals too (some are reserved by
 * libc, the helper must still mirror them). */
static void test_death_by_signal(void)
{
	static const int extra[] = {32, 33, 34, 40, 64};
	int sigs[64], n = 0;

	for (int s = 1; s < 32; s++)
		if (s != SIGCHLD && s != SIGCONT && s != SIGURG && s != SIGWINCH &&
		    s != SIGSTOP && s != SIGTSTP && s != SIGTTIN && s != SIGTTOU)
			sigs[n++] = s;
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		sigs[n++] = extra[i];
	for (int i = 0; i < n; i++)
		for (size_t t = 0; t < 2; t++) {
			char script[2 * PATH_MAX];
			struct tst_proc r, plain;
			/* The job kills itself; the monitor must die the same way. */
			snprintf(script, sizeof(script), "%s; ulimit -c 0; kill -%d $$",
				 tst_nsreport_sh(), sigs[i]);
			tst_ns_reset();
			CU_ASSERT_EQUAL_FATAL(h_sh(NULL, script, &plain), 0);
			CU_ASSERT_EQUAL(tst_ns_check(NULL, "plain"), 1);
			tst_ns_reset();
			CU_ASSERT_EQUAL_FATAL(h_sh(tiers[t], script, &r), 0);
			CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
			/* glibc's sh may handle the signals glibc reserves: compare. */
			CU_ASSERT_EQUAL(r.status, plain.status);
			if (sigs[i] < 32)
				CU_ASSERT_TRUE(WIFSIGNALED(r.status) &&
					       WTERMSIG(r.status) == sigs[i]);
			CU_ASSERT_FALSE(WCOREDUMP(r.status));
			if (r.status != plain.status)
				printf("\n    %s signal %d: status %#x, plainly %#x\n",
				       tiers[t], sigs[i], r.status, plain.status);
			tst_proc_free(&r);
			tst_proc_free(&plain);
		}
}

/* Output and status identical with and without the helper. */
static void test_transparent_output(void)
{
	char script[2 * PATH_MAX];
	char *argv[] = {"sh", "-c", script, "zero", "a b", "", "c", NULL};

	snprintf(script, sizeof(script),
		 "%s; echo out; echo err >&2; printf '%%s|' \"$0\" \"$@\"; exit 3",
		 tst_nsreport_sh());

	for (size_t t = 0; t < 2; t++)
		h_assert_transparent(tiers[t], argv);
}

/* argv through the helper at tier, with the DEV:INO and PATH given where
 * set (else argv[0]'s): exit code, and one line of ours with err. */
static void expect(const char *tier, char *const argv[], const char *path,
		   const struct stat *pinned, int code, const char *err)
{
	char resolved[PATH_MAX];
	struct stat st = {0};
	struct tst_proc r;

	if (tst_resolve(argv[0], resolved, sizeof(resolved)) == 0)
		stat(resolved, &st);
	if (pinned)
		st = *pinned;
	struct tst_hcmd c = {.helper = tst_build("cordon-helper"),
			     .dirfd = -1,
			     .cloexec = -1,
			     .tier = tier,
			     .dev = st.st_dev,
			     .ino = st.st_ino,
			     .path = path ? path : resolved,
			     .argv = argv};
	char **v = tst_hcmd_argv(&c);
	CU_ASSERT_EQUAL_FATAL(tst_run(v, NULL, &r), 0);
	CU_ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == code);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, err));
	/* One line, ours. */
	CU_ASSERT_EQUAL(strncmp(r.err, "cordon: ", 8), 0);
	CU_ASSERT_PTR_EQUAL(strchr(r.err, '\n'), r.err + r.err_len - 1);
	if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != code || !strstr(r.err, err))
		printf("\n    %s: status %#x, stderr: %s\n", tier, r.status, r.err);
	tst_proc_free(&r);
	tst_hcmd_free(v);
}

static void test_exec_failures(void)
{
	char nx[PATH_MAX], line[PATH_MAX + 64];
	const char *noexec = tst_write_file("noexec", "#!/bin/sh\necho hi\n", 0644);
	const char *garbage =
	    tst_write_file("garbage", "echo from sh \"$0\" \"$1\"\n", 0755);
	char *argv_ne[] = {(char *)noexec, NULL};
	char *argv_g[] = {(char *)garbage, "arg1", NULL};

	snprintf(nx, sizeof(nx), "%s/does-not-exist", tst_scratch());
	char *argv_nx[] = {nx, NULL};
	for (size_t t = 0; t < 2; t++) {
		snprintf(line, sizeof(line),
			 "cannot execute %s: No such file or directory\n", nx);
		expect(tiers[t], argv_nx, NULL, &(struct stat){.st_dev = 1, .st_ino = 1},
		       127, line);
		snprintf(line, sizeof(line), "cannot execute %s: Permission denied\n",
			 noexec);
		expect(tiers[t], argv_ne, NULL, NULL, 126, line);
		snprintf(line, sizeof(line), "cannot execute %s: Exec format error\n",
			 garbage);
		expect(tiers[t], argv_g, NULL, NULL, 126, line);

		/* --sh: the exec*p fallback, as glibc runs it. */
		struct tst_proc r;
		struct tst_how sh = {.via = TST_HELPER, .tier = tiers[t], .sh = true};
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&sh, argv_g, &r), 0);
		CU_ASSERT_EQUAL(r.status, 0);
		snprintf(line, sizeof(line), "from sh %s arg1\n", garbage);
		CU_ASSERT_STRING_EQUAL(r.out, line);
		tst_proc_free(&r);
	}
}

/* The file at PATH is not the one the shim resolved: nothing runs. */
static void test_pinned_mismatch(void)
{
	char *argv[] = {"true", NULL};
	char falsepath[PATH_MAX];

	CU_ASSERT_EQUAL_FATAL(tst_resolve("false", falsepath, sizeof(falsepath)), 0);
	for (size_t t = 0; t < 2; t++)
		expect(tiers[t], argv, falsepath, NULL, 126,
		       "not the file that was resolved");
}

static void test_bad_command_line(void)
{
	char *job[] = {"true", NULL};
	/* Not a tier. */
	struct tst_hcmd c = {.helper = tst_build("cordon-helper"),
			     .dirfd = -1,
			     .cloexec = -1,
			     .tier = "sandbox",
			     .dev = 1,
			     .ino = 2,
			     .path = "/bin/true",
			     .argv = job};
	char **argv = tst_hcmd_argv(&c);
	struct tst_proc r;

	CU_ASSERT_EQUAL_FATAL(tst_run(argv, NULL, &r), 0);
	tst_hcmd_free(argv);
	CU_ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 125);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "cordon: bad helper command line"));
	tst_proc_free(&r);
}

/* A namespace kind disabled (its user.max_*_namespaces 0, per user
 * namespace: 0 in one of our own refuses it below): 125 at once, the
 * sysctl named; a tier without that kind still runs. Refused by a seccomp
 * filter instead (EPERM, as in a container): the usual causes named. */
static void test_userns_refused(void)
{
	static const struct {
		const char *kind;
		int want[2]; /* hardened, lockdown */
	} runs[] = {{"user", {125, 125}}, {"pid", {125, 125}}, {"net", {0, 125}}};
	char script[256], named[256];
	struct tst_proc r;

	for (size_t k = 0; k < sizeof(runs) / sizeof(runs[0]); k++) {
		for (size_t t = 0; t < 2; t++) {
			char *argv[] = {"true", NULL};
			snprintf(
			    script, sizeof(script),
			    "echo 0 > /proc/sys/user/max_%s_namespaces && exec \"$@\"",
			    runs[k].kind);
			const char *const un[] = {"unshare", "-U",   "-r", "sh",
						  "-c",	     script, "sh", NULL};
			struct tst_how how = {
			    .via = TST_HELPER, .tier = tiers[t], .wrap = un};
			CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, &r), 0);
			CU_ASSERT_TRUE(WIFEXITED(r.status) &&
				       WEXITSTATUS(r.status) == runs[k].want[t]);
			snprintf(
			    named, sizeof(named),
			    "(clone: No space left on device): user.max_%s_namespaces "
			    "is 0, which disables them; allow them: sysctl -w "
			    "user.max_%s_namespaces=15000\n",
			    runs[k].kind, runs[k].kind);
			if (runs[k].want[t]) {
				CU_ASSERT_EQUAL(
				    strncmp(r.err, "cordon: the kernel refused", 26), 0);
				CU_ASSERT_PTR_NOT_NULL(strstr(r.err, named));
			} else {
				CU_ASSERT_STRING_EQUAL(r.err, "");
			}
			if (!WIFEXITED(r.status) ||
			    WEXITSTATUS(r.status) != runs[k].want[t])
				printf("\n    %s, max_%s_namespaces 0: status %#x, "
				       "stderr: %s\n",
				       tiers[t], runs[k].kind, r.status, r.err);
			tst_proc_free(&r);
		}
	}
	for (size_t t = 0; t < 2; t++) {
		char *argv[] = {"true", NULL};
		const char *const nouserns[] = {tst_build("tests/launcher/nouserns"),
						NULL};
		struct tst_how how = {
		    .via = TST_HELPER, .tier = tiers[t], .wrap = nouserns};
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, &r), 0);
		CU_ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 125);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err,
					      "cordon: the kernel refused the sandbox's "
					      "namespaces (clone: Operation not "
					      "permitted)"));
		CU_ASSERT_PTR_NOT_NULL(
		    strstr(r.err, "kernel.unprivileged_userns_clone=1"));
		CU_ASSERT_PTR_NOT_NULL(
		    strstr(r.err, "apparmor_restrict_unprivileged_userns"));
		tst_proc_free(&r);
	}
}

static CU_TestInfo tests[] = {
    {"exit codes 0-255 mirrored", test_exit_codes},
    {"death by each signal mirrored", test_death_by_signal},
    {"stdout, stderr, status as without cordon", test_transparent_output},
    {"exec failures: 127/126 and one line", test_exec_failures},
    {"pinned inode mismatch fails closed", test_pinned_mismatch},
    {"bad command line: 125", test_bad_command_line},
    {"user namespaces refused: 125 and the fixes", test_userns_refused},
    CU_TEST_INFO_NULL,
};
TST_SUITE("helper.status", tests)
