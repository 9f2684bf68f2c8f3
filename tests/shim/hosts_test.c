/* Real, unmodified hosts with and without the shim at every tier: dash,
 * bash, GNU make (posix_spawn), python3 subprocess (its vfork path and its
 * posix_spawn path), perl, xargs, env, env -i, timeout, find -exec. */
#include "tests/shim/fixtures.h"
#include "tests/shim/sutil.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* What a shell host does with its jobs: run, fail to find, fail to exec,
 * exit codes, death by signal, pipes, command substitution, scripts. */
static const char shell_jobs[] = "cd \"$1\"; PATH=\"$1/bin:$PATH\"\n"
				 "target a 'b c' exit:3; echo \"rc=$?\"\n"
				 "./script.sh x y; echo \"rc=$?\"\n"
				 "nosuch-cmd; echo \"rc=$?\"\n"
				 "./err/noexec; echo \"rc=$?\"\n"
				 "./err/garbage; echo \"rc=$?\"\n"
				 "./err/badint; echo \"rc=$?\"\n"
				 "./err/dir; echo \"rc=$?\"\n"
				 "target kill:15 >/dev/null; echo \"rc=$?\"\n"
				 "echo piped | tr a-z A-Z; echo \"sub=$(cmd s)\"\n"
				 "(exec target sub-shell-exec ns) | grep -c '^ns'\n"
				 "exec target last\n";

/* The comparisons above would also pass if nothing were diverted: the
 * job must really run in its own pid namespace. */
static void assert_jobs_sandboxed(char *const argv[])
{
	struct tst_proc r;

	if (!tst_sandbox_ok())
		return;
	CU_ASSERT_EQUAL_FATAL(s_run("hardened", NULL, argv, &r), 0);
	CU_ASSERT_NOT_EQUAL(s_ns_of(r.out, "pid"), 0);
	CU_ASSERT_NOT_EQUAL(s_ns_of(r.out, "pid"), s_ns("pid"));
	tst_proc_free(&r);
}

static void shell(const char *sh)
{
	char *argv[] = {(char *)sh, "-c", (char *)shell_jobs, "sh", (char *)fx(""), NULL};
	char *ns[] = {(char *)sh, "-c", "\"$1\" ns; exit", "sh", (char *)fx("bin/target"),
		      NULL};
	s_assert_same(argv);
	assert_jobs_sandboxed(ns);
}

static void test_dash(void)
{
	shell("/bin/dash");
}

static void test_bash(void)
{
	shell("/bin/bash");
}

static void test_make(void)
{
	char mk[8192];

	/* GNU make 4.3 runs simple recipe lines with posix_spawn, others via
	 * /bin/sh; a missing command and a failing one end the build. */
	snprintf(mk, sizeof(mk),
		 "all: one two three\n"
		 "one:\n\t%s a exit:0\n\t-%s b exit:4\n"
		 "two:\n\techo $(shell %s c | head -1) && cd %s && ./script.sh m\n"
		 "three:\n\t-nosuch-command x\n\t%s\n",
		 fx("bin/target"), fx("bin/target"), fx("bin/target"), fx(""),
		 fx("err/noexec"));
	const char *file = tst_write_file("shim/Makefile", mk, 0644);
	char *argv[] = {"make", "-s", "-f", (char *)file, NULL};
	s_assert_same(argv);
	snprintf(mk, sizeof(mk), "all:\n\t%s ns\n", fx("bin/target"));
	file = tst_write_file("shim/Makefile.ns", mk, 0644);
	char *ns[] = {"make", "-s", "-f", (char *)file, NULL};
	assert_jobs_sandboxed(ns);
}

static void test_python(void)
{
	char py[8192];

	/* close_fds=False with a path that has a directory: CPython 3.11
	 * uses os.posix_spawn (subprocess._USE_POSIX_SPAWN); otherwise
	 * _posixsubprocess's vfork + one execve per PATH candidate. */
	snprintf(py, sizeof(py),
		 "import os, subprocess, sys\n"
		 "os.chdir(sys.argv[1])\n"
		 "os.environ['PATH'] = %s + ':' + os.environ['PATH']\n"
		 "for close_fds in (True, False):\n"
		 "    for cmd in (['/bin/echo', 'hi'], ['echo', 'hi'], ['nosuch'],\n"
		 "                [%s], [%s], [%s], ['target', 'x', 'exit:4'],\n"
		 "                [%s, 'kill:15']):\n"
		 "        try:\n"
		 "            r = subprocess.run(cmd, close_fds=close_fds,\n"
		 "                               capture_output=True)\n"
		 "            print(close_fds, r.returncode, r.stdout.count(b'\\n'), "
		 "r.stderr)\n"
		 "        except OSError as e:\n"
		 "            print(close_fds, type(e).__name__, e.errno, e.filename)\n",
		 "'"
		 "bin"
		 "'",
		 "'./err/noexec'", "'./err/garbage'", "'./err/dir'", "'./bin/target'");
	const char *file = tst_write_file("shim/sub.py", py, 0644);
	char *argv[] = {"/usr/bin/python3", (char *)file, (char *)fx(""), NULL};
	s_assert_same(argv);
	char *ns[] = {"/usr/bin/python3", "-c",
		      "import subprocess, sys; subprocess.run([sys.argv[1], 'ns'])",
		      (char *)fx("bin/target"), NULL};
	assert_jobs_sandboxed(ns);
}

static void test_perl(void)
{
	char pl[4096];

	snprintf(
	    pl, sizeof(pl),
	    "$| = 1;\n"
	    "system('%s', 'a', 'exit:5'); print 'system ', $? >> 8, \"\\n\";\n"
	    "system('nosuch-cmd'); print 'nosuch ', $?, ' ', $! + 0, \"\\n\";\n"
	    "system('exit 3'); print 'shell ', $? >> 8, \"\\n\";\n"
	    "my $out = `echo back; %s ticks`; print 'ticks ', length($out), \"\\n\";\n"
	    "exec('%s', 'exec') or print \"exec failed\\n\";\n",
	    fx("bin/target"), fx("bin/target"), fx("err/noexec"));
	char *argv[] = {"perl", "-e", pl, NULL};
	s_assert_same(argv);
	char *ns[] = {"perl", "-e", "system($ARGV[0], 'ns')", (char *)fx("bin/target"),
		      NULL};
	assert_jobs_sandboxed(ns);
}

static void test_xargs_env_timeout_find(void)
{
	char *xargs[] = {"xargs", "-n", "2", (char *)fx("bin/target"), NULL};
	s_assert_same_in(NULL, "a b\nc d\ne\n", xargs);
	char *xargs_missing[] = {"xargs", "nosuch-cmd", NULL};
	tst_assert_same(&(struct tst_cmp){.how = {.input = "a\n"}, .jobs = TST_NO_JOB},
			xargs_missing);

	char *env[] = {"env", "FOO=bar", (char *)fx("bin/target"), "x", NULL};
	s_assert_same(env);
	/* An empty env but for the proof's file. */
	char ns[PATH_MAX + 16];
	snprintf(ns, sizeof(ns), "%s=%s", TST_NS_VAR, tst_ns_file());
	char *env_i[] = {"env", "-i", ns, (char *)fx("bin/target"), "x", NULL};
	s_assert_same(env_i);
	char *env_missing[] = {"env", "nosuch-cmd", NULL};
	s_assert_same_jobs(TST_NO_JOB, NULL, env_missing);
	char *env_noexec[] = {"env", (char *)fx("err/noexec"), NULL};
	s_assert_same_jobs(TST_NO_JOB, NULL, env_noexec);

	char *timeout[] = {"timeout", "10",	(char *)fx("bin/target"),
			   "x",	      "exit:7", NULL};
	s_assert_same(timeout);
	char *timeout_kill[] = {"timeout",    "-s", "KILL", "0.3", (char *)tst_nsreport(),
				"/bin/sleep", "5",  NULL};
	s_assert_same(timeout_kill);

	char *find[] = {"find", (char *)fx("bin"), "-name", "cmd", "-exec",
			"{}",	"found",	   ";",	    NULL};
	s_assert_same(find);
	char *find_plus[] = {"find",  (char *)fx("bin"),	"-name", "cmd",
			     "-exec", (char *)fx("bin/target"), "{}",	 "+",
			     NULL};
	s_assert_same(find_plus);
}

static CU_TestInfo tests[] = {
    {"dash", test_dash},
    {"bash", test_bash},
    {"GNU make", test_make},
    {"python3 subprocess (vfork and posix_spawn)", test_python},
    {"perl system, exec, backticks", test_perl},
    {"xargs, env, env -i, timeout, find -exec", test_xargs_env_timeout_find},
    CU_TEST_INFO_NULL,
};
TST_SUITE("shim.hosts", tests)
