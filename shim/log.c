/* The audit log (CORDON_LOG, docs/shim.md "Audit log"): one JSON object
 * per line for every intercepted call. It runs where the exec path runs,
 * between vfork and exec too: a mapping made for the record (the caller's
 * stack may be small), clock_gettime, getpid, open, one write, close; no
 * malloc, stdio or locks; errno preserved. Unset, it costs one test of a
 * byte and no syscall.
 *
 * The log may sit where a job can reach it, so nothing about the file is
 * taken on trust: it is opened without following a symlink and without
 * blocking (a FIFO put in its place must not hang the host), used only when
 * it is a regular file, never written past the host's RLIMIT_FSIZE (whose
 * SIGXFSZ would kill the host), and a record cut short (a full disk) is
 * overwritten in place with a JSON placeholder, so every line stays JSON. */
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct log_state log_state;

static void log_failed_to(const char *why)
{
	static volatile int said_here;
	volatile int *said = log_state.said ? log_state.said : &said_here;

	if (__atomic_exchange_n(said, 1, __ATOMIC_ACQ_REL))
		return;
	shim_say((const char *[]){"cannot write the audit log ", log_state.path, ": ",
				  why,
				  "; the calls go on unlogged (check CORDON_LOG and "
				  "the permissions of its directory)",
				  NULL});
}

/* A record of which only w bytes reached the file (a full disk), at the
 * end of what this fd wrote: overwritten in place, with O_APPEND off (on
 * Linux pwrite appends otherwise), by a JSON value of the same length. The
 * next record starts its own line (log_write). */
static void mend_cut(int fd, size_t w)
{
	static const char torn[] = "{\"torn\":true}";
	char fill[64];
	off_t end = lseek(fd, 0, SEEK_CUR);
	int fl = fcntl(fd, F_GETFL);

	if (end < (off_t)w || fl < 0 || fcntl(fd, F_SETFL, fl & ~O_APPEND) < 0)
		return;
	memset(fill, ' ', sizeof(fill));
	if (w >= sizeof(torn) - 1)
		memcpy(fill, torn, sizeof(torn) - 1);
	else if (w >= 2)
		memcpy(fill, "{}", 2);
	else
		fill[0] = '0'; /* one byte: the only JSON values that fit are digits */
	for (size_t done = 0; done < w;) {
		size_t k = w - done < sizeof(fill) ? w - done : sizeof(fill);
		if (pwrite(fd, fill, k, end - (off_t)(w - done)) != (ssize_t)k)
			return;
		done += k;
		memset(fill, ' ', sizeof(fill));
	}
}

/* line[0] is a spare byte: a newline goes there when the file does not end
 * with one (a record cut before, on a disk full then). */
static void log_write(char *line, size_t n)
{
	struct stat st;
	struct rlimit fsize;
	char last = '\n';
	ssize_t w;
	int fd;

	if (log_state.load_err) {
		log_failed_to(strerrordesc_np(log_state.load_err));
		return;
	}
	fd = open(log_state.path,
		  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
		      O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		log_failed_to(errno == ELOOP ? "it is a symbolic link"
					     : strerrordesc_np(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		log_failed_to("it is not a regular file");
		return;
	}
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1)
		last = '\n';
	if (last != '\n')
		line[0] = '\n';
	else
		line++, n--;
	if (getrlimit(RLIMIT_FSIZE, &fsize) == 0 && fsize.rlim_cur != RLIM_INFINITY &&
	    (uint64_t)st.st_size + n > fsize.rlim_cur) {
		close(fd);
		log_failed_to("the host's file size limit (RLIMIT_FSIZE) is reached");
		return;
	}
	/* One write(2): O_APPEND records of concurrent processes do not
	 * interleave. */
	while ((w = write(fd, line, n)) < 0 && errno == EINTR)
		;
	if (w < 0)
		log_failed_to(strerrordesc_np(errno));
	else if ((size_t)w != n) {
		size_t ended = line[0] == '\n' && last != '\n' ? 1 : 0;
		if ((size_t)w > ended)
			mend_cut(fd, (size_t)w - ended);
		log_failed_to("a record was cut short (disk full?)");
	}
	close(fd);
}

int log_event(const struct call *c, enum log_decision dec, const char *path, int err)
{
	int saved = errno;
	struct call_mem m;

	if (!log_state.path[0])
		return err;
	if (mem_open(&m, LOG_LINE_MAX + 1) == 0) {
		struct log_rec r = {.fn = c->fn,
				    .dec = dec,
				    .err = err,
				    .requested = log_requested_tier(c->envp),
				    .tier = c->tier,
				    .fd = c->dirfd,
				    .path = path,
				    .policy = c->policy,
				    .argv = c->shown_argv ? c->shown_argv : c->argv,
				    .pid = getpid()};
		clock_gettime(CLOCK_REALTIME, &r.time);
		log_write(m.base, log_format(m.base + 1, &r) + 1);
		mem_close(&m);
	} else {
		log_failed_to(strerrordesc_np(ENOMEM));
	}
	errno = saved;
	return err;
}

int log_err(const struct call *c, int err)
{
	if (err && log_state.path[0])
		log_event(c, LOG_FAILED, c->file, err);
	return err;
}
