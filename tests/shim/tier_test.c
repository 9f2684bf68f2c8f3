/* Deciding the tier: fail closed on anything that is not a tier, on a
 * missing helper and on refused user namespaces; the job's env raises but
 * never lowers; nested requests do not stack namespaces; the exports. */
#include "tests/helper/hutil.h"
#include "tests/shim/fixtures.h"
#include "tests/shim/sutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs host (with -t job tier when set) on the target under floor. */
static void run_host(const char *floor, const char *const *extra, const char *host,
		     const char *job, struct tst_proc *r)
{
	char *argv[] = {(char *)s_host(host),
			"-t",
			(char *)job,
			(char *)fx("bin/target"),
			"t",
			"ns",
			NULL};
	if (!job) {
		argv[1] = argv[3];
		argv[2] = argv[4];
		argv[3] = argv[5];
		argv[4] = NULL;
	}
	CU_ASSERT_EQUAL_FATAL(s_run(floor, extra, argv, r), 0);
}

static bool sandboxed(const char *out)
{
	return s_ns_of(out, "pid") && s_ns_of(out, "pid") != s_ns("pid");
}

static bool networked_alone(const char *out)
{
	return s_ns_of(out, "net") && s_ns_of(out, "net") != s_ns("net");
}

/* Every kind of host refuses with EPERM and one line; nothing runs. */
static void refused(const char *floor, const char *const *extra, const char *job,
		    const char *msg)
{
	static const char *const hosts[] = {
	    "execve", "execvp",	     "posix_spawn", "posix_spawnp",
	    "vfork",  "pidfd_spawn", NULL};
	for (const char *const *h = hosts; *h; h++) {
		struct tst_proc r;
		tst_ns_reset();
		run_host(floor, extra, *h, job, &r);
		/* Exec hosts report their forked child's exit 99 after it. */
		CU_ASSERT_EQUAL(strncmp(r.out, "errno=EPERM\n", 12), 0);
		CU_ASSERT_PTR_NULL(strstr(r.out, "argv["));
		CU_ASSERT_EQUAL(tst_ns_check(NULL, "a refused call"), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, msg));
		CU_ASSERT_EQUAL(strncmp(r.err, "cordon: ", 8), 0);
		/* One line per refusal. */
		const char *nl = strchr(r.err, '\n');
		CU_ASSERT_PTR_NOT_NULL(nl);
		CU_ASSERT_PTR_NULL(nl ? strchr(nl + 1, '\n') : NULL);
		tst_proc_free(&r);
	}
}

static void test_bad_tiers(void)
{
	static const char *const bad[] = {"lockdwon",  "Lockdown", "",	" none",
					  "hardened ", "2",	   NULL};
	char msg[128];

	for (const char *const *b = bad; *b; b++) {
		snprintf(msg, sizeof(msg),
			 "CORDON_TIER='%s' is not a tier (none, hardened, "
			 "lockdown); refusing to run ",
			 *b);
		refused(*b, NULL, NULL, msg);
		refused("none", NULL, *b, msg);
		refused("lockdown", NULL, *b, msg);
	}
}

/* The limit tmp= (CORDON_LIMITS) sizes the same mounts: alone, beside
 * CORDON_TMP_SIZE (the smaller of the two wins, a percentage of RAM too),
 * and lowered by a job's env; hardened shares the host's /tmp, unsized. */
static void test_tmp_limit(void)
{
	static const struct {
		const char *env[3];
		const char *prefix; /* run by the host's shell before the job */
		const char *want;   /* df's size of each, in KiB */
	} cases[] = {
	    {{"CORDON_LIMITS=tmp=1m", NULL}, "", "1024"},
	    {{"CORDON_LIMITS=tmp=1m", "CORDON_TMP_SIZE=2m"}, "", "1024"},
	    {{"CORDON_LIMITS=tmp=2m", "CORDON_TMP_SIZE=1m"}, "", "1024"},
	    {{"CORDON_LIMITS=tmp=1m", "CORDON_TMP_SIZE=100%"}, "", "1024"},
	    {{"CORDON_LIMITS=tmp=1m", NULL}, "CORDON_LIMITS=tmp=512k ", "512"},
	    {{"CORDON_LIMITS=tmp=1m", NULL}, "CORDON_LIMITS=tmp=4m ", "1024"},
	};
	struct tst_proc r;

	if (!tst_sandbox_ok())
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char script[256], want[64];
		snprintf(script, sizeof(script),
			 "%s/bin/sh -c \"df -k /tmp /var/tmp /dev/shm | "
			 "awk 'NR > 1 { print \\$2 }'\"",
			 cases[i].prefix);
		snprintf(want, sizeof(want), "%s\n%s\n%s\n", cases[i].want, cases[i].want,
			 cases[i].want);
		char *sh[] = {"/bin/sh", "-c", script, NULL};
		CU_ASSERT_EQUAL_FATAL(s_run("lockdown", cases[i].env, sh, &r), 0);
		if (strcmp(r.out, want) != 0)
			fprintf(stderr, "case %zu: %s/%s\n", i, r.out, r.err);
		CU_ASSERT_STRING_EQUAL(r.out, want);
		CU_ASSERT_STRING_EQUAL(r.err, "");
		tst_proc_free(&r);
	}
	/* hardened: the host's /tmp, whatever its size; not 1024. */
	char *sh[] = {"/bin/sh", "-c",
		      "/bin/sh -c \"df -k /tmp | awk 'NR > 1 { print \\$2 }'\"", NULL};
	CU_ASSERT_EQUAL_FATAL(
	    s_run("hardened", (const char *[]){"CORDON_LIMITS=tmp=1m", NULL}, sh, &r), 0);
	CU_ASSERT_STRING_NOT_EQUAL(r.out, "1024\n");
	CU_ASSERT_STRING_EQUAL(r.err, "");
	tst_proc_free(&r);
}

/* CORDON_TMP_SIZE limits each of lockdown's private /tmp, /var/tmp and
 * /dev/shm: df shows the size, and a bigger file gets ENOSPC. A value that
 * is not a tmpfs size refuses lockdown jobs (not to run them unlimited);
 * hardened and none have no such mounts and run. Empty is unset. */
static void test_tmp_size(void)
{
	/* 2^34 g and 2^63 bytes wrap in the kernel to an unlimited tmpfs. */
	static const char *const bad[] = {
	    "0",   "1mb",  "-1",	   "1.5g",
	    "big", "101%", "17179869184g", "9223372036854775808",
	    NULL};
	char script[] = "df -k /tmp /var/tmp /dev/shm | awk 'NR > 1 { print $2 }'; "
			"head -c 2000000 /dev/zero >/tmp/f 2>/dev/null || echo ENOSPC";
	/* The host shell starts a job shell, which opens the file. */
	char *sh[] = {"/bin/sh", "-c", "/bin/sh -c \"$1\"", "sh", script, NULL};
	struct tst_proc r;
	char msg[128];

	if (!tst_sandbox_ok())
		return;
	CU_ASSERT_EQUAL_FATAL(
	    s_run("lockdown", (const char *[]){"CORDON_TMP_SIZE=1m", NULL}, sh, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.out, "1024\n1024\n1024\nENOSPC\n");
	CU_ASSERT_STRING_EQUAL(r.err, "");
	tst_proc_free(&r);
	CU_ASSERT_EQUAL_FATAL(
	    s_run("lockdown", (const char *[]){"CORDON_TMP_SIZE=", NULL}, sh, &r), 0);
	CU_ASSERT_PTR_NULL(strstr(r.out, "1024\n"));
	CU_ASSERT_PTR_NULL(strstr(r.out, "ENOSPC"));
	tst_proc_free(&r);
	for (const char *const *b = bad; *b; b++) {
		char var[64];
		snprintf(var, sizeof(var), "CORDON_TMP_SIZE=%s", *b);
		snprintf(msg, sizeof(msg), "CORDON_TMP_SIZE='%s' is not a tmpfs size",
			 *b);
		refused("lockdown", (const char *[]){var, NULL}, NULL, msg);
		refused("none", (const char *[]){var, NULL}, "lockdown", msg);
		for (const char *const *t =
			 (const char *const[]){"none", "hardened", NULL};
		     *t; t++) {
			struct tst_proc ok;
			run_host(*t, (const char *[]){var, NULL}, "posix_spawn", NULL,
				 &ok);
			CU_ASSERT_PTR_NOT_NULL(strstr(ok.out, "argv["));
			CU_ASSERT_STRING_EQUAL(ok.err, "");
			tst_proc_free(&ok);
		}
	}
}

/* CORDON_ORPHANS=kill: what a job leaves running ends with it; unset, it
 * outlives the job as without cordon; another value refuses every job
 * rather than let it. */
static void test_orphans(void)
{
	char script[3 * PATH_MAX + 256];
	char *sh[] = {"/bin/sh", "-c", script, NULL};
	char mark[PATH_MAX], writable[PATH_MAX + 32];

	snprintf(mark, sizeof(mark), "%s/orphans-mark", tst_scratch());
	/* A root caller's jobs get a read-only host at hardened too. */
	snprintf(writable, sizeof(writable), "CORDON_WRITABLE=%s", tst_scratch());

	/* The survivor writes the mark after the job's end. */
	snprintf(script, sizeof(script),
		 "rm -f %s; /bin/sh -c '(/bin/sleep 0.3; : >%s) & :'; /bin/sleep 1; "
		 "[ -e %s ] && echo 1 || echo 0",
		 mark, mark, mark);
	static const struct {
		const char *var, *floor, *want;
	} runs[] = {{NULL, NULL, "1\n"},
		    {NULL, "hardened", "1\n"},
		    {"CORDON_ORPHANS=kill", "hardened", "0\n"},
		    {"CORDON_ORPHANS=kill", "lockdown", "0\n"},
		    {NULL, "lockdown", "1\n"},
		    {"CORDON_ORPHANS=", "hardened", "1\n"}};
	struct tst_proc r;

	if (!tst_sandbox_ok())
		return;
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(s_run(runs[i].floor,
					    (const char *[]){writable, runs[i].var, NULL},
					    sh, &r),
				      0);
		CU_ASSERT_STRING_EQUAL(r.out, runs[i].want);
		if (strcmp(r.out, runs[i].want))
			printf("\n    %s %s: %s%s",
			       runs[i].floor ? runs[i].floor : "none",
			       runs[i].var ? runs[i].var : "", r.out, r.err);
		tst_proc_free(&r);
	}
	refused("hardened", (const char *[]){"CORDON_ORPHANS=keep", NULL}, NULL,
		"CORDON_ORPHANS='keep' is not a value (kill, or unset)");
}

/* CORDON_CGROUP that is not an absolute canonical path refuses every
 * sandboxed call (not to run it outside a cgroup and its limits); none
 * runs. Empty is unset. */
static void test_cgroup_values(void)
{
	static const char *const bad[] = {
	    "jobs",	      "/",     "/sys/fs/cgroup/", "/sys//cgroup",
	    "/sys/../cgroup", "/a:/b", "/proc/1",	  NULL};

	if (!tst_sandbox_ok())
		return;
	for (const char *const *b = bad; *b; b++) {
		char var[64], msg[128];
		snprintf(var, sizeof(var), "CORDON_CGROUP=%s", *b);
		snprintf(msg, sizeof(msg),
			 "CORDON_CGROUP='%s' is not an absolute path of a cgroup "
			 "directory",
			 *b);
		refused("hardened", (const char *[]){var, NULL}, NULL, msg);
		refused("none", (const char *[]){var, NULL}, "lockdown", msg);
		struct tst_proc ok;
		run_host("none", (const char *[]){var, NULL}, "posix_spawn", NULL, &ok);
		CU_ASSERT_PTR_NOT_NULL(strstr(ok.out, "argv["));
		CU_ASSERT_STRING_EQUAL(ok.err, "");
		tst_proc_free(&ok);
	}
	struct tst_proc r;
	run_host("hardened", (const char *[]){"CORDON_CGROUP=", NULL}, "posix_spawn",
		 NULL, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "argv["));
	CU_ASSERT_TRUE(sandboxed(r.out));
	CU_ASSERT_STRING_EQUAL(r.err, "");
	tst_proc_free(&r);
}

static void test_unset_tier(void)
{
	char pre[4200];
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", tst_build("libcordon.so"));
	refused(NULL, (const char *[]){pre, NULL}, NULL, "CORDON_TIER was not set");
}

static void test_bad_tier_system_popen(void)
{
	struct tst_proc r;
	char *sys[] = {(char *)s_host("system"), "echo never", "x", NULL};
	char *pop[] = {(char *)s_host("popen"), "echo never", "r", NULL};

	CU_ASSERT_EQUAL_FATAL(s_run("lockdwon", NULL, sys, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.out, "system=-1 errno=EPERM\n");
	tst_proc_free(&r);
	CU_ASSERT_EQUAL_FATAL(s_run("lockdwon", NULL, pop, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.out, "errno=EPERM\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "is not a tier"));
	tst_proc_free(&r);
}

static void test_missing_helper(void)
{
	char h1[4200], h2[4200];

	snprintf(h1, sizeof(h1), "CORDON_HELPER=%s", fx("no-such-helper"));
	snprintf(h2, sizeof(h2), "CORDON_HELPER=%s", fx("err/noexec"));
	refused("hardened", (const char *[]){h1, NULL}, NULL, "no-such-helper");
	refused("lockdown", (const char *[]){h2, NULL}, NULL,
		"err/noexec: Permission denied");
	/* Tier none never needs it. */
	struct tst_proc r;
	run_host("none", (const char *[]){h1, NULL}, "execve", NULL, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "exit 0\n"));
	tst_proc_free(&r);
	/* A job's env cannot point the shim at another helper. */
	char *argv[] = {(char *)s_host("execve"), "-t", "hardened",
			(char *)fx("bin/target"), "t",	NULL};
	setenv("CORDON_HELPER", "/nonexistent", 1);
	if (tst_sandbox_ok()) {
		CU_ASSERT_EQUAL(s_run("hardened", NULL, argv, &r), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "exit 0\n"));
		tst_proc_free(&r);
	}
	unsetenv("CORDON_HELPER");
}

/* Without CORDON_HELPER: the installed helper, else the one next to
 * libcordon.so (how the staged build tree finds its own). */
static void test_helper_next_to_lib(void)
{
	struct tst_proc r;
	char pre[4200];
	char *argv[] = {(char *)s_host("execve"), (char *)fx("bin/target"), "t", "ns",
			NULL};

	if (!tst_sandbox_ok())
		return;
	/* The default $(LIBEXECDIR)/cordon/cordon-helper. */
	if (access("/usr/local/libexec/cordon/cordon-helper", F_OK) == 0) {
		tst_skip("a helper is installed at the compiled-in path");
		return;
	}
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", tst_build("libcordon.so"));
	CU_ASSERT_EQUAL_FATAL(
	    s_run(NULL, (const char *[]){pre, "CORDON_TIER=hardened", NULL}, argv, &r),
	    0);
	CU_ASSERT_TRUE(sandboxed(r.out));
	tst_proc_free(&r);
}

/* No user namespaces left: the job does not run, the helper says why. */
static void test_refused_userns(void)
{
	char script[8192];
	struct tst_proc r;

	if (!tst_sandbox_ok())
		return;
	snprintf(script, sizeof(script),
		 "echo 0 > /proc/sys/user/max_user_namespaces && "
		 "LD_PRELOAD=%s CORDON_TIER=hardened exec %s %s t",
		 tst_build("libcordon.so"), s_host("posix_spawn"), fx("bin/target"));
	char *argv[] = {"unshare", "-U", "-r", "sh", "-c", script, NULL};
	CU_ASSERT_EQUAL_FATAL(s_run(NULL, NULL, argv, &r), 0);
	if (WIFEXITED(r.status) && WEXITSTATUS(r.status) != 0 && !strstr(r.out, "exit")) {
		tst_skip("unshare -U -r is refused here: %.200s", r.err);
	} else {
		CU_ASSERT_EQUAL(strncmp(r.out, "exit 125\n", 9), 0);
		CU_ASSERT_EQUAL(strncmp(r.err, "cordon: ", 8), 0);
	}
	tst_proc_free(&r);
}

static void test_raise_never_lower(void)
{
	struct tst_proc r;

	if (!tst_sandbox_ok())
		return;
	run_host("none", NULL, "execve", NULL, &r);
	CU_ASSERT_FALSE(sandboxed(r.out));
	tst_proc_free(&r);
	run_host("none", NULL, "execve", "hardened", &r);
	CU_ASSERT_TRUE(sandboxed(r.out));
	CU_ASSERT_FALSE(networked_alone(r.out));
	tst_proc_free(&r);
	run_host("hardened", NULL, "posix_spawn", "none", &r);
	CU_ASSERT_TRUE(sandboxed(r.out));
	tst_proc_free(&r);
	run_host("lockdown", NULL, "execvp", "hardened", &r);
	CU_ASSERT_TRUE(networked_alone(r.out));
	tst_proc_free(&r);
	run_host("hardened", NULL, "execvpe", "lockdown", &r);
	CU_ASSERT_TRUE(networked_alone(r.out));
	tst_proc_free(&r);
}

/* cordon's variables, the host's and the job's own, never reach the job:
 * it gets the sandbox's markers instead, and the marker names the user
 * namespace it runs in. Without cordon the same variables reach it. */
static void test_job_env_markers(void)
{
	const char *extra[] = {"CORDON_TMP_SIZE=1m", "CORDON_ANYTHING=x", NULL};
	char *argv[] = {(char *)s_host("execve"),
			"-t",
			"lockdown",
			"/bin/sh",
			"sh",
			"-c",
			"env; echo userns=$(stat -L -c %i /proc/self/ns/user)",
			NULL};
	char want[64];
	struct tst_proc plain, r;
	unsigned long long ns = 0;
	const char *u;

	if (!tst_sandbox_ok())
		return;
	CU_ASSERT_EQUAL_FATAL(s_run(NULL, extra, argv, &plain), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(plain.out, "\nCORDON_TMP_SIZE=1m\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(plain.out, "\nCORDON_TIER=lockdown\n"));
	tst_proc_free(&plain);
	CU_ASSERT_EQUAL_FATAL(s_run("hardened", extra, argv, &r), 0);
	if ((u = strstr(r.out, "userns=")))
		ns = strtoull(u + 7, NULL, 10);
	CU_ASSERT(ns != 0 && ns != s_ns("user"));
	snprintf(want, sizeof(want), "CORDON_SANDBOX_USERNS=%llu", ns);
	int markers = 0;
	for (char *l = r.out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t n = strcspn(l, "\n");
		if (strncmp(l, "CORDON_", 7) != 0)
			continue;
		bool ok = (n == strlen(want) && strncmp(l, want, n) == 0) ||
			  (n == 23 && strncmp(l, "CORDON_SANDBOX=lockdown", n) == 0);
		markers += ok;
		if (!ok)
			printf("\n    the job got %.*s", (int)n, l);
		CU_ASSERT_TRUE(ok);
	}
	CU_ASSERT_EQUAL(markers, 2);
	tst_proc_free(&r);
}

/* Inside a sandbox, a shim loaded again (the launcher in a job) satisfies
 * requests up to the sandbox's tier without new namespaces. */
static void test_nesting(void)
{
	char script[8192];
	struct tst_proc r;

	if (!tst_sandbox_ok())
		return;
	/* The host's first job is the launcher; its sh gets the shim again,
	 * inside the sandbox: its jobs must share the sandbox's namespaces
	 * (two of them: stacking would give each its own pid namespace). */
	snprintf(
	    script, sizeof(script),
	    "exec %s --tier hardened /bin/sh -c 'echo \"marker $CORDON_SANDBOX_USERNS\"; "
	    "%s t ns; echo ==; %s t ns'",
	    tst_build("cordon"), fx("bin/target"), fx("bin/target"));
	char *argv[] = {
	    (char *)s_host("posix_spawn"), "/bin/sh", "sh", "-c", script, NULL};
	CU_ASSERT_EQUAL_FATAL(s_run("hardened", NULL, argv, &r), 0);
	char *second = strstr(r.out, "==\n");
	unsigned long long marker = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(second);
	CU_ASSERT_EQUAL(sscanf(r.out, "marker %llu", &marker), 1);
	CU_ASSERT_TRUE(sandboxed(r.out));
	CU_ASSERT_EQUAL(s_ns_of(r.out, "user"), marker);
	CU_ASSERT_EQUAL(s_ns_of(second, "user"), marker);
	CU_ASSERT_EQUAL(s_ns_of(r.out, "pid"), s_ns_of(second, "pid"));
	CU_ASSERT_EQUAL(s_ns_of(r.out, "ipc"), s_ns_of(second, "ipc"));
	tst_proc_free(&r);
}

/* A stricter request inside nests: new namespaces, or (root without
 * capabilities cannot map uid 0 again) the helper refuses, closed. */
static void test_nesting_higher(void)
{
	char script[8192];
	struct tst_proc r;

	if (!tst_sandbox_ok())
		return;
	snprintf(script, sizeof(script), "exec %s --tier lockdown %s %s t ns",
		 tst_build("cordon"), s_host("execve"), fx("bin/target"));
	char *argv[] = {
	    (char *)s_host("posix_spawn"), "/bin/sh", "sh", "-c", script, NULL};
	CU_ASSERT_EQUAL_FATAL(s_run("hardened", NULL, argv, &r), 0);
	if (strstr(r.out, "argv[")) {
		CU_ASSERT_TRUE(networked_alone(r.out));
	} else {
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "exit 125"));
		CU_ASSERT_EQUAL(strncmp(r.err, "cordon: ", 8), 0);
	}
	tst_proc_free(&r);
}

static void test_marker_needs_kernel_proof(void)
{
	struct tst_proc r;
	char ino[64];

	if (!tst_sandbox_ok())
		return;
	/* Our own user namespace's inode is not a sandbox's. */
	snprintf(ino, sizeof(ino), "CORDON_SANDBOX_USERNS=%llu", s_ns("user"));
	run_host("hardened", (const char *[]){"CORDON_SANDBOX=lockdown", ino, NULL},
		 "execve", NULL, &r);
	/* Forged markers are stripped by the shim, so the real call is...
	 * not taken: the job still runs sandboxed. */
	CU_ASSERT_TRUE(sandboxed(r.out));
	tst_proc_free(&r);
}

/* The job's LD_PRELOAD loses only the words that load the shim, however
 * they name it; the others stay, in order. At lockdown: the link is in
 * the runner's scratch, which an ordinary caller may change, so the shim
 * refuses hardened jobs that would share those files (security.layout). */
static void test_preload_words(void)
{
	char link[4200], pre[9000];
	struct tst_proc r;
	char *argv[] = {(char *)s_host("posix_spawn"), (char *)fx("bin/target"), "t",
			"ns", NULL};

	if (!tst_sandbox_ok())
		return;
	/* Also: the helper is found next to the file, not the symlink. */
	snprintf(link, sizeof(link), "%s", fx("lc.so"));
	unlink(link);
	CU_ASSERT_EQUAL_FATAL(symlink(tst_build("libcordon.so"), link), 0);
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s %s:%s", link, tst_build("libcordon.so"),
		 link);
	CU_ASSERT_EQUAL_FATAL(
	    s_run(NULL, (const char *[]){pre, "CORDON_TIER=lockdown", NULL}, argv, &r),
	    0);
	CU_ASSERT_PTR_NULL(strstr(r.out, "LD_PRELOAD"));
	CU_ASSERT_TRUE(sandboxed(r.out));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "exit 0"));
	tst_proc_free(&r);
}

/* A host with more CORDON_* and LD_* variables than the load keeps a table
 * of (it then scans environ for each): the tier still decides, a bad one
 * still refuses. */
static void test_many_variables(void)
{
	enum { N = 40 };
	static char vars[N][16];
	const char *env[N + 3];
	char pre[4200];
	struct tst_proc r;
	char *argv[] = {(char *)s_host("posix_spawn"), (char *)fx("bin/target"), "t",
			"ns", NULL};

	if (!tst_sandbox_ok())
		return;
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", tst_build("libcordon.so"));
	for (int i = 0; i < N; i++) {
		snprintf(vars[i], sizeof(vars[i]), "LD_X%d=1", i);
		env[i] = vars[i];
	}
	env[N] = pre;
	env[N + 2] = NULL;
	env[N + 1] = "CORDON_TIER=lockdown";
	CU_ASSERT_EQUAL_FATAL(s_run(NULL, env, argv, &r), 0);
	CU_ASSERT_TRUE(sandboxed(r.out));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "exit 0"));
	tst_proc_free(&r);
	env[N + 1] = "CORDON_TIER=lockdwon";
	CU_ASSERT_EQUAL_FATAL(s_run(NULL, env, argv, &r), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "CORDON_TIER='lockdwon' is not a tier"));
	CU_ASSERT_PTR_NULL(strstr(r.out, "exit 0"));
	tst_proc_free(&r);
}

static void test_dumpable(void)
{
	static const char *const tiers[] = S_TIERS;
	char *argv[] = {"/usr/bin/python3", "-c",
			"import ctypes; print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))",
			NULL};
	struct tst_proc r;

	for (int t = 0; t < S_NTIERS; t++) {
		CU_ASSERT_EQUAL_FATAL(s_run(tiers[t], NULL, argv, &r), 0);
		CU_ASSERT_STRING_EQUAL(r.out, "0\n");
		tst_proc_free(&r);
	}
	CU_ASSERT_EQUAL_FATAL(s_run(NULL, NULL, argv, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.out, "1\n");
	tst_proc_free(&r);
}

static void test_exports(void)
{
	char *argv[] = {"nm", "-D", "--defined-only", (char *)tst_build("libcordon.so"),
			NULL};
	struct tst_proc r;
	char got[4096] = "";
	static const char expect[] =
	    "GLIBC_2.11 GLIBC_2.15 GLIBC_2.2.5 GLIBC_2.34 GLIBC_2.39 "
	    "execl@@GLIBC_2.2.5 execle@@GLIBC_2.2.5 execlp@@GLIBC_2.2.5 "
	    "execv@@GLIBC_2.2.5 execve@@GLIBC_2.2.5 execveat@@GLIBC_2.34 "
	    "execvp@@GLIBC_2.2.5 execvpe@@GLIBC_2.11 fexecve@@GLIBC_2.2.5 "
	    "pclose@@GLIBC_2.2.5 pidfd_spawn@@GLIBC_2.39 pidfd_spawnp@@GLIBC_2.39 "
	    "popen@@GLIBC_2.2.5 posix_spawn@@GLIBC_2.15 posix_spawn@GLIBC_2.2.5 "
	    "posix_spawnp@@GLIBC_2.15 posix_spawnp@GLIBC_2.2.5 system@@GLIBC_2.2.5 ";

	if (tst_run(argv, NULL, &r) != 0 || r.status != 0) {
		tst_skip("nm -D failed: %.200s", r.err ? r.err : "");
		tst_proc_free(&r);
		return;
	}
	for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
		char *name = strrchr(line, ' ');
		strncat(got, name ? name + 1 : line, sizeof(got) - strlen(got) - 2);
		strcat(got, " ");
	}
	CU_ASSERT_STRING_EQUAL(got, expect);
	tst_proc_free(&r);
}

/* A library whose constructor runs before the shim's (preloaded after it)
 * calls system() and popen(): they work as without the shim, sandboxed as
 * the tier says (the shim loads on that first call). */
static void test_before_constructor(void)
{
	static const char *const tiers[] = S_TIERS;
	char early[4200], both[8500], helper[4200], tier[64];
	char *argv[] = {"/bin/true", NULL};
	struct tst_proc r;

	snprintf(early, sizeof(early), "LD_PRELOAD=%s", tst_build("tests/shim/early.so"));
	snprintf(both, sizeof(both), "LD_PRELOAD=%s:%s", tst_build("libcordon.so"),
		 tst_build("tests/shim/early.so"));
	CU_ASSERT_EQUAL_FATAL(s_run(NULL, (const char *[]){early, NULL}, argv, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.out, "system same-ns\nsystem status 0\npopen same-ns\n"
				      "pclose status 0\n");
	tst_proc_free(&r);
	for (int t = 0; t < S_NTIERS; t++) {
		if (t > 0 && !tst_sandbox_ok())
			break;
		if (t > 0 && h_sanitized()) {
			tst_skip(
			    "sandboxed tiers: the sanitized helper is dynamically "
			    "linked, so the host's other preload (early.so) loads into "
			    "it too, where the shipped static helper ignores "
			    "LD_PRELOAD");
			break;
		}
		const char *ns = t ? "other-ns" : "same-ns";
		char want[256];
		snprintf(want, sizeof(want),
			 "system %s\nsystem status 0\npopen %s\npclose status 0\n", ns,
			 ns);
		snprintf(tier, sizeof(tier), "CORDON_TIER=%s", tiers[t]);
		snprintf(helper, sizeof(helper), "CORDON_HELPER=%s",
			 tst_build("cordon-helper"));
		CU_ASSERT_EQUAL_FATAL(
		    s_run(NULL, (const char *[]){both, tier, helper, NULL}, argv, &r), 0);
		CU_ASSERT_EQUAL(r.status, 0);
		CU_ASSERT_STRING_EQUAL(r.out, want);
		if (strcmp(r.out, want) != 0)
			printf("\n    tier %s: %#x\n%s%s", tiers[t], r.status, r.out,
			       r.err);
		tst_proc_free(&r);
	}
}

/* Loading the shim sets up no heap in the process, at any tier, with the
 * helper named or found next to the library: no symbol lookup fails (each
 * failure costs ld.so an error message in malloc'd memory) and nothing is
 * built in malloc'd memory. late.so, preloaded first, looks after the
 * shim's constructor; the control shows it sees a heap that is there. */
static void test_load_no_heap(void)
{
	static const char *const tiers[] = S_TIERS;
	char both[8500], helper[4200], tier[64];
	char *argv[] = {"/bin/true", NULL};
	struct tst_proc r;

	snprintf(both, sizeof(both), "LD_PRELOAD=%s:%s", tst_build("tests/shim/late.so"),
		 tst_build("libcordon.so"));
	snprintf(helper, sizeof(helper), "CORDON_HELPER=%s", tst_build("cordon-helper"));
	CU_ASSERT_EQUAL_FATAL(
	    s_run(NULL, (const char *[]){both, "CORDON_TIER=none", "LATE_MALLOC=1", NULL},
		  argv, &r),
	    0);
	CU_ASSERT_STRING_EQUAL(r.out, "heap\n");
	tst_proc_free(&r);
	for (int t = 0; t < S_NTIERS * 2; t++) {
		snprintf(tier, sizeof(tier), "CORDON_TIER=%s", tiers[t % S_NTIERS]);
		CU_ASSERT_EQUAL_FATAL(
		    s_run(
			NULL,
			(const char *[]){both, tier, t < S_NTIERS ? helper : NULL, NULL},
			argv, &r),
		    0);
		CU_ASSERT_EQUAL(r.status, 0);
		CU_ASSERT_STRING_EQUAL(r.out, "no heap\n");
		if (strcmp(r.out, "no heap\n") != 0)
			printf("\n    %s, %s: %s%s", tier,
			       t < S_NTIERS ? "helper named"
					    : "helper next to the library",
			       r.out, r.err);
		tst_proc_free(&r);
	}
}

static CU_TestInfo tests[] = {
    {"bad tiers fail closed", test_bad_tiers},
    {"unset tier at load fails closed", test_unset_tier},
    {"CORDON_TMP_SIZE: lockdown's tmpfs limited; bad values refuse lockdown",
     test_tmp_size},
    {"tmp= in CORDON_LIMITS: lockdown's tmpfs; the smaller with CORDON_TMP_SIZE; "
     "a job lowers",
     test_tmp_limit},
    {"CORDON_ORPHANS=kill: nothing outlives a job; bad values refuse", test_orphans},
    {"CORDON_CGROUP: bad values refuse the sandboxed tiers; empty is unset",
     test_cgroup_values},
    {"bad tier: system and popen", test_bad_tier_system_popen},
    {"missing helper fails closed", test_missing_helper},
    {"helper found next to libcordon.so", test_helper_next_to_lib},
    {"refused user namespaces fail closed", test_refused_userns},
    {"job env raises, never lowers", test_raise_never_lower},
    {"the job's env: cordon's variables out, the markers in", test_job_env_markers},
    {"nested requests do not stack", test_nesting},
    {"stricter nested requests nest", test_nesting_higher},
    {"a forged marker proves nothing", test_marker_needs_kernel_proof},
    {"LD_PRELOAD: only our words go", test_preload_words},
    {"host is non-dumpable at every tier", test_dumpable},
    {"exports: only the interposed symbols", test_exports},
    {"a call before the shim's constructor", test_before_constructor},
    {"its load sets up no heap", test_load_no_heap},
    {"more CORDON_ and LD_ variables than the load keeps", test_many_variables},
    CU_TEST_INFO_NULL,
};
TST_SUITE("shim.tier", tests)
