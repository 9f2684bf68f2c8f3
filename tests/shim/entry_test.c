/* Every entry point, through its test host, with and without the shim at
 * each tier: exit status, death by signal, argv[0], a script's $0, the
 * env (minus cordon's variables), the fd set and errno must be the same,
 * and every job that runs must run where the tier says (its namespaces:
 * tests/lib/cordon.h). */
#include "tests/shim/fixtures.h"
#include "tests/shim/sutil.h"

#include <stdio.h>
#include <string.h>

/* Hosts that exec a file (and report errno); PATH-searching ones apart.
 * pidfd_spawn[p] are glibc 2.39's, through tests/lib/pidfd/stub.c. */
static const char *const file_hosts[] = {
    "execve",	"execv", "execl",	"execle",      "fexecve",
    "execveat", "vfork", "posix_spawn", "pidfd_spawn", "posix_spawn_compat",
    NULL};
static const char *const search_hosts[] = {
    "execvp", "execvpe", "execlp", "posix_spawnp", "pidfd_spawnp", "posix_spawnp_compat",
    NULL};

/* Whether host runs a file without a format with /bin/sh (glibc's exec*p
 * family and the GLIBC_2.2.5 spawns). */
static bool sh_fallback(const char *host)
{
	static const char *const hosts[] = {
	    "execvp", "execvpe", "execlp", "posix_spawn_compat", "posix_spawnp_compat",
	    NULL};
	for (const char *const *h = hosts; *h; h++)
		if (strcmp(*h, host) == 0)
			return true;
	return false;
}

static void same(const char *host, enum tst_jobs jobs, const char *const *args)
{
	char *argv[16];
	size_t n = 0;

	argv[n++] = (char *)s_host(host);
	for (; *args && n < 15; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	s_assert_same_jobs(jobs, NULL, argv);
}

/* Host options are relative to the scratch dir where they name files. */
static void all_hosts(enum tst_jobs jobs, const char *const *args)
{
	for (const char *const *h = file_hosts; *h; h++)
		same(*h, jobs, args);
	for (const char *const *h = search_hosts; *h; h++)
		same(*h, jobs, args);
}

static void test_exit_status(void)
{
	all_hosts(TST_JOBS, (const char *[]){"-C", fx(""), fx("bin/target"),
					     "argv0-differs", "a b", "", "exit:3", NULL});
}

/* A shell command for system and popen: the shell reports, then runs cmd. */
static const char *reporting(const char *cmd)
{
	static char buf[8][8192];
	static unsigned next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s; %s", tst_nsreport_sh(), cmd);
	return b;
}

/* The job inherits the host's signal mask and ignored signals. */
static void test_signal_mask(void)
{
	const char *grep = reporting("grep -E '^Sig(Blk|Ign)' /proc/self/status");

	all_hosts(TST_JOBS, (const char *[]){"-m", fx("bin/target"), "t", NULL});
	same("system", TST_JOBS, (const char *[]){"-m", grep, "x", NULL});
	same("popen", TST_JOBS, (const char *[]){"-m", grep, "r", NULL});
}

/* A thread with the smallest stack glibc allows (16 KiB) and a large
 * environment: every entry point works as without the shim (the shim's
 * buffers come from memory of the call's own, not from that stack). */
static void test_small_stack(void)
{
	all_hosts(TST_JOBS, (const char *[]){"-T", "-E", "20000", fx("bin/target"), "t",
					     "exit:4", NULL});
	same("system", TST_JOBS,
	     (const char *[]){"-T", "-E", "20000", reporting("exit 5"), "x", NULL});
	same("popen", TST_JOBS,
	     (const char *[]){"-T", "-E", "20000", reporting("echo hi"), "r", NULL});
}

static void test_death_by_signal(void)
{
	all_hosts(TST_JOBS, (const char *[]){fx("bin/target"), "t", "kill:15", NULL});
	all_hosts(TST_JOBS, (const char *[]){fx("bin/target"), "t", "kill:9", NULL});
}

/* fexecve and execveat exec a script through a close-on-exec fd, which
 * its interpreter cannot open (the kernel's ENOENT): nothing runs there,
 * but for execveat of an absolute path, which ignores the fd. */
static void test_script_dollar0(void)
{
	const char *const *lists[] = {file_hosts, search_hosts};

	for (size_t l = 0; l < 2; l++)
		for (const char *const *h = lists[l]; *h; h++) {
			bool fd = strcmp(*h, "fexecve") == 0,
			     at = strcmp(*h, "execveat") == 0;
			same(*h, fd ? TST_NO_JOB : TST_JOBS,
			     (const char *[]){fx("script.sh"), "my-name", "x", NULL});
			/* Relative to the cwd, as the host named it. */
			same(*h, fd || at ? TST_NO_JOB : TST_JOBS,
			     (const char *[]){"-C", fx(""), "./script.sh", "rel", NULL});
		}
}

static void test_env_and_fds(void)
{
	const char *extra[] = {"FOO=bar baz", "EMPTY=", "LD_LIBRARY_PATH=/nonexistent",
			       NULL};
	for (const char *const *h = file_hosts; *h; h++) {
		char *argv[] = {(char *)s_host(*h), (char *)fx("bin/target"), "t", NULL};
		s_assert_same_env(extra, argv);
	}
}

/* A failing exec: same errno from the same function, nothing runs; but
 * a file without a format runs with sh where glibc's call does that. */
static void test_errno(void)
{
	static const char *const files[] = {"err/missing", "err/noexec", "err/dir",
					    "err/file/x",  "err/loop",	 "err/garbage",
					    "err/badint",  "err/dir/..", NULL};
	const char *const *lists[] = {file_hosts, search_hosts};

	for (const char *const *f = files; *f; f++)
		for (size_t l = 0; l < 2; l++)
			for (const char *const *h = lists[l]; *h; h++) {
				bool runs =
				    strcmp(*f, "err/garbage") == 0 && sh_fallback(*h);
				same(*h, runs ? TST_JOBS : TST_NO_JOB,
				     (const char *[]){fx(*f), "t", NULL});
			}
	all_hosts(TST_NO_JOB, (const char *[]){"", "t", NULL});
}

static void test_errno_long_names(void)
{
	char comp[300], path[5000];

	memset(comp, 'n', sizeof(comp) - 1);
	comp[sizeof(comp) - 1] = '\0';
	all_hosts(TST_NO_JOB, (const char *[]){comp, "t", NULL});
	/* A whole path of PATH_MAX or more. */
	memset(path, 0, sizeof(path));
	for (size_t i = 0; i + 3 < 4200; i += 2)
		memcpy(path + i, "./", 2);
	strcat(path, "x");
	all_hosts(TST_NO_JOB, (const char *[]){path, "t", NULL});
}

static void test_e2big(void)
{
	/* One string over MAX_ARG_STRLEN, and a large one that still fits. */
	all_hosts(TST_NO_JOB, (const char *[]){"-b", "140000", "/bin/true", "t", NULL});
	all_hosts(TST_JOBS,
		  (const char *[]){"-b", "120000", fx("bin/target"), "t", NULL});
}

/* glibc's PATH search: empty element = cwd, EACCES remembered,
 * ENOENT/ENOTDIR → next element, ELOOP stops. */
static void test_path_search(void)
{
	char p1[4200], p2[4200], p3[4200], p4[4200];

	snprintf(p1, sizeof(p1), "%s:%s", fx("noexec"), fx("empty"));
	snprintf(p2, sizeof(p2), "%s:%s:%s", fx("empty"), fx("err/file"), fx("bin"));
	snprintf(p3, sizeof(p3), "%s:%s", fx("loop"), fx("bin"));
	snprintf(p4, sizeof(p4), "%s:%s", fx("noexec"), fx("bin"));
	/* runs: 1 when bin/cmd runs, 2 when err/garbage does (with sh; not
	 * through the compat posix_spawnp, whose sh gets the bare name). */
	const struct {
		const char *const *args;
		int runs;
	} cases[] = {
	    {(const char *[]){"-P", p1, "cmd", "c", NULL}, 0},
	    {(const char *[]){"-P", p2, "cmd", "c", "arg", NULL}, 1},
	    {(const char *[]){"-P", p3, "cmd", "c", NULL}, 0},
	    {(const char *[]){"-P", p4, "cmd", "c", NULL}, 1},
	    {(const char *[]){"-P", ":", "-C", fx("bin"), "cmd", "c", NULL}, 1},
	    {(const char *[]){"-P", "", "-C", fx("bin"), "cmd", "c", NULL}, 1},
	    {(const char *[]){"-P", fx("err"), "garbage", "g", NULL}, 2},
	    {(const char *[]){"-P", fx("err"), "badint", "b", NULL}, 0},
	    {(const char *[]){"-C", fx(""), "bin/cmd", "c", NULL}, 1},
	    {(const char *[]){"-P", fx("empty"), "nosuch", "n", NULL}, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (const char *const *h = search_hosts; *h; h++) {
			bool runs = cases[i].runs == 1 ||
				    (cases[i].runs == 2 && sh_fallback(*h) &&
				     strcmp(*h, "posix_spawnp_compat") != 0);
			same(*h, runs ? TST_JOBS : TST_NO_JOB, cases[i].args);
		}
}

/* posix_spawn resolves a relative file after the chdir action. */
static void test_spawn_chdir(void)
{
	char env[4200];
	static const char *const hosts[] = {"posix_spawn", "posix_spawnp", "pidfd_spawn",
					    "posix_spawn_compat", NULL};
	static const char *const files[] = {"./cmd", "./target", "./missing", "cmd",
					    NULL};

	snprintf(env, sizeof(env), "HOST_SPAWN_CHDIR=%s", fx("bin"));
	for (const char *const *h = hosts; *h; h++)
		for (const char *const *f = files; *f; f++) {
			char *argv[] = {(char *)s_host(*h), "-P", ".",
					(char *)*f,	    "x",  NULL};
			s_assert_same_jobs(strcmp(*f, "./missing") ? TST_JOBS
								   : TST_NO_JOB,
					   (const char *[]){env, NULL}, argv);
		}
	/* fchdir to a directory an open action made, and relative chdirs. */
	snprintf(env, sizeof(env), "HOST_SPAWN_FCHDIR=%s", fx("bin"));
	for (const char *const *f = files; *f; f++) {
		char *argv[] = {
		    (char *)s_host("posix_spawnp"), "-P", ".", (char *)*f, "x", NULL};
		s_assert_same_jobs(strcmp(*f, "./missing") ? TST_JOBS : TST_NO_JOB,
				   (const char *[]){env, NULL}, argv);
	}
	char *rel[] = {
	    (char *)s_host("posix_spawn"), "-C", (char *)fx(""), "./cmd", "x", NULL};
	s_assert_same_env((const char *[]){"HOST_SPAWN_CHDIR=bin", NULL}, rel);
	s_assert_same_jobs(TST_NO_JOB,
			   (const char *[]){"HOST_SPAWN_CHDIR=err/noexec", NULL}, rel);
	s_assert_same_jobs(TST_NO_JOB,
			   (const char *[]){"HOST_SPAWN_FCHDIR=err/file", NULL}, rel);
	char *argv[] = {(char *)s_host("posix_spawn"), "./cmd", "x", NULL};
	s_assert_same_jobs(TST_NO_JOB,
			   (const char *[]){"HOST_SPAWN_CHDIR=/nonexistent", NULL}, argv);
	s_assert_same_jobs(TST_NO_JOB,
			   (const char *[]){"HOST_SPAWN_CHDIR=/etc/passwd", NULL}, argv);
}

/* Attributes and file actions apply to the job exactly as glibc applies
 * them: mask and default dispositions, open/close/closefrom actions. */
static void test_spawn_attrs_and_actions(void)
{
	static const char *const hosts[] = {
	    "posix_spawn",	  "posix_spawnp",	 "pidfd_spawn", "pidfd_spawnp",
	    "posix_spawn_compat", "posix_spawnp_compat", NULL};
	char chdir_env[4200];

	snprintf(chdir_env, sizeof(chdir_env), "HOST_SPAWN_CHDIR=%s", fx("bin"));
	for (const char *const *h = hosts; *h; h++) {
		char *masked[] = {(char *)s_host(*h), "-m", (char *)fx("bin/target"), "t",
				  NULL};
		char *rel[] = {(char *)s_host(*h), "-P", ".", "./target", "t", NULL};
		s_assert_same_env((const char *[]){"HOST_SPAWN_ATTR=1", NULL}, masked);
		s_assert_same_env((const char *[]){"HOST_SPAWN_FDS=1", NULL}, masked);
		s_assert_same_env((const char *[]){"HOST_SPAWN_FDS=1", chdir_env, NULL},
				  rel);
	}
}

static void test_system(void)
{
	static const char *const cmds[] = {
	    "echo hi; exit 7", "kill -TERM $$",	     "exit 0",
	    "nosuch-command",  "echo \"$0\" \"$@\"", NULL};
	for (const char *const *c = cmds; *c; c++)
		same("system", TST_JOBS, (const char *[]){reporting(*c), "unused", NULL});
	same("system", TST_JOBS,
	     (const char *[]){reporting("sleep 1; echo survived"), "sigint", NULL});
}

static void test_popen(void)
{
	same("popen", TST_JOBS,
	     (const char *[]){reporting("echo out; exit 3"), "r", NULL});
	same("popen", TST_JOBS, (const char *[]){reporting("echo out"), "re", NULL});
	same("popen", TST_JOBS,
	     (const char *[]){reporting("cat; kill -TERM $$"), "w", NULL});
	same("popen", TST_JOBS,
	     (const char *[]){reporting("ls -1 /proc/self/fd"), "r", NULL});
	/* Modes popen refuses: nothing runs. */
	same("popen", TST_NO_JOB, (const char *[]){reporting("true"), "rw", NULL});
	same("popen", TST_NO_JOB, (const char *[]){reporting("true"), "x", NULL});
}

/* 8 threads, 16 posix_spawn calls each, released at the same moment:
 * each of the 128 jobs in the sandbox. */
static void test_threads(void)
{
	same("threads", TST_JOBS,
	     (const char *[]){"8", tst_nsreport(), "nsreport", NULL});
}

static CU_TestInfo tests[] = {
    {"exit status, argv and argv[0]", test_exit_status},
    {"death by signal", test_death_by_signal},
    {"from a 16 KiB thread stack, 20 000 env variables", test_small_stack},
    {"signal mask and ignored signals", test_signal_mask},
    {"a script's $0", test_script_dollar0},
    {"env and fd set", test_env_and_fds},
    {"errno: ENOENT EACCES ENOTDIR ELOOP ENOEXEC", test_errno},
    {"errno: ENAMETOOLONG", test_errno_long_names},
    {"errno: E2BIG", test_e2big},
    {"PATH search rules", test_path_search},
    {"posix_spawn after a chdir action", test_spawn_chdir},
    {"posix_spawn attributes and file actions", test_spawn_attrs_and_actions},
    {"system()", test_system},
    {"popen()/pclose()", test_popen},
    {"8 threads spawning at once", test_threads},
    CU_TEST_INFO_NULL,
};
TST_SUITE("shim.entry", tests)
