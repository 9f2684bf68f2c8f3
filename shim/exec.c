/* The exec family. glibc's execv/execl/execvp... reach execve through
 * hidden aliases, so each is interposed on its own. */
#include "shim/shim.h"

#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <unistd.h>

extern char **environ;

static int do_execvpe(const char *fn, const char *file, char *const argv[],
		      char *const envp[]);

static int fail(int err)
{
	errno = err;
	return -1;
}

/* fexecve/execveat: the helper needs the fd, so a close-on-exec one is
 * handed over open and named with --cloexec (the target must not get it).
 * Only the exec'ing process's fd table changes, and back on failure. */
static int exec_at(struct helper_cmd *h, char *const *argv, char *const *envp, int dirfd)
{
	int flags = fcntl(dirfd, F_GETFD), err;

	if (flags < 0)
		return errno;
	if (flags & FD_CLOEXEC && fcntl(dirfd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
		return errno;
	h->dirfd = dirfd;
	h->cloexec = flags & FD_CLOEXEC ? dirfd : -1;
	err = divert_exec(h, argv, envp);
	/* Back as the host had it; this fd was just valid, nothing to fail. */
	if (flags & FD_CLOEXEC)
		(void)fcntl(dirfd, F_SETFD, flags);
	return err;
}

/* One exec through the helper: resolve as the real call would, fail with
 * its errno, else replace this process with the helper. */
static int exec_sandboxed(const struct divert *d, int dirfd, const char *file,
			  int atflags, char *const *argv, char *const *envp, bool search)
{
	struct helper_cmd h = {.helper = cfg.helper,
			       .sh = search,
			       .dirfd = -1,
			       .cloexec = -1,
			       .tier = d->tier};
	struct probe p = {.dirfd = dirfd,
			  .atflags = atflags,
			  .noexec = !search,
			  .argv = argv,
			  .envp = envp};
	char buf[PATH_MAX + NAME_MAX + 2];
	int fdflags = dirfd != AT_FDCWD ? fcntl(dirfd, F_GETFD) : 0;
	int err;

	p.fd_cloexec = fdflags > 0 && (fdflags & FD_CLOEXEC);
	err = resolve_exec(&h, &p, file, search, buf, sizeof(buf));
	if (err)
		return log_event(d, LOG_FAILED, file, err);
	if ((err = divert_helper_ok(file)))
		return log_event(d, LOG_REFUSED, h.path, err);
	log_event(d, LOG_SANDBOXED, h.path, 0);
	/* An absolute path or the cwd needs no fd (execveat ignores it). */
	if (dirfd != AT_FDCWD && (!*h.path || *h.path != '/'))
		return log_err(d, exec_at(&h, argv, envp, dirfd));
	return log_err(d, divert_exec(&h, argv, envp));
}

static int do_execve(const char *fn, const char *path, char *const argv[],
		     char *const envp[])
{
	const struct log_call lc = {fn, path, argv, envp, AT_FDCWD};
	struct divert d;

	switch (divert_decide(&d, &lc, path, envp)) {
	case PASS:
		return log_ret(&d, real.execve(path, argv, envp));
	case REFUSE:
		return fail(EPERM);
	default:
		return fail(exec_sandboxed(&d, AT_FDCWD, path, 0, argv, envp, false));
	}
}

SHIM_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	return do_execve("execve", path, argv, envp);
}

SHIM_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return do_execvpe("execvpe", file, argv, envp);
}

SHIM_EXPORT int execv(const char *path, char *const argv[])
{
	const struct log_call lc = {"execv", path, argv, environ, AT_FDCWD};
	struct divert d;

	switch (divert_decide(&d, &lc, path, environ)) {
	case PASS:
		return log_ret(&d, real.execv(path, argv));
	case REFUSE:
		return fail(EPERM);
	default:
		return fail(exec_sandboxed(&d, AT_FDCWD, path, 0, argv, environ, false));
	}
}

static int do_execvpe(const char *fn, const char *file, char *const argv[],
		      char *const envp[])
{
	const struct log_call lc = {fn, file, argv, envp, AT_FDCWD};
	struct divert d;

	switch (divert_decide(&d, &lc, file, envp)) {
	case PASS:
		return log_ret(&d, real.execvpe(file, argv, envp));
	case REFUSE:
		return fail(EPERM);
	default:
		return fail(exec_sandboxed(&d, AT_FDCWD, file, 0, argv, envp, true));
	}
}

SHIM_EXPORT int execvp(const char *file, char *const argv[])
{
	const struct log_call lc = {"execvp", file, argv, environ, AT_FDCWD};
	struct divert d;

	switch (divert_decide(&d, &lc, file, environ)) {
	case PASS:
		return log_ret(&d, real.execvp(file, argv));
	case REFUSE:
		return fail(EPERM);
	default:
		return fail(exec_sandboxed(&d, AT_FDCWD, file, 0, argv, environ, true));
	}
}

SHIM_EXPORT int execveat(int dirfd, const char *path, char *const argv[],
			 char *const envp[], int flags)
{
	const struct log_call lc = {"execveat", path, argv, envp, dirfd};
	struct divert d;

	switch (divert_decide(&d, &lc, path, envp)) {
	case PASS:
		return log_ret(&d, real.execveat(dirfd, path, argv, envp, flags));
	case REFUSE:
		return fail(EPERM);
	default:
		if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
			return fail(log_event(&d, LOG_FAILED, path, EINVAL));
		return fail(exec_sandboxed(&d, dirfd, path, flags, argv, envp, false));
	}
}

SHIM_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	const struct log_call lc = {"fexecve", "", argv, envp, fd};
	struct divert d;

	switch (divert_decide(&d, &lc, "(fexecve fd)", envp)) {
	case PASS:
		return log_ret(&d, real.fexecve(fd, argv, envp));
	case REFUSE:
		return fail(EPERM);
	default:
		/* glibc checks these before its execveat(fd, "", AT_EMPTY_PATH),
		 * although its header declares them nonnull. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnonnull-compare"
		if (fd < 0 || !argv || !envp)
			return fail(log_event(&d, LOG_FAILED, "", EINVAL));
#pragma GCC diagnostic pop
		return fail(exec_sandboxed(&d, fd, "", AT_EMPTY_PATH, argv, envp, false));
	}
}

/* execl*: glibc builds the argv on its stack and calls execve/execvpe; so
 * do we, bounded (glibc itself stops at INT_MAX arguments with E2BIG). */
#define ARGV_FROM_VA(argv, arg, ap, extra_envp)                                          \
	do {                                                                             \
		size_t argc_ = 1;                                                        \
		va_start(ap, arg);                                                       \
		while (va_arg(ap, const char *))                                         \
			if (++argc_ > SHIM_MAX_PTRS) {                                   \
				va_end(ap);                                              \
				return fail(E2BIG);                                      \
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
	return do_execve("execl", path, argv, environ);
}

SHIM_EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	char **argv, **envp;

	/* cppcheck-suppress allocaCalled */
	ARGV_FROM_VA(argv, arg, ap, envp = va_arg(ap, char **));
	return do_execve("execle", path, argv, envp);
}

SHIM_EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	char **argv;

	/* cppcheck-suppress allocaCalled */
	ARGV_FROM_VA(argv, arg, ap, (void)0);
	return do_execvpe("execlp", file, argv, environ);
}
