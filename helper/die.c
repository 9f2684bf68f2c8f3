/* The helper's one error path: a single "cordon: " line, then _exit. No
 * stdio, and no errno (sys6): every role may call it, the target too while
 * it shares init's memory. */
#include "helper/helper.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void write_all(int fd, const char *s, size_t n)
{
	while (SYS(SYS_write, fd, s, n) == -EINTR)
		;
}

/* A line that fits a page: a pipe that is not full takes it at once. */
static bool room_now(int fd)
{
	struct pollfd p = {fd, POLLOUT, 0};
	struct timespec now = {0, 0};

	return SYS(SYS_ppoll, &p, 1, &now, NULL, 8) == 1 && (p.revents & POLLOUT);
}

static void vsay(bool wait, const char *fmt, va_list ap)
{
	char line[1024];
	int n = (int)sizeof("cordon: ") - 1;

	memcpy(line, "cordon: ", (size_t)n);
	n += (int)fmt_vsn(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	/* What it quotes of the job's (its file's name): one line, no
	 * terminal escape. */
	for (int i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[n++] = '\n';
	/* One write: the line stays whole when several processes share stderr. */
	if (wait || room_now(STDERR_FILENO))
		write_all(STDERR_FILENO, line, (size_t)n);
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(false, fmt, ap);
	va_end(ap);
}

/* --status-fd: where a setup failure's cause goes, for `cordon check`. */
static int status_fd = -1;

void die_status_fd(int fd)
{
	status_fd = fd;
}

void die_status_close(void)
{
	if (status_fd >= 0)
		close(status_fd);
	status_fd = -1;
}

/* A word of the shared page set to 2 (and woken) on the way out. */
static uint32_t *notify;

void die_notify(uint32_t *word)
{
	notify = word;
}

/* Undoes what the monitor made outside the sandbox (its job's cgroup). */
static void (*cleanup)(void);

void die_cleanup(void (*fn)(void))
{
	cleanup = fn;
}

static _Noreturn void vdie(int code, const char *cause, const char *detail,
			   const char *fmt, va_list ap)
{
	char line[128];

	if (status_fd >= 0 && code == EXIT_SETUP) {
		size_t n = fmt_sn(line, sizeof(line), "%s%s%s\n", cause,
				  detail ? " " : "", detail ? detail : "");
		if (n < sizeof(line))
			write_all(status_fd, line, n);
	}
	/* A spawn that reads the status fd may hold the thread that drains
	 * our stderr: then the line goes only where there is room for it. */
	vsay(status_fd < 0, fmt, ap);
	if (cleanup)
		cleanup();
	if (notify)
		fut_set(notify, 2);
	_exit(code);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(code, CAUSE_SETUP, NULL, fmt, ap);
	va_end(ap);
}

void die_cause(const char *cause, const char *detail, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(EXIT_SETUP, cause, detail, fmt, ap);
	va_end(ap);
}

void die_if_nproc(int e)
{
	struct rlimit rl;
	char limit[24];

	/* Root is not held to RLIMIT_NPROC: its EAGAIN is the system's. */
	if (e != EAGAIN || getrlimit(RLIMIT_NPROC, &rl) < 0 ||
	    rl.rlim_cur == RLIM_INFINITY || geteuid() == 0)
		return;
	fmt_sn(limit, sizeof(limit), "%llu", (unsigned long long)rl.rlim_cur);
	die_cause(CAUSE_NPROC, limit,
		  "cannot start the sandbox: the process limit (RLIMIT_NPROC %s) is "
		  "reached; cordon needs 2 processes per job besides the job (raise "
		  "ulimit -u)",
		  limit);
}
