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
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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
 * Linux pwrite appends otherwise), by a line of the same length: a JSON
 * value, blanks, a newline ({"torn":true}, or {} or 0 when shorter). A
 * single byte becomes a blank: it starts the next record's line (JSON
 * allows leading whitespace). The file's other writers append only whole
 * records after it, so no one else's bytes are touched. */
static void mend_cut(int fd, size_t w)
{
	static const char torn[] = "{\"torn\":true}";
	const char *value = w > sizeof(torn) - 1 ? torn
			    : w > 2		 ? "{}"
			    : w == 2		 ? "0"
						 : "";
	off_t at = sys_lseek(fd, 0, SEEK_CUR) - (off_t)w;
	int fl = sys_fcntl(fd, F_GETFL, 0);
	char blank[64];

	if (at < 0 || fl < 0 || sys_fcntl(fd, F_SETFL, fl & ~O_APPEND) < 0)
		return;
	memset(blank, ' ', sizeof(blank));
	for (size_t done = 0; done < w;) {
		size_t k = w - done < sizeof(blank) ? w - done : sizeof(blank);
		if (sys_pwrite(fd, blank, k, at + (off_t)done) != (ssize_t)k)
			return;
		done += k;
	}
	if (w > 1 && sys_pwrite(fd, value, strlen(value), at) == (ssize_t)strlen(value))
		(void)!sys_pwrite(fd, "\n", 1, at + (off_t)w - 1);
}

/* struct open_how and openat2(2) (Linux 5.6), which glibc 2.36 lacks. */
struct log_open_how {
	uint64_t flags, mode, resolve;
};
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#define LOG_RESOLVE_NO_SYMLINKS 0x04

/* The log file, or -1 with *why set. No symbolic link anywhere on the path
 * (it had none at load), no blocking open, a regular file with no other
 * name (a hard link made to another file would aim the host's appends at
 * it). */
static int open_log(const char **why)
{
	int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct log_open_how how = {(uint64_t)flags, 0600, LOG_RESOLVE_NO_SYMLINKS};
	struct stat st;
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, log_state.path, &how, sizeof(how));

	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = sys_open(log_state.path, flags | O_NOFOLLOW, 0600);
	if (fd < 0) {
		*why = errno == ELOOP	? "a symbolic link is on its path"
		       : errno == ENXIO ? "it is a FIFO with no reader"
					: strerrordesc_np(errno);
		return -1;
	}
	if (sys_fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
		sys_close(fd);
		*why = st.st_nlink != 1 && S_ISREG(st.st_mode)
			   ? "it has other names (hard links)"
			   : "it is not a regular file";
		return -1;
	}
	return fd;
}

/* One write(2) (O_APPEND records of concurrent processes do not
 * interleave). Past the host's RLIMIT_FSIZE the kernel would end the host
 * with SIGXFSZ: with a finite limit the signal is blocked for the write and
 * a SIGXFSZ it raised is taken back. */
static ssize_t write_record(int fd, const char *line, size_t n)
{
	struct rlimit fsize;
	sigset_t xfsz, old, pending;
	bool guard =
	    sys_getrlimit(RLIMIT_FSIZE, &fsize) == 0 && fsize.rlim_cur != RLIM_INFINITY;
	bool was = false;
	ssize_t w;

	if (guard) {
		sys_sigemptyset(&xfsz);
		sys_sigaddset(&xfsz, SIGXFSZ);
		guard = sigprocmask(SIG_BLOCK, &xfsz, &old) == 0;
		was = guard && sys_sigpending(&pending) == 0 &&
		      sys_sigismember(&pending, SIGXFSZ);
	}
	while ((w = sys_write(fd, line, n)) < 0 && errno == EINTR)
		;
	if (guard) {
		int err = errno;
		struct timespec now = {0, 0};
		if (!was && sys_sigpending(&pending) == 0 &&
		    sys_sigismember(&pending, SIGXFSZ))
			sys_sigtimedwait(&xfsz, &now);
		sigprocmask(SIG_SETMASK, &old, NULL);
		errno = err;
	}
	return w;
}

static void log_write(const char *line, size_t n)
{
	const char *why = "";
	ssize_t w;
	int fd;

	if (log_state.load_err) {
		log_failed_to(strerrordesc_np(log_state.load_err));
		return;
	}
	if ((fd = open_log(&why)) < 0) {
		log_failed_to(why);
		return;
	}
	w = write_record(fd, line, n);
	if (w < 0)
		log_failed_to(errno == EFBIG
				  ? "the host's file size limit (RLIMIT_FSIZE) is reached"
				  : strerrordesc_np(errno));
	else if ((size_t)w != n) {
		if (w > 0)
			mend_cut(fd, (size_t)w);
		log_failed_to("a record was cut short (disk full?)");
	}
	sys_close(fd);
}

int log_event(const struct call *c, enum log_decision dec, const char *path, int err)
{
	int saved = errno;
	struct call_mem m;

	if (!log_state.path[0])
		return err;
	if (mem_open(&m, LOG_LINE_MAX) == 0) {
		struct log_rec r = {.fn = c->fn,
				    .dec = dec,
				    .err = err,
				    .requested = log_requested_tier(c->envp),
				    .tier = c->tier,
				    .fd = c->dirfd,
				    .path = path,
				    .policy = c->policy,
				    .limits = c->policy ? &c->limits : NULL,
				    .argv = c->shown_argv ? c->shown_argv : c->argv,
				    .pid = sys_getpid()};
		clock_gettime(CLOCK_REALTIME, &r.time);
		log_write(m.base, log_format(m.base, &r));
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
