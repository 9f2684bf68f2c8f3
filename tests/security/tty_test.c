/* Terminal input injection (TIOCSTI, TIOCLINUX) on the job's controlling
 * terminal: a pty the attack program makes its own (tests/security/progs/
 * tty.c), so the control really injects. */
#include "tests/helper/hutil.h"
#include "tests/security/sec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

/* The value of "word RESULT" in out, or "" (static buffer). */
static const char *field(const char *out, const char *word)
{
	static char val[64];
	char key[32];

	snprintf(key, sizeof(key), "%s ", word);
	val[0] = '\0';
	for (const char *p = out; p && *p;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, strlen(key))) {
			sscanf(p + strlen(key), "%63s", val);
			break;
		}
	return val;
}

static void test_tty(void)
{
	static const char *const sti[] = {"sti", "sti-high", "sti-i386"};
	char *argv[] = {(char *)sec_prog("tty"), NULL};
	char plain_i386[64];

	if (!sec_sandbox_ok())
		return;
	char *plain = sec_out(NULL, NULL, argv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
	/* The control injects (dev.tty.legacy_tiocsti=0 would make the kernel
	 * refuse an unprivileged TIOCSTI with EIO: then say so). */
	if (!strcmp(field(plain, "sti"), "EIO"))
		tst_skip(
		    "the control: TIOCSTI is disabled here (dev.tty.legacy_tiocsti=0); "
		    "only the sandboxed EPERM is checked");
	else
		CU_ASSERT_STRING_EQUAL(field(plain, "sti"), "ok");
	CU_ASSERT_STRING_EQUAL(field(plain, "sti-high"), field(plain, "sti"));
	snprintf(plain_i386, sizeof(plain_i386), "%s", field(plain, "sti-i386"));
	if (!strcmp(plain_i386, "unavailable"))
		tst_skip("the kernel has no i386 system calls: the int $0x80 probe "
			 "cannot run");
	else
		CU_ASSERT_STRING_EQUAL(plain_i386, field(plain, "sti"));
	/* A pty answers TIOCLINUX itself (ENOTTY, EINVAL): the kernel got it. */
	CU_ASSERT_STRING_NOT_EQUAL(field(plain, "linux"), "EPERM");
	CU_ASSERT_STRING_NOT_EQUAL(field(plain, "linux"), "");

	for (size_t t = 0; t < 2; t++) {
		char *out = sec_out(tiers[t], NULL, argv);
		if (!out)
			continue;
		for (size_t i = 0; i < 3; i++) {
			bool skip = i == 2 && !strcmp(plain_i386, "unavailable");
			CU_ASSERT_STRING_EQUAL(field(out, sti[i]),
					       skip ? "unavailable" : "EPERM");
		}
		CU_ASSERT_STRING_EQUAL(field(out, "linux"), "EPERM");
		if (strstr(out, " ok"))
			printf("\n    %s: injected:\n%s", tiers[t], out);
		free(out);
	}
	free(plain);
}

/* A documented limit, asserted so that it stays known: the caller's other
 * terminals (/dev/pts/N, owned by its uid) open from the job at every tier:
 * it can read their input and write to them (TIOCSTI stays refused). */
static void test_other_terminal(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (!sec_sandbox_ok())
		return;
	CU_ASSERT_TRUE_FATAL(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0);
	char *argv[] = {(char *)sec_prog("escape"), "read", ptsname(m), NULL};
	sec_expect(NULL, NULL, argv, "ok\n");
	for (size_t t = 0; t < 2; t++)
		sec_expect(tiers[t], NULL, argv, "ok\n");
	close(m);
}

/* The "host" for the SIGWINCH test: a session on a new pty, in its
 * foreground, starting cmd (plainly or through the helper) in a background
 * process group. Exits 0 when SIGWINCH reached it, 1 when not, 2 on setup
 * failure. */
static int winch_host(char **cmd)
{
	sigset_t winch;
	siginfo_t si;
	struct timespec wait = {10, 0};
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s, st;

	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, NULL);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || setsid() < 0 ||
	    (s = open(ptsname(m), O_RDWR)) < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
		return 2;
	pid_t job = fork();
	if (job == 0) {
		setpgid(0, 0);
		sigprocmask(SIG_UNBLOCK, &winch, NULL);
		/* A background group: SIGTTOU must not stop it (it would not for
		 * TIOCSWINSZ anyway). */
		signal(SIGTTOU, SIG_IGN);
		dup2(open("/dev/null", O_WRONLY), 1);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	setpgid(job, job);
	int got = sigtimedwait(&winch, &si, &wait) == SIGWINCH;
	waitpid(job, &st, 0);
	return got ? 0 : 1;
}

/* A documented limit, asserted so that it stays known: the job shares the
 * host's controlling terminal, so from a background process group it can
 * change the terminal's size, and the kernel signals the foreground group
 * (the host's) SIGWINCH; the same holds for the terminal's modes. */
static void test_winch(void)
{
	if (!sec_sandbox_ok())
		return;
	/* t = 0: plainly (the control); then each of tiers[]. */
	for (size_t t = 0; t < 3; t++) {
		char *argv[] = {(char *)sec_prog("tty"), "winsz", NULL};
		char **v = t ? tst_helper_cmdline(tiers[t - 1], argv) : NULL;
		fflush(stdout);
		pid_t host = fork();
		if (host == 0)
			_exit(winch_host(v ? v : argv));
		int st;
		CU_ASSERT_EQUAL(waitpid(host, &st, 0), host);
		CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			printf("\n    %s: host status %#x\n", t ? tiers[t - 1] : "plain",
			       st);
		tst_hcmd_free(v);
	}
}

/* The "host" for the TIOCEXCL test: a session on a new pty (setting
 * TIOCEXCL on it first when host_excl), running cmd in a background process
 * group with the terminal as stdin and out as stdout, then saying on out
 * what is left: "after excl=FLAG open=RESULT" (TIOCGEXCL, and its own open
 * of /dev/tty). Exits 0, or 2 on setup failure. */
static int excl_host(char **cmd, bool host_excl, int out)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s, st, excl = -1;

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || setsid() < 0 ||
	    (s = open(ptsname(m), O_RDWR)) < 0 || ioctl(s, TIOCSCTTY, 0) < 0 ||
	    (host_excl && ioctl(s, TIOCEXCL) < 0))
		return 2;
	pid_t job = fork();
	if (job == 0) {
		setpgid(0, 0);
		signal(SIGTTOU, SIG_IGN);
		dup2(s, 0);
		dup2(out, 1);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	setpgid(job, job);
	if (waitpid(job, &st, 0) != job || ioctl(s, TIOCGEXCL, &excl) < 0)
		return 2;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	dprintf(out, "after excl=%d open=%s\n", excl,
		fd < 0 ? strerrorname_np(errno) : "ok");
	return 0;
}

/* In a tier, the job starts through nsreport: its report proves where the
 * ioctl ran. */
static char *excl_run(const char *tier, const char *what, bool host_excl)
{
	char *argv[] = {(char *)tst_nsreport(), (char *)sec_prog("tty"), (char *)what,
			NULL};
	char **v = tier ? tst_helper_cmdline(tier, argv) : NULL;
	char buf[256] = "";
	int p[2], st;
	ssize_t n, got = 0;

	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	fflush(stdout);
	tst_ns_reset();
	pid_t host = fork();
	if (host == 0) {
		close(p[0]);
		_exit(excl_host(v ? v : argv + 1, host_excl, p[1]));
	}
	close(p[1]);
	while ((n = read(p[0], buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	buf[got] = '\0';
	close(p[0]);
	CU_ASSERT_EQUAL(waitpid(host, &st, 0), host);
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (tier)
		CU_ASSERT_EQUAL(tst_ns_check(tier, tier), 1);
	tst_hcmd_free(v);
	return strdup(buf);
}

/* TIOCEXCL on the terminal the job shares with its host outlives the job:
 * the host's next open of its terminal fails with EBUSY (a root host has
 * CAP_SYS_ADMIN and opens it anyway; the flag is set all the same).
 * TIOCNXCL would clear the flag the host set. Both fail with EPERM in the
 * job; the control shows them work. */
static void test_excl(void)
{
	char busy[64], after_host[64];
	const char *open_busy = tst_is_root() ? "ok" : "EBUSY";
	static const char *const tiers3[] = {NULL, "hardened", "lockdown"};

	if (!sec_sandbox_ok())
		return;
	snprintf(busy, sizeof(busy), "excl ok\nafter excl=1 open=%s\n", open_busy);
	snprintf(after_host, sizeof(after_host), "nxcl EPERM\nafter excl=1 open=%s\n",
		 open_busy);
	for (size_t t = 0; t < 3; t++) {
		const char *tier = tiers3[t];
		const char *want[2] = {tier ? "excl EPERM\nafter excl=0 open=ok\n" : busy,
				       tier ? after_host
					    : "nxcl ok\nafter excl=0 open=ok\n"};
		for (int host_excl = 0; host_excl < 2; host_excl++) {
			char *out =
			    excl_run(tier, host_excl ? "nxcl" : "excl", host_excl);
			CU_ASSERT_STRING_EQUAL(out, want[host_excl]);
			if (strcmp(out, want[host_excl]))
				printf("\n    %s: got\n%s    want\n%s",
				       tier ? tier : "plain", out, want[host_excl]);
			free(out);
		}
	}
}

static CU_TestInfo tests[] = {
    {"TIOCSTI (high bits, i386 too) and TIOCLINUX refused", test_tty},
    {"TIOCEXCL and TIOCNXCL on the shared terminal refused", test_excl},
    {"limit: the caller's other terminals open", test_other_terminal},
    {"limit: the shared terminal's size, SIGWINCH to the host", test_winch},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.tty", tests)
