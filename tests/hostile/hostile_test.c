/* Hostile argv and env through execve, execvp, posix_spawn and
 * posix_spawnp: the same call made by a plain host and by the same host
 * under libcordon.so at tiers none and hardened must give the same return
 * value or errno, and for a successful start the same argv and env in the
 * target (tests/hostile/progs/). */
#include "tests/shim/sutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const fns[] = {"execve", "execvp", "posix_spawn", "posix_spawnp"};
static const char *const tiers[] = {"none", "hardened", NULL};

/* One case through every function; want is a line the plain run must
 * print, so that the case is known to test what it says. The job (the
 * target) runs but for an empty path, and for a NULL argv through the
 * spawns (glibc counts it first: the host dies of SIGSEGV). */
static void same_from(const char *how, const char *c, const char *target,
		      const char *want)
{
	static char host[4200], tgt[4200];

	snprintf(host, sizeof(host), "%s", tst_build("tests/hostile/hostile"));
	snprintf(tgt, sizeof(tgt), "%s",
		 target ? target : tst_build("tests/hostile/dump"));
	for (size_t f = 0; f < sizeof(fns) / sizeof(fns[0]); f++) {
		char fn[64];
		snprintf(fn, sizeof(fn), "%s%s", how, fns[f]);
		char *argv[] = {host, fn, (char *)c, tgt, NULL};
		bool none =
		    strcmp(c, "empty-path") == 0 ||
		    (strcmp(c, "null-argv") == 0 && strncmp(fns[f], "exec", 4) != 0);
		struct tst_cmp cmp = {.how = {.timeout_ms = 15000},
				      .tiers = tiers,
				      .jobs = none ? TST_NO_JOB : TST_JOBS,
				      .plain_shows = want};

		tst_assert_same(&cmp, argv);
	}
}

static void same_everywhere(const char *c, const char *target, const char *want)
{
	same_from("", c, target, want);
}

static void null_argv(void)
{
	same_everywhere("null-argv", NULL, NULL);
}

static void null_envp(void)
{
	same_everywhere("null-envp", NULL, "envc 0 ");
}

static void empty_path(void)
{
	same_everywhere("empty-path", NULL, "ENOENT\n");
}

static void many_args(void)
{
	same_everywhere("many-args", NULL, "argc 100000\n");
}

/* From a thread with a small stack: the shim's vectors go to a mapping
 * (the exec replaces it, the spawn unmaps it), not onto that stack. */
static void many_args_thread(void)
{
	same_from("thread:", "many-args", NULL, "argc 100000\n");
}

/* A vfork child of a thread runs on its parent's stack: the shim's memory
 * for the call is a mapping, which a working exec leaves in the parent
 * until that thread's next call into the shim unmaps it. The job runs as
 * without the shim, and the host keeps no memory of it. */
static void many_args_thread_vfork(void)
{
	same_from("thread-vfork:", "many-args", NULL, "argc 100000\n");
}

static void no_equals(void)
{
	same_everywhere("no-equals", NULL, "\"NOEQUALS\"\n");
}

static void non_utf8(void)
{
	same_everywhere("non-utf8", NULL, "\"\\xff\"\n");
}

/* The target itself under a name that is not UTF-8. */
static void non_utf8_path(void)
{
	char path[4200];
	char cmd[8600];

	snprintf(path, sizeof(path), "%s/dump-\xff\xfe", tst_scratch());
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", tst_build("tests/hostile/dump"), path);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	same_everywhere("non-utf8", path, "dump-\\xff\\xfe\"\n");
	unlink(path);
}

static void empty_argv0(void)
{
	same_everywhere("empty-argv0", NULL, "arg[0] \"\"\n");
}

static CU_TestInfo tests[] = {
    {"NULL argv", null_argv},
    {"NULL envp", null_envp},
    {"empty path", empty_path},
    {"100 000 arguments", many_args},
    {"100 000 arguments from a thread with a small stack", many_args_thread},
    {"100 000 arguments from a vfork child of a thread, nothing left behind",
     many_args_thread_vfork},
    {"env entries without '='", no_equals},
    {"argv and env bytes that are not UTF-8", non_utf8},
    {"a target whose name is not UTF-8", non_utf8_path},
    {"an argv[0] of \"\"", empty_argv0},
    CU_TEST_INFO_NULL,
};
TST_SUITE("hostile.argv-env", tests)
