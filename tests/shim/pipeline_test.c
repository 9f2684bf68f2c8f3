/* The shim's pipeline in-process (shim/call.c), with a configuration and a
 * table of real functions of the test's own: for every entry point, the
 * exact helper command line, env and hand-over it makes; what passes
 * through and what is refused. Nothing is executed: the fake exec jumps
 * back here, the fake spawn only records. */
#include "tests/lib/tst.h"
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the fake real function saw. */
static struct {
	const char *fn;
	char path[4200];
	int fd, flags;
	bool fd_cloexec;
	char argv[2048], envp[2048]; /* words joined with '|' */
} seen;
static jmp_buf back;

static void join(char *out, size_t size, char *const *v)
{
	out[0] = '\0';
	for (; v && *v; v++) {
		strncat(out, *v, size - strlen(out) - 2);
		strcat(out, "|");
	}
}

static void record(const char *fn, int fd, const char *path, char *const *argv,
		   char *const *envp)
{
	int fl = fd >= 0 ? fcntl(fd, F_GETFD) : 0;

	seen.fn = fn;
	seen.fd = fd;
	seen.fd_cloexec = fl > 0 && (fl & FD_CLOEXEC);
	snprintf(seen.path, sizeof(seen.path), "%s", path ? path : "");
	join(seen.argv, sizeof(seen.argv), argv);
	join(seen.envp, sizeof(seen.envp), envp);
}

static int fake_execve(const char *path, char *const argv[], char *const envp[])
{
	record("execve", -1, path, argv, envp);
	longjmp(back, 1);
}

static int fake_execveat(int fd, const char *path, char *const argv[], char *const envp[],
			 int flags)
{
	record("execveat", fd, path, argv, envp);
	seen.flags = flags;
	longjmp(back, 1);
}

static int fake_execv(const char *path, char *const argv[])
{
	record("execv", -1, path, argv, NULL);
	longjmp(back, 1);
}

static int fake_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
		      const posix_spawnattr_t *attr, char *const argv[],
		      char *const envp[])
{
	(void)fa;
	(void)attr;
	record("spawn", -1, path, argv, envp);
	*pid = 4242;
	return 0;
}

static int fake_pidfd_spawn(int *pidfd, const char *path,
			    const posix_spawn_file_actions_t *fa,
			    const posix_spawnattr_t *attr, char *const argv[],
			    char *const envp[])
{
	(void)fa;
	(void)attr;
	record("pidfd_spawn", -1, path, argv, envp);
	*pidfd = 99;
	return 0;
}

static struct real_fns fakes = {.execve = fake_execve,
				.execv = fake_execv,
				.execveat = fake_execveat,
				.spawn = fake_spawn,
				.spawn_compat = fake_spawn,
				.spawnp = fake_spawn,
				.spawnp_compat = fake_spawn,
				.pidfd_spawn = fake_pidfd_spawn,
				.pidfd_spawnp = fake_pidfd_spawn};
static struct config cfg;
static const struct shim fake_shim = {&cfg, &fakes};
static char helper[PATH_MAX];

/* The job's env as a host hands it over, and what the helper must get. */
static char *env[] = {"A=1", "CORDON_TIER=hardened", "LD_PRELOAD=/x/libcordon.so:/o.so",
		      "CORDON_HELPER=/evil", NULL};
static const char want_env[] = "A=1|LD_PRELOAD=/o.so|";

static void configure(enum tier floor)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.active = true;
	cfg.floor = floor;
	cfg.inside = TIER_NONE;
	snprintf(helper, sizeof(helper), "%s", tst_build("cordon-helper"));
	cfg.helper = helper;
	cfg.tmp_size = cfg.cgroup = cfg.self_real = "";
	cfg.ld_preload = cfg.ld_audit = cfg.ld_library_path = "";
	cfg.preload.names[0] = "/x/libcordon.so";
	cfg.preload.n = 1;
	memset(&seen, 0, sizeof(seen));
	setenv("PATH", "/bin", 1);
}

/* Runs c; 0 when the helper was handed the job (exec: the fake jumped). */
static int run(struct call *c)
{
	volatile int err = 0;

	memset(&seen, 0, sizeof(seen));
	if (setjmp(back) == 0)
		err = call_run(&fake_shim, c);
	/* A real exec would have taken the call's mapping and the helper's
	 * fd with it. */
	mem_reclaim();
	if (seen.fn && strcmp(seen.fn, "execveat") == 0)
		close(seen.fd);
	return err;
}

/* "DEV:INO" of path. */
static const char *devino(const char *path)
{
	static char buf[64];
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	snprintf(buf, sizeof(buf), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	return buf;
}

/* The helper's argv: the helper, OPTS (each word followed by '|'), TIER,
 * DEV:INO of file, then REST. */
static void expect_argv(const char *opts, const char *tier, const char *file,
			const char *rest)
{
	char want[8192];

	snprintf(want, sizeof(want), "%s|%s%s|%s|%s", cfg.helper, opts, tier,
		 devino(file), rest);
	CU_ASSERT_STRING_EQUAL(seen.argv, want);
	if (strcmp(seen.argv, want) != 0)
		printf("\n    want %s\n    got  %s", want, seen.argv);
	CU_ASSERT_STRING_EQUAL(seen.envp, want_env);
}

/* Started through the pinned fd, which the exec closes. */
static void expect_pinned_exec(void)
{
	CU_ASSERT_STRING_EQUAL(seen.fn, "execveat");
	CU_ASSERT_STRING_EQUAL(seen.path, "");
	CU_ASSERT_EQUAL(seen.flags, AT_EMPTY_PATH);
	CU_ASSERT(seen.fd > 2 && seen.fd_cloexec);
}

static char *sh_c[] = {"sh", "-c", "x", NULL};

static void test_exec_family(void)
{
	static const enum entry plain[] = {ENTRY_EXECVE, ENTRY_EXECV, ENTRY_EXECL,
					   ENTRY_EXECLE};
	static const enum entry search[] = {ENTRY_EXECVP, ENTRY_EXECVPE, ENTRY_EXECLP};
	struct call c;

	configure(TIER_HARDENED);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		call_init(&c, plain[i], "/bin/sh", sh_c, env);
		CU_ASSERT_EQUAL(run(&c), 0);
		expect_pinned_exec();
		expect_argv("", "hardened", "/bin/sh", "/bin/sh|sh|-c|x|");
	}
	for (size_t i = 0; i < sizeof(search) / sizeof(search[0]); i++) {
		call_init(&c, search[i], "sh", sh_c, env);
		CU_ASSERT_EQUAL(run(&c), 0);
		expect_pinned_exec();
		expect_argv("--sh|", "hardened", "/bin/sh", "/bin/sh|sh|-c|x|");
	}
}

/* fexecve: the fd goes to the helper, open across its exec, named
 * close-on-exec for the job when the host had it so. */
static void test_fexecve_execveat(void)
{
	int fd = open("/bin/sh", O_PATH | O_CLOEXEC), dir = open("/bin", O_PATH);
	char want[256];
	struct call c;

	CU_ASSERT_FATAL(fd >= 0 && dir >= 0);
	configure(TIER_LOCKDOWN);
	call_init(&c, ENTRY_FEXECVE, "", sh_c, env);
	c.dirfd = fd;
	c.atflags = AT_EMPTY_PATH;
	CU_ASSERT_EQUAL(run(&c), 0);
	snprintf(want, sizeof(want), "--dirfd|%d|--cloexec|%d|", fd, fd);
	expect_argv(want, "lockdown", "/bin/sh", "|sh|-c|x|");
	/* Open across the exec: the helper sets it close-on-exec for the job. */
	CU_ASSERT_EQUAL(fcntl(fd, F_GETFD), 0);
	call_init(&c, ENTRY_EXECVEAT, "sh", sh_c, env);
	c.dirfd = dir;
	CU_ASSERT_EQUAL(run(&c), 0);
	snprintf(want, sizeof(want), "--dirfd|%d|", dir);
	expect_argv(want, "lockdown", "/bin/sh", "sh|sh|-c|x|");
	/* An absolute path needs no fd. */
	call_init(&c, ENTRY_EXECVEAT, "/bin/sh", sh_c, env);
	c.dirfd = dir;
	CU_ASSERT_EQUAL(run(&c), 0);
	expect_argv("", "lockdown", "/bin/sh", "/bin/sh|sh|-c|x|");
	/* Flags execveat does not know: EINVAL, nothing handed over. */
	call_init(&c, ENTRY_EXECVEAT, "sh", sh_c, env);
	c.dirfd = dir;
	c.invalid = EINVAL;
	CU_ASSERT_EQUAL(run(&c), EINVAL);
	CU_ASSERT_PTR_NULL(seen.fn);
	close(fd);
	close(dir);
}

static void test_spawns(void)
{
	static const struct {
		enum entry e;
		const char *file, *fn, *opts;
	} cases[] = {
	    {ENTRY_SPAWN, "/bin/sh", "spawn", ""},
	    {ENTRY_SPAWNP, "sh", "spawn", ""},
	    {ENTRY_SPAWN_COMPAT, "/bin/sh", "spawn", "--sh|"},
	    /* A bare name found in PATH: its ENOEXEC is the shim's to retry
	     * (below), so no --sh. */
	    {ENTRY_SPAWNP_COMPAT, "sh", "spawn", ""},
	    {ENTRY_PIDFD_SPAWN, "/bin/sh", "pidfd_spawn", ""},
	    {ENTRY_PIDFD_SPAWNP, "sh", "pidfd_spawn", ""},
	};
	pid_t pid = 0;
	int pidfd = -1;
	struct call c;

	configure(TIER_HARDENED);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		call_init(&c, cases[i].e, cases[i].file, sh_c, env);
		c.pid = &pid;
		if (cases[i].e == ENTRY_PIDFD_SPAWN || cases[i].e == ENTRY_PIDFD_SPAWNP)
			c.pidfd = &pidfd;
		CU_ASSERT_EQUAL(run(&c), 0);
		CU_ASSERT_STRING_EQUAL(seen.fn, cases[i].fn);
		CU_ASSERT_NSTRING_EQUAL(seen.path, "/proc/self/fd/", 14);
		expect_argv(cases[i].opts, "hardened", "/bin/sh", "/bin/sh|sh|-c|x|");
	}
	CU_ASSERT_EQUAL(pid, 4242);
	CU_ASSERT_EQUAL(pidfd, 99);
}

/* The compat spawnp runs a file without a format through /bin/sh, with
 * the name as the caller gave it. */
static void test_spawnp_compat_script(void)
{
	const char *dir = tst_write_file("noformat", "echo hi\n", 0755);
	char path[4200], *argv[] = {"noformat", "a", NULL};
	pid_t pid;
	struct call c;

	snprintf(path, sizeof(path), "%s", dir);
	*strrchr(path, '/') = '\0';
	configure(TIER_HARDENED);
	setenv("PATH", path, 1);
	call_init(&c, ENTRY_SPAWNP_COMPAT, "noformat", argv, env);
	c.pid = &pid;
	CU_ASSERT_EQUAL(run(&c), 0);
	expect_argv("", "hardened", "/bin/sh", "/bin/sh|/bin/sh|noformat|a|");
	/* The GLIBC_2.15 one: ENOEXEC, as glibc's. */
	call_init(&c, ENTRY_SPAWNP, "noformat", argv, env);
	c.pid = &pid;
	CU_ASSERT_EQUAL(run(&c), ENOEXEC);
	CU_ASSERT_PTR_NULL(seen.fn);
}

/* system() and popen() spawn "sh -c COMMAND" through the same way. */
static void test_shells(void)
{
	static const enum entry e[] = {ENTRY_SYSTEM, ENTRY_POPEN};
	pid_t pid;
	struct call c;

	configure(TIER_HARDENED);
	for (size_t i = 0; i < 2; i++) {
		call_init(&c, e[i], "/bin/sh", sh_c, env);
		c.pid = &pid;
		CU_ASSERT_EQUAL(call_decide(&fake_shim, &c), DIVERT);
		CU_ASSERT_EQUAL(call_divert(&fake_shim, &c), 0);
		CU_ASSERT_STRING_EQUAL(seen.fn, "spawn");
		expect_argv("", "hardened", "/bin/sh", "/bin/sh|sh|-c|x|");
	}
}

/* lockdown carries CORDON_TMP_SIZE, both tiers CORDON_CGROUP; the job's
 * env raises the tier. */
static void test_options(void)
{
	char *raise[] = {"A=1", "CORDON_TIER=lockdown",
			 "LD_PRELOAD=/x/libcordon.so:/o.so", NULL};
	struct call c;

	configure(TIER_HARDENED);
	cfg.tmp_size = "64m";
	call_init(&c, ENTRY_EXECVE, "/bin/sh", sh_c, raise);
	CU_ASSERT_EQUAL(run(&c), 0);
	CU_ASSERT_EQUAL(c.tier, TIER_LOCKDOWN);
	expect_argv("--tmp-size|64m|", "lockdown", "/bin/sh", "/bin/sh|sh|-c|x|");
	/* hardened: no size. */
	call_init(&c, ENTRY_EXECVE, "/bin/sh", sh_c, env);
	CU_ASSERT_EQUAL(run(&c), 0);
	expect_argv("", "hardened", "/bin/sh", "/bin/sh|sh|-c|x|");
	/* CORDON_CGROUP: every sandboxed tier. */
	cfg.cgroup = "/sys/fs/cgroup/jobs";
	call_init(&c, ENTRY_EXECVE, "/bin/sh", sh_c, env);
	CU_ASSERT_EQUAL(run(&c), 0);
	expect_argv("--cgroup|/sys/fs/cgroup/jobs|", "hardened", "/bin/sh",
		    "/bin/sh|sh|-c|x|");
	cfg.cgroup = "";
}

/* The filesystem policy: the host's lists as --writable and --hidden, a
 * job's narrowing applied (and its variables not passed to the job); an
 * empty list at hardened still asks for a read-only host (not for root,
 * whose host is read-only anyway); a writable path holding the helper is
 * refused before anything runs. */
static void test_policy(void)
{
	char *narrow[] = {"A=1", "CORDON_WRITABLE=/srv/a/b", "CORDON_HIDDEN=/srv/a/b/k",
			  "LD_PRELOAD=/x/libcordon.so:/o.so", NULL};
	struct call c;

	configure(TIER_LOCKDOWN);
	cfg.writable_set = cfg.hidden_set = true;
	snprintf(cfg.writable, sizeof(cfg.writable), "/srv/a:/srv/c");
	snprintf(cfg.hidden, sizeof(cfg.hidden), "/home/u/.ssh");
	call_init(&c, ENTRY_EXECVE, "/bin/sh", sh_c, env);
	CU_ASSERT_EQUAL(run(&c), 0);
	expect_argv("--writable|/srv/a:/srv/c|--hidden|/home/u/.ssh|", "lockdown",
		    "/bin/sh", "/bin/sh|sh|-c|x|");
	call_init(&c, ENTRY_EXECVE, "/bin/sh", sh_c, narrow);
	CU_ASSERT_EQUAL(run(&c), 0);
	expect_argv("--writable|/srv/a/b|--hidden|/home/u/.ssh:/srv/a/b/k|", "lockdown",
		    "/bin/sh", "/bin/sh|sh|-c|x|");
	configure(TIER_HARDENED);
	cfg.writable_set = true;
	call_init(&c, ENTRY_EXECVE, "/bin/sh", sh_c, env);
	CU_ASSERT_EQUAL(run(&c), 0);
	expect_argv(tst_is_root() ? "" : "--writable||", "hardened", "/bin/sh",
		    "/bin/sh|sh|-c|x|");
	snprintf(cfg.writable, sizeof(cfg.writable), "/");
	call_init(&c, ENTRY_EXECVE, "/bin/sh", sh_c, env);
	CU_ASSERT_EQUAL(run(&c), EPERM);
	CU_ASSERT_PTR_NULL(seen.fn);
}

/* none passes the call through untouched; a bad tier is refused; a file
 * that is not there fails as the real call would, before the helper. */
static void test_pass_refuse_fail(void)
{
	char *bad[] = {"CORDON_TIER=lockdwon", NULL}, *plain[] = {"A=1", NULL};
	struct call c;

	configure(TIER_NONE);
	call_init(&c, ENTRY_EXECV, "/bin/sh", sh_c, plain);
	CU_ASSERT_EQUAL(run(&c), 0);
	CU_ASSERT_STRING_EQUAL(seen.fn, "execv");
	CU_ASSERT_STRING_EQUAL(seen.path, "/bin/sh");
	CU_ASSERT_STRING_EQUAL(seen.argv, "sh|-c|x|");
	configure(TIER_HARDENED);
	call_init(&c, ENTRY_EXECVE, "/bin/sh", sh_c, bad);
	CU_ASSERT_EQUAL(run(&c), EPERM);
	CU_ASSERT_PTR_NULL(seen.fn);
	call_init(&c, ENTRY_EXECVP, "cordon-no-such-program", sh_c, env);
	CU_ASSERT_EQUAL(run(&c), ENOENT);
	CU_ASSERT_PTR_NULL(seen.fn);
	/* A helper that is not a whole executable: EPERM, never handed over. */
	snprintf(helper, sizeof(helper), "%s",
		 tst_write_file("pipeline-not-a-helper", "#!/bin/sh\n", 0755));
	call_init(&c, ENTRY_EXECVE, "/bin/sh", sh_c, env);
	CU_ASSERT_EQUAL(run(&c), EPERM);
	CU_ASSERT_PTR_NULL(seen.fn);
}

static CU_TestInfo tests[] = {
    {"exec family: the exact helper command line and env", test_exec_family},
    {"fexecve and execveat: the fd handed over", test_fexecve_execveat},
    {"every spawn: the helper through its pinned fd", test_spawns},
    {"compat posix_spawnp: a file without a format", test_spawnp_compat_script},
    {"system and popen", test_shells},
    {"tier raised by the job's env, tmpfs size", test_options},
    {"the filesystem policy: host's lists, job's narrowing", test_policy},
    {"pass through, refuse, fail as the real call", test_pass_refuse_fail},
    CU_TEST_INFO_NULL,
};
TST_SUITE("shim.pipeline", tests)
