/* The helper's one error path: a single "cordon: " line, then _exit. No
 * stdio: every role may call it, including right after a raw clone. */
#include "helper/helper.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

static void vsay(const char *fmt, va_list ap)
{
	char line[1024];
	int saved = errno;
	int n = (int)sizeof("cordon: ") - 1;

	memcpy(line, "cordon: ", (size_t)n);
	n += (int)fmt_vsn(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write: the line stays whole when several processes share stderr. */
	while (write(STDERR_FILENO, line, (size_t)n) < 0 && errno == EINTR)
		;
	errno = saved;
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* --status-fd: where a setup failure's cause goes, for `cordon check`. */
static int status_fd = -1;

void die_status_fd(int fd)
{
	status_fd = fd;
}

static _Noreturn void vdie(int code, const char *cause, const char *detail,
			   const char *fmt, va_list ap)
{
	char line[128];

	vsay(fmt, ap);
	if (status_fd >= 0 && code == EXIT_SETUP) {
		size_t n = fmt_sn(line, sizeof(line), "%s%s%s\n", cause,
				  detail ? " " : "", detail ? detail : "");
		if (n < sizeof(line))
			while (write(status_fd, line, n) < 0 && errno == EINTR)
				;
	}
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
