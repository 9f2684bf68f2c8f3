/* scripts/cordon as the build tree holds it ($(B)/cordon): options and their
 * errors, the environment it gives a host, `cordon run` at each tier,
 * `cordon check`, a real host through it, and the man pages. */
#include "tests/lib/cordon.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static char *cordon(void)
{
	static char path[PATH_MAX];

	if (!path[0])
		snprintf(path, sizeof(path), "%s", tst_build("cordon"));
	return path;
}

/* Runs argv with the extra "NAME=value" entries (may be NULL), nothing of
 * an outer cordon in its env. */
static void run_env(const char *const *add, char *const argv[], struct tst_proc *r)
{
	struct tst_how how = {.env = add, .timeout_ms = 30000};

	CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, r), 0);
}

static void run(char *const argv[], struct tst_proc *r)
{
	run_env(NULL, argv, r);
}

/* Exactly one line on stderr, starting with "cordon: ". */
static bool one_cordon_line(const char *err)
{
	const char *nl = strchr(err, '\n');
	return strncmp(err, "cordon: ", 8) == 0 && nl && nl[1] == '\0';
}

/* "pid:[4026531836]" of the runner. */
static const char *own_ns(const char *ns, char *buf, size_t len)
{
	char p[64];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/self/ns/%s", ns);
	n = readlink(p, buf, len - 1);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* Whether this kernel gives an unprivileged user namespace at all. */
static bool userns_ok(void)
{
	struct tst_proc r;
	char *argv[] = {"unshare", "-U", "true", NULL};
	bool ok;

	run(argv, &r);
	ok = tst_shell_status(r.status) == 0;
	if (!ok)
		tst_skip("unshare -U fails here: %.200s", r.err);
	tst_proc_free(&r);
	return ok;
}

static void test_usage_errors(void)
{
	static const struct {
		const char *args[6];
		const char *says;
	} cases[] = {
	    {{"--frob", "true"}, "unknown option '--frob'"},
	    {{"run", "-x", "true"}, "unknown option '-x'"},
	    {{"--tier"}, "option '--tier' needs a value"},
	    {{"run", "--log"}, "option '--log' needs a value"},
	    {{"--log="}, "option '--log' needs a file name"},
	    {{"--tier", "lockdwon", "true"}, "'lockdwon' is not a tier"},
	    {{"run", "--tier=Hardened", "true"}, "'Hardened' is not a tier"},
	    {{NULL}, "no host to run"},
	    {{"--tier", "none", "--"}, "no host to run"},
	    {{"run", "--tier", "hardened"}, "no command to run"},
	    {{"check", "now"}, "check takes no arguments"},
	    {{"--tmp-size", "0", "true"}, "'0' is not a value for --tmp-size"},
	    {{"run", "--tmp-size=1mb", "true"}, "'1mb' is not a value for --tmp-size"},
	    {{"--tmp-size=17179869184g", "true"},
	     "'17179869184g' is not a value for --tmp-size"},
	    {{"--tmp-size"}, "option '--tmp-size' needs a value"},
	    {{"--orphans", "keep", "true"}, "'keep' is not a value for --orphans"},
	    {{"run", "--orphans"}, "option '--orphans' needs a value"},
	    {{"--writable"}, "option '--writable' needs a value"},
	    {{"--writable=", "true"}, "option '--writable' needs a path"},
	    {{"run", "--hidden", "/a:/b", "true"},
	     "a path for '--hidden' cannot hold ':'"},
	    {{"--hidden", "/", "true"}, "'/' is not a value for --hidden"},
	    {{"--writable", "/proc/1", "true"},
	     "'/proc/1' is not a value for --writable"},
	    {{"--limit", "pids=x", "true"}, "'pids=x' is not a value for --limits"},
	    {{"run", "--limit=nofile=1,cpu=2", "true"}, "one NAME=VALUE per '--limit'"},
	    {{"--limit", "cpu=1", "--limit", "cpu=2", "true"},
	     "'cpu=1,cpu=2' is not a value for --limits"},
	    {{"--limit"}, "option '--limit' needs a value"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = {cordon()};
		struct tst_proc r;
		for (size_t k = 0; cases[i].args[k]; k++)
			argv[k + 1] = (char *)cases[i].args[k];
		run(argv, &r);
		CU_ASSERT_EQUAL(tst_shell_status(r.status), 2);
		CU_ASSERT_TRUE(one_cordon_line(r.err));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, cases[i].says));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "; try 'cordon --help'\n"));
		CU_ASSERT_EQUAL(r.out_len, 0);
		if (tst_shell_status(r.status) != 2 || !strstr(r.err, cases[i].says))
			printf("\n    case %zu: status %#x, stderr %s", i, r.status,
			       r.err);
		tst_proc_free(&r);
	}
}

static void test_help_version(void)
{
	struct tst_proc r;
	char *help[] = {cordon(), "--help", NULL};
	char *run_help[] = {cordon(), "run", "-h", NULL};
	char *version[] = {cordon(), "--version", NULL};
	unsigned a, b, c;
	char end;

	run(help, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	CU_ASSERT_EQUAL(strncmp(r.out, "usage: cordon ", 14), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "cordon run "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "cordon check"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "else lockdown"));
	CU_ASSERT_EQUAL(r.err_len, 0);
	tst_proc_free(&r);
	run(run_help, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	CU_ASSERT_EQUAL(strncmp(r.out, "usage: cordon ", 14), 0);
	tst_proc_free(&r);
	/* The build tree's copy carries VERSION (not the source tree's file). */
	run(version, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	CU_ASSERT_EQUAL(sscanf(r.out, "cordon %u.%u.%u%c", &a, &b, &c, &end), 4);
	CU_ASSERT_EQUAL(end, '\n');
	CU_ASSERT_EQUAL(r.err_len, 0);
	tst_proc_free(&r);
}

static void test_missing_parts(void)
{
	struct tst_proc r;
	/* The launcher alone, without libcordon.so next to it or in ../build. */
	char *alone[] = {
	    "sh",
	    "-c",
	    "d=\"$1/launcher-alone\"; mkdir -p \"$d\" && cp \"$2\" \"$d/cordon\" && "
	    "exec \"$d/cordon\" true",
	    "sh",
	    (char *)tst_scratch(),
	    cordon(),
	    NULL};
	char *nosuch[] = {cordon(), "run", "--tier", "hardened", "nosuch-cmd-xyz", NULL};

	run(alone, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 125);
	CU_ASSERT_TRUE(one_cordon_line(r.err));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "cannot find libcordon.so"));
	tst_proc_free(&r);
	/* A command that is not there: 127, as a shell says it. */
	run(nosuch, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 127);
	CU_ASSERT_STRING_EQUAL(r.err, "cordon: nosuch-cmd-xyz: command not found\n");
	tst_proc_free(&r);
}

/* The host gets libcordon.so first in LD_PRELOAD, by absolute path, the
 * other preloads after it, and the tier: default lockdown, else a valid
 * $CORDON_TIER, and --tier over both. */
static void test_host_env(void)
{
	static const struct {
		const char *env, *opt, *tier;
	} cases[] = {
	    {NULL, NULL, "lockdown"},
	    {"CORDON_TIER=hardened", NULL, "hardened"},
	    {"CORDON_TIER=none", NULL, "none"},
	    {"CORDON_TIER=bogus", NULL, "lockdown"},
	    {"CORDON_TIER=", NULL, "lockdown"},
	    {"CORDON_TIER=lockdown", "--tier=none", "none"},
	    {NULL, "--tier=hardened", "hardened"},
	};
	char lib[PATH_MAX], want[PATH_MAX * 2];
	const char *other = "/lib/x86_64-linux-gnu/libm.so.6";

	if (!realpath(tst_build("libcordon.so"), lib)) {
		CU_FAIL("no libcordon.so in the build tree");
		return;
	}
	if (access(other, R_OK) != 0)
		other = "";
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char pre[PATH_MAX + 16];
		const char *add[3] = {cases[i].env};
		char *argv[8] = {cordon()};
		int n = 1;
		struct tst_proc r;

		snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", other);
		add[cases[i].env ? 1 : 0] = *other ? pre : NULL;
		if (cases[i].opt)
			argv[n++] = (char *)cases[i].opt;
		argv[n++] = "--";
		argv[n++] = "sh";
		argv[n++] = "-c";
		argv[n++] = "echo \"$CORDON_TIER $LD_PRELOAD\"";
		snprintf(want, sizeof(want), "%s %s%s%s\n", cases[i].tier, lib,
			 *other ? ":" : "", other);
		run_env(add, argv, &r);
		CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
		CU_ASSERT_STRING_EQUAL(r.out, want);
		tst_proc_free(&r);
	}
}

/* --log FILE reaches the host as CORDON_LOG, made absolute. */
static void test_log_option(void)
{
	struct tst_proc r;
	char dir[PATH_MAX], want[PATH_MAX + 32];
	char *argv[] = {
	    "sh",
	    "-c",
	    "cd \"$1\" && \"$2\" --tier none --log sub/../jobs.log -- "
	    "sh -c 'echo \"$CORDON_LOG\"' && "
	    "\"$2\" run --log=/x/abs.log --tier=none sh -c 'echo \"$CORDON_LOG\"'",
	    "sh",
	    dir,
	    cordon(),
	    NULL};

	if (!realpath(tst_scratch(), dir)) {
		CU_FAIL("no scratch directory");
		return;
	}
	run(argv, &r);
	snprintf(want, sizeof(want), "%s/sub/../jobs.log\n/x/abs.log\n", dir);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	CU_ASSERT_STRING_EQUAL(r.out, want);
	tst_proc_free(&r);
}

/* --tmp-size exports CORDON_TMP_SIZE: a lockdown job of a host, and
 * cordon run's CMD, see /tmp at that size. */
static void test_tmp_size_option(void)
{
	struct tst_proc r;
	char *argv[] = {
	    "sh",
	    "-c",
	    "\"$1\" --tier lockdown --tmp-size 2m -- sh -c 'sh -c \"df -k /tmp\"' && "
	    "\"$1\" run --tier=lockdown --tmp-size=3M -- df -k /var/tmp",
	    "sh",
	    cordon(),
	    NULL};

	if (!userns_ok())
		return;
	run(argv, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, " 2048 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, " 3072 "));
	if (!strstr(r.out, " 3072 "))
		printf("\n    %s%s", r.out, r.err);
	tst_proc_free(&r);
}

/* --limit exports CORDON_LIMITS, the limits in order: a host's job and
 * cordon run's CMD get them. */
static void test_limit_option(void)
{
	struct tst_proc r;
	char *argv[] = {
	    "sh",
	    "-c",
	    "\"$1\" --tier hardened --limit nofile=33 --limit core=0 -- sh -c "
	    "'echo $CORDON_LIMITS; sh -c \"ulimit -n; ulimit -c\"' && "
	    "\"$1\" run --tier=lockdown --limit=nofile=34 -- sh -c 'ulimit -n'",
	    "sh",
	    cordon(),
	    NULL};

	if (!userns_ok())
		return;
	run(argv, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	CU_ASSERT_STRING_EQUAL(r.out, "nofile=33,core=0\n33\n0\n34\n");
	if (strcmp(r.out, "nofile=33,core=0\n33\n0\n34\n"))
		printf("\n    %s%s", r.out, r.err);
	tst_proc_free(&r);
}

/* --writable and --hidden export CORDON_WRITABLE and CORDON_HIDDEN, each
 * path made absolute and canonical (it need not exist), in order; a
 * lockdown job of a host, and cordon run's CMD, write only in the writable
 * path and cannot read the hidden one. */
static void test_policy_options(void)
{
	char dir[PATH_MAX], script[3 * PATH_MAX];
	struct tst_proc r;

	if (!userns_ok())
		return;
	snprintf(dir, sizeof(dir), "%s/launcher-policy", tst_scratch());
	mkdir(dir, 0755);
	snprintf(script, sizeof(script),
		 "cd '%s' && mkdir -p w && echo secret >h && "
		 "\"$1\" --writable w --writable ./w/../later --hidden h -- sh -c "
		 "'echo \"$CORDON_WRITABLE|$CORDON_HIDDEN\"; "
		 "sh -c \"echo in >w/f && cat w/f; cat h; echo out >f\"' 2>&1; "
		 "\"$1\" run --tier hardened --writable \"$PWD/w\" --hidden h -- sh -c "
		 "'echo run >w/g && cat w/g; cat h; echo out >g' 2>&1; "
		 "ls f g 2>&1; true",
		 dir);
	char *argv[] = {"sh", "-c", script, "sh", cordon(), NULL};
	run(argv, &r);
	char want[4 * PATH_MAX];
	snprintf(want, sizeof(want),
		 "%s/w:%s/later|%s/h\nin\ncat: h: Permission denied\n"
		 "sh: 1: cannot create f: Read-only file system\n"
		 "run\ncat: h: Permission denied\nsh: 1: cannot create g: Read-only "
		 "file system\nls: cannot access 'f': No such file or directory\n"
		 "ls: cannot access 'g': No such file or directory\n",
		 dir, dir, dir);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	CU_ASSERT_STRING_EQUAL(r.out, want);
	if (strcmp(r.out, want))
		printf("\n    got:\n%s%s\n    want:\n%s", r.out, r.err, want);
	tst_proc_free(&r);
	char *rm[] = {"rm", "-rf", dir, NULL};
	run(rm, &r);
	tst_proc_free(&r);
}

/* Whether the job's output names the runner's namespace ns. */
static bool same_ns(const char *out, const char *ns)
{
	char buf[64];
	return strstr(out, own_ns(ns, buf, sizeof(buf))) != NULL;
}

/* The host runs outside; what it starts runs inside. */
static void test_host_outside_jobs_inside(void)
{
	struct tst_proc r;
	char *host[] = {cordon(),
			"--tier",
			"lockdown",
			"--",
			"readlink",
			"/proc/self/ns/pid",
			"/proc/self/ns/net",
			NULL};
	char *jobs[] = {cordon(),
			"--tier=lockdown",
			"sh",
			"-c",
			"readlink /proc/self/ns/pid; readlink /proc/self/ns/net",
			NULL};

	if (!userns_ok())
		return;
	run(host, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	CU_ASSERT_TRUE(same_ns(r.out, "pid") && same_ns(r.out, "net"));
	tst_proc_free(&r);
	run(jobs, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "pid:["));
	CU_ASSERT_FALSE(same_ns(r.out, "pid"));
	CU_ASSERT_FALSE(same_ns(r.out, "net"));
	tst_proc_free(&r);
}

/* cordon run: CMD itself in the tier's namespaces (not only what it
 * starts: readlink is CMD); none: plainly. The exit status is CMD's; a
 * CMD named as a shell builtin (echo, false) is the program of that name. */
static void test_run_tiers(void)
{
	static const struct {
		const char *opt;
		bool new_pid, new_net;
	} cases[] = {
	    {"--tier=none", false, false},
	    {"--tier=hardened", true, false},
	    {"--tier=lockdown", true, true},
	    {"--whole", true, true}, /* deprecated spelling, default tier */
	};

	if (!userns_ok())
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tst_proc r;
		char *opt = (char *)cases[i].opt;
		char *ns[] = {cordon(),
			      "run",
			      opt,
			      "--",
			      "readlink",
			      "/proc/self/ns/pid",
			      "/proc/self/ns/net",
			      NULL};
		char *exit9[] = {cordon(), "run", opt, "sh", "-c", "echo $PPID; exit 9",
				 NULL};
		/* Names of shell builtins that are programs too: run as
		 * execvp runs them, as at tier none. */
		char *echo[] = {cordon(), "run", opt, "echo", "a", "b", NULL};
		char *no[] = {cordon(), "run", opt, "false", NULL};
		/* --whole is an option of its own: "cordon --whole ...". */
		int skip = strcmp(opt, "--whole") == 0;

		ns[skip] = exit9[skip] = echo[skip] = no[skip] = cordon();
		run(ns + skip, &r);
		CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "pid:["));
		CU_ASSERT_EQUAL(!same_ns(r.out, "pid"), cases[i].new_pid);
		CU_ASSERT_EQUAL(!same_ns(r.out, "net"), cases[i].new_net);
		tst_proc_free(&r);
		/* In a new pid namespace CMD is the child of its init. */
		run(exit9 + skip, &r);
		CU_ASSERT_EQUAL(tst_shell_status(r.status), 9);
		CU_ASSERT_EQUAL(strcmp(r.out, "1\n") == 0, cases[i].new_pid);
		tst_proc_free(&r);
		run(echo + skip, &r);
		CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
		CU_ASSERT_STRING_EQUAL(r.out, "a b\n");
		CU_ASSERT_STRING_EQUAL(r.err, "");
		tst_proc_free(&r);
		run(no + skip, &r);
		CU_ASSERT_EQUAL(tst_shell_status(r.status), 1);
		CU_ASSERT_STRING_EQUAL(r.err, "");
		tst_proc_free(&r);
	}
}

/* CMD resolved as execvp would, inside: a file without a format runs with
 * /bin/sh there; its env has the sandbox's markers and nothing of the shim. */
static void test_run_script_env(void)
{
	struct tst_proc r;
	const char *script = tst_write_file(
	    "launcher-run.sh",
	    "echo \"0=$0 $1 $CORDON_SANDBOX\"\n"
	    "echo \"preload=${LD_PRELOAD-unset} tier=${CORDON_TIER-unset}\"\n"
	    "readlink /proc/self/ns/pid; exit 6\n",
	    0755);
	char *argv[] = {cordon(),	"run", "--tier", "hardened",
			(char *)script, "a1",  NULL};
	char want[PATH_MAX + 128];

	if (!userns_ok())
		return;
	run(argv, &r);
	snprintf(want, sizeof(want), "0=%s a1 hardened\npreload=unset tier=unset\npid:[",
		 script);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 6);
	CU_ASSERT_EQUAL(strncmp(r.out, want, strlen(want)), 0);
	CU_ASSERT_FALSE(same_ns(r.out, "pid"));
	CU_ASSERT_EQUAL(r.err_len, 0);
	tst_proc_free(&r);
}

/* A libcordon.so the loader cannot preload (here: not an ELF file): run
 * refuses rather than run CMD unsandboxed, and check says so at each tier. */
static void test_run_no_preload(void)
{
	struct tst_proc r;
	char marker[PATH_MAX];
	static const char setup[] =
	    "d=\"$1/launcher-badlib\"; mkdir -p \"$d\" && "
	    "cp \"$2\" \"$3\" \"$d/\" && echo junk >\"$d/libcordon.so\" && "
	    "shift 3 && exec \"$d/cordon\" \"$@\"";
	char *run_argv[] = {"sh",
			    "-c",
			    (char *)setup,
			    "sh",
			    (char *)tst_scratch(),
			    cordon(),
			    (char *)tst_build("cordon-helper"),
			    "run",
			    "--tier=hardened",
			    "touch",
			    marker,
			    NULL};
	char *check_argv[] = {"sh",
			      "-c",
			      (char *)setup,
			      "sh",
			      (char *)tst_scratch(),
			      cordon(),
			      (char *)tst_build("cordon-helper"),
			      "check",
			      NULL};

	snprintf(marker, sizeof(marker), "%s/launcher-ran-unsandboxed", tst_scratch());
	run(run_argv, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 125);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r.err, "cordon: the dynamic loader did not preload "
			  "libcordon.so into /bin/sh; nothing runs unsandboxed"));
	CU_ASSERT_EQUAL(access(marker, F_OK), -1);
	tst_proc_free(&r);
	run(check_argv, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 1);
	CU_ASSERT_EQUAL(
	    strncmp(r.out, "none: FAILED: the dynamic loader did not preload ", 49), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nlockdown: FAILED: the dynamic loader"));
	tst_proc_free(&r);
}

/* A shell run through the launcher sees what it sees without it, and its
 * jobs run in the sandbox (nsreport, which reports its own namespaces,
 * alone and in a pipe). */
static void test_dash_transparent(void)
{
	char jobs[4 * PATH_MAX];
	struct tst_proc plain, r;
	char *direct[] = {"dash", "-c", jobs, NULL};
	char *through[] = {cordon(), "--tier", "lockdown", "--",
			   "dash",   "-c",     jobs,	   NULL};

	snprintf(jobs, sizeof(jobs),
		 "echo start; ls / >/dev/null && echo ls-ok\n"
		 "printf '%%s\\n' b a c | sort | tr a-z A-Z\n"
		 "cat /nonexistent-file; echo \"cat=$?\"\n"
		 "nosuch-cmd-xyz; echo \"nf=$?\"\n"
		 "sh -c 'kill -TERM $$'; echo \"sig=$?\"\n"
		 "'%s'; echo piped | '%s' cat\n"
		 "echo \"sub=$(echo inner)\"; exit 7\n",
		 tst_nsreport(), tst_nsreport());
	if (!userns_ok())
		return;
	tst_ns_reset();
	run(direct, &plain);
	CU_ASSERT_EQUAL(tst_ns_check(NULL, "dash"), 2);
	tst_ns_reset();
	run(through, &r);
	CU_ASSERT_EQUAL(tst_ns_check("lockdown", "dash through cordon --tier lockdown"),
			2);
	CU_ASSERT_EQUAL(tst_shell_status(plain.status), 7);
	tst_assert_same_run("dash through cordon --tier lockdown", &plain, &r);
	tst_proc_free(&plain);
	tst_proc_free(&r);
}

/* check's layout line for the helper and library in dir: whether this
 * user could replace them (the file, then its directory). */
static const char *layout_line(const char *dir)
{
	static char line[3 * PATH_MAX];
	char helper[PATH_MAX + 16], real[PATH_MAX + 16];
	const char *w = NULL;

	snprintf(helper, sizeof(helper), "%s/cordon-helper", dir);
	if (!realpath(helper, real))
		snprintf(real, sizeof(real), "%s", helper);
	if (tst_is_root()) {
		snprintf(line, sizeof(line),
			 "layout: ok (a root caller's jobs get a read-only host at both "
			 "tiers)\n");
		return line;
	}
	if (access(real, W_OK) == 0)
		w = real;
	else if (access(dir, W_OK) == 0)
		w = dir;
	if (w)
		snprintf(
		    line, sizeof(line),
		    "layout: unsafe: %s is writable by uid %u, so a hardened job of "
		    "this user could replace %s for every later job (the shim refuses "
		    "such jobs); fix: install "
		    "cordon where this user cannot write (make install as root), or "
		    "give the host CORDON_WRITABLE (its jobs then get a read-only "
		    "host)\n",
		    w, (unsigned)getuid(), real);
	else
		snprintf(
		    line, sizeof(line),
		    "layout: ok (uid %u cannot replace the helper or libcordon.so)\n",
		    (unsigned)getuid());
	return line;
}

/* check's limits line: what the helper enforces for this caller on this
 * kernel (mem nowhere yet; pids not for root, not before 5.14). */
static const char *limits_line(void)
{
	static char line[2048];
	struct utsname u;
	int major = 0, minor = 0;
	bool pids;

	if (uname(&u) == 0)
		sscanf(u.release, "%d.%d", &major, &minor);
	pids = !tst_is_root() && (major > 5 || (major == 5 && minor >= 14));
	snprintf(
	    line, sizeof(line),
	    "limits: ok: time, cpu, nofile, fsize, core, userns, inotify, tmp%s; not "
	    "enforced here, so refused: %s%smem (the job's memory (mem=): cordon "
	    "enforces it through the memory controller of a cgroup v2 directory "
	    "delegated to this user, and CORDON_CGROUP names none; set it, or "
	    "remove mem= from CORDON_LIMITS)\n",
	    pids ? ", pids" : "",
	    pids	    ? ""
	    : tst_is_root() ? "pids (a root caller's processes (pids=): the kernel "
			      "exempts uid 0 from RLIMIT_NPROC, so it takes a pids "
			      "cgroup, and CORDON_CGROUP names none; set it, or remove "
			      "pids=)"
			    : "pids (the job's processes (pids=): Linux 5.14 or later "
			      "counts them per user namespace, this kernel counts every "
			      "process of the uid, so it takes a pids cgroup, and "
			      "CORDON_CGROUP names none; set it, or remove pids=)",
	    pids ? "" : "; ");
	return line;
}

/* The directory of the build's helper. */
static const char *build_dir(void)
{
	static char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", tst_build("cordon-helper"));
	*strrchr(dir, '/') = '\0';
	return dir;
}

/* What check says of the policy and the scopes on this kernel, from the
 * helper's own probe of it, and of the build's layout. */
static const char *policy_lines(void)
{
	static char lines[4 * PATH_MAX];
	char *argv[] = {(char *)tst_build("cordon-helper"), "--features", NULL};
	struct tst_proc r;
	const char *abi;
	int n = 0;

	run(argv, &r);
	abi = strstr(r.out, "landlock ");
	if (abi)
		n = atoi(abi + 9);
	snprintf(
	    lines, sizeof(lines),
	    "policy: ok (read-only host, writable and hidden paths: %s)\nscopes: %s\n",
	    strstr(r.out, "mount_setattr yes")
		? "mount_setattr"
		: "a remount per mount, slower than with Linux 5.12's mount_setattr",
	    n >= 6 ? "ok (Landlock ABI " : "missing: ");
	if (n >= 6)
		snprintf(lines + strlen(lines) - 1, sizeof(lines) - strlen(lines) + 1,
			 "%d: jobs stay in the host's process group, their kill(0) "
			 "reaching only their own processes; hardened jobs cannot reach "
			 "the host's abstract unix sockets)\n",
			 n);
	else
		snprintf(lines + strlen(lines) - 1, sizeof(lines) - strlen(lines) + 1,
			 "each job gets a process group of its own (a signal to its pid "
			 "reaches that whole group; what it leaves running is not in "
			 "the host's group) and hardened jobs reach the host's abstract "
			 "unix sockets (Landlock ABI 6, Linux 6.12, closes them; this "
			 "kernel: ABI %d); use lockdown where the sockets matter\n",
			 n);
	tst_proc_free(&r);
	snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines), "%s%s",
		 limits_line(), layout_line(build_dir()));
	return lines;
}

static void test_check_ok(void)
{
	struct tst_proc r;
	char *argv[] = {cordon(), "check", NULL};
	char want[1024];

	if (!userns_ok())
		return;
	run(argv, &r);
	snprintf(want, sizeof(want), "none: ok\nhardened: ok\nlockdown: ok\n%s",
		 policy_lines());
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	CU_ASSERT_STRING_EQUAL(r.out, want);
	CU_ASSERT_EQUAL(r.err_len, 0);
	tst_proc_free(&r);
}

/* A kernel without mount_setattr (5.10, 5.11) and Landlock's scopes: the
 * policy by remounts, the scopes reported missing, not a failure. Without
 * open_tree (a seccomp policy): writable paths fail, and with them a root
 * caller's tiers (the device nodes it keeps are clones). */
static void test_check_old_kernel(void)
{
	char *old[] = {(char *)tst_build("tests/helper/nosyscall"),
		       "38",
		       "442,444",
		       cordon(),
		       "check",
		       NULL};
	char *noclone[] = {(char *)tst_build("tests/helper/nosyscall"),
			   "1",
			   "428",
			   cordon(),
			   "check",
			   NULL};
	char want[4 * PATH_MAX];
	struct tst_proc r;

	if (!userns_ok())
		return;
	run(old, &r);
	if (tst_shell_status(r.status) == 120) {
		tst_skip("no seccomp filter can be installed here: %.200s", r.err);
		tst_proc_free(&r);
		return;
	}
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	snprintf(want, sizeof(want),
		 "none: ok\nhardened: ok\nlockdown: ok\n"
		 "policy: ok (read-only host, writable and hidden paths: a remount per "
		 "mount, slower than with Linux 5.12's mount_setattr)\n"
		 "scopes: missing: each job gets a process group of its own (a "
		 "signal to its pid reaches that whole group; what it leaves running "
		 "is not in the host's group) and hardened jobs reach the host's "
		 "abstract unix sockets (Landlock ABI 6, Linux 6.12, closes them; "
		 "this kernel: ABI 0); use lockdown where the sockets matter\n%s%s",
		 limits_line(), layout_line(build_dir()));
	CU_ASSERT_STRING_EQUAL(r.out, want);
	tst_proc_free(&r);
	run(noclone, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 1);
	if (tst_is_root()) {
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "hardened: FAILED: cannot keep "));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\npolicy: not checked"));
	} else {
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nlockdown: ok\npolicy: FAILED: "
						     "cannot keep "));
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "open_tree (Linux 5.2+): Operation not "
					     "permitted; fix: Linux 5.12 or later"));
	if (tst_shell_status(r.status) != 1 || !strstr(r.out, "open_tree"))
		printf("\n    status %#x\n%s%s", r.status, r.out, r.err);
	tst_proc_free(&r);
}

/* user.max_user_namespaces is per user namespace: 0 in a new one refuses
 * every further user namespace beneath it; max_net_namespaces 0 refuses
 * lockdown alone. */
static void test_check_userns_refused(void)
{
	static const struct {
		const char *kind, *want;
	} runs[] = {
	    {"user", "none: ok\nhardened: FAILED: user namespaces are disabled: "
		     "user.max_user_namespaces is 0; fix: sysctl -w "
		     "user.max_user_namespaces=15000 (persist it in /etc/sysctl.d/)\n"
		     "lockdown: FAILED: user namespaces are disabled: "
		     "user.max_user_namespaces is 0; fix: sysctl -w "
		     "user.max_user_namespaces=15000 (persist it in /etc/sysctl.d/)\n"
		     "policy: not checked: lockdown does not work here\n"},
	    {"net", "none: ok\nhardened: ok\nlockdown: FAILED: net namespaces are "
		    "disabled: user.max_net_namespaces is 0; fix: sysctl -w "
		    "user.max_net_namespaces=15000 (persist it in /etc/sysctl.d/)\n"
		    "policy: not checked: lockdown does not work here\n"},
	};
	struct tst_proc r;
	char cmd[PATH_MAX + 128];
	char *argv[] = {"unshare", "-U", "-r", "sh", "-c", cmd, NULL};

	if (!userns_ok())
		return;
	for (size_t k = 0; k < sizeof(runs) / sizeof(runs[0]); k++) {
		snprintf(cmd, sizeof(cmd),
			 "echo 0 >/proc/sys/user/max_%s_namespaces || exit 99; exec '%s' "
			 "check",
			 runs[k].kind, cordon());
		run(argv, &r);
		if (tst_shell_status(r.status) == 99) {
			tst_skip("user.max_%s_namespaces is not writable in a user "
				 "namespace: %.200s",
				 runs[k].kind, r.err);
			tst_proc_free(&r);
			return;
		}
		CU_ASSERT_EQUAL(tst_shell_status(r.status), 1);
		CU_ASSERT_STRING_EQUAL(r.out, runs[k].want);
		tst_proc_free(&r);
	}
}

/* Ubuntu 23.10+'s AppArmor refusal, simulated: the namespaces refused (the
 * seccomp filter above) where kernel.apparmor_restrict_unprivileged_userns
 * reads 1 (a tmpfs over /proc/sys/kernel holds that file alone). check
 * reads the sysctl and names it, with both fixes. */
static void test_check_apparmor(void)
{
	struct tst_proc r;
	char cmd[2 * PATH_MAX + 256];
	char *argv[] = {"unshare", "-U", "-r", "-m", "sh", "-c", cmd, NULL};

	if (!userns_ok())
		return;
	snprintf(
	    cmd, sizeof(cmd),
	    "mount -t tmpfs none /proc/sys/kernel && "
	    "echo 1 >/proc/sys/kernel/apparmor_restrict_unprivileged_userns || exit 99; "
	    "exec '%s' '%s' check",
	    tst_build("tests/launcher/nouserns"), cordon());
	run(argv, &r);
	if (tst_shell_status(r.status) == 99 || tst_shell_status(r.status) == 120) {
		tst_skip("cannot simulate the AppArmor sysctl here: %.200s", r.err);
		tst_proc_free(&r);
		return;
	}
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 1);
	CU_ASSERT_EQUAL(
	    strncmp(r.out,
		    "none: ok\nhardened: FAILED: AppArmor restricts unprivileged "
		    "user namespaces: "
		    "kernel.apparmor_restrict_unprivileged_userns is 1; fix: "
		    "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, "
		    "or give ",
		    198),
	    0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out,
				      " an AppArmor profile with 'userns,'\nlockdown: "
				      "FAILED: AppArmor restricts"));
	if (tst_shell_status(r.status) != 1 ||
	    strncmp(r.out, "none: ok\nhardened: FAILED: A", 28))
		printf("\n    status %#x\n%s%s", r.status, r.out, r.err);
	tst_proc_free(&r);
}

/* A /proc with parts covered, as container runtimes mask /proc/sys and
 * others: the kernel refuses a fresh proc mount below it (it would show
 * what the mask hides), and both tiers mount one. */
static void test_check_masked_proc(void)
{
	struct tst_proc r;
	char cmd[PATH_MAX + 128];
	char *argv[] = {"unshare", "-U", "-r", "-m", "sh", "-c", cmd, NULL};

	if (!userns_ok())
		return;
	snprintf(cmd, sizeof(cmd),
		 "mount -t tmpfs none /proc/sys || exit 99; exec '%s' check", cordon());
	run(argv, &r);
	if (tst_shell_status(r.status) == 99) {
		tst_skip("cannot cover /proc/sys in a user and mount namespace: %.200s",
			 r.err);
		tst_proc_free(&r);
		return;
	}
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 1);
#define MASKED                                                                           \
	"FAILED: a fresh /proc cannot be mounted (a container's masked /proc?): "        \
	"cannot mount proc on /proc: Operation not permitted; fix: run the container "   \
	"with an unmasked /proc (--security-opt systempaths=unconfined)\n"
	CU_ASSERT_STRING_EQUAL(r.out,
			       "none: ok\nhardened: " MASKED "lockdown: " MASKED
			       "policy: not checked: lockdown does not work here\n");
	tst_proc_free(&r);
}

/* Under a seccomp filter that refuses clone(CLONE_NEWUSER) with EPERM, as
 * container runtimes' default profiles do, check names the filter. */
static void test_check_seccomp(void)
{
	struct tst_proc r;
	char *argv[] = {(char *)tst_build("tests/launcher/nouserns"), cordon(), "check",
			NULL};

	run(argv, &r);
	if (tst_shell_status(r.status) == 120) {
		tst_skip("no seccomp filter can be installed here: %.200s", r.err);
		tst_proc_free(&r);
		return;
	}
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 1);
	CU_ASSERT_EQUAL(strncmp(r.out, "none: ok\nhardened: FAILED: ", 27), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nlockdown: FAILED: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "runs under a seccomp filter"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r.out, "them: clone: Operation not permitted; fix: "));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r.out, "fix: run the container with a seccomp profile"));
	if (tst_shell_status(r.status) != 1 || !strstr(r.out, "seccomp filter"))
		printf("\n    status %#x\n%s%s", r.status, r.out, r.err);
	tst_proc_free(&r);
}

/* A chrooted root host: the kernel refuses new user namespaces in a
 * chroot whatever the sysctls say, and check says that, not sysctl advice.
 * The chroot is a bind of / (the kernel counts any root that is not the
 * mount namespace's as a chroot), in a mount namespace of the test's own. */
static void test_check_chroot(void)
{
	char cmd[3 * PATH_MAX], helper[PATH_MAX + 32];
	char *argv[] = {"unshare", "-m", "sh", "-c", cmd, NULL};
	const char *fake =
	    tst_write_file("chroot-helper",
			   "#!/bin/sh\necho chroot >&3\n"
			   "echo 'cordon: the kernel refused ... in a chroot' >&2\n"
			   "exit 125\n",
			   0755);
	struct tst_proc r;

	/* check's reading of the helper's cause: a stand-in that says it. */
	snprintf(helper, sizeof(helper), "CORDON_HELPER=%s", fake);
	run_env((const char *[]){helper, NULL}, (char *[]){cordon(), "check", NULL}, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out,
				      "hardened: FAILED: this process runs in a chroot, "
				      "where Linux allows no new user namespace; fix: "));
	CU_ASSERT_PTR_NULL(strstr(r.out, "sysctl"));
	tst_proc_free(&r);
	if (!tst_is_root()) {
		tst_skip("chroot(2) needs root: the helper's own chroot diagnosis is "
			 "tested in the run as root");
		return;
	}
	/* The helper itself in a chroot: a plain directory holding it (and
	 * its libraries, where SANITIZE=1 builds it dynamic) and the host's
	 * /proc, in a mount namespace of the test's own. */
	snprintf(cmd, sizeof(cmd),
		 "d=$(mktemp -d '%s/chroot.XXXXXX') && mkdir \"$d/proc\" && "
		 "cp '%s' \"$d/h\" && mount --bind /proc \"$d/proc\" && "
		 "for l in $(ldd \"$d/h\" 2>/dev/null | grep -o '/[^ ]*'); do "
		 "mkdir -p \"$d${l%%/*}\" && cp \"$l\" \"$d$l\" || exit 97; done; "
		 "chroot \"$d\" /h --status-fd 3 hardened - /h x 3>&1; rc=$?; "
		 "umount \"$d/proc\"; rm -rf \"$d\"; exit $rc",
		 tst_scratch(), tst_build("cordon-helper"));
	run(argv, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 125);
	CU_ASSERT_STRING_EQUAL(r.out, "chroot\n");
	CU_ASSERT_TRUE(one_cordon_line(r.err));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "the caller runs in a chroot"));
	CU_ASSERT_PTR_NULL(strstr(r.err, "sysctl"));
	if (tst_shell_status(r.status) != 125)
		printf("\n    status %#x\n%s%s", r.status, r.out, r.err);
	tst_proc_free(&r);
}
/* A helper and library this user may change (a build tree of its own): a
 * hardened job of an ordinary caller could replace them for every later
 * job, so the shim refuses it, and check says so: hardened fails, with the
 * shim's line, and the layout is unsafe. A root caller's jobs get a
 * read-only host: every tier ok. */
static void test_check_layout(void)
{
	char cmd[8 * PATH_MAX], dir[PATH_MAX + 16], want[4 * PATH_MAX];
	char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	struct tst_proc r;

	if (!userns_ok())
		return;
	snprintf(dir, sizeof(dir), "%s/own-build", tst_scratch());
	snprintf(
	    cmd, sizeof(cmd),
	    "rm -rf '%s' && mkdir '%s' && cp '%s' '%s' '%s' '%s/' && exec '%s/cordon' "
	    "check",
	    dir, dir, cordon(), tst_build("cordon-helper"), tst_build("libcordon.so"),
	    dir, dir);
	run(argv, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), tst_is_root() ? 0 : 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, tst_is_root() ? "\nhardened: ok\n"
							   : "\nhardened: FAILED: uid "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nlockdown: ok\n"));
	snprintf(want, sizeof(want), "\n%s", layout_line(dir));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, tst_is_root()
						 ? "\nlayout: ok (a root caller's"
						 : "\nlayout: unsafe: "));
	if (!strstr(r.out, want))
		printf("\n    want %s    got  %s", want, r.out);
	tst_proc_free(&r);
}

/* A helper that is not there fails the sandboxed tiers, not none. */
static void test_check_no_helper(void)
{
	struct tst_proc r;
	const char *add[] = {"CORDON_HELPER=/nonexistent/cordon-helper", NULL};
	char *argv[] = {cordon(), "check", NULL};

	run_env(add, argv, &r);
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 1);
	CU_ASSERT_EQUAL(strncmp(r.out,
				"none: ok\nhardened: FAILED: the helper "
				"/nonexistent/cordon-helper is missing",
				64),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "; fix: "));
	tst_proc_free(&r);
}

/* Every page formats without a warning (and the redirect resolves). */
static void test_man_pages(void)
{
	static const char *const pages[] = {"man1/cordon.1", "man7/cordon.7",
					    "man7/libcordon.so.7",
					    "man8/cordon-helper.8"};
	char dir[PATH_MAX];

	if (access("/usr/bin/man", X_OK) != 0) {
		tst_skip(
		    "man is not installed (scripts/install-deps check installs man-db)");
		return;
	}
	snprintf(dir, sizeof(dir), "%s", tst_build("tests/launcher/man"));
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct tst_proc r;
		char *argv[] = {
		    "sh",
		    "-c",
		    "cd \"$1\" && exec man --warnings -E UTF-8 -l -Tutf8 \"$2\"",
		    "sh",
		    dir,
		    (char *)pages[i],
		    NULL};
		run(argv, &r);
		CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
		CU_ASSERT_EQUAL(r.err_len, 0);
		CU_ASSERT_TRUE(r.out_len > 500);
		if (r.err_len || tst_shell_status(r.status) != 0)
			printf("\n    %s: status %#x\n%.1000s", pages[i], r.status,
			       r.err);
		tst_proc_free(&r);
	}
}

static CU_TestInfo usage_tests[] = {
    {"usage errors: exit 2, one line", test_usage_errors},
    {"--help and --version", test_help_version},
    {"missing parts: 125; missing command: 127", test_missing_parts},
    {"LD_PRELOAD first, others kept; the default tier", test_host_env},
    {"--log exports CORDON_LOG, absolute", test_log_option},
    {"--tmp-size exports CORDON_TMP_SIZE", test_tmp_size_option},
    {"--limit exports CORDON_LIMITS", test_limit_option},
    {"--writable and --hidden export the lists", test_policy_options},
    CU_TEST_INFO_NULL,
};
static CU_TestInfo run_tests[] = {
    {"host outside, its jobs inside", test_host_outside_jobs_inside},
    {"run: CMD itself inside, at each tier; builtins' names too", test_run_tiers},
    {"run: a script, and the env CMD gets", test_run_script_env},
    {"run: refuses when the shim is not preloaded", test_run_no_preload},
    {"dash through the launcher sees the same", test_dash_transparent},
    CU_TEST_INFO_NULL,
};
static CU_TestInfo check_tests[] = {
    {"every tier ok here", test_check_ok},
    {"user namespaces refused: names the sysctl", test_check_userns_refused},
    {"user namespaces refused by seccomp: names the filter", test_check_seccomp},
    {"a masked /proc: both tiers fail", test_check_masked_proc},
    {"no mount_setattr, no scopes, no open_tree", test_check_old_kernel},
    {"AppArmor's userns restriction (simulated): names the sysctl", test_check_apparmor},
    {"no helper", test_check_no_helper},
    {"a layout this user can change: said unsafe", test_check_layout},
    {"a chrooted host: names the chroot", test_check_chroot},
    CU_TEST_INFO_NULL,
};
static CU_TestInfo man_tests[] = {
    {"every page formats without warnings", test_man_pages},
    CU_TEST_INFO_NULL,
};
TST_SUITE("launcher.options", usage_tests)
TST_SUITE("launcher.run", run_tests)
TST_SUITE("launcher.check", check_tests)
TST_SUITE("launcher.man", man_tests)
