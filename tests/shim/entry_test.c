/* Every entry point, through its test host, with and without the shim at
 * each tier: exit status, death by signal, argv[0], a script's $0, the
 * env (minus cordon's variables), the fd set and errno must be the same. */
#include "tests/shim/fixtures.h"
#include "tests/shim/sutil.h"

#include <string.h>

/* Hosts that exec a file (and report errno); PATH-searching ones apart. */
static const char *const file_hosts[] = {"execve", "execv",	  "execl",
					 "execle", "fexecve",	  "execveat",
					 "vfork",  "posix_spawn", "posix_spawn_compat",
					 NULL};
static const char *const search_hosts[] = {
    "execvp", "execvpe", "execlp", "posix_spawnp", "posix_spawnp_compat", NULL};

static void same(const char *host, const char *const *args)
{
	char *argv[16];
	size_t n = 0;

	argv[n++] = (char *)s_host(host);
	for (; *args && n < 15; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	s_assert_same(argv);
}

/* Host options are relative to the scratch dir where they name files. */
static void all_hosts(const char *const *args)
{
	for (const char *const *h = file_hosts; *h; h++)
		same(*h, args);
	for (const char *const *h = search_hosts; *h; h++)
		same(*h, args);
}

static void test_exit_status(void)
{
	all_hosts((const char *[]){"-C", fx(""), fx("bin/target"), "argv0-differs", "a b",
				   "", "exit:3", NULL});
}

/* The job inherits the host's signal mask and ignored signals. */
static void test_signal_mask(void)
{
	all_hosts((const char *[]){"-m", fx("bin/target"), "t", NULL});
	same("system", (const char *[]){"-m", "grep -E '^Sig(Blk|Ign)' /proc/self/status",
					"x", NULL});
	same("popen", (const char *[]){"-m", "grep -E '^Sig(Blk|Ign)' /proc/self/status",
				       "r", NULL});
}

/* A thread with the smallest stack glibc allows (16 KiB) and a large
 * environment: every entry point works as without the shim (the shim's
 * buffers come from memory of the call's own, not from that stack). */
static void test_small_stack(void)
{
	const char *const args[] = {"-T", "-E",	    "20000", fx("bin/target"),
				    "t",  "exit:4", NULL};
	all_hosts(args);
	same("system", (const char *[]){"-T", "-E", "20000", "exit 5", "x", NULL});
	same("popen", (const char *[]){"-T", "-E", "20000", "echo hi", "r", NULL});
}

static void test_death_by_signal(void)
{
	all_hosts((const char *[]){fx("bin/target"), "t", "kill:15", NULL});
	all_hosts((const char *[]){fx("bin/target"), "t", "kill:9", NULL});
}

static void test_script_dollar0(void)
{
	all_hosts((const char *[]){fx("script.sh"), "my-name", "x", NULL});
	/* Relative to the cwd, as the host named it. */
	all_hosts((const char *[]){"-C", fx(""), "./script.sh", "rel", NULL});
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

/* A failing exec: same errno from the same function, nothing runs. */
static void test_errno(void)
{
	static const char *const files[] = {"err/missing", "err/noexec", "err/dir",
					    "err/file/x",  "err/loop",	 "err/garbage",
					    "err/badint",  "err/dir/..", NULL};
	for (const char *const *f = files; *f; f++)
		all_hosts((const char *[]){fx(*f), "t", NULL});
	all_hosts((const char *[]){"", "t", NULL});
}

static void test_errno_long_names(void)
{
	char comp[300], path[5000];

	memset(comp, 'n', sizeof(comp) - 1);
	comp[sizeof(comp) - 1] = '\0';
	all_hosts((const char *[]){comp, "t", NULL});
	/* A whole path of PATH_MAX or more. */
	memset(path, 0, sizeof(path));
	for (size_t i = 0; i + 3 < 4200; i += 2)
		memcpy(path + i, "./", 2);
	strcat(path, "x");
	all_hosts((const char *[]){path, "t", NULL});
}

static void test_e2big(void)
{
	/* One string over MAX_ARG_STRLEN, and a large one that still fits. */
	all_hosts((const char *[]){"-b", "140000", "/bin/true", "t", NULL});
	all_hosts((const char *[]){"-b", "120000", "/bin/true", "t", NULL});
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
	const char *const *cases[] = {
	    (const char *[]){"-P", p1, "cmd", "c", NULL},
	    (const char *[]){"-P", p2, "cmd", "c", "arg", NULL},
	    (const char *[]){"-P", p3, "cmd", "c", NULL},
	    (const char *[]){"-P", p4, "cmd", "c", NULL},
	    (const char *[]){"-P", ":", "-C", fx("bin"), "cmd", "c", NULL},
	    (const char *[]){"-P", "", "-C", fx("bin"), "cmd", "c", NULL},
	    (const char *[]){"-P", fx("err"), "garbage", "g", NULL},
	    (const char *[]){"-P", fx("err"), "badint", "b", NULL},
	    (const char *[]){"-C", fx(""), "bin/cmd", "c", NULL},
	    (const char *[]){"-P", fx("empty"), "nosuch", "n", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (const char *const *h = search_hosts; *h; h++)
			same(*h, cases[i]);
}

/* posix_spawn resolves a relative file after the chdir action. */
static void test_spawn_chdir(void)
{
	char env[4200];
	static const char *const hosts[] = {"posix_spawn", "posix_spawnp",
					    "posix_spawn_compat", NULL};
	static const char *const files[] = {"./cmd", "./target", "./missing", "cmd",
					    NULL};

	snprintf(env, sizeof(env), "HOST_SPAWN_CHDIR=%s", fx("bin"));
	for (const char *const *h = hosts; *h; h++)
		for (const char *const *f = files; *f; f++) {
			char *argv[] = {(char *)s_host(*h), "-P", ".",
					(char *)*f,	    "x",  NULL};
			s_assert_same_env((const char *[]){env, NULL}, argv);
		}
	/* fchdir to a directory an open action made, and relative chdirs. */
	snprintf(env, sizeof(env), "HOST_SPAWN_FCHDIR=%s", fx("bin"));
	for (const char *const *f = files; *f; f++) {
		char *argv[] = {
		    (char *)s_host("posix_spawnp"), "-P", ".", (char *)*f, "x", NULL};
		s_assert_same_env((const char *[]){env, NULL}, argv);
	}
	char *rel[] = {
	    (char *)s_host("posix_spawn"), "-C", (char *)fx(""), "./cmd", "x", NULL};
	s_assert_same_env((const char *[]){"HOST_SPAWN_CHDIR=bin", NULL}, rel);
	s_assert_same_env((const char *[]){"HOST_SPAWN_CHDIR=err/noexec", NULL}, rel);
	s_assert_same_env((const char *[]){"HOST_SPAWN_FCHDIR=err/file", NULL}, rel);
	char *argv[] = {(char *)s_host("posix_spawn"), "./cmd", "x", NULL};
	s_assert_same_env((const char *[]){"HOST_SPAWN_CHDIR=/nonexistent", NULL}, argv);
	s_assert_same_env((const char *[]){"HOST_SPAWN_CHDIR=/etc/passwd", NULL}, argv);
}

/* Attributes and file actions apply to the job exactly as glibc applies
 * them: mask and default dispositions, open/close/closefrom actions. */
static void test_spawn_attrs_and_actions(void)
{
	static const char *const hosts[] = {"posix_spawn", "posix_spawnp",
					    "posix_spawn_compat", "posix_spawnp_compat",
					    NULL};
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
		same("system", (const char *[]){*c, "unused", NULL});
	same("system", (const char *[]){"sleep 1; echo survived", "sigint", NULL});
}

static void test_popen(void)
{
	same("popen", (const char *[]){"echo out; exit 3", "r", NULL});
	same("popen", (const char *[]){"echo out", "re", NULL});
	same("popen", (const char *[]){"cat; kill -TERM $$", "w", NULL});
	same("popen", (const char *[]){"ls -1 /proc/self/fd", "r", NULL});
	same("popen", (const char *[]){"true", "rw", NULL});
	same("popen", (const char *[]){"true", "x", NULL});
}

static void test_threads(void)
{
	same("threads", (const char *[]){"/bin/true", "true", NULL});
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
