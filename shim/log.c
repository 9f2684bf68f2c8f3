/* The audit log (CORDON_LOG, docs/shim.md "Audit log"): one JSON object
 * per line for every intercepted call. It runs where the exec path runs,
 * between vfork and exec too: one stack buffer, clock_gettime, getpid,
 * open, one write, close; no malloc, stdio or locks; errno preserved.
 * Unset, it costs one test of a byte and no syscall. */
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Absolute, set once at load; empty: no log. */
static char log_path[PATH_MAX];
/* The process that last said the log fails: "once per process" (a fork or
 * vfork child has another pid and says it once itself). */
static volatile pid_t log_said;
static int log_load_err;

void log_load(const char *path)
{
	size_t n = 0, len;

	if (!path || !*path)
		return;
	len = strlen(path);
	/* Absolute, so that a host's later chdir cannot move it (relative
	 * when the cwd cannot be known: better than no log). */
	if (*path != '/' && getcwd(log_path, sizeof(log_path) - 1)) {
		n = strlen(log_path);
		if (log_path[n - 1] != '/')
			log_path[n++] = '/';
	}
	if (n + len >= sizeof(log_path)) {
		/* Kept, cut, for the message each process then says once. */
		log_load_err = ENAMETOOLONG;
		len = sizeof(log_path) - 1 - n;
	}
	memcpy(log_path + n, path, len);
	log_path[n + len] = '\0';
}

static void log_failed_to(const char *why)
{
	pid_t me = getpid();

	if (log_said == me)
		return;
	log_said = me;
	shim_say((const char *[]){"cannot write the audit log ", log_path, ": ", why,
				  "; the call goes on unlogged (check CORDON_LOG and "
				  "the permissions of its directory)",
				  NULL});
}

static void log_write(const char *line, size_t n)
{
	int fd, err = 0;
	ssize_t w;

	if (log_load_err) {
		log_failed_to(strerrordesc_np(log_load_err));
		return;
	}
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		log_failed_to(strerrordesc_np(errno));
		return;
	}
	/* One write(2): O_APPEND records of concurrent processes do not
	 * interleave. A short write (full disk) is not continued. */
	while ((w = write(fd, line, n)) < 0 && errno == EINTR)
		;
	if (w < 0)
		err = errno;
	close(fd);
	if (w < 0)
		log_failed_to(strerrordesc_np(err));
	else if ((size_t)w != n)
		log_failed_to("short write (disk full?)");
}

int log_event(const struct divert *d, enum log_decision dec, const char *path, int err)
{
	char line[LOG_LINE_MAX];
	int saved = errno;

	if (!log_path[0] || !d->call)
		return err;
	struct log_rec r = {.fn = d->call->fn,
			    .dec = dec,
			    .err = err,
			    .requested = log_requested_tier(d->call->envp),
			    .tier = d->tier,
			    .fd = d->call->fd,
			    .path = path,
			    .argv = d->call->argv,
			    .pid = getpid()};
	clock_gettime(CLOCK_REALTIME, &r.time);
	log_write(line, log_format(line, &r));
	errno = saved;
	return err;
}

int log_ret(const struct divert *d, int ret)
{
	if (ret == -1 && log_path[0])
		log_event(d, LOG_FAILED, d->call ? d->call->file : NULL, errno);
	return ret;
}

int log_err(const struct divert *d, int err)
{
	if (err && log_path[0])
		log_event(d, LOG_FAILED, d->call ? d->call->file : NULL, err);
	return err;
}
