/* Faults: a missing helper, refused namespaces and mounts, parts of the
 * sandbox killed, a host out of fds, memory or argument space, a full
 * tmpfs. Each ends in a defined errno or exit code with one `cordon:` line,
 * or in what the host would see without cordon; nothing runs unsandboxed. */
#include "tests/faults/futil.h"
#include "tests/helper/hutil.h"
#include "tests/shim/sutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const calls[] = {"execve", "spawn", "spawnp", "system", "popen", NULL};

/* The host of tests/lib/progs/host.c that makes call. */
static const char *host_of(const char *call)
{
	return s_host(strcmp(call, "spawn") == 0    ? "posix_spawn"
		      : strcmp(call, "spawnp") == 0 ? "posix_spawnp"
						    : call);
}

/* The host's arguments for call, the call alone (-q), with opts: the job
 * reports its namespaces and prints "ran". */
static void host_argv(const char *call, const char *const *opts, char **argv)
{
	static char cmd[2 * PATH_MAX];
	int n = 0;

	argv[n++] = (char *)host_of(call);
	argv[n++] = "-q";
	for (; opts && *opts; opts++)
		argv[n++] = (char *)*opts;
	if (strcmp(call, "system") == 0 || strcmp(call, "popen") == 0) {
		snprintf(cmd, sizeof(cmd), "%s; echo ran", tst_nsreport_sh());
		argv[n++] = cmd;
		argv[n++] = "r"; /* popen's mode */
	} else {
		argv[n++] = (char *)tst_nsreport();
		argv[n++] = "nsreport";
		argv[n++] = "/bin/echo";
		argv[n++] = "ran";
	}
	argv[n] = NULL;
}

/* What the host reports when the call fails with EPERM before anything runs. */
static const char *eperm_report(const char *call)
{
	if (strcmp(call, "execve") == 0)
		return "errno=EPERM\nexit 99\n";
	if (strcmp(call, "system") == 0)
		return "system=-1 errno=EPERM\n";
	return "errno=EPERM\n";
}

static void helper_refused(const char *helper, const char *reason)
{
	char env[4200], msg[4400];

	snprintf(env, sizeof(env), "CORDON_HELPER=%s", helper);
	snprintf(msg, sizeof(msg), "cordon: cannot run the helper %s: %s", helper,
		 reason);
	for (const char *const *c = calls; *c; c++) {
		char *argv[16];
		struct tst_proc r;
		host_argv(*c, NULL, argv);
		tst_ns_reset();
		CU_ASSERT_EQUAL_FATAL(
		    s_run("hardened", (const char *[]){env, NULL}, argv, &r), 0);
		CU_ASSERT_STRING_EQUAL(r.out, eperm_report(*c));
		CU_ASSERT_EQUAL(tst_ns_check(NULL, "a refused call"), 0);
		f_assert_one_line(r.err, msg);
		tst_proc_free(&r);
	}
}

static void test_helper_missing(void)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/no-such-helper", tst_scratch());
	helper_refused(path, "No such file or directory");
	helper_refused(tst_write_file("helper-0644", "#!/bin/sh\necho ran\n", 0644),
		       "Permission denied");
}

/* A copy of the built helper's first n bytes (all of it: n < 0); the path
 * lives until the next call. */
static const char *helper_cut(const char *name, long n)
{
	static char path[4200];
	char *all;
	size_t len;
	FILE *in = fopen(tst_build("cordon-helper"), "rb"), *out;

	snprintf(path, sizeof(path), "%s/%s", tst_scratch(), name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	CU_ASSERT_EQUAL_FATAL(fseek(in, 0, SEEK_END), 0);
	len = (size_t)ftell(in);
	rewind(in);
	all = malloc(len);
	CU_ASSERT_FATAL(all && fread(all, 1, len, in) == len);
	fclose(in);
	out = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	fwrite(all, 1, n < 0 ? len : (size_t)n, out);
	fclose(out);
	free(all);
	chmod(path, 0755);
	return path;
}

/* A helper that is empty, garbage or cut short is refused the same way at
 * every entry point, before anything runs: never a raw ENOEXEC, a shell's
 * 127 or a "job" that dies of SIGSEGV. */
static void test_helper_broken(void)
{
	static const char why[] = "not a whole executable for this machine";

	helper_refused(tst_write_file("helper-empty", "", 0755), why);
	helper_refused(
	    tst_write_file("helper-garbage", "\177ELF garbage, not a program\n", 0755),
	    why);
	helper_refused(helper_cut("helper-cut", 4096), why);
	helper_refused(helper_cut("helper-cut-header", 40), why);
}

/* The helper reinstalled again and again while jobs start, as `install`
 * does (unlink, then write a new file): every call either runs its job or
 * fails closed with EPERM and the line, never anything else. The helper
 * lives in the runner's scratch, which an ordinary caller may change: its
 * host gives the jobs a read-only host (an empty CORDON_WRITABLE), as the
 * shim refuses hardened jobs that would share the files of such a layout. */
static void test_helper_replaced(void)
{
	char env[4300], path[4200], whole[4200], half[4200];
	pid_t installer;

	if (!tst_sandbox_ok())
		return;
	snprintf(whole, sizeof(whole), "%s", helper_cut("helper-whole", -1));
	snprintf(half, sizeof(half), "%s", helper_cut("helper-half", 30000));
	snprintf(path, sizeof(path), "%s/helper-live", tst_scratch());
	snprintf(env, sizeof(env), "CORDON_HELPER=%s", path);
	helper_cut("helper-live", -1);
	installer = fork();
	CU_ASSERT_FATAL(installer >= 0);
	if (installer == 0) {
		/* As install(1) does: the name gone, then a new file being
		 * written (here, every other time, a half one for a while). */
		for (int i = 0;; i++) {
			char cmd[40000];
			snprintf(cmd, sizeof(cmd),
				 "rm -f '%s'; cp '%s' '%s'; sleep 0.002; rm -f '%s'; "
				 "cp '%s' '%s'; sleep 0.02",
				 path, i % 2 ? half : whole, path, path, whole, path);
			(void)!system(cmd);
		}
	}
	int all_ran = 0;
	for (const char *const *c = calls; *c; c++) {
		int ran = 0, refused = 0, other = 0;
		for (int k = 0; k < 40; k++) {
			char *argv[16];
			struct tst_proc r;
			host_argv(*c, NULL, argv);
			CU_ASSERT_EQUAL_FATAL(
			    s_run("hardened",
				  (const char *[]){env, "CORDON_WRITABLE=", NULL}, argv,
				  &r),
			    0);
			if (strstr(r.out, "ran\n"))
				ran++;
			else if (strcmp(r.out, eperm_report(*c)) == 0 &&
				 strstr(r.err, "cordon: cannot run the helper "))
				refused++;
			else {
				other++;
				printf("\n    %s: %#x\n%.300s%.300s", *c, r.status, r.out,
				       r.err);
			}
			tst_proc_free(&r);
		}
		printf("\n    %s: %d ran, %d refused while the helper was rewritten", *c,
		       ran, refused);
		CU_ASSERT_EQUAL(other, 0);
		all_ran += ran;
	}
	/* Jobs ran meanwhile: the helper was whole at times. */
	CU_ASSERT(all_ran > 0);
	kill(installer, SIGKILL);
	waitpid(installer, NULL, 0);
}

/* user.max_user_namespaces is per user namespace: 0 in a namespace of our
 * own refuses every sandbox below it. */
static void test_userns_refused(void)
{
	if (!tst_sandbox_ok())
		return;
	for (const char *const *c = calls; *c; c++) {
		char *argv[16];
		struct tst_proc r;
		host_argv(*c, NULL, argv);
		if (f_run_unshared("echo 0 > /proc/sys/user/max_user_namespaces",
				   "hardened", argv, &r) < 0)
			return;
		/* The helper ran, the job did not: every call reports 125. */
		CU_ASSERT_STRING_EQUAL(r.out, "exit 125\n");
		f_assert_one_line(r.err,
				  "cordon: the kernel refused the sandbox's namespaces "
				  "(clone: No space left on device): "
				  "user.max_user_namespaces is 0, which disables them; "
				  "allow them: sysctl -w user.max_user_namespaces=15000");
		tst_proc_free(&r);
	}
}

/* A tmpfs over /proc/sys in the host's mount namespace: the kernel then
 * refuses a fresh proc mount in any user namespace below (it would reveal
 * what the overmount hides), as in containers that mask parts of /proc.
 * Both tiers mount one: neither runs its job there. */
static void test_mount_refused(void)
{
	static const char *const tiers[] = {"hardened", "lockdown"};

	if (!tst_sandbox_ok())
		return;
	for (const char *const *c = calls; *c; c++) {
		char *argv[16];
		struct tst_proc r;
		host_argv(*c, NULL, argv);
		for (size_t t = 0; t < 2; t++) {
			if (f_run_unshared("mount -t tmpfs none /proc/sys", tiers[t],
					   argv, &r) < 0)
				return;
			CU_ASSERT_STRING_EQUAL(r.out, "exit 125\n");
			f_assert_one_line(r.err, "cordon: cannot mount proc on /proc: "
						 "Operation not permitted; ");
			tst_proc_free(&r);
		}
	}
}

/* The helper's command line for argv at tier with --orphans kill, started
 * as h_spawn does. */
static pid_t spawn_orphans_kill(const char *tier, char *const argv[], int *out)
{
	char **v = tst_helper_cmdline(tier, argv);
	char *w[64];
	size_t n = 0;
	int p[2];

	w[0] = v[0];
	w[1] = "--orphans";
	w[2] = "kill";
	while (v[n + 1] && n + 4 < sizeof(w) / sizeof(w[0])) {
		w[n + 3] = v[n + 1];
		n++;
	}
	w[n + 3] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);
		dup2(p[1], 1);
		execv(w[0], w);
		_exit(127);
	}
	tst_hcmd_free(v);
	close(p[1]);
	*out = p[0];
	return pid;
}

/* Kills the sandbox's monitor (depth 0) or its init (depth 1) with SIGKILL
 * while the job and two children of its own run. init's death, or the
 * monitor's under --orphans kill: everything goes. The monitor's alone:
 * the job goes, as it would had it been killed itself without cordon;
 * what it left (and init, their reaper) lives on until the host's killpg. */
static void kill_part(const char *tier, int depth, bool orphans_kill)
{
	char *job[] = {"/bin/sh", "-c", "sleep 60 & sleep 60 & echo ready; wait", NULL};
	char line[64];
	pid_t all[F_MAX_DESC];
	int out, st, n;

	pid_t mon =
	    orphans_kill ? spawn_orphans_kill(tier, job, &out) : h_spawn(tier, job, &out);
	CU_ASSERT_FATAL(mon > 0);
	CU_ASSERT_FATAL(h_read_line(out, line, sizeof(line), 20000) > 0);
	CU_ASSERT_STRING_EQUAL(line, "ready");
	n = f_descendants(mon, all, F_MAX_DESC);
	/* init, the job's shell and its two sleeps */
	CU_ASSERT(n >= 4);
	pid_t victim = depth == 0 ? mon : f_child(mon);
	CU_ASSERT_FATAL(victim > 0);
	long t0 = f_now_us();
	CU_ASSERT_EQUAL(kill(victim, SIGKILL), 0);
	if (depth == 0 && !orphans_kill) {
		struct timespec settle = {0, 300000000};
		nanosleep(&settle, NULL);
		int alive = 0;
		for (int i = 0; i < n; i++)
			alive += kill(all[i], 0) == 0 && f_wait_gone(&all[i], 1, 0) < 0;
		/* init and the two sleeps */
		CU_ASSERT_EQUAL(alive, n - 1);
		kill(-mon, SIGKILL);
	}
	long gone = f_wait_gone(all, n, 20000);
	CU_ASSERT(gone >= 0);
	printf("\n    %s: SIGKILL to the %s%s: all %d processes of the sandbox gone "
	       "after %.1f ms ",
	       tier, depth ? "init" : "monitor",
	       depth	      ? ""
	       : orphans_kill ? " (--orphans kill)"
			      : ", then to the group",
	       n, gone >= 0 ? (gone - t0) / 1000.0 : -1.0);
	CU_ASSERT_EQUAL(waitpid(mon, &st, 0), mon);
	/* Either way the host sees death by SIGKILL: the monitor's own, or the
	 * one init died of, mirrored. */
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	close(out);
}

static void test_monitor_killed(void)
{
	if (!tst_sandbox_ok())
		return;
	kill_part("hardened", 0, false);
	kill_part("lockdown", 0, false);
	kill_part("hardened", 0, true);
	kill_part("lockdown", 0, true);
}

static void test_init_killed(void)
{
	if (!tst_sandbox_ok())
		return;
	kill_part("hardened", 1, false);
	kill_part("lockdown", 1, false);
}

/* The host dies right after starting the job: the job's output still
 * arrives and the job is reparented to the nearest subreaper, as a plain
 * child would be (host orphan). */
static void test_host_killed(void)
{
	char cmd[2 * PATH_MAX];
	char *argv[] = {
	    (char *)s_prog("host"), "orphan", "/bin/sh", "sh", "-c", cmd, NULL};
	struct tst_proc r;

	snprintf(cmd, sizeof(cmd), "%s; sleep 1; echo late", tst_nsreport_sh());
	CU_ASSERT_EQUAL_FATAL(s_run(NULL, NULL, argv, &r), 0);
	CU_ASSERT_STRING_EQUAL(
	    r.out, "host killed\nlate\njob reparented to the subreaper\nexit 0\n");
	tst_proc_free(&r);
	s_assert_same(argv);
}

/* Every fd up to RLIMIT_NOFILE in use, all close-on-exec: glibc's spawns
 * and exec need no fd, popen needs a pipe (EMFILE); the same with cordon. */
static void test_out_of_fds(void)
{
	for (const char *const *c = calls; *c; c++) {
		char *argv[16];
		host_argv(*c, (const char *[]){"-n", NULL}, argv);
		s_assert_same_jobs(strcmp(*c, "popen") ? TST_JOBS : TST_NO_JOB, NULL,
				   argv);
	}
}

/* The host's fds are not close-on-exec: the job gets a full table, at a
 * soft RLIMIT_NOFILE equal to the hard one. Plainly the dynamic loader
 * fails (127); the helper opens nothing in the host's table, but the job's
 * Landlock ruleset needs one slot: one line, 125. (Below a hard limit the
 * slot is borrowed: helper.daemon / a job with no free fd.) */
static void test_out_of_fds_inherited(void)
{
	if (!tst_sandbox_ok())
		return;
	if (h_sanitized()) {
		tst_skip("the sanitized helper is dynamically linked: its own loader "
			 "fails first with the job's full fd table");
		return;
	}
	for (const char *const *c = calls; *c; c++) {
		char *argv[16];
		struct tst_proc plain, r;
		if (strcmp(*c, "popen") == 0)
			continue; /* EMFILE either way: test_out_of_fds */
		host_argv(*c, (const char *[]){"-N", NULL}, argv);
		CU_ASSERT_EQUAL_FATAL(s_run(NULL, NULL, argv, &plain), 0);
		CU_ASSERT_PTR_NULL(strstr(plain.out, "ran"));
		CU_ASSERT_FATAL(s_run("hardened", NULL, argv, &r) == 0);
		CU_ASSERT_PTR_NULL(strstr(r.out, "ran"));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "exit 125\n"));
		f_assert_one_line(r.err, "cordon: cannot scope the job's signals "
					 "(Landlock): No file descriptors available");
		tst_proc_free(&plain);
		tst_proc_free(&r);
	}
}

/* A file that is neither ELF nor #!, started by a host with no fd left:
 * ENOEXEC from each call, as without cordon (the shim reads the file's head
 * in a child with a copy of the host's fd table, one slot freed there). */
static void test_out_of_fds_enoexec(void)
{
	static const char *const enoexec_calls[] = {"execve", "spawn", "spawnp", NULL};
	const char *f = tst_write_file("not-a-program", "echo ran\n", 0755);
	struct tst_proc r;

	if (!tst_sandbox_ok())
		return;
	for (const char *const *c = enoexec_calls; *c; c++) {
		char *argv[] = {(char *)host_of(*c), "-q", "-n", (char *)f, "x", NULL};
		CU_ASSERT_EQUAL_FATAL(s_run(NULL, NULL, argv, &r), 0);
		CU_ASSERT_EQUAL(strncmp(r.out, "errno=ENOEXEC\n", 14), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "free fds 0\n"));
		tst_proc_free(&r);
		s_assert_same_jobs(TST_NO_JOB, NULL, argv);
	}
}

/* RLIMIT_AS at the host's size (no room for posix_spawn's child stack:
 * ENOMEM, system's 127) and 1 MiB above it: as without cordon. */
static void test_out_of_memory(void)
{
	static const char *const slack[] = {"0", "1048576", NULL};

	if (h_sanitized()) {
		tst_skip("the sanitized helper maps terabytes of ASan shadow: it cannot "
			 "run under a host's RLIMIT_AS");
		return;
	}
	/* Whether the job fits in the host's address space is this machine's
	 * (the sizes of its libc and programs): as many jobs as plainly. */
	for (const char *const *s = slack; *s; s++)
		for (const char *const *c = calls; *c; c++) {
			char *argv[16];
			host_argv(*c, (const char *[]){"-a", *s, NULL}, argv);
			s_assert_same_jobs(TST_JOBS_AS_PLAIN, NULL, argv);
		}
}

static long edge_of(const char *tier)
{
	char *argv[] = {(char *)s_prog("host"), "edge", "/bin/true", NULL};
	struct tst_proc r;
	long e = -1;

	CU_ASSERT_EQUAL_FATAL(s_run(tier, NULL, argv, &r), 0);
	if (sscanf(r.out, "edge %ld", &e) != 1)
		e = -1;
	tst_proc_free(&r);
	return e;
}

/* argv+env over the kernel's limit: E2BIG from the same function. */
static void test_e2big(void)
{
	static const char *const exec_calls[] = {"execve", "spawn", "spawnp", NULL};

	for (const char *const *c = exec_calls; *c; c++) {
		char *over[] = {(char *)host_of(*c), "-q",   "-b", "140000",
				"/bin/true",	     "true", NULL};
		s_assert_same_jobs(TST_NO_JOB, NULL, over);
		char *total[] = {
		    (char *)host_of(*c), "-q", "-s", "262144", "-b", "131000",
		    "/bin/true",	 "x",  "y",  NULL};
		s_assert_same_jobs(TST_NO_JOB, NULL, total);
	}
}

/* A request that just fits, made with an env of its own that has none of
 * cordon's variables: the helper's arguments (its path, the tier, the
 * file's DEV:INO and path) come on top, so they tip it over: E2BIG, with
 * one line. (When the job's env is the host's, the variables the shim
 * removes make room for them.) */
static void test_e2big_edge(void)
{
	static const char *const exec_calls[] = {"execve", "spawn", "spawnp", NULL};
	char big[32];

	if (!tst_sandbox_ok())
		return;
	/* Tier none passes the call through: the plain edge. */
	long plain = edge_of("none"), sandboxed = edge_of("hardened");
	CU_ASSERT_FATAL(plain > 0 && sandboxed > 0);
	printf(
	    "\n    E2BIG edge (RLIMIT_STACK 256 KiB, an empty env): %ld bytes plainly, "
	    "%ld under cordon ",
	    plain, sandboxed);
	CU_ASSERT(sandboxed < plain && plain - sandboxed < 4096);
	snprintf(big, sizeof(big), "%ld", plain);
	for (const char *const *c = exec_calls; *c; c++) {
		char *argv[] = {
		    (char *)host_of(*c), "-q",	 "-e", "-s", "262144", "-b", big,
		    "/bin/true",	 "true", NULL};
		struct tst_proc r;
		CU_ASSERT_EQUAL_FATAL(s_run("hardened", NULL, argv, &r), 0);
		CU_ASSERT_EQUAL(strncmp(r.out, "errno=E2BIG\n", 12), 0);
		f_assert_one_line(r.err, "cordon: cannot run /bin/true: ");
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "(Argument list too long)"));
		tst_proc_free(&r);
	}
}

/* lockdown's /tmp is a tmpfs of the sandbox's own: what the job writes
 * there never reaches the host, and the tmpfs reports its limit. */
static void test_tmpfs(void)
{
	char script[512];
	char *argv[] = {
	    (char *)host_of("spawn"), "-q", "/bin/sh", "sh", "-c", script, NULL};
	struct tst_proc r;
	long size_kib = -1, avail_kib = -1;

	if (!tst_sandbox_ok())
		return;
	snprintf(script, sizeof(script),
		 "grep ' /tmp tmpfs ' /proc/self/mounts; "
		 "df -k /tmp | awk 'NR == 2 { print \"size\", $2, \"avail\", $4 }'; "
		 "head -c 8388608 /dev/zero > /tmp/cordon-fill-%d && echo wrote",
		 (int)getpid());
	CU_ASSERT_EQUAL_FATAL(s_run("lockdown", NULL, argv, &r), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "wrote\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "exit 0\n"));
	const char *s = strstr(r.out, "size ");
	CU_ASSERT_FATAL(s && sscanf(s, "size %ld avail %ld", &size_kib, &avail_kib) == 2);
	printf("\n    lockdown /tmp: %s, %ld MiB ",
	       strstr(r.out, "size=") ? "size= set" : "no size=", size_kib / 1024);
	tst_proc_free(&r);
	char host_file[64];
	snprintf(host_file, sizeof(host_file), "/tmp/cordon-fill-%d", (int)getpid());
	CU_ASSERT_EQUAL(access(host_file, F_OK), -1);
}

/* call's host at ulimit -u limit, libcordon.so loaded when tier is given,
 * as a uid whose processes it alone counts: as root, uid 64997; otherwise
 * the caller's own, in a user namespace of its own that maps it to itself
 * (Linux 5.14 and later count RLIMIT_NPROC per user namespace). There the
 * host's files of unmapped owners (root's) show as the overflow uid, which
 * is nobody's, 65534: as nobody the host would own the helper's path, and
 * a hardened job that shares the host's files is refused, so its jobs get
 * a read-only host (CORDON_WRITABLE empty). Its job prints its user
 * namespace. */
static void run_nproc(const char *call, int limit, const char *tier, struct tst_proc *r)
{
	static const char job[] = "'exec readlink /proc/self/ns/user'";
	char script[4 * PATH_MAX], env[3 * PATH_MAX] = "";
	char *as_root[] = {"setpriv",	    "--reuid=64997",
			   "--regid=64997", "--clear-groups",
			   "bash",	    "-c",
			   script,	    NULL};
	char *as_user[] = {"unshare", "--map-current-user", "bash", "-c", script, NULL};
	bool shell = strcmp(call, "system") == 0 || strcmp(call, "popen") == 0;

	if (tier)
		snprintf(env, sizeof(env),
			 "env LD_PRELOAD=%s CORDON_TIER=%s CORDON_HELPER=%s%s ",
			 tst_build("libcordon.so"), tier, tst_build("cordon-helper"),
			 tst_is_root() ? "" : " CORDON_WRITABLE=");
	snprintf(script, sizeof(script), "ulimit -u %d && exec %s%s -q %s%s%s", limit,
		 env, host_of(call), shell ? "" : "/bin/sh sh -c ", job,
		 shell ? " r" : "");
	struct tst_opts o = {.timeout_ms = 10000};
	CU_ASSERT_EQUAL_FATAL(tst_run(tst_is_root() ? as_root : as_user, &o, r), 0);
}

/* Whether the kernel counts RLIMIT_NPROC per user namespace (5.14). */
static bool nproc_per_userns(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	return uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
	       (major > 5 || (major == 5 && minor >= 14));
}

/* The caller's process limit (RLIMIT_NPROC) counts the sandbox's init and
 * job besides the helper, the spawn's own child. A spawn they do not fit
 * under fails as the real call fails at its limit: posix_spawn[p] EAGAIN,
 * system 127, popen NULL with glibc's ENOMEM; with the line. An exec has
 * no such failure (the real one needs no process): its job exits 125.
 * As a uid of its own (or in a user namespace of its own), the host its
 * only process: plainly at ulimit -u 1, with cordon at 2 and 3 (where the
 * helper's init, then the job, is the one refused); at 4 the job runs, in
 * a user namespace of its own. */
static void test_nproc(void)
{
	static const char *const nproc_calls[] = {"spawn", "spawnp", "system",
						  "popen", "execve", NULL};
	/* What each host sees plainly at ulimit -u 1; execve's at 2 runs. */
	static const char *const plainly[] = {"errno=EAGAIN\n", "errno=EAGAIN\n",
					      "exit 127\n", "errno=ENOMEM\n", NULL};
	static const char line[] =
	    "cordon: cannot start the sandbox: the process limit "
	    "(RLIMIT_NPROC %d) is reached; cordon needs 2 "
	    "processes per job besides the job (raise ulimit -u)\n";
	char host_ns[64] = "", want[256];
	ssize_t n = readlink("/proc/self/ns/user", host_ns, sizeof(host_ns) - 1);
	struct tst_proc plain, r;

	if (!tst_is_root() && !nproc_per_userns()) {
		tst_skip("a process limit only the host's processes count: this kernel "
			 "counts RLIMIT_NPROC per uid across user namespaces (before "
			 "5.14), and switching to a uid of its own needs root (the root "
			 "run covers it)");
		return;
	}
	CU_ASSERT_FATAL(n > 0);
	for (const char *const *c = nproc_calls; *c; c++) {
		bool exec = strcmp(*c, "execve") == 0;
		run_nproc(*c, exec ? 2 : 1, NULL, &plain);
		if (exec)
			CU_ASSERT_PTR_NOT_NULL(strstr(plain.out, "exit 0\n"));
		if (!exec)
			CU_ASSERT_STRING_EQUAL(plain.out, plainly[c - nproc_calls]);
		for (int limit = 2; limit <= 3; limit++) {
			const char *tier = limit == 2 ? "hardened" : "lockdown";
			run_nproc(*c, limit, tier, &r);
			CU_ASSERT_STRING_EQUAL(r.out, exec ? "exit 125\n" : plain.out);
			snprintf(want, sizeof(want), line, limit);
			CU_ASSERT_STRING_EQUAL(r.err, want);
			if (strcmp(r.out, exec ? "exit 125\n" : plain.out) ||
			    strcmp(r.err, want))
				printf("\n    %s at %d: %s%s (plainly: %s)", *c, limit,
				       r.out, r.err, plain.out);
			tst_proc_free(&r);
		}
		tst_proc_free(&plain);
		run_nproc(*c, 4, "hardened", &r);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "user:["));
		CU_ASSERT_PTR_NULL(strstr(r.out, host_ns));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "exit 0\n"));
		CU_ASSERT_STRING_EQUAL(r.err, "");
		tst_proc_free(&r);
	}
}

static CU_TestInfo tests[] = {
    {"helper missing or not executable", test_helper_missing},
    {"helper empty, garbage or cut short", test_helper_broken},
    {"helper rewritten while jobs start", test_helper_replaced},
    {"user namespaces refused", test_userns_refused},
    {"proc mount refused", test_mount_refused},
    {"monitor SIGKILLed", test_monitor_killed},
    {"init SIGKILLed", test_init_killed},
    {"host SIGKILLed", test_host_killed},
    {"host out of fds", test_out_of_fds},
    {"host out of fds, job inherits them", test_out_of_fds_inherited},
    {"host out of fds, ENOEXEC", test_out_of_fds_enoexec},
    {"host out of memory", test_out_of_memory},
    {"host at its process limit", test_nproc},
    {"E2BIG", test_e2big},
    {"E2BIG by the helper's arguments", test_e2big_edge},
    {"lockdown tmpfs", test_tmpfs},
    CU_TEST_INFO_NULL,
};
TST_SUITE("faults.faults", tests)
