/* Signals between host and job: each arrives once, SIGKILL of the monitor
 * ends everything, orphans are reaped, the job gets the host's mask. */
#include "tests/helper/hutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const tiers[] = {NULL, "hardened", "lockdown"};
#define NTIERS	3
#define NAME(t) ((t) ? (t) : "plain")

static void msleep(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int wait_status(pid_t pid)
{
	int st = -1;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* kill(pid) and kill(-pgid): the trap counts 2, with cordon as without. */
static void test_signal_once(void)
{
	char *argv[] = {"sh", "-c",
			"n=0; trap 'n=$((n+1))' USR1; trap 'echo $n; exit 0' USR2; "
			"echo ready; while :; do sleep 0.01; done",
			NULL};

	for (int t = 0; t < NTIERS; t++) {
		char line[64] = "";
		int out;
		pid_t pid = h_spawn(tiers[t], argv, &out);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) >= 0);
		CU_ASSERT_STRING_EQUAL(line, "ready");
		kill(pid, SIGUSR1);
		msleep(100);
		kill(-pid, SIGUSR1);
		msleep(100);
		kill(pid, SIGUSR2);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) >= 0);
		CU_ASSERT_STRING_EQUAL(line, "2");
		if (strcmp(line, "2")) {
			printf("\n    %s: the trap counted %s\n", NAME(tiers[t]), line);
			kill(-pid, SIGKILL);
		}
		CU_ASSERT_EQUAL(wait_status(pid), 0);
		close(out);
	}
}

/* SIGTSTP to the pid: the job stops, and so does the pid the host waits on;
 * SIGCONT continues both. */
static void test_stop_continue(void)
{
	char *argv[] = {"sh", "-c", "echo ready; sleep 0.3; echo done", NULL};

	for (int t = 0; t < NTIERS; t++) {
		char line[64] = "";
		int out, st = 0;
		pid_t pid = h_spawn(tiers[t], argv, &out);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) >= 0);
		/* Past dash's vfork of sleep: a child stopped before its exec
		 * would hold the shell in vfork, never to report a stop. */
		msleep(100);
		kill(pid, SIGTSTP);
		long deadline = now_ms() + 5000;
		pid_t w;
		while ((w = waitpid(pid, &st, WUNTRACED | WNOHANG)) == 0 &&
		       now_ms() < deadline)
			msleep(5);
		if (w != pid)
			kill(-pid, SIGKILL); /* and fail below, without hanging */
		CU_ASSERT_EQUAL(w, pid);
		CU_ASSERT_TRUE(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP);
		if (!WIFSTOPPED(st))
			printf("\n    %s: status %#x\n", NAME(tiers[t]), st);
		msleep(400); /* stopped: nothing comes */
		struct pollfd p = {out, POLLIN, 0};
		CU_ASSERT_EQUAL(poll(&p, 1, 0), 0);
		kill(pid, SIGCONT);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) >= 0);
		CU_ASSERT_STRING_EQUAL(line, "done");
		CU_ASSERT_EQUAL(wait_status(pid), 0);
		close(out);
	}
}

/* Starts argv in an orphaned process group (the session leader that made
 * it has exited, as with a daemon host); returns its pid, stdout on *out.
 * It is not our child: watch it through its stdout. */
static pid_t spawn_orphaned(const char *tier, char *const argv[], int *out)
{
	int o[2], p[2];
	pid_t leader, pid = -1;
	char **v = tier ? tst_helper_cmdline(tier, argv) : NULL;

	if (pipe2(o, O_CLOEXEC) < 0 || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	leader = fork();
	if (leader == 0) {
		setsid();
		pid_t child = fork();
		if (child == 0) {
			sigset_t none;
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			dup2(o[1], 1);
			execvp(v ? v[0] : argv[0], v ? v : argv);
			_exit(127);
		}
		_exit(write(p[1], &child, sizeof(child)) == (ssize_t)sizeof(child) ? 0
										   : 1);
	}
	tst_hcmd_free(v);
	close(o[1]);
	close(p[1]);
	if (read(p[0], &pid, sizeof(pid)) != (ssize_t)sizeof(pid))
		pid = -1;
	close(p[0]);
	waitpid(leader, NULL, 0);
	*out = o[0];
	return pid;
}

/* SIGTSTP to a job in an orphaned process group: the kernel discards it, the
 * job runs on; with cordon too (the target must not stay stopped). */
static void test_tstp_orphaned(void)
{
	char *argv[] = {"sh", "-c", "echo ready; sleep 0.3; echo alive", NULL};

	for (int t = 0; t < NTIERS; t++) {
		char line[64] = "";
		int out = -1;
		pid_t pid = spawn_orphaned(tiers[t], argv, &out);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) >= 0);
		CU_ASSERT_STRING_EQUAL(line, "ready");
		kill(pid, SIGTSTP);
		line[0] = '\0';
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 3000) >= 0);
		CU_ASSERT_STRING_EQUAL(line, "alive");
		if (strcmp(line, "alive")) {
			printf("\n    %s: the job stayed stopped\n", NAME(tiers[t]));
			kill(pid, SIGKILL);
		}
		close(out);
	}
}

/* An orphan is reparented to the sandbox's init, which reaps it. */
static void test_orphans_reaped(void)
{
	struct tst_proc r;

	CU_ASSERT_EQUAL_FATAL(
	    h_sh("lockdown",
		 "(sleep 0.1 & echo $! >/dev/null); sleep 0.4; "
		 "cat /proc/[0-9]*/stat | sed 's/.*) //' | cut -c1 | sort | tr -d '\\n'",
		 &r),
	    0);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NULL(strchr(r.out, 'Z'));
	CU_ASSERT_TRUE(strlen(r.out) >= 2);
	tst_proc_free(&r);
}

/* Blocked and ignored signals reach the job as the host set them. */
static void test_host_mask(void)
{
	const char *const sigexec[] = {tst_build("tests/helper/sigexec"), NULL};
	char *argv[] = {(char *)tst_nsreport(), "grep", "-E", "^Sig(Blk|Ign)",
			"/proc/self/status",	NULL};
	struct tst_cmp c = {.how = {.via = TST_HELPER, .wrap = sigexec},
			    .plain_shows = "SigBlk:\t0000008100000200"};

	tst_assert_same(&c, argv);
}

/* A "Field:  N kB" line of /proc/PID/FILE, or -1. */
static long kib(pid_t pid, const char *file, const char *field)
{
	char path[64], buf[2048];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	char *p = strstr(buf, field);
	return p ? strtol(p + strlen(field), NULL, 10) : -1;
}

static pid_t child_of(pid_t parent)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = -1;

	while (d && (e = readdir(d)) && found < 0) {
		char path[300], buf[512];
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		char *p = strrchr(buf, ')');
		if (p && atoi(p + 4) == parent)
			found = atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

/* The monitor's cmdline shows argv[0] only (pkill -f must find the target
 * alone), and monitor + init stay small. */
static void test_monitor_footprint(void)
{
	char *argv[] = {"sh", "-c", "echo ready; exec sleep 30", "cordon-footprint-probe",
			NULL};
	char line[64], path[64], cmd[4096];
	int out;
	pid_t pid = h_spawn("lockdown", argv, &out);

	CU_ASSERT_TRUE_FATAL(pid > 0);
	CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) >= 0);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, cmd, sizeof(cmd));
	if (fd >= 0)
		close(fd);
	CU_ASSERT_TRUE(n > 0);
	size_t first = strnlen(cmd, (size_t)(n > 0 ? n : 0));
	CU_ASSERT_TRUE(strstr(cmd, "cordon-helper") != NULL);
	for (ssize_t i = (ssize_t)first; i < n; i++)
		CU_ASSERT_EQUAL_FATAL(cmd[i], '\0');
	pid_t init = child_of(pid);
	long m = kib(pid, "status", "VmRSS:"), i = kib(init, "status", "VmRSS:");
	/* Monitor and init share the helper's text pages: PSS counts them once. */
	long mp = kib(pid, "smaps_rollup", "\nPss:"),
	     ip = kib(init, "smaps_rollup", "\nPss:");
	/* What each further sandbox costs: its private pages. */
	long ma = kib(pid, "smaps_rollup", "\nAnonymous:"),
	     ia = kib(init, "smaps_rollup", "\nAnonymous:");
	printf("\n    monitor + init: VmRSS %ld + %ld KiB, PSS %ld + %ld KiB, "
	       "private %ld + %ld KiB\n",
	       m, i, mp, ip, ma, ia);
	if (!h_sanitized()) {
		CU_ASSERT_TRUE(m > 0 && m <= 256);
		CU_ASSERT_TRUE(i > 0 && i <= 256);
		if (mp > 0 && ip > 0)
			CU_ASSERT_TRUE(mp + ip <= 208); /* docs/helper.md */
		if (ma > 0 && ia > 0)
			CU_ASSERT_TRUE(ma + ia <= 96);
	}
	kill(pid, SIGTERM);
	int st = wait_status(pid);
	CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	close(out);
}

static CU_TestInfo tests[] = {
    {"a signal to the pid and to its group arrives once", test_signal_once},
    {"SIGTSTP stops job and pid, SIGCONT continues", test_stop_continue},
    {"orphans are reaped", test_orphans_reaped},
    {"SIGTSTP in an orphaned process group is discarded", test_tstp_orphaned},
    {"the job gets the host's mask and ignored signals", test_host_mask},
    {"monitor: cmdline hidden, small footprint", test_monitor_footprint},
    CU_TEST_INFO_NULL,
};
TST_SUITE("helper.signals", tests)
