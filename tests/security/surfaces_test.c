/* What a job reaches of the host besides its files: cgroupfs and the rest
 * of /sys (read-only at both tiers), the daemons' sockets under /run
 * (lockdown's /run is its own), other processes' /proc files (a fresh /proc
 * at both tiers), the host's abstract unix sockets at hardened (Landlock's
 * scope). Each attempt runs plainly first: the control must reach it. */
#include "tests/helper/hutil.h"
#include "tests/security/sec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

/* A cgroup of the test's own, in the first hierarchy that takes one: its
 * path in dir, the file to write in file. */
static bool make_cgroup(char *dir, size_t size, const char **file)
{
	static const struct {
		const char *root, *file;
	} where[] = {{"/sys/fs/cgroup/pids", "pids.max"},
		     {"/sys/fs/cgroup/unified", "cgroup.max.descendants"},
		     {"/sys/fs/cgroup", "cgroup.max.descendants"}};

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		snprintf(dir, size, "%s/cordon-test-%d", where[i].root, (int)getpid());
		if (mkdir(dir, 0755) == 0) {
			*file = where[i].file;
			return true;
		}
	}
	return false;
}

/* A cgroup file the caller may write (root: its own; uid 65534: one root
 * delegated to it, chowned as systemd does), from a job: EROFS at both
 * tiers, /sys being read-only there. The control writes it. */
static void test_cgroup(void)
{
	char dir[256], path[320], script[512];
	const char *file;

	if (!sec_sandbox_ok())
		return;
	if (!tst_is_root()) {
		tst_skip("making a cgroup needs root: the run as root checks uid 65534 "
			 "too, on a cgroup delegated to it");
		return;
	}
	if (!make_cgroup(dir, sizeof(dir), &file)) {
		tst_skip("no cgroup hierarchy here takes a new cgroup: %s",
			 strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	for (size_t t = 0; t < 2; t++)
		sec_assert_sandboxed(tiers[t], NULL);
	snprintf(script, sizeof(script),
		 "echo 5 >'%s' 2>/dev/null && echo written || echo refused", path);
	for (int as_65534 = 0; as_65534 < 2; as_65534++) {
		if (as_65534)
			CU_ASSERT_EQUAL(
			    chown(path, 65534, 65534) | chown(dir, 65534, 65534), 0);
		char *argv[] = {"sh", "-c", script, NULL};
		sec_expect(NULL, as_65534 ? sec_as_65534 : NULL, argv, "written\n");
		for (size_t t = 0; t < 2; t++)
			sec_expect(tiers[t], as_65534 ? sec_as_65534 : NULL, argv,
				   "refused\n");
	}
	CU_ASSERT_EQUAL(rmdir(dir), 0);
}

/* Another /sys knob a root caller's job would write: read-only too. */
static void test_sysfs(void)
{
	const char *knob = "/sys/kernel/mm/transparent_hugepage/defrag";
	char *argv[] = {(char *)sec_prog("escape"), "writable", (char *)knob, NULL};

	if (!sec_sandbox_ok())
		return;
	if (access(knob, F_OK) != 0) {
		tst_skip("no %s here", knob);
		return;
	}
	sec_expect(NULL, NULL, argv, tst_is_root() ? "ok\n" : "EACCES\n");
	for (size_t t = 0; t < 2; t++)
		sec_expect(tiers[t], NULL, argv, tst_is_root() ? "EROFS\n" : "EACCES\n");
}

static int listen_unix(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(a.sun_path))
		return (errno = ENAMETOOLONG), -1;
	memcpy(a.sun_path, path, strlen(path) + 1);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 4) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* A host daemon's socket under /run (in /run/lock, which every uid may
 * write): lockdown's /run is a tmpfs of its own, so it is not there; a
 * root caller's hardened job gets the same /run; an ordinary caller's
 * hardened job shares the host's (documented). */
static void test_run_socket(void)
{
	char path[128];
	char *argv[] = {(char *)sec_prog("escape"), "unix", path, NULL};

	if (!sec_sandbox_ok())
		return;
	snprintf(path, sizeof(path), "/run/lock/cordon-test-%d.sock", (int)getpid());
	int fd = listen_unix(path);
	if (fd < 0) {
		tst_skip("cannot listen on %s: %s", path, strerror(errno));
		return;
	}
	sec_expect(NULL, NULL, argv, "ok\n");
	sec_expect("hardened", NULL, argv, tst_is_root() ? "ENOENT\n" : "ok\n");
	sec_expect("lockdown", NULL, argv, "ENOENT\n");
	close(fd);
	unlink(path);
}

/* What lockdown's /run keeps working: /run/lock writable (private), the
 * job's own $XDG_RUNTIME_DIR (empty, mode 0700), /run/shm where the host
 * has that link; and a writable path under /run shared in. */
static void test_run_kept(void)
{
	char want[256], script[1024];

	if (!sec_sandbox_ok())
		return;
	snprintf(
	    script, sizeof(script),
	    "touch /run/lock/job.lock && echo lock; "
	    "stat -c '%%a %%u' /run/user/$(id -u); ls -A /run/user/$(id -u) | wc -l; "
	    "if [ -L /run/shm ]; then readlink /run/shm; else echo no-shm; fi; "
	    "ls -A /run/lock | grep -c cordon-test-run-%d; :",
	    (int)getpid());
	char marker[128];
	snprintf(marker, sizeof(marker), "/run/lock/cordon-test-run-%d", (int)getpid());
	int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	char shm[64] = "no-shm";
	ssize_t n = readlink("/run/shm", shm, sizeof(shm) - 1);
	if (n > 0)
		shm[n] = '\0';
	snprintf(want, sizeof(want), "lock\n700 %u\n0\n%s\n0\n", (unsigned)getuid(), shm);
	char *argv[] = {"sh", "-c", script, NULL};
	sec_expect("lockdown", NULL, argv, want);
	unlink(marker);
	/* A writable path under /run: shared into the private one. */
	struct sec_fs policy = {.writable = "/run/lock"};
	char *shared[] = {"sh", "-c", "ls -A /run/lock | grep -c cordon-test-run", NULL};
	fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	sec_expect_fs("lockdown", &policy, NULL, shared, "1\n");
	unlink(marker);
}

/* What /etc/resolv.conf points to under /run (systemd-resolved's and
 * resolvconf's layout) stays readable in lockdown's /run, read-only. Staged
 * in a user and mount namespace of the test's own: tmpfs over /run and
 * /etc, the link relative as systemd makes it. */
static void test_run_resolv(void)
{
	static const char stage[] =
	    "mount -t tmpfs t /run && mkdir /run/cordon-resolve && "
	    "echo 'nameserver 192.0.2.1' >/run/cordon-resolve/resolv.conf && "
	    "mount -t tmpfs t /etc && ln -s ../run/cordon-resolve/resolv.conf "
	    "/etc/resolv.conf && exec \"$@\"";
	const char *wrap[] = {"unshare", "-Urm", "sh", "-c", stage, "sh", NULL};
	char *argv[] = {"sh", "-c",
			"cat /etc/resolv.conf; echo x >>/etc/resolv.conf 2>/dev/null || "
			"echo read-only",
			NULL};

	if (!sec_sandbox_ok())
		return;
	sec_expect(NULL, wrap, argv, "nameserver 192.0.2.1\n");
	sec_expect("lockdown", wrap, argv, "nameserver 192.0.2.1\nread-only\n");
}

/* The job's /proc is its own at both tiers: a host process of the same uid
 * (here a child of the runner) is not in it, so its oom_score_adj (and
 * coredump_filter, clear_refs) cannot be written. The control raises it. */
static void test_proc_files(void)
{
	char path[64], script[160];
	int st;

	if (!sec_sandbox_ok())
		return;
	pid_t pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	CU_ASSERT_TRUE_FATAL(pid > 0);
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	snprintf(script, sizeof(script),
		 "echo 500 >%s 2>/dev/null && echo written || echo refused", path);
	char *argv[] = {"sh", "-c", script, NULL};
	sec_expect(NULL, NULL, argv, "written\n");
	for (size_t t = 0; t < 2; t++) {
		sec_assert_sandboxed(tiers[t], NULL);
		sec_expect(tiers[t], NULL, argv, "refused\n");
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

/* The job's own processes' /proc files stay its own: nested user
 * namespaces write their children's uid_map (unshare -r; a root caller's
 * job maps nothing: Linux 5.12+), and a job sets its own oom_score_adj. */
static void test_proc_own(void)
{
	const char *nested = tst_is_root() ? "unshare -U true && echo nested"
					   : "unshare -U -r sh -c 'id -u' && echo nested";
	char script[256];

	if (!sec_sandbox_ok())
		return;
	snprintf(script, sizeof(script),
		 "%s; echo 500 >/proc/self/oom_score_adj && echo own", nested);
	char *argv[] = {"sh", "-c", script, NULL};
	const char *want = tst_is_root() ? "nested\nown\n" : "0\nnested\nown\n";
	sec_expect(NULL, NULL, argv, want);
	for (size_t t = 0; t < 2; t++)
		sec_expect(tiers[t], NULL, argv, want);
}

/* hardened's own abstract sockets work among the job's processes, while the
 * host's are refused (security.net): the scope is the job's domain. */
static void test_own_abstract(void)
{
	char script[512];

	if (!sec_sandbox_ok())
		return;
	snprintf(script, sizeof(script),
		 "import socket, os\n"
		 "s = socket.socket(socket.AF_UNIX)\n"
		 "s.bind('\\0cordon-own-%d'); s.listen(1)\n"
		 "if os.fork() == 0:\n"
		 "    c = socket.socket(socket.AF_UNIX); c.connect('\\0cordon-own-%d')\n"
		 "    c.send(b'x'); os._exit(0)\n"
		 "print(s.accept()[0].recv(1).decode()); os.wait()\n",
		 (int)getpid(), (int)getpid());
	char *argv[] = {"python3", "-c", script, NULL};
	sec_expect(NULL, NULL, argv, "x\n");
	sec_expect("hardened", NULL, argv, "x\n");
}

/* A documented gap: before Linux 6.12 (no Landlock scopes; a seccomp
 * filter around the helper stands in for such a kernel) a hardened job
 * reaches the host's abstract unix sockets. */
static void test_abstract_old_kernel(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	const char *wrap[] = {tst_build("tests/helper/nosyscall"), "38", "444,445,446",
			      NULL};
	char name[64];

	if (!sec_sandbox_ok())
		return;
	snprintf(name, sizeof(name), "cordon-old-%d", (int)getpid());
	memcpy(a.sun_path + 1, name, strlen(name));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(
	    bind(fd, (struct sockaddr *)&a,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name))),
	    0);
	CU_ASSERT_EQUAL_FATAL(listen(fd, 4), 0);
	char *argv[] = {(char *)sec_prog("escape"), "abstract", name, NULL};
	sec_expect(NULL, NULL, argv, "ok\n");
	sec_expect("hardened", wrap, argv, "ok\n");
	close(fd);
}

/* Autogroups (CONFIG_SCHED_AUTOGROUP) are per session, and the job stays in
 * its host's: a job that may write its /proc/self/autogroup raises the
 * niceness of every process of the host's session (never lowers it: that
 * needs CAP_SYS_NICE in the initial user namespace). A root caller's job
 * may (it owns the file); an ordinary caller's as the kernel lets it write
 * its own /proc file. A documented
 * limit (docs/security.md): asserted so that it stays known. The host runs
 * in a session of its own (setsid), which ends with it. The kernel takes
 * one such change a second, machine-wide (EAGAIN before): each run waits. */
static void test_autogroup(void)
{
	char script[PATH_MAX + 256], pre[PATH_MAX + 32], hp[PATH_MAX + 32];

	if (!sec_sandbox_ok())
		return;
	if (access("/proc/self/autogroup", F_OK) < 0) {
		tst_skip("no /proc/self/autogroup (a kernel without "
			 "CONFIG_SCHED_AUTOGROUP): nothing to assert");
		return;
	}
	snprintf(script, sizeof(script),
		 "%s; sleep 1.1; sh -c 'echo 19 > /proc/self/autogroup' 2>/dev/null; "
		 "sed 's/.* nice //' /proc/self/autogroup",
		 tst_nsreport());
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", tst_build("libcordon.so"));
	snprintf(hp, sizeof(hp), "CORDON_HELPER=%s", tst_build("cordon-helper"));
	for (int t = -1; t < 2; t++) {
		char tier[32];
		struct tst_proc r;
		/* The control: plainly, without cordon. */
		snprintf(tier, sizeof(tier), "CORDON_TIER=%s",
			 t < 0 ? "plain" : tiers[t]);
		char *argv[] = {"setsid", "-w",	  "env", pre,	 hp,
				tier,	  "dash", "-c",	 script, NULL};
		char *plain[] = {"setsid", "-w", "dash", "-c", script, NULL};
		tst_ns_reset();
		CU_ASSERT_EQUAL_FATAL(tst_run(t < 0 ? plain : argv, NULL, &r), 0);
		/* An ordinary caller's job: as the kernel lets it write its
		 * own file (lockdown's could here, hardened's not); never a
		 * lower niceness. */
		const char *want =
		    t < 0 || tst_is_root() || !strcmp(r.out, "19\n") ? "19\n" : "0\n";
		CU_ASSERT_STRING_EQUAL(r.out, want);
		if (t >= 0)
			CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		if (strcmp(r.out, want))
			printf("\n    %s: %s|%s", tier, r.out, r.err);
		tst_proc_free(&r);
	}
}

static CU_TestInfo tests[] = {
    {"limit: a root caller's job raises its session's autogroup nice", test_autogroup},
    {"cgroupfs read-only at both tiers (uid 65534 on a delegated cgroup too)",
     test_cgroup},
    {"/sys read-only: a root caller's knobs", test_sysfs},
    {"lockdown: the host's sockets under /run out of reach", test_run_socket},
    {"lockdown: what /run keeps", test_run_kept},
    {"lockdown: /run keeps what /etc/resolv.conf points to", test_run_resolv},
    {"no other process's /proc files at both tiers", test_proc_files},
    {"the job's own /proc files: nested unshare -r, oom_score_adj", test_proc_own},
    {"hardened: the job's own abstract sockets work", test_own_abstract},
    {"limit: before Linux 6.12 hardened reaches the host's abstract sockets",
     test_abstract_old_kernel},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.surfaces", tests)
