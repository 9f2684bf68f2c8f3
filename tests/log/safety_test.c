/* log.safety: the log changes nothing the host sees (status, errno,
 * output, fds), cannot be redirected by a job, never blocks a call when it
 * cannot be written, and costs no syscall when CORDON_LOG is unset. */
#include "tests/log/lutil.h"
#include "tests/shim/fixtures.h"
#include "tests/shim/sutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The host's list of calls (tests/lib/progs/host.c: do ACTION...). */
static const char *logcalls(void)
{
	return s_host("do");
}

/* "CALL:" followed by a shell command that reports its namespaces first. */
static const char *reporting(const char *call, const char *cmd)
{
	static char buf[8][2 * PATH_MAX];
	static unsigned next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s:%s%s%s", call, tst_nsreport_sh(),
		 *cmd ? "; " : "", cmd);
	return b;
}

/* "spawn:" the program that reports and exits 0. */
static const char *spawn_reporting(void)
{
	static char buf[PATH_MAX + 8];

	snprintf(buf, sizeof(buf), "spawn:%s", tst_nsreport());
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The job's env (setenv after load, envp of execve, unsetenv) does not
 * move the log or stop it. */
static void test_job_env_cannot_redirect(void)
{
	const char *log = l_log("main.log"), *other = l_log("other.log");
	const char *other2 = l_log("other2.log");
	char set[PATH_MAX + 32], envvar[PATH_MAX + 64];
	struct tst_proc r;

	snprintf(set, sizeof(set), "setenv:CORDON_LOG=%s", other);
	snprintf(envvar, sizeof(envvar), "execenv:/nonexistent/b:CORDON_LOG=%s", other2);
	char *argv[] = {(char *)logcalls(),
			set,
			"exec:/nonexistent/a",
			envvar,
			"unsetenv:CORDON_LOG",
			"exec:/nonexistent/c",
			NULL};
	for (int t = 0; t < 2; t++) {
		const char *tier = t ? "hardened" : "none";
		CU_ASSERT_EQUAL_FATAL(l_run(tier, log, NULL, argv, &r), 0);
		tst_proc_free(&r);
	}
	char *out = l_check(log, false);
	L_ASSERT_HAS(out, "execve failed ENOENT none \"none\" \"/nonexistent/a\"");
	L_ASSERT_HAS(out, "execve failed ENOENT none \"none\" \"/nonexistent/b\"");
	L_ASSERT_HAS(out, "execve failed ENOENT none \"none\" \"/nonexistent/c\"");
	L_ASSERT_HAS(out,
		     "execve failed ENOENT hardened \"hardened\" \"/nonexistent/a\"");
	L_ASSERT_HAS(out,
		     "execve failed ENOENT hardened \"hardened\" \"/nonexistent/b\"");
	L_ASSERT_HAS(out,
		     "execve failed ENOENT hardened \"hardened\" \"/nonexistent/c\"");
	CU_ASSERT_EQUAL(l_lines(out), 9);
	free(out);
	CU_ASSERT_FALSE(exists(other));
	CU_ASSERT_FALSE(exists(other2));
}

static char *fds_lines(const char *out)
{
	const char *first = strstr(out, "fds "), *last = first;

	for (const char *p = first; p; p = strstr(p + 1, "\nfds "))
		last = p[0] == '\n' ? p + 1 : p;
	char *both = malloc(2 * strlen(out) + 2);
	if (!first || !both) {
		free(both);
		return NULL;
	}
	size_t n1 = strcspn(first, "\n"), n2 = strcspn(last, "\n");
	snprintf(both, 2 * strlen(out) + 2, "%.*s|%.*s", (int)n1, first, (int)n2, last);
	return both;
}

/* The host's fds before and after calls of each kind are the same, with
 * the log written and with a log that cannot be opened. */
static void test_no_fd_left(void)
{
	char *argv[] = {(char *)logcalls(),
			"fds",
			"exec:/nonexistent/a",
			(char *)spawn_reporting(),
			(char *)reporting("system", ""),
			(char *)reporting("popen", "echo hi"),
			"exec:/bin/../nonexistent",
			"fds",
			NULL};
	const char *logs[] = {l_log("fds.log"), "/nonexistent/dir/fds.log"};
	static const char *const tiers[] = S_TIERS;
	struct tst_proc plain;

	tst_ns_reset();
	CU_ASSERT_EQUAL_FATAL(l_run(NULL, NULL, NULL, argv, &plain), 0);
	/* The spawn, system's and popen's shells: three jobs. */
	CU_ASSERT_EQUAL(tst_ns_check(NULL, "plain"), 3);
	char *want = fds_lines(plain.out);
	tst_proc_free(&plain);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	for (int t = 0; t < S_NTIERS; t++) {
		if (t > 0 && !tst_sandbox_ok())
			break;
		for (size_t i = 0; i < 2; i++) {
			struct tst_proc r;
			tst_ns_reset();
			CU_ASSERT_EQUAL_FATAL(l_run(tiers[t], logs[i], NULL, argv, &r),
					      0);
			CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 3);
			char *f = fds_lines(r.out);
			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			/* Before and after the same, and as without the shim. */
			size_t half = strcspn(f, "|");
			CU_ASSERT(f[half] == '|' && strncmp(f, f + half + 1, half) == 0 &&
				  f[2 * half + 1] == '\0');
			CU_ASSERT_STRING_EQUAL(f, want);
			if (strcmp(f, want))
				printf("\n    tier %s log %s: %s (without the shim: %s)",
				       tiers[t], logs[i], f, want);
			free(f);
			tst_proc_free(&r);
		}
	}
	free(want);
}

/* With a log, the host's view (status, stdout, stderr) is the one it has
 * without the shim, at every tier. */
static void test_same_view(void)
{
	char var[PATH_MAX + 16];
	static const char *const hosts[] = {"execve",
					    "execvp",
					    "vfork",
					    "fexecve",
					    "execveat",
					    "posix_spawn",
					    "posix_spawnp_compat",
					    "pidfd_spawn",
					    NULL};

	snprintf(var, sizeof(var), "CORDON_LOG=%s", l_log("view.log"));
	const char *extra[] = {var, NULL};
	for (const char *const *h = hosts; *h; h++) {
		char *ok[] = {(char *)s_host(*h), (char *)fx("bin/target"), "t", "exit:3",
			      NULL};
		char *bad[] = {(char *)s_host(*h), (char *)fx("err/noexec"), "t", NULL};
		s_assert_same_env(extra, ok);
		s_assert_same_jobs(TST_NO_JOB, extra, bad);
	}
	char sys_cmd[2 * PATH_MAX], pop_cmd[2 * PATH_MAX];
	snprintf(sys_cmd, sizeof(sys_cmd), "%s; echo hi; exit 7", tst_nsreport_sh());
	snprintf(pop_cmd, sizeof(pop_cmd), "%s; echo hi", tst_nsreport_sh());
	char *sys[] = {(char *)s_host("system"), sys_cmd, "x", NULL};
	char *pop[] = {(char *)s_host("popen"), pop_cmd, "r", NULL};
	s_assert_same_env(extra, sys);
	s_assert_same_env(extra, pop);
	char *calls[] = {(char *)logcalls(), "exec:/nonexistent/a",
			 "spawn:/nonexistent/b", (char *)reporting("popen", "exit 5"),
			 NULL};
	s_assert_same_env(extra, calls);
}

/* A log that cannot be written: the calls go on as without it, and the
 * host says so once on stderr, however many processes it forks: here the
 * shell execs in two children of its own and then itself. */
static void unwritable(const char *log, const char *why)
{
	char *argv[] = {(char *)logcalls(),
			"exec:/nonexistent/a",
			"exec:/nonexistent/b",
			(char *)spawn_reporting(),
			"system:exit 4",
			"popen:echo hi",
			NULL};
	char *host[] = {(char *)s_host("execve"), (char *)fx("bin/target"), "t", "exit:3",
			NULL};
	char *shell[] = {"/bin/sh", "-c", "/bin/true; /bin/true x; exec /bin/true y",
			 NULL};
	char want[PATH_MAX + 256];
	struct tst_proc plain, r;

	snprintf(want, sizeof(want),
		 "cordon: cannot write the audit log %s: %s; the calls go on unlogged "
		 "(check CORDON_LOG and the permissions of its directory)\n",
		 log, why);
	for (int h = 0; h < 3; h++) {
		char *const *a = h == 2 ? shell : h ? host : argv;
		tst_ns_reset();
		CU_ASSERT_EQUAL_FATAL(l_run(NULL, NULL, NULL, a, &plain), 0);
		int jobs = tst_ns_check(NULL, "plain");
		/* The spawn's job; the shells exec nothing (they would say it
		 * once more each, hosts of their own at tier none); the shell's
		 * jobs (/bin/true, which would be such a host) report nothing. */
		CU_ASSERT_EQUAL(jobs, h == 2 ? 0 : 1);
		tst_ns_reset();
		CU_ASSERT_EQUAL_FATAL(l_run("none", log, NULL, a, &r), 0);
		CU_ASSERT_EQUAL(tst_ns_check("none", "none, the log unwritable"), jobs);
		CU_ASSERT_EQUAL(r.status, plain.status);
		CU_ASSERT_STRING_EQUAL(r.out, plain.out);
		CU_ASSERT_STRING_EQUAL(r.err, want);
		tst_proc_free(&plain);
		tst_proc_free(&r);
	}
}

static void test_unwritable(void)
{
	const char *dir = l_log("dir.log");

	unwritable("/nonexistent/dir/audit.log", "No such file or directory");
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
	unwritable(dir, "Is a directory");
	rmdir(dir);
}

/* Created 0600 (before the umask), owned by the host's uid; an existing
 * log is appended to and keeps its mode. */
static void test_permissions(void)
{
	const char *log = l_log("perm.log");
	char *argv[] = {(char *)logcalls(), "exec:/nonexistent/a", NULL};
	struct tst_proc r;
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(l_run("none", log, NULL, argv, &r), 0);
	tst_proc_free(&r);
	CU_ASSERT_EQUAL_FATAL(stat(log, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	CU_ASSERT_EQUAL(st.st_uid, getuid());
	CU_ASSERT_EQUAL(st.st_gid, getgid());

	const char *kept = tst_write_file("log/kept.log", "earlier line\n", 0644);
	CU_ASSERT_EQUAL_FATAL(l_run("none", kept, NULL, argv, &r), 0);
	tst_proc_free(&r);
	CU_ASSERT_EQUAL_FATAL(stat(kept, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	char *raw = l_slurp(kept, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_NSTRING_EQUAL(raw, "earlier line\n{\"time\":", 21);
	CU_ASSERT_EQUAL(l_lines(raw), 3);
	free(raw);
}

/* A relative CORDON_LOG is taken from the cwd at load: a later chdir of
 * the host does not move it. */
static void test_relative_path(void)
{
	const char *log = l_log("rel.log");
	char dir[PATH_MAX], cmd[4 * PATH_MAX];
	struct tst_proc r;

	snprintf(dir, sizeof(dir), "%s", log);
	*strrchr(dir, '/') = '\0';
	snprintf(
	    cmd, sizeof(cmd),
	    "cd '%s' && LD_PRELOAD='%s' CORDON_TIER=none CORDON_LOG=rel.log exec '%s' "
	    "chdir:/ exec:/nonexistent/r",
	    dir, tst_build("libcordon.so"), logcalls());
	char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	CU_ASSERT_EQUAL_FATAL(l_run(NULL, NULL, NULL, argv, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.out, "chdir 0\nexec errno=ENOENT\n");
	CU_ASSERT_STRING_EQUAL(r.err, "");
	tst_proc_free(&r);
	char *out = l_check(log, false);
	L_ASSERT_HAS(out, "execve failed ENOENT none \"none\" \"/nonexistent/r\"");
	CU_ASSERT_EQUAL(l_lines(out), 2);
	free(out);
	CU_ASSERT_FALSE(exists("/rel.log"));
}

/* Syscalls of N failing execve calls under strace: exactly N more than
 * for none when CORDON_LOG is unset (the execve calls themselves). */
static long traced_syscalls(const char *log, const char *n)
{
	const char *trace = l_log("strace.out");
	char *argv[] = {"strace",
			"-qq",
			"-o",
			(char *)trace,
			(char *)tst_build("tests/log/logbulk"),
			"loop",
			(char *)n,
			NULL};
	struct tst_proc r;
	long lines = -1;

	if (l_run("none", log, NULL, argv, &r) != 0)
		return -1;
	if (r.status == 0) {
		char *raw = l_slurp(trace, NULL);
		lines = raw ? (long)l_lines(raw) : -1;
		free(raw);
	} else {
		printf("\n    strace: %.500s", r.err);
	}
	tst_proc_free(&r);
	return lines;
}

static void test_no_cost_unset(void)
{
	long base = traced_syscalls(NULL, "0");

	if (base < 0) {
		tst_skip("strace cannot trace here (ptrace refused?)");
		return;
	}
	CU_ASSERT_EQUAL(traced_syscalls(NULL, "200") - base, 200);
	/* The method sees the log's syscalls when it is set. */
	const char *log = l_log("cost.log");
	long logged0 = traced_syscalls(log, "0");
	CU_ASSERT(traced_syscalls(log, "200") - logged0 >= 200 * 5);
}

static CU_TestInfo tests[] = {
    {"the job's env cannot redirect or stop the log", test_job_env_cannot_redirect},
    {"no fd left open in the host", test_no_fd_left},
    {"the host's view is the same with the log", test_same_view},
    {"an unwritable log: calls go on, said once per host", test_unwritable},
    {"created 0600, owned by the host; appended to", test_permissions},
    {"a relative CORDON_LOG is fixed at load", test_relative_path},
    {"no syscall when CORDON_LOG is unset (strace)", test_no_cost_unset},
    CU_TEST_INFO_NULL,
};
TST_SUITE("log.safety", tests)
