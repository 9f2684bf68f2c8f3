/* Files the job sees: its own program even under a path lockdown hides,
 * its cwd without a way back to the host's /tmp, and the host's fds only. */
#include "tests/helper/hutil.h"
#include "tests/lib/hcmd.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const tiers[] = H_TIERS;

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char *argv[] = {"cp", (char *)from, (char *)to, NULL};
	struct tst_proc r;

	if (tst_run(argv, NULL, &r) < 0)
		return -1;
	int ok = r.status == 0 && chmod(to, mode) == 0;
	tst_proc_free(&r);
	return ok ? 0 : -1;
}

/* A binary and a #! script under /tmp run under lockdown with the same
 * argv[0]/$0, comm and /proc/self/exe as without cordon. The script reads
 * its comm with a builtin: in hardened, /proc/$$ would be a host pid. */
static void test_target_in_tmp(void)
{
	char *dir = h_tmpdir();
	char bindir[PATH_MAX + 8], bin[PATH_MAX + 16], script[PATH_MAX + 16];

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(bindir, sizeof(bindir), "%s/bin", dir);
	snprintf(bin, sizeof(bin), "%s/whoami", bindir);
	snprintf(script, sizeof(script), "%s/probe.sh", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(bindir, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(copy_file(tst_build("tests/helper/whoami"), bin, 0755), 0);
	FILE *f = fopen(script, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "#!/bin/sh\n%s\nread -r c </proc/self/comm; echo \"$0|$c|$#|$1\"\n",
		tst_nsreport_sh());
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(chmod(script, 0755), 0);

	char *as_bin[] = {bin, "x", NULL};
	char *as_bin0[] = {bin, NULL};
	char *as_script[] = {script, "arg", NULL};
	for (size_t t = 0; t < 2; t++) {
		h_assert_transparent(tiers[t], as_bin);
		h_assert_transparent(tiers[t], as_bin0);
		h_assert_transparent(tiers[t], as_script);
	}
	/* A relative PATH from a cwd lockdown hides: the cwd is recreated and
	 * the file bound at the same relative place. */
	char old[PATH_MAX];
	char *rel[] = {"./bin/whoami", "rel", NULL};
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(old, sizeof(old)));
	CU_ASSERT_EQUAL_FATAL(chdir(dir), 0);
	for (size_t t = 0; t < 2; t++)
		h_assert_transparent(tiers[t], rel);
	CU_ASSERT_EQUAL_FATAL(chdir(old), 0);

	/* And lockdown still hides the rest of that directory. */
	struct tst_proc r;
	char *ls[] = {"sh", "-c", "ls -A \"$0\"", dir, NULL};
	CU_ASSERT_EQUAL_FATAL(h_run("lockdown", ls, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	tst_proc_free(&r);
	h_tmpdir_remove(dir);
}

/* A cwd under /tmp: the job must not reach the host's files through it. */
static void test_cwd_escape(void)
{
	char *dir = h_tmpdir(), secret[PATH_MAX], file[PATH_MAX + 16], old[PATH_MAX];
	char *argv[] = {"sh", "-c",
			"pwd; cat hostfile 2>/dev/null; ls -A ..; ls -A /tmp | wc -l",
			NULL};
	struct tst_proc r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(secret, sizeof(secret), "%s/secret", dir);
	snprintf(file, sizeof(file), "%s/hostfile", secret);
	CU_ASSERT_EQUAL_FATAL(mkdir(secret, 0755), 0);
	FILE *f = fopen(file, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("host data\n", f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(old, sizeof(old)));
	CU_ASSERT_EQUAL_FATAL(chdir(secret), 0);
	int rc = h_run("lockdown", argv, &r);
	CU_ASSERT_EQUAL_FATAL(chdir(old), 0);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	char want[PATH_MAX + 32];
	snprintf(want, sizeof(want), "%s\nsecret\n1\n", secret);
	CU_ASSERT_STRING_EQUAL(r.out, want);
	if (strcmp(r.out, want))
		printf("\n    got: %s", r.out);
	tst_proc_free(&r);

	/* A deleted cwd has no name, but ".." still leads out of it: lockdown
	 * gives the job a deleted directory of its own at the same place. */
	char gone[PATH_MAX + 8];
	snprintf(gone, sizeof(gone), "%s/gone", secret);
	CU_ASSERT_EQUAL_FATAL(mkdir(gone, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(chdir(gone), 0);
	CU_ASSERT_EQUAL_FATAL(rmdir(gone), 0);
	char *up[] = {"sh", "-c", "ls -A .. | grep -c hostfile", NULL};
	rc = h_run(NULL, up, &r);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(r.out, "1\n"); /* the way out, without cordon */
	tst_proc_free(&r);
	rc = h_run("lockdown", up, &r);
	CU_ASSERT_EQUAL_FATAL(chdir(old), 0);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(r.out, "0\n");
	tst_proc_free(&r);
	h_tmpdir_remove(dir);
}

/* A deleted cwd stays the job's cwd, as without cordon: a file made there
 * fails the same way, and none appears in / instead (a root job once made
 * one there). Under /tmp (lockdown: a deleted directory of the sandbox's
 * at the same place) and in a directory the job sees. */
static void test_deleted_cwd(void)
{
	char *tmp = h_tmpdir(), old[PATH_MAX], gone[PATH_MAX], made[64];
	const char *places[] = {tmp, tst_scratch()};
	struct tst_proc plain, boxed;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(old, sizeof(old)));
	snprintf(made, sizeof(made), "/cordon-deleted-cwd-%d", (int)getpid());
	char script[160];
	snprintf(script, sizeof(script),
		 "echo x > .%s; echo $?; pwd -P 2>/dev/null; echo $?", made);
	char *argv[] = {"sh", "-c", script, NULL};
	/* The same job, proving where it ran (its output is sh's). */
	char *proved[] = {(char *)tst_nsreport(), "sh", "-c", script, NULL};
	for (size_t p = 0; p < 2; p++) {
		snprintf(gone, sizeof(gone), "%s/gone-%d", places[p], (int)getpid());
		for (size_t t = 0; t < 2; t++) {
			CU_ASSERT_EQUAL_FATAL(mkdir(gone, 0755), 0);
			CU_ASSERT_EQUAL_FATAL(chdir(gone), 0);
			CU_ASSERT_EQUAL_FATAL(rmdir(gone), 0);
			CU_ASSERT_EQUAL_FATAL(h_run(NULL, argv, &plain), 0);
			tst_ns_reset();
			CU_ASSERT_EQUAL_FATAL(h_run(tiers[t], proved, &boxed), 0);
			CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
			CU_ASSERT_EQUAL_FATAL(chdir(old), 0);
			CU_ASSERT_NSTRING_EQUAL(plain.out, "2\n", 2); /* no file */
			CU_ASSERT_STRING_EQUAL(boxed.out, plain.out);
			CU_ASSERT_STRING_EQUAL(boxed.err, plain.err);
			if (strcmp(boxed.out, plain.out) || strcmp(boxed.err, plain.err))
				printf("\n    %s in %s: plain [%s|%s], cordon [%s|%s]",
				       tiers[t], places[p], plain.out, plain.err,
				       boxed.out, boxed.err);
			CU_ASSERT_NOT_EQUAL(access(made, F_OK), 0);
			unlink(made);
			tst_proc_free(&plain);
			tst_proc_free(&boxed);
		}
	}
	h_tmpdir_remove(tmp);
}

/* sh -c script with $0 = file and the helper's command line v after it. */
static char **with_fd8(const char *script, const char *file, char **v)
{
	size_t n = 0;

	while (v[n])
		n++;
	char **sh = calloc(n + 5, sizeof(*sh));
	sh[0] = "sh";
	sh[1] = "-c";
	sh[2] = (char *)script;
	sh[3] = (char *)file;
	memcpy(sh + 4, v, n * sizeof(*v));
	return sh;
}

/* The job's fds are the host's: none of the helper's, none missing; and
 * --cloexec N closes N for the job. */
static void test_fd_set(void)
{
	char ls[PATH_MAX];
	struct stat st;
	/* The runner may leak fds of its own: compare, and look for ours. */
	const char *const fds79[] = {
	    "sh", "-c", "exec 7</dev/null 9>/dev/null; exec \"$@\"", "sh", NULL};
	char *list[] = {(char *)tst_nsreport(), "ls", "/proc/self/fd", NULL};
	struct tst_cmp same = {.how = {.via = TST_HELPER, .wrap = fds79},
			       .plain_shows = "\n7\n9\n"};

	tst_assert_same(&same, list);
	CU_ASSERT_EQUAL_FATAL(tst_resolve("ls", ls, sizeof(ls)), 0);
	CU_ASSERT_EQUAL_FATAL(stat(ls, &st), 0);
	const char *slash = strrchr(ls, '/');
	for (size_t t = 0; t < 2; t++) {
		char *job[] = {"ls", "/proc/self/fd", NULL};
		struct tst_proc boxed;

		/* fexecve of fd 8 that the host had close-on-exec. */
		struct tst_hcmd fexec = {.helper = tst_build("cordon-helper"),
					 .dirfd = 8,
					 .cloexec = 8,
					 .tier = tiers[t],
					 .dev = st.st_dev,
					 .ino = st.st_ino,
					 .path = "",
					 .argv = job};
		char **v = tst_hcmd_argv(&fexec);
		char **sh = with_fd8("exec 8<\"$0\" 9>/dev/null; exec \"$@\"", ls, v);
		CU_ASSERT_EQUAL_FATAL(tst_run(sh, NULL, &boxed), 0);
		CU_ASSERT_EQUAL(boxed.status, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(boxed.out, "\n3\n9\n"));
		CU_ASSERT_PTR_NULL(strstr(boxed.out, "\n8\n"));
		tst_proc_free(&boxed);
		free(sh);
		tst_hcmd_free(v);

		/* --dirfd with a name relative to it (execveat); fd 8 stays. */
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - ls), ls);
		struct tst_hcmd at = fexec;
		at.cloexec = -1;
		at.path = slash + 1;
		v = tst_hcmd_argv(&at);
		sh = with_fd8("exec 8<\"$0\"; exec \"$@\"", dir, v);
		CU_ASSERT_EQUAL_FATAL(tst_run(sh, NULL, &boxed), 0);
		CU_ASSERT_EQUAL(boxed.status, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(boxed.out, "\n3\n8\n"));
		tst_proc_free(&boxed);
		free(sh);
		tst_hcmd_free(v);
	}
}

/* The monitor and init keep none of the job's fds: its stdout ends when
 * the job closes it, not when the sandbox ends. */
static void test_no_fd_held(void)
{
	static const char *const all[] = {NULL, "hardened", "lockdown"};
	char *argv[] = {"sh", "-c", "exec >&-; exec sleep 5", NULL};

	for (size_t t = 0; t < 3; t++) {
		int out;
		char c;
		pid_t pid = h_spawn(all[t], argv, &out);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		struct pollfd p = {out, POLLIN, 0};
		CU_ASSERT_EQUAL(poll(&p, 1, 2000), 1);
		CU_ASSERT_EQUAL(read(out, &c, 1), 0);
		kill(pid, SIGTERM);
		int st;
		CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
		CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
		close(out);
	}
}

static CU_TestInfo tests[] = {
    {"a binary and a script under /tmp run as without cordon", test_target_in_tmp},
    {"lockdown: a cwd under /tmp leads nowhere", test_cwd_escape},
    {"a deleted cwd stays the job's, never /", test_deleted_cwd},
    {"the job's fds are the host's", test_fd_set},
    {"the helper holds none of the job\'s fds", test_no_fd_held},
    CU_TEST_INFO_NULL,
};
TST_SUITE("helper.files", tests)
