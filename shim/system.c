/* system(), popen() and pclose(). glibc >= 2.29 runs both through a hidden
 * posix_spawn of /bin/sh that no interposer sees, so they are reproduced
 * here (stdlib/system.c, libio/iopopen.c of glibc 2.36) around a sandboxed
 * spawn of /bin/sh. Neither is async-signal-safe in glibc either: locks
 * and stdio are fine here. */
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SHELL_PATH "/bin/sh"

/* The sandboxed spawn of the shell of c, into *pid. errno is kept. */
static int spawn_shell(struct call *c, pid_t *pid, const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *attr)
{
	int saved = errno, err;

	c->pid = pid;
	c->fa = fa;
	c->attr = attr;
	err = call_divert(shim_get(), c);
	errno = saved;
	return err;
}

/* SIGINT and SIGQUIT are ignored while any thread is in system(): the
 * first one in saves the dispositions, the last one out restores them. */
static pthread_mutex_t sys_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction sys_intr, sys_quit;
static int sys_users;

static void sys_enter(void)
{
	struct sigaction ign = {.sa_handler = SIG_IGN};

	pthread_mutex_lock(&sys_lock);
	/* Cannot fail: valid signals, SIG_IGN. */
	if (sys_users++ == 0) {
		sigaction(SIGINT, &ign, &sys_intr);
		sigaction(SIGQUIT, &ign, &sys_quit);
	}
	pthread_mutex_unlock(&sys_lock);
}

static void sys_leave(void)
{
	pthread_mutex_lock(&sys_lock);
	if (--sys_users == 0) {
		sigaction(SIGINT, &sys_intr, NULL);
		sigaction(SIGQUIT, &sys_quit, NULL);
	}
	pthread_mutex_unlock(&sys_lock);
}

/* system() is a cancellation point: a cancelled caller kills the child
 * and reaps it, as glibc's cancel_handler does. */
static void sys_cancel(void *arg)
{
	pid_t pid = *(pid_t *)arg;

	sys_kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	sys_leave();
}

static void sys_attr(posix_spawnattr_t *attr, const sigset_t *omask)
{
	sigset_t reset;

	/* The shell gets back the dispositions the caller had, unless they
	 * were SIG_IGN, and the caller's mask (without our SIGCHLD block). */
	sys_sigemptyset(&reset);
	if (sys_intr.sa_handler != SIG_IGN)
		sys_sigaddset(&reset, SIGINT);
	if (sys_quit.sa_handler != SIG_IGN)
		sys_sigaddset(&reset, SIGQUIT);
	/* posix_spawnattr_init, _setsigmask, _setsigdefault and _setflags, on
	 * the fields <spawn.h> gives: four symbols less to bind at each load. */
	memset(attr, 0, sizeof(*attr));
	attr->__ss = *omask;
	attr->__sd = reset;
	attr->__flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
}

static int do_system(struct call *c)
{
	sigset_t chld, omask;
	posix_spawnattr_t attr;
	pid_t pid = -1;
	int status, err;

	sys_enter();
	sys_sigemptyset(&chld);
	sys_sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &omask);
	sys_attr(&attr, &omask);
	err = spawn_shell(c, &pid, NULL, &attr);
	if (err == 0) {
		pthread_cleanup_push(sys_cancel, &pid);
		while ((err = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
			;
		if (err != pid)
			status = -1;
		pthread_cleanup_pop(0);
	} else if (err == EPERM) {
		status = -1; /* fail closed: the shell did not run at all */
	} else {
		/* POSIX: a shell that cannot be executed is exit status 127. */
		status = W_EXITCODE(127, 0);
	}
	sys_leave();
	sigprocmask(SIG_SETMASK, &omask, NULL);
	if (err == EPERM)
		errno = EPERM;
	return status;
}

SHIM_EXPORT int system(const char *line)
{
	/* NULL asks whether a shell is available; the log shows "sh -c". */
	char *argv[] = {(char *)"sh", (char *)"-c", (char *)(line ? line : "exit 0"),
			NULL};
	char *asked[] = {(char *)"sh", (char *)"-c", (char *)line, NULL};
	struct call c;
	const struct shim *s = shim_get();
	int status;

	call_init(&c, ENTRY_SYSTEM, SHELL_PATH, argv, environ);
	c.shown_argv = asked;
	switch (call_decide(s, &c)) {
	case PASS:
		status = s->real->system(line);
		if (status == -1)
			log_err(&c, errno);
		return status;
	case REFUSE:
		errno = EPERM;
		return -1;
	default:
		status = do_system(&c);
		return line ? status : status == 0;
	}
}

/* popen() streams of ours and their children, for pclose() and for the
 * POSIX rule that a popen child closes the other popen streams. */
enum { POPEN_MAX = 256 };
static struct {
	FILE *fp;
	pid_t pid;
} streams[POPEN_MAX];
static pthread_mutex_t streams_lock = PTHREAD_MUTEX_INITIALIZER;

/* glibc's mode parsing: exactly one of r/w, optional e, nothing else. */
static int popen_mode(const char *mode, bool *reading, bool *cloexec)
{
	bool r = false, w = false;

	*cloexec = false;
	for (; *mode; mode++)
		switch (*mode) {
		case 'r':
			r = true;
			break;
		case 'w':
			w = true;
			break;
		case 'e':
			*cloexec = true;
			break;
		default:
			return EINVAL;
		}
	*reading = r;
	return r != w ? 0 : EINVAL;
}

/* The child's pipe end becomes its stdin/stdout (a dup2 onto itself
 * clears close-on-exec in glibc's spawn); other popen streams close. In
 * fa_mem, under streams_lock. */
static char fa_mem[(POPEN_MAX + 1) * FA_ACTION_SIZE] __attribute__((aligned(16)));

static int popen_actions(posix_spawn_file_actions_t *fa, int child_end, int std_end)
{
	int err;

	spawn_fa_own(fa, fa_mem, POPEN_MAX + 1);
	err = spawn_fa_add(fa, child_end, std_end);
	for (size_t i = 0; !err && i < POPEN_MAX; i++)
		if (streams[i].fp && fileno(streams[i].fp) != std_end)
			err = spawn_fa_add(fa, fileno(streams[i].fp), -1);
	return err;
}

static size_t stream_free_slot(void)
{
	size_t i = 0;

	while (i < POPEN_MAX && streams[i].fp)
		i++;
	return i;
}

static FILE *do_popen(struct call *c, bool reading, bool cloexec)
{
	posix_spawn_file_actions_t fa;
	int fds[2], err;
	pid_t pid = -1;
	FILE *fp = NULL;

	if (sys_pipe2(fds, O_CLOEXEC) < 0) {
		log_event(c, LOG_FAILED, SHELL_PATH, errno);
		return NULL;
	}
	int parent_end = reading ? fds[0] : fds[1], child_end = reading ? fds[1] : fds[0];
	pthread_mutex_lock(&streams_lock);
	size_t slot = stream_free_slot();
	err = slot == POPEN_MAX ? log_event(c, LOG_FAILED, SHELL_PATH, EMFILE)
				: popen_actions(&fa, child_end, reading ? 1 : 0);
	if (!err)
		err = spawn_shell(c, &pid, &fa, NULL);
	sys_close(child_end);
	if (!err && !cloexec && sys_fcntl(parent_end, F_SETFD, 0) < 0)
		err = errno;
	if (!err && !(fp = fdopen(parent_end, reading ? "r" : "w")))
		err = errno;
	if (fp) {
		streams[slot].fp = fp;
		streams[slot].pid = pid;
	}
	pthread_mutex_unlock(&streams_lock);
	if (fp)
		return fp;
	sys_close(parent_end);
	if (pid > 0) /* started, but no stream to give back: reap it */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	/* glibc's popen says ENOMEM for a spawn its fork failed
	 * (iopopen.c, spawn_failure): at the process limit too. */
	errno = err == EAGAIN ? ENOMEM : err;
	return NULL;
}

SHIM_EXPORT FILE *popen(const char *cmd, const char *mode)
{
	char *argv[] = {(char *)"sh", (char *)"-c", (char *)cmd, NULL};
	struct call c;
	const struct shim *s = shim_get();
	bool reading, cloexec;
	FILE *fp;
	int err;

	call_init(&c, ENTRY_POPEN, SHELL_PATH, argv, environ);
	switch (call_decide(s, &c)) {
	case PASS:
		if (!(fp = s->real->popen(cmd, mode)))
			log_err(&c, errno);
		return fp;
	case REFUSE:
		errno = EPERM;
		return NULL;
	default:
		err = popen_mode(mode, &reading, &cloexec);
		if (err) {
			errno = log_event(&c, LOG_FAILED, SHELL_PATH, err);
			return NULL;
		}
		return do_popen(&c, reading, cloexec);
	}
}

SHIM_EXPORT int pclose(FILE *fp)
{
	pid_t pid = -1;
	int status;

	pthread_mutex_lock(&streams_lock);
	for (size_t i = 0; i < POPEN_MAX && pid < 0; i++)
		if (streams[i].fp == fp && fp) {
			pid = streams[i].pid;
			streams[i].fp = NULL;
		}
	pthread_mutex_unlock(&streams_lock);
	if (pid < 0)
		return shim_get()->real->pclose(fp); /* a stream of the real popen() */
	fclose(fp);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}
