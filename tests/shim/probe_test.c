/* shim/probe.c against the kernel: for each file, the errno probe_file()
 * predicts must be the one a real execve fails with (0: it runs). */
#include "shim/shim.h"
#include "tests/shim/fixtures.h"
#include "tests/shim/sutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static char *const job_argv[] = {"probe-job", NULL};
static char *const job_env[] = {NULL};

/* A real execve in a child, its output discarded; 0 when it ran. */
static int kernel_errno(const char *path)
{
	int p[2], e = 0, status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execve(path, job_argv, job_env);
		e = errno;
		if (write(p[1], &e, sizeof(e)) != sizeof(e))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &e, sizeof(e)) != sizeof(e))
		e = 0;
	close(p[0]);
	waitpid(pid, &status, 0);
	return e;
}

static void agree(const char *path)
{
	struct probe p = {
	    .dirfd = AT_FDCWD, .noexec = true, .argv = job_argv, .envp = job_env};
	int want = kernel_errno(path), got = probe_file(&p, path);

	CU_ASSERT_EQUAL(got, want);
	if (got != want)
		printf("\n    %s: probe %s, kernel %s\n", path, strerrorname_np(got),
		       strerrorname_np(want));
}

static void test_files(void)
{
	static const char *const files[] = {
	    "err/missing", "err/noexec", "err/dir",    "err/file/x", "err/loop",
	    "err/garbage", "err/badint", "bin/target", "bin/cmd",    "script.sh",
	    "err/dir/..",  "loop/cmd",	 "noexec/cmd", NULL};
	char comp[300];

	for (const char *const *f = files; *f; f++)
		agree(fx(*f));
	agree("");
	agree("/dev/null");
	agree("/proc/self/fd");
	memset(comp, 'n', sizeof(comp) - 1);
	comp[sizeof(comp) - 1] = '\0';
	agree(comp);
}

/* #! chains: the kernel follows a few interpreters, then ELOOP. */
static void test_interpreter_chains(void)
{
	char name[64], body[4200];

	for (int depth = 0; depth < 8; depth++) {
		snprintf(name, sizeof(name), "shim/chain%d", depth);
		if (depth == 0)
			snprintf(body, sizeof(body), "#!/bin/sh\nexit 0\n");
		else
			snprintf(body, sizeof(body), "#!%s/shim/chain%d\n", tst_scratch(),
				 depth - 1);
		tst_write_file(name, body, 0755);
	}
	for (int depth = 0; depth < 8; depth++) {
		snprintf(name, sizeof(name), "chain%d", depth);
		agree(fx(name));
	}
	tst_write_file("shim/blank", "#!\n", 0755);
	agree(fx("blank"));
	tst_write_file("shim/spaces", "#!   /bin/sh  -e\nexit 0\n", 0755);
	agree(fx("spaces"));
	tst_write_file("shim/emptyfile", "", 0755);
	agree(fx("emptyfile"));
}

static void test_e2big(void)
{
	static char big[140000];
	char *argv[] = {"x", big, NULL};
	struct probe p = {.dirfd = AT_FDCWD, .argv = argv, .envp = job_env};

	memset(big, 'b', sizeof(big) - 1);
	CU_ASSERT_EQUAL(probe_file(&p, "/bin/true"), E2BIG);
	big[100000] = '\0';
	CU_ASSERT_EQUAL(probe_file(&p, "/bin/true"), 0);
	CU_ASSERT_EQUAL(probe_args_fit("/bin/true", NULL, NULL), 0);
}

/* With every fd the process may have in use, the probe still agrees with
 * execve (which needs no fd) and leaves the fd table as it was: it reads
 * heads in a child with a copy of the table. In a forked child of the
 * runner, whose own table stays free; it exits with the mismatches. */
static void test_out_of_fds(void)
{
	static const char *const files[] = {"err/garbage", "err/badint",  "bin/target",
					    "script.sh",   "err/missing", NULL};
	int want[8], n = 0, status;
	const char *paths[8];
	pid_t pid;

	for (const char *const *f = files; *f; f++, n++) {
		paths[n] = fx(*f);
		want[n] = kernel_errno(paths[n]);
	}
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = {48, 48};
		int bad = 0, before = 0, after = 0;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(100);
		while (dup(0) >= 0)
			;
		if (errno != EMFILE)
			_exit(101);
		for (int fd = 0; fd < 48; fd++)
			before += fcntl(fd, F_GETFD) >= 0;
		for (int i = 0; i < n; i++) {
			struct probe p = {.dirfd = AT_FDCWD,
					  .noexec = true,
					  .argv = job_argv,
					  .envp = job_env};
			bad += probe_file(&p, paths[i]) != want[i];
		}
		for (int fd = 0; fd < 48; fd++)
			after += fcntl(fd, F_GETFD) >= 0;
		_exit(bad + (before == 48 && after == 48 ? 0 : 50));
	}
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		printf("\n    out of fds: status %#x\n", status);
}

static CU_TestInfo tests[] = {
    {"files: probe agrees with execve", test_files},
    {"#! chains and odd headers", test_interpreter_chains},
    {"E2BIG bounds", test_e2big},
    {"no fd left: the same answers, the same fd table", test_out_of_fds},
    CU_TEST_INFO_NULL,
};
TST_SUITE("shim.probe", tests)
