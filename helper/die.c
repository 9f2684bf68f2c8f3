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

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	_exit(code);
}
