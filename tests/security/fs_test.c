/* The host's scratch space and /proc, seen from a job. */
#include "tests/security/sec.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

static void attempt(const char *what, const char *arg, const char *want[2])
{
	char *argv[] = {(char *)sec_prog("escape"), (char *)what, (char *)arg, NULL};

	sec_expect(NULL, NULL, argv, "ok\n");
	for (size_t t = 0; t < 2; t++)
		sec_expect(tiers[t], NULL, argv, want[t]);
}

/* A host file in /tmp, /var/tmp, /dev/shm: lockdown's job sees an empty
 * tmpfs there, and what it writes there never reaches the host; hardened
 * shares them (documented). */
static void test_scratch(void)
{
	static const char *const dirs[] = {"/tmp", "/var/tmp", "/dev/shm"};
	static const char *const hidden[2] = {"ok\n", "ENOENT\n"};
	char host[128], made[160];

	if (!sec_sandbox_ok())
		return;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(host, sizeof(host), "%s/cordon-escape-%d", dirs[i],
			 (int)getpid());
		snprintf(made, sizeof(made), "%s.job", host);
		int fd = open(host, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		CU_ASSERT_TRUE_FATAL(fd >= 0);
		close(fd);
		attempt("read", host, (const char **)hidden);
		/* Each run creates the file; only lockdown's stays off the host. */
		char *argv[] = {(char *)sec_prog("escape"), "create", made, NULL};
		const char *runs[] = {NULL, "hardened", "lockdown"};
		for (size_t r = 0; r < 3; r++) {
			sec_expect(runs[r], NULL, argv, "ok\n");
			CU_ASSERT_EQUAL(access(made, F_OK), r < 2 ? 0 : -1);
			unlink(made);
		}
		unlink(host);
	}
}

/* The runner's own /proc entry: both tiers' /proc has only the sandbox's
 * processes. */
static void test_proc(void)
{
	static const char *const meta[2] = {"ENOENT\n", "ENOENT\n"};
	char pid[16], status[64];

	if (!sec_sandbox_ok())
		return;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(status, sizeof(status), "/proc/%d/status", (int)getpid());
	attempt("read", status, (const char **)meta);
	attempt("cmdline", pid, (const char **)meta);
}

/* The job acts on host files as the host's uid (identity-mapped): what it
 * makes in its writable path is the caller's. Without one the host is
 * read-only at lockdown, and at hardened for a root caller; an ordinary
 * caller's hardened job shares the host's files as its uid allows. */
static void test_host_uid(void)
{
	char dir[256], made[300];
	struct sec_fs policy = {.writable = dir};
	struct stat st;

	if (!sec_sandbox_ok())
		return;
	snprintf(dir, sizeof(dir), "%s/owner-only", tst_scratch());
	mkdir(dir, 0700);
	for (size_t t = 0; t < 2; t++) {
		snprintf(made, sizeof(made), "%s/by-%s", dir, tiers[t]);
		unlink(made);
		char *argv[] = {(char *)sec_prog("escape"), "create", made, NULL};
		sec_expect(NULL, NULL, argv, "ok\n");
		CU_ASSERT_EQUAL(unlink(made), 0);
		sec_expect_fs(tiers[t], &policy, NULL, argv, "ok\n");
		CU_ASSERT_EQUAL(stat(made, &st), 0);
		CU_ASSERT_EQUAL(st.st_uid, getuid());
		unlink(made);
		bool shared = t == 0 && !tst_is_root();
		sec_expect(tiers[t], NULL, argv, shared ? "ok\n" : "EROFS\n");
		unlink(made);
	}
	rmdir(dir);
}

static CU_TestInfo tests[] = {
    {"lockdown: host /tmp, /var/tmp, /dev/shm hidden", test_scratch},
    {"no host pid in /proc", test_proc},
    {"the job writes its writable path as the caller's uid", test_host_uid},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.fs", tests)
