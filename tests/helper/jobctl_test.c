/* Job control through the helper, with a real terminal: an interactive bash
 * on a pty runs sandboxed jobs in the foreground; ^C, ^Z and fg must work
 * as they do without cordon. */
#include "tests/helper/hutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct term {
	int master;
	pid_t shell;
	char buf[65536];
	size_t len, seen; /* seen: where the next expect() starts looking */
};

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void shell_child(int slave)
{
	char *argv[] = {"bash", "--norc", "--noprofile", "-i", NULL};
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < 32; s++)
		signal(s, SIG_DFL);
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		_exit(126);
	dup2(slave, 0);
	dup2(slave, 1);
	dup2(slave, 2);
	setenv("PS1", "$ ", 1);
	setenv("TERM", "dumb", 1);
	setenv("HISTFILE", "/dev/null", 1);
	execvp(argv[0], argv);
	_exit(127);
}

static int term_open(struct term *t)
{
	int slave;

	memset(t, 0, sizeof(*t));
	if (openpty(&t->master, &slave, NULL, NULL, NULL) < 0)
		return -1;
	t->shell = fork();
	if (t->shell == 0)
		shell_child(slave);
	close(slave);
	fcntl(t->master, F_SETFD, FD_CLOEXEC);
	return t->shell < 0 ? -1 : 0;
}

static void term_send(struct term *t, const char *s)
{
	CU_ASSERT_EQUAL(write(t->master, s, strlen(s)), (ssize_t)strlen(s));
}

/* Waits for needle in the output after the last match; true if it came. */
static bool wait_for(struct term *t, const char *needle, int timeout_ms, bool quiet)
{
	long deadline = now_ms() + timeout_ms;

	for (;;) {
		char *hit =
		    memmem(t->buf + t->seen, t->len - t->seen, needle, strlen(needle));
		if (hit) {
			t->seen = (size_t)(hit - t->buf) + strlen(needle);
			return true;
		}
		long left = deadline - now_ms();
		struct pollfd p = {t->master, POLLIN, 0};
		if (left <= 0 || poll(&p, 1, (int)left) <= 0 ||
		    t->len + 1 >= sizeof(t->buf))
			break;
		ssize_t n = read(t->master, t->buf + t->len, sizeof(t->buf) - 1 - t->len);
		if (n <= 0)
			break;
		t->len += (size_t)n;
		t->buf[t->len] = '\0';
	}
	if (quiet)
		return false;
	printf("\n    expected \"%s\"; the terminal showed:\n%.*s\n---\n%s\n", needle,
	       (int)(t->len - t->seen), t->buf + t->seen,
	       getenv("JOBCTL_DEBUG") ? t->buf : "");
	return false;
}

static bool expect(struct term *t, const char *needle, int timeout_ms)
{
	return wait_for(t, needle, timeout_ms, false);
}

static void term_close(struct term *t)
{
	int st;

	kill(t->shell, SIGKILL);
	while (waitpid(t->shell, &st, 0) < 0 && errno == EINTR)
		;
	close(t->master);
}

/* The command line that runs argv (through the helper in tier, if set). */
static void command(const char *tier, char *const argv[], char *out, size_t size)
{
	char **v = tier ? tst_helper_cmdline(tier, argv) : NULL;
	char *const *w = v ? v : argv;
	size_t len = 0;

	/* Single-quoted words, ' written as '\'' */
	for (size_t i = 0; w[i] && len + 8 < size; i++) {
		out[len++] = '\'';
		for (const char *c = w[i]; *c && len + 8 < size; c++)
			if (*c == '\'') {
				memcpy(out + len, "'\\''", 4);
				len += 4;
			} else {
				out[len++] = *c;
			}
		out[len++] = '\'';
		out[len++] = ' ';
	}
	out[len++] = '\n';
	out[len] = '\0';
	tst_hcmd_free(v);
}

static void session(const char *tier)
{
	static char *cat[] = {"cat", NULL};
	static char *trap[] = {"sh", "-c",
			       "trap 'echo got-INT; exit 3' INT; echo armed; "
			       "while :; do sleep 0.05; done",
			       NULL};
	char cmd_cat[8192], cmd_trap[8192];
	struct term t;

	command(tier, cat, cmd_cat, sizeof(cmd_cat));
	command(tier, trap, cmd_trap, sizeof(cmd_trap));
	CU_ASSERT_EQUAL_FATAL(term_open(&t), 0);
	term_send(&t, "stty -echo; echo go-$((6*7))\n");
	if (!expect(&t, "go-42", 5000))
		goto out;

	/* ^C reaches the foreground job once, and it dies of it. The tty
	 * flushes its input on ^C: type on only once the prompt is back. */
	term_send(&t, cmd_cat);
	term_send(&t, "hello\n");
	CU_ASSERT_TRUE(expect(&t, "hello", 3000));
	term_send(&t, "\003");
	CU_ASSERT_TRUE(expect(&t, "$ ", 3000));
	term_send(&t, "echo st=$?\n");
	CU_ASSERT_TRUE(expect(&t, "st=130", 3000));

	term_send(&t, cmd_trap);
	CU_ASSERT_TRUE(expect(&t, "armed", 3000));
	term_send(&t, "\003");
	CU_ASSERT_TRUE(expect(&t, "got-INT", 3000));
	CU_ASSERT_TRUE(expect(&t, "$ ", 3000));
	CU_ASSERT_PTR_NULL(memmem(t.buf + t.seen - 2, t.len - t.seen + 2, "got-INT", 7));
	term_send(&t, "echo st=$?\n");
	CU_ASSERT_TRUE(expect(&t, "st=3", 3000));

	/* ^Z stops it (the shell sees the stop), fg continues it in the
	 * foreground: it reads the terminal again. */
	term_send(&t, cmd_cat);
	term_send(&t, "ping\n");
	CU_ASSERT_TRUE(expect(&t, "ping", 3000));
	term_send(&t, "\032");
	CU_ASSERT_TRUE(expect(&t, "Stopped", 3000));
	CU_ASSERT_TRUE(expect(&t, "$ ", 3000));
	term_send(&t, "fg\n");
	CU_ASSERT_TRUE(expect(&t, "cat", 3000)); /* bash names the job it continues */
	term_send(&t, "pong\n");
	CU_ASSERT_TRUE(expect(&t, "pong", 3000));
	term_send(&t, "\004");
	CU_ASSERT_TRUE(expect(&t, "$ ", 3000));
	term_send(&t, "echo st=$?\n");
	CU_ASSERT_TRUE(expect(&t, "st=0", 3000));

	/* Started in the background, it stops when it reads the terminal
	 * (SIGTTIN); fg hands it the foreground although it never had it. */
	cmd_cat[strlen(cmd_cat) - 1] = '\0';
	term_send(&t, cmd_cat);
	term_send(&t, " &\n");
	bool stopped = false;
	for (int i = 0; i < 20 && !stopped; i++) {
		usleep(100000);
		term_send(&t, "jobs\n");
		stopped = wait_for(&t, "Stopped", 200, true);
	}
	CU_ASSERT_TRUE(stopped);
	term_send(&t, "fg\n");
	CU_ASSERT_TRUE(expect(&t, "cat", 3000));
	term_send(&t, "late\n");
	CU_ASSERT_TRUE(expect(&t, "late", 3000));
	term_send(&t, "\004");
	CU_ASSERT_TRUE(expect(&t, "$ ", 3000));
	term_send(&t, "echo st=$?\n");
	CU_ASSERT_TRUE(expect(&t, "st=0", 3000));
out:
	term_close(&t);
}

static void test_job_control(void)
{
	static const char *const tiers[] = {NULL, "hardened", "lockdown"};

	for (size_t i = 0; i < 3; i++)
		session(tiers[i]);
}

static CU_TestInfo tests[] = {
    {"interactive bash: ^C, ^Z, fg on a sandboxed job", test_job_control},
    CU_TEST_INFO_NULL,
};
TST_SUITE("helper.jobctl", tests)
