/* The exec family. glibc's execv/execl/execvp... reach execve through
 * hidden aliases, so each is interposed on its own; each fills a struct
 * call (calls.c) and runs the one pipeline (call.c). */
#include "shim/shim.h"

#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <unistd.h>

extern char **environ;

/* -1 with the call's errno: an exec that works does not come back. */
static int run(struct call *c)
{
	errno = call_run(shim_get(), c);
	return -1;
}

SHIM_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	struct call c;

	call_init(&c, ENTRY_EXECVE, path, argv, envp);
	return run(&c);
}

SHIM_EXPORT int execv(const char *path, char *const argv[])
{
	struct call c;

	call_init(&c, ENTRY_EXECV, path, argv, environ);
	return run(&c);
}

SHIM_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	struct call c;

	call_init(&c, ENTRY_EXECVPE, file, argv, envp);
	return run(&c);
}

SHIM_EXPORT int execvp(const char *file, char *const argv[])
{
	struct call c;

	call_init(&c, ENTRY_EXECVP, file, argv, environ);
	return run(&c);
}

SHIM_EXPORT int execveat(int dirfd, const char *path, char *const argv[],
			 char *const envp[], int flags)
{
	struct call c;

	call_init(&c, ENTRY_EXECVEAT, path, argv, envp);
	c.dirfd = dirfd;
	c.atflags = flags;
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		c.invalid = EINVAL;
	return run(&c);
}

SHIM_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	struct call c;

	call_init(&c, ENTRY_FEXECVE, "", argv, envp);
	c.dirfd = fd;
	c.atflags = AT_EMPTY_PATH;
	/* glibc checks these before its execveat(fd, "", AT_EMPTY_PATH),
	 * although its header declares them nonnull. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnonnull-compare"
	if (fd < 0 || !argv || !envp)
		c.invalid = EINVAL;
#pragma GCC diagnostic pop
	return run(&c);
}

/* execl*: glibc builds the argv on its stack (a VLA of argc pointers) and
 * calls execve/execvpe; so do we, with the same stack and glibc's bound
 * (INT_MAX arguments, then E2BIG). */
#define ARGV_FROM_VA(argv, arg, ap, extra_envp)                                          \
	do {                                                                             \
		size_t argc_ = 1;                                                        \
		va_start(ap, arg);                                                       \
		while (va_arg(ap, const char *))                                         \
			if (++argc_ == INT_MAX) {                                        \
				va_end(ap);                                              \
				errno = E2BIG;                                           \
				return -1;                                               \
			}                                                                \
		va_end(ap);                                                              \
		argv = alloca((argc_ + 1) * sizeof(*argv));                              \
		argv[0] = (char *)arg;                                                   \
		va_start(ap, arg);                                                       \
		for (size_t i_ = 1; i_ <= argc_; i_++)                                   \
			argv[i_] = va_arg(ap, char *);                                   \
		extra_envp;                                                              \
		va_end(ap);                                                              \
	} while (0)

SHIM_EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list ap;
	char **argv;

	/* cppcheck-suppress allocaCalled */
	ARGV_FROM_VA(argv, arg, ap, (void)0);
	struct call c;

	call_init(&c, ENTRY_EXECL, path, argv, environ);
	return run(&c);
}

SHIM_EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	char **argv, **envp;

	/* cppcheck-suppress allocaCalled */
	ARGV_FROM_VA(argv, arg, ap, envp = va_arg(ap, char **));
	struct call c;

	call_init(&c, ENTRY_EXECLE, path, argv, envp);
	return run(&c);
}

SHIM_EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	char **argv;

	/* cppcheck-suppress allocaCalled */
	ARGV_FROM_VA(argv, arg, ap, (void)0);
	struct call c;

	call_init(&c, ENTRY_EXECLP, file, argv, environ);
	return run(&c);
}
