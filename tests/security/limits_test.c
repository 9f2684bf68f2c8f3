/* Per-job limits (CORDON_LIMITS, docs/shim.md): each one seen inside and
 * enforced, with the run without cordon as the control (which the limit
 * does not touch); what cannot be enforced refused with one line; bad
 * values fail closed. Hosts are dash with the shim preloaded; every job
 * that ran proves its namespaces. */
#include "tests/security/sec.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

/* script through a dash host at tier (NULL: plainly) with the limits. */
static void host(const char *tier, const char *limits, const char *script,
		 struct tst_proc *r)
{
	char env[512], w[PATH_MAX + 32];
	const char *extra[] = {env, w, NULL};
	char *argv[] = {"dash", "-c", (char *)script, NULL};
	struct tst_how how = {
	    .tier = tier, .env = limits ? extra : NULL, .timeout_ms = 60000};

	snprintf(env, sizeof(env), "CORDON_LIMITS=%s", limits ? limits : "");
	/* The jobs write in the scratch alone (a root caller's host is
	 * read-only to its jobs anyway). */
	snprintf(w, sizeof(w), "CORDON_WRITABLE=%s", tst_scratch());
	tst_ns_reset();
	CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, r), 0);
}

static void expect(const struct tst_proc *r, const char *what, const char *want)
{
	CU_ASSERT_STRING_EQUAL(r->out, want);
	if (strcmp(r->out, want))
		printf("\n    %s: want %s    got %s|%s", what, want, r->out, r->err);
}

/* The rlimits: seen inside (ulimit) and enforced (a 2 MiB file under
 * fsize=1m, 100 files under nofile=40, a busy loop under cpu=1). */
static void test_rlimits(void)
{
	char script[2048];
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	snprintf(script, sizeof(script),
		 "%s; sh -c 'echo $(ulimit -t) $(ulimit -n) $(ulimit -f) $(ulimit -c)'; "
		 "sh -c 'head -c 2097152 /dev/zero > %s/limits-fsize 2>/dev/null; "
		 "echo fsize $?; rm -f %s/limits-fsize'; "
		 "sh -c 'exec python3 -c \"\nimport os\nfs = []\ntry:\n    for i in "
		 "range(100): fs.append(os.open(\\\"/dev/null\\\", os.O_RDONLY))\nexcept "
		 "OSError as e: print(\\\"nofile\\\", e.errno == 24)\nelse: "
		 "print(\\\"nofile\\\", \\\"all\\\")\"'; "
		 "timeout 5 sh -c 'while :; do :; done'; echo cpu $?",
		 tst_nsreport(), tst_scratch(), tst_scratch());
	/* The control: the host's limits, none of these. */
	host(NULL, "cpu=1,nofile=40,fsize=1m,core=0", "sh -c 'echo $(ulimit -f)'", &r);
	CU_ASSERT_STRING_NOT_EQUAL(r.out, "2048\n");
	tst_proc_free(&r);
	for (int t = 0; t < 2; t++) {
		host(tiers[t], "cpu=1,nofile=40,fsize=1m,core=0", script, &r);
		/* dash's ulimit -f counts 512-byte blocks; 153: SIGXFSZ; cpu:
		 * SIGKILL at the hard limit (137), where timeout(1) would say
		 * 124. */
		expect(&r, tiers[t], "1 40 2048 0\nfsize 153\nnofile True\ncpu 137\n");
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		tst_proc_free(&r);
	}
}

/* A limit only lowers: where the host's hard limit is already below it,
 * the job keeps that one (soft and hard); below it, the job gets the
 * limit. The control shows the host's soft and hard limits. */
static void test_lower_hard(void)
{
	char script[512];
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	snprintf(
	    script, sizeof(script),
	    "ulimit -Sn 30; ulimit -Hn 50; %s sh -c 'echo $(ulimit -Sn) $(ulimit -Hn)'",
	    tst_nsreport());
	host(NULL, "nofile=64",
	     "ulimit -Sn 30; ulimit -Hn 50; sh -c 'echo $(ulimit -Sn) $(ulimit -Hn)'",
	     &r);
	expect(&r, "control", "30 50\n");
	tst_proc_free(&r);
	for (int t = 0; t < 2; t++) {
		host(tiers[t], "nofile=64", script, &r);
		expect(&r, tiers[t], "50 50\n");
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		tst_proc_free(&r);
		host(tiers[t], "nofile=40", script, &r);
		expect(&r, tiers[t], "40 40\n");
		tst_proc_free(&r);
	}
}

/* pids=N: a job that starts 40 sleepers gets N - 1 of them (its shell is
 * one of the N: python3 forks them), and meanwhile the host spawns a job
 * as before (a sandbox of its own, counted apart); a root caller's
 * job is refused (the kernel exempts uid 0), as is a kernel before 5.14. */
static void test_pids(void)
{
	char script[2 * PATH_MAX + 1024];
	/* python3 says how many it forked once it has them all, keeps them a
	 * while, and the host spawns meanwhile (waiting for the count, not a
	 * clock: a loaded machine starts python3 slowly). */
	snprintf(
	    script, sizeof(script),
	    "f=%s/limits-pids; rm -f $f; "
	    "python3 -c 'import os, signal, time\nkids = []\nfor i in range(40):\n    "
	    "try:\n        p = os.fork()\n    except OSError:\n        break\n    if "
	    "p == 0:\n        time.sleep(30)\n        os._exit(0)\n    "
	    "kids.append(p)\nprint(\"started\", len(kids), flush=True)\n"
	    "time.sleep(1)\nfor p in kids:\n    os.kill(p, signal.SIGKILL)\n    "
	    "os.waitpid(p, 0)' > $f & "
	    "while [ ! -s $f ] && kill -0 $! 2>/dev/null; do sleep 0.05; done; "
	    "/bin/echo host spawns; wait; cat $f; rm -f $f",
	    tst_scratch());
	struct utsname u;
	int major = 0, minor = 0;
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	if (uname(&u) == 0)
		sscanf(u.release, "%d.%d", &major, &minor);
	host(NULL, "pids=8", script, &r);
	expect(&r, "plain", "host spawns\nstarted 40\n");
	tst_proc_free(&r);
	for (int t = 0; t < 2; t++) {
		host(tiers[t], "pids=8", script, &r);
		if (tst_is_root() || major < 5 || (major == 5 && minor < 14)) {
			CU_ASSERT_STRING_EQUAL(r.out, "");
			CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "cordon: cannot limit "));
			CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "(pids=)"));
		} else {
			expect(&r, tiers[t], "host spawns\nstarted 7\n");
		}
		tst_proc_free(&r);
	}
}

/* time=2: a 10 s job ends within a second of its limit, by SIGKILL (as
 * timeout -s KILL), with the line; what it left (a sleeper) goes with it.
 * The control: the sleeper outlives its job. */
static void test_time(void)
{
	char script[1024];
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	snprintf(
	    script, sizeof(script),
	    "%s; s=$(date +%%s%%N); sh -c 'sleep 61.25 >/dev/null 2>&1 & exec sleep 10'; "
	    "rc=$?; "
	    "e=$(date +%%s%%N); echo rc $rc; echo secs $(( (e - s) / 1000000000 )); "
	    "sleep 0.3; pgrep -x -f 'sleep 61.25' >/dev/null && echo left || echo gone",
	    tst_nsreport());
	host(NULL, "time=2",
	     "sh -c 'sleep 61.25 >/dev/null 2>&1 & exit 3'; echo rc $?; pgrep -x -f "
	     "'sleep 61.25' "
	     ">/dev/null && echo left; pkill -x -f 'sleep 61.25'",
	     &r);
	expect(&r, "plain", "rc 3\nleft\n");
	tst_proc_free(&r);
	for (int t = 0; t < 2; t++) {
		host(tiers[t], "time=2", script, &r);
		expect(&r, tiers[t], "rc 137\nsecs 2\ngone\n");
		CU_ASSERT_PTR_NOT_NULL(strstr(
		    r.err, "cordon: the job ran out of its time limit (time=2 s)"));
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		tst_proc_free(&r);
		/* From here, outside any sandbox: what a failed limit left. */
		char *pkill[] = {"pkill", "-x", "-f", "sleep 61.25", NULL};
		if (tst_run(pkill, NULL, &r) == 0)
			tst_proc_free(&r);
	}
}

/* time=1 and a job that keeps its monitor and init busy: it stops itself
 * over and over while its child continues it (stopstorm). Killed within
 * two seconds of its limit (a loaded machine's margin), with the line, at
 * both tiers; the control runs its 5 s and says so. Without a limit, the same job runs to
 * its end and its host sees that end (the monitor, stopped and continued with it, is
 * never left stopped). And with the monitor stopped by its host for 4 s (which it does
 * not pass on: the job runs on, and after 0.6 s starts its storm), init, whose notes then
 * fill the channel, still ends the sandbox a moment after the limit (time=2): the storm's
 * last word is from before 2.6 s of its own (the host continues the monitor 3.7 s into
 * it), and the host sees SIGKILL once it continues the monitor. The limit is the job's
 * own (its env lowers the host's none): the host's sleeps are jobs too. */
static void test_time_storm(void)
{
	char body[PATH_MAX + 256], script[4 * PATH_MAX];
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	snprintf(body, sizeof(body),
		 "s=$(date +%%s%%N); %s 5; rc=$?; e=$(date +%%s%%N); echo rc $rc; "
		 "echo late $(( (e - s) / 1000000000 > 3 ))",
		 tst_build("tests/security/stopstorm"));
	host(NULL, "time=1", body, &r);
	expect(&r, "plain", "ran 5\nrc 0\nlate 1\n");
	tst_proc_free(&r);
	for (int t = 0; t < 2; t++) {
		snprintf(script, sizeof(script), "%s; %s 2; echo rc $?", tst_nsreport(),
			 tst_build("tests/security/stopstorm"));
		host(tiers[t], NULL, script, &r);
		expect(&r, tiers[t], "ran 2\nrc 0\n");
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		tst_proc_free(&r);
		snprintf(script, sizeof(script), "%s; %s", tst_nsreport(), body);
		host(tiers[t], "time=1", script, &r);
		expect(&r, tiers[t], "rc 137\nlate 0\n");
		CU_ASSERT_PTR_NOT_NULL(strstr(
		    r.err, "cordon: the job ran out of its time limit (time=1 s)"));
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		tst_proc_free(&r);
		snprintf(script, sizeof(script),
			 "f=%s/storm-ran; rm -f $f; CORDON_LIMITS=time=2 sh -c \"%s; "
			 "sleep 0.6; "
			 "exec %s 7 $f\" & p=$!; sleep 0.3; kill -STOP $p; sleep 4; "
			 "kill -CONT $p; wait $p; echo rc $?; "
			 "awk '{ print \"late\", ($1 > 2.6) }' $f; rm -f $f",
			 tst_scratch(), tst_nsreport_sh(),
			 tst_build("tests/security/stopstorm"));
		host(tiers[t], "", script, &r);
		expect(&r, tiers[t], "rc 137\nlate 0\n");
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		tst_proc_free(&r);
		/* No limit, the monitor stopped by its host while the job
		 * stops itself thousands of times and then exits 3: the host
		 * sees 3 once it continues the monitor (init's end note is
		 * never lost among its stop notes). */
		snprintf(script, sizeof(script),
			 "sh -c \"%s; sleep 0.4; exec %s 1 - 3\" >/dev/null & p=$!; "
			 "sleep 0.2; kill -STOP $p; sleep 2; kill -CONT $p; wait $p; "
			 "echo rc $?",
			 tst_nsreport_sh(), tst_build("tests/security/stopstorm"));
		host(tiers[t], "", script, &r);
		expect(&r, tiers[t], "rc 3\n");
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		tst_proc_free(&r);
	}
}

/* time=2 and a host that reads its job's stderr only after its wait
 * (python3's Popen(stderr=PIPE).wait()): the job fills that pipe and
 * sleeps. The host's wait ends 2 s in, with SIGKILL, as with the control
 * `timeout -s KILL 2`: the monitor's line finds no room and is dropped
 * rather than hold the pid the host waits on. The interpreter itself is
 * the host (a python3 found in PATH may be a wrapper script that would
 * make it a job). */
static void test_time_full_stderr(void)
{
	static const char host_py[] =
	    "import subprocess, sys, time\n"
	    "t = time.monotonic()\n"
	    "p = subprocess.Popen(sys.argv[1:], stderr=subprocess.PIPE)\n"
	    "try:\n"
	    "    rc = p.wait(timeout=15)\n"
	    "except subprocess.TimeoutExpired:\n"
	    "    p.kill(); rc = 'hung'\n"
	    "print('rc', rc, 'late', int(time.monotonic() - t > 4))\n";
	const char *env[] = {"CORDON_LIMITS=time=2", NULL};
	struct tst_how how = {.env = env, .timeout_ms = 60000};
	char *job[] = {"/usr/bin/python3",
		       "-c",
		       (char *)host_py,
		       "sh",
		       "-c",
		       "head -c 200000 /dev/zero >&2; sleep 30",
		       NULL};
	char *ctl[] = {"/usr/bin/python3",
		       "-c",
		       (char *)host_py,
		       "timeout",
		       "-s",
		       "KILL",
		       "2",
		       "sh",
		       "-c",
		       job[5],
		       NULL};
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, ctl, &r), 0);
	expect(&r, "plain", "rc -9 late 0\n");
	tst_proc_free(&r);
	for (int t = 0; t < 2; t++) {
		how.tier = tiers[t];
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, job, &r), 0);
		expect(&r, tiers[t], "rc -9 late 0\n");
		tst_proc_free(&r);
	}
}

/* userns=1, inotify=1: one of each, the second refused (ENOSPC, EMFILE);
 * the host's next job runs. The control makes both. */
static void test_counts(void)
{
	char script[2048];
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	snprintf(
	    script, sizeof(script),
	    "sh -c 'unshare -U sleep 2 & sleep 0.5; unshare -U true 2>/dev/null && "
	    "echo userns 2 || echo userns 1; wait'; "
	    "python3 -c 'import ctypes; l = ctypes.CDLL(None); a = l.inotify_init(); "
	    "b = l.inotify_init(); print(\"inotify\", (a >= 0) + (b >= 0))'; %s",
	    tst_nsreport());
	host(NULL, "userns=1,inotify=1", script, &r);
	expect(&r, "plain", "userns 2\ninotify 2\n");
	tst_proc_free(&r);
	for (int t = 0; t < 2; t++) {
		host(tiers[t], "userns=1,inotify=1", script, &r);
		expect(&r, tiers[t], "userns 1\ninotify 1\n");
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		tst_proc_free(&r);
	}
}

/* A job's env lowers a limit and never raises it; bad values (the host's,
 * the job's) refuse the call with one line (EPERM: dash's 126); mem= is
 * refused where it cannot be enforced (here: everywhere). */
static void test_values(void)
{
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	host("lockdown", "nofile=50",
	     "CORDON_LIMITS=nofile=30 sh -c 'ulimit -n'; "
	     "CORDON_LIMITS=nofile=900 sh -c 'ulimit -n'",
	     &r);
	expect(&r, "job env", "30\n50\n");
	tst_proc_free(&r);
	static const char *const bad[][2] = {
	    {"pids=0",
	     "cordon: CORDON_LIMITS='pids=0' (a count is a number from 1) is not "},
	    {"bogus=1", "cordon: CORDON_LIMITS='bogus=1' (a name is not one of "},
	    {"time=1,time=2", "cordon: CORDON_LIMITS='time=1,time=2' (a name is given "},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		host("hardened", bad[i][0], "/bin/echo ran; echo rc $?", &r);
		expect(&r, bad[i][0], "rc 126\n");
		CU_ASSERT_EQUAL(strncmp(r.err, bad[i][1], strlen(bad[i][1])), 0);
		tst_proc_free(&r);
	}
	host("hardened", NULL, "CORDON_LIMITS=cpu=x /bin/echo ran; echo rc $?", &r);
	expect(&r, "the job's", "rc 126\n");
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r.err, "cordon: the job's env holds CORDON_LIMITS=cpu=x"));
	tst_proc_free(&r);
	/* A value with a newline and a terminal escape in it: quoted with '?'
	 * for each control byte, the line one line. */
	host("hardened", NULL,
	     "CORDON_LIMITS=\"$(printf 'pids=1\\nFORGED\\033[2K')\" /bin/echo ran; echo "
	     "rc $?",
	     &r);
	expect(&r, "a forged line", "rc 126\n");
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r.err, "cordon: the job's env holds CORDON_LIMITS=pids=1?FORGED?[2K"));
	CU_ASSERT_PTR_NULL(strstr(r.err, "\nFORGED"));
	CU_ASSERT_PTR_NULL(strchr(r.err, '\033'));
	if (!strstr(r.err, "CORDON_LIMITS=pids=1?FORGED?[2K"))
		printf("\n    got %s", r.err);
	tst_proc_free(&r);
	for (int t = 0; t < 2; t++) {
		host(tiers[t], "mem=1g", "/bin/echo ran; echo rc $?", &r);
		expect(&r, "mem", "rc 125\n");
		CU_ASSERT_PTR_NOT_NULL(
		    strstr(r.err, "cordon: cannot limit the job's memory (mem=)"));
		tst_proc_free(&r);
	}
}

static CU_TestInfo tests[] = {
    {"cpu, nofile, fsize, core: seen and enforced", test_rlimits},
    {"a hard limit lower than asked stays", test_lower_hard},
    {"pids: a job's processes bounded, the host spawns", test_pids},
    {"time: the sandbox killed at its limit, what it left too", test_time},
    {"time: a job that stops itself in a storm is killed at its limit", test_time_storm},
    {"time: a host that has not drained the job's stderr sees its end",
     test_time_full_stderr},
    {"userns, inotify: one each", test_counts},
    {"a job's env lowers; bad values and mem refused", test_values},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.limits", tests)
