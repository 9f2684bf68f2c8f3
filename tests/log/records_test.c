/* log.records: every entry point writes its record, with the right
 * function, decision, errno, tiers, path and argv, at each decision. */
#include "tests/log/lutil.h"
#include "tests/shim/fixtures.h"
#include "tests/shim/sutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct entry {
	const char *host, *fn;
	bool search;
};

/* The test hosts (tests/lib/progs/host.c) and the function each one calls. */
static const struct entry entries[] = {
    {"execve", "execve", false},
    {"execv", "execv", false},
    {"execl", "execl", false},
    {"execle", "execle", false},
    {"vfork", "execve", false},
    {"posix_spawn", "posix_spawn", false},
    {"posix_spawn_compat", "posix_spawn", false},
    {"execvp", "execvp", true},
    {"execvpe", "execvpe", true},
    {"execlp", "execlp", true},
    {"posix_spawnp", "posix_spawnp", true},
    {"posix_spawnp_compat", "posix_spawnp", true},
    {"fexecve", "fexecve", false},
    {"execveat", "execveat", false},
    {"pidfd_spawn", "pidfd_spawn", false},
    {"pidfd_spawnp", "pidfd_spawnp", true},
};

/* One host at tier, /bin/true (or "true" in PATH=/bin) with argv
 * {"t", "x y"}: the log holds exactly the one expected record. */
static void entry_at(const struct entry *e, const char *tier, const char *decision)
{
	const char *log = l_log("entry.log");
	bool fd = strncmp(e->fn, "fexecve", 7) == 0;
	const char *given = fd ? "" : e->search ? "true" : "/bin/true";
	const char *resolved =
	    strcmp(decision, "sandboxed") == 0 && !fd ? "/bin/true" : given;
	char *argv[] = {
	    (char *)s_host(e->host), "-P", "/bin", (char *)given, "t", "x y", NULL};
	char want[512];
	struct tst_proc r;

	if (fd)
		argv[3] = "/bin/true";
	CU_ASSERT_EQUAL_FATAL(l_run(tier, log, NULL, argv, &r), 0);
	CU_ASSERT_NSTRING_EQUAL(r.out, "exit 0\n", 7);
	tst_proc_free(&r);
	char *out = l_check(log, false);
	snprintf(want, sizeof(want), "%s %s - %s \"%s\" \"%s\" [\"t\",\"x y\"]%s", e->fn,
		 decision, tier, tier, resolved, fd ? " fd=" : "");
	L_ASSERT_HAS(out, want);
	CU_ASSERT_EQUAL(l_lines(out), 1);
	free(out);
}

static void test_entry_none(void)
{
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		entry_at(&entries[i], "none", "passthrough");
}

static void test_entry_sandboxed(void)
{
	if (!tst_sandbox_ok())
		return;
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		entry_at(&entries[i], "hardened", "sandboxed");
	entry_at(&entries[0], "lockdown", "sandboxed");
	entry_at(&entries[5], "lockdown", "sandboxed");
}

/* system() and popen() log "sh -c COMMAND" as /bin/sh. */
static void shell_at(const char *tier, const char *decision)
{
	const char *log = l_log("shell.log");
	char *sys[] = {(char *)s_host("system"), "exit 3", "x", NULL};
	char *pop[] = {(char *)s_host("popen"), "echo hi", "r", NULL};
	char want[512];
	struct tst_proc r;

	CU_ASSERT_EQUAL_FATAL(l_run(tier, log, NULL, sys, &r), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "exit 3\n"));
	tst_proc_free(&r);
	CU_ASSERT_EQUAL_FATAL(l_run(tier, log, NULL, pop, &r), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "hi\n"));
	tst_proc_free(&r);
	char *out = l_check(log, false);
	const char *cmds[] = {"\"exit 3\"]", "]", "\"cat >/dev/null\"]", "\"echo hi\"]"};
	const char *fns[] = {"system", "system", "popen", "popen"};
	for (size_t i = 0; i < 4; i++) {
		/* system(NULL) is logged as "sh -c" with no command. */
		snprintf(want, sizeof(want),
			 "%s %s - %s \"%s\" \"/bin/sh\" [\"sh\",\"-c\"%s%s", fns[i],
			 decision, tier, tier, i == 1 ? "" : ",", cmds[i]);
		L_ASSERT_HAS(out, want);
	}
	free(out);
}

static void test_system_popen(void)
{
	shell_at("none", "passthrough");
	if (tst_sandbox_ok())
		shell_at("hardened", "sandboxed");
}

/* Runs host with argv at tier and checks the log's records, in order. */
static void decision(const char *tier, const char *const *extra, char *const argv[],
		     const char *const *want)
{
	const char *log = l_log("decision.log");
	struct tst_proc r;
	size_t n = 0;

	CU_ASSERT_EQUAL_FATAL(l_run(tier, log, extra, argv, &r), 0);
	tst_proc_free(&r);
	char *out = l_check(log, false);
	for (; *want; want++, n++)
		L_ASSERT_HAS(out, *want);
	CU_ASSERT_EQUAL(l_lines(out), n);
	free(out);
}

static void test_refused(void)
{
	char preload[4200];
	char *ex[] = {(char *)s_host("execve"), "-t", "bogus", "/bin/true", "t", NULL};
	char *ex0[] = {(char *)s_host("execve"), "/bin/true", "t", NULL};
	char *sp[] = {(char *)s_host("posix_spawn"), "/bin/true", "t", NULL};

	/* A job's tier that is not one. */
	decision("none", NULL, ex,
		 (const char *[]){
		     "execve refused EPERM null \"bogus\" \"/bin/true\" [\"t\"]", NULL});
	/* No helper: the tier is known, the call refused. */
	const char *nohelper[] = {"CORDON_HELPER=/nonexistent/cordon-helper", NULL};
	decision("hardened", nohelper, ex0,
		 (const char *[]){
		     "execve refused EPERM hardened \"hardened\" \"/bin/true\" [\"t\"]",
		     NULL});
	decision("lockdown", nohelper, sp,
		 (const char *[]){"posix_spawn refused EPERM lockdown \"lockdown\" "
				  "\"/bin/true\" [\"t\"]",
				  NULL});
	/* CORDON_TIER unset when the shim loaded. */
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", tst_build("libcordon.so"));
	decision(NULL, (const char *[]){preload, NULL}, sp,
		 (const char *[]){
		     "posix_spawn refused EPERM null null \"/bin/true\" [\"t\"]", NULL});
}

/* A failing call: passed through, the real call's errno follows; resolved
 * by the shim (sandboxed tiers), one record with the errno. Neither needs
 * a sandbox the machine can build. */
static void test_failed(void)
{
	char *ex[] = {(char *)s_host("execve"), "/nonexistent/x", "t", NULL};
	char *na[] = {(char *)s_host("execv"), (char *)fx("err/noexec"), "t", NULL};
	char *sp[] = {
	    (char *)s_host("posix_spawnp"), "-P", (char *)fx("noexec"), "cmd", "c", NULL};
	char w1[4200], w2[4200];

	decision("none", NULL, ex,
		 (const char *[]){
		     "execve passthrough - none \"none\" \"/nonexistent/x\" [\"t\"]",
		     "execve failed ENOENT none \"none\" \"/nonexistent/x\" [\"t\"]",
		     NULL});
	decision(
	    "hardened", NULL, ex,
	    (const char *[]){
		"execve failed ENOENT hardened \"hardened\" \"/nonexistent/x\" [\"t\"]",
		NULL});
	snprintf(w1, sizeof(w1), "execv passthrough - none \"none\" \"%s\"",
		 fx("err/noexec"));
	snprintf(w2, sizeof(w2), "execv failed EACCES none \"none\" \"%s\"",
		 fx("err/noexec"));
	decision("none", NULL, na, (const char *[]){w1, w2, NULL});
	snprintf(w1, sizeof(w1), "execv failed EACCES lockdown \"lockdown\" \"%s\"",
		 fx("err/noexec"));
	decision("lockdown", NULL, na, (const char *[]){w1, NULL});
	decision("none", NULL, sp,
		 (const char *[]){
		     "posix_spawnp passthrough - none \"none\" \"cmd\" [\"c\"]",
		     "posix_spawnp failed EACCES none \"none\" \"cmd\" [\"c\"]", NULL});
	decision("hardened", NULL, sp,
		 (const char *[]){
		     "posix_spawnp failed EACCES hardened \"hardened\" \"cmd\" [\"c\"]",
		     NULL});
}

/* The job's env may raise the tier: requested and effective tiers. */
static void test_raised_tier(void)
{
	char *ex[] = {(char *)s_host("execve"), "-t", "lockdown", "/bin/true", "t", NULL};

	if (!tst_sandbox_ok())
		return;
	decision(
	    "hardened", NULL, ex,
	    (const char *[]){
		"execve sandboxed - lockdown \"lockdown\" \"/bin/true\" [\"t\"]", NULL});
}

/* The pid is the calling process's: the host's own for its calls, and
 * each process of a tree at tier none logs its own (here /bin/sh -c, a
 * host of its own once it has loaded the shim, execs the command). */
static void test_pid(void)
{
	const char *log = l_log("pid.log");
	char *argv[] = {(char *)s_host("do"),	 "pid",
			"exec:/nonexistent/a",	 "spawn:/bin/true",
			"system:exec /bin/true", NULL};
	char want[512];
	struct tst_proc r;

	CU_ASSERT_EQUAL_FATAL(l_run("none", log, NULL, argv, &r), 0);
	int pid = atoi(r.out + 4);
	CU_ASSERT_NSTRING_EQUAL(r.out, "pid=", 4);
	tst_proc_free(&r);
	char *out = l_check(log, false);
	CU_ASSERT_EQUAL(l_lines(out), 5);
	static const char *const calls[] = {
	    "execve passthrough - none \"none\" \"/nonexistent/a\" [\"exec\",\"a b\"]",
	    "execve failed ENOENT none \"none\" \"/nonexistent/a\" [\"exec\",\"a b\"]",
	    "posix_spawn passthrough - none \"none\" \"/bin/true\" [\"spawn\"]",
	    "system passthrough - none \"none\" \"/bin/sh\" [\"sh\",\"-c\",\"exec "
	    "/bin/true\"]",
	};
	for (size_t i = 0; i < 4; i++) {
		snprintf(want, sizeof(want), "%s pid=%d\n", calls[i], pid);
		L_ASSERT_HAS(out, want);
	}
	/* The shell's own exec: another pid. */
	const char *sh = strstr(
	    out, "execve passthrough - none \"none\" \"/bin/true\" [\"/bin/true\"]");
	const char *shpid = sh ? strstr(sh, " pid=") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(shpid);
	CU_ASSERT(atoi(shpid + 5) > 0 && atoi(shpid + 5) != pid);
	free(out);
}

/* The policy each sandboxed job got: the host's writable and hidden
 * lists, a job's narrowing, a writable path that does not exist (skipped)
 * and one inside a hidden path (dropped); hardened without a list, an
 * ordinary caller's files stay writable (null); the limits a job got. Each
 * record checked by logcheck.py. */
static void test_policy(void)
{
	const char *log = l_log("policy.log");
	char dir[512], w[1800], script[2400];

	if (!tst_sandbox_ok())
		return;
	snprintf(dir, sizeof(dir), "%s/logpolicy", tst_scratch());
	mkdir(dir, 0755);
	snprintf(w, sizeof(w), "%s/w", dir);
	mkdir(w, 0755);
	snprintf(w, sizeof(w), "%s/h", dir);
	mkdir(w, 0755);
	snprintf(w, sizeof(w), "%s/h/in", dir);
	mkdir(w, 0755);
	snprintf(w, sizeof(w), "CORDON_WRITABLE=%s/w:%s/gone:%s/h/in", dir, dir, dir);
	char h[700];
	snprintf(h, sizeof(h), "CORDON_HIDDEN=%s/h", dir);
	snprintf(script, sizeof(script), "/bin/true; CORDON_WRITABLE=%s/w/sub /bin/true",
		 dir);
	const char *extra[] = {w, h, NULL};
	char *argv[] = {"dash", "-c", script, NULL};
	struct tst_proc r;
	CU_ASSERT_EQUAL_FATAL(l_run("lockdown", log, extra, argv, &r), 0);
	tst_proc_free(&r);
	char *out = l_check_policy(log);
	char want[3000];
	snprintf(want, sizeof(want),
		 "execve sandboxed lockdown writable=[\"%s/w\",\"%s/gone\"] "
		 "hidden=[\"%s/h\"] dropped=[\"%s/h/in\"] missing=[\"%s/gone\"]",
		 dir, dir, dir, dir, dir);
	if (out) {
		L_ASSERT_HAS(out, want);
		/* The job's list within the host's: w/sub only (it does not
		 * exist: missing too). */
		snprintf(want, sizeof(want),
			 "execve sandboxed lockdown writable=[\"%s/w/sub\"] "
			 "hidden=[\"%s/h\"] missing=[\"%s/w/sub\"]",
			 dir, dir, dir);
		L_ASSERT_HAS(out, want);
	}
	free(out);
	const char *none[] = {"CORDON_LIMITS=time=60,nofile=99", NULL};
	char *plain[] = {"dash", "-c", "/bin/true; CORDON_LIMITS=nofile=50 /bin/true",
			 NULL};
	CU_ASSERT_EQUAL_FATAL(l_run("lockdown", log, none, plain, &r), 0);
	tst_proc_free(&r);
	out = l_check_policy(log);
	/* The limits each job got, in the order of docs/shim.md. */
	if (out) {
		L_ASSERT_HAS(out, "execve sandboxed lockdown writable=[] hidden=[] "
				  "limits=time=60,nofile=99");
		L_ASSERT_HAS(out, "execve sandboxed lockdown writable=[] hidden=[] "
				  "limits=time=60,nofile=50");
	}
	free(out);
	none[0] = NULL;
	plain[2] = "/bin/true";
	CU_ASSERT_EQUAL_FATAL(l_run("hardened", log, none, plain, &r), 0);
	tst_proc_free(&r);
	out = l_check_policy(log);
	if (out)
		L_ASSERT_HAS(out,
			     tst_is_root()
				 ? "execve sandboxed hardened writable=[] hidden=[]"
				 : "execve sandboxed hardened writable=null hidden=[]");
	free(out);
	char *rm[] = {"rm", "-rf", dir, NULL};
	if (tst_run(rm, NULL, &r) == 0)
		tst_proc_free(&r);
}

static CU_TestInfo tests[] = {
    {"every entry point at tier none: passthrough", test_entry_none},
    {"every entry point sandboxed: the resolved path", test_entry_sandboxed},
    {"system and popen: sh -c COMMAND", test_system_popen},
    {"refused: bad tier, no helper, no tier at load", test_refused},
    {"failed: ENOENT, EACCES, passed through and resolved", test_failed},
    {"a tier raised by the job's env", test_raised_tier},
    {"the pid of the calling process", test_pid},
    {"the filesystem policy each job got", test_policy},
    CU_TEST_INFO_NULL,
};
TST_SUITE("log.records", tests)
