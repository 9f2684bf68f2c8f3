/* The exec family. glibc's execv/execl/execvp... reach execve through
 * hidden aliases, so each is interposed on its own; each fills a struct
 * call and runs the one pipeline (call.c). */
#include "shim/shim.h"

#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <unistd.h>

extern char **environ;

static int pass_execve(const struct call *c, const struct real_fns *real)
{
	real->execve(c->file, c->argv, c->envp);
	return errno;
}

static int pass_execv(const struct call *c, const struct real_fns *real)
{
	real->execv(c->file, c->argv);
	return errno;
}

static int pass_execvpe(const struct call *c, const struct real_fns *real)
{
	real->execvpe(c->file, c->argv, c->envp);
	return errno;
}

static int pass_execvp(const struct call *c, const struct real_fns *real)
{
	real->execvp(c->file, c->argv);
	return errno;
}

static int pass_execveat(const struct call *c, const struct real_fns *real)
{
	real->execveat(c->dirfd, c->file, c->argv, c->envp, c->atflags);
	return errno;
}

static int pass_fexecve(const struct call *c, const struct real_fns *real)
{
	real->fexecve(c->dirfd, c->argv, c->envp);
	return errno;
}

#define EXEC_CALL(fn_, file_, argv_, envp_, search_, pass_)                              \
	((struct call){.fn = fn_,                                                        \
		       .kind = CALL_EXEC,                                                \
		       .file = file_,                                                    \
		       .dirfd = AT_FDCWD,                                                \
		       .argv = argv_,                                                    \
		       .envp = envp_,                                                    \
		       .search = search_,                                                \
		       .sh = search_,                                                    \
		       .pass = pass_})

/* -1 with the call's errno: an exec that works does not come back. */
static int run(struct call *c)
{
	errno = call_run(shim_get(), c);
	return -1;
}

SHIM_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	struct call c = EXEC_CALL("execve", path, argv, envp, false, pass_execve);
	return run(&c);
}

SHIM_EXPORT int execv(const char *path, char *const argv[])
{
	struct call c = EXEC_CALL("execv", path, argv, environ, false, pass_execv);
	return run(&c);
}

SHIM_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	struct call c = EXEC_CALL("execvpe", file, argv, envp, true, pass_execvpe);
	return run(&c);
}

SHIM_EXPORT int execvp(const char *file, char *const argv[])
{
	struct call c = EXEC_CALL("execvp", file, argv, environ, true, pass_execvp);
	return run(&c);
}

SHIM_EXPORT int execveat(int dirfd, const char *path, char *const argv[],
			 char *const envp[], int flags)
{
	struct call c = EXEC_CALL("execveat", path, argv, envp, false, pass_execveat);

	c.dirfd = dirfd;
	c.atflags = flags;
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		c.invalid = EINVAL;
	return run(&c);
}

SHIM_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	struct call c = EXEC_CALL("fexecve", "", argv, envp, false, pass_fexecve);

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
	struct call c = EXEC_CALL("execl", path, argv, environ, false, pass_execve);
	return run(&c);
}

SHIM_EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	char **argv, **envp;

	/* cppcheck-suppress allocaCalled */
	ARGV_FROM_VA(argv, arg, ap, envp = va_arg(ap, char **));
	struct call c = EXEC_CALL("execle", path, argv, envp, false, pass_execve);
	return run(&c);
}

SHIM_EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	char **argv;

	/* cppcheck-suppress allocaCalled */
	ARGV_FROM_VA(argv, arg, ap, (void)0);
	struct call c = EXEC_CALL("execlp", file, argv, environ, true, pass_execvpe);
	return run(&c);
}
