/* The job's file is the inode the shim resolved (DEV:INO), or nothing runs:
 * the checks every role makes of it, and the one way they fail. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef SYS_statx
#define SYS_statx 332
#endif

static const char *shown_path(const struct helper_req *a)
{
	static char fdname[32];

	if (*a->path)
		return a->path;
	fmt_sn(fdname, sizeof(fdname), "fd %d", a->dirfd);
	return fdname;
}

void cannot_execute(const struct helper_req *a, int e)
{
	die(e == ENOENT || e == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC,
	    "cannot execute %s: %s", shown_path(a), strerror(e));
}

void die_not_resolved(const struct helper_req *a, uint64_t dev, uint64_t ino)
{
	die(EXIT_CANNOT_EXEC,
	    "cannot execute %s: not the file that was resolved (%llu:%llu, expected "
	    "%llu:%llu)",
	    shown_path(a), (unsigned long long)dev, (unsigned long long)ino,
	    (unsigned long long)a->dev, (unsigned long long)a->ino);
}

/* The kernel's struct statx up to stx_dev_minor (linux/stat.h): the same
 * on every architecture, unlike struct stat, and one raw call. */
struct statx_k {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad1;
	uint64_t ino, size, blocks, attributes_mask;
	int64_t times[8];
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};
#define STATX_INO_ 0x100U

/* The file at PATH now must still be the one the shim resolved (fail
 * closed: never run a file swapped in between). Runs in the target: raw. */
void pinned_check(const struct helper_req *a)
{
	struct statx_k sx;
	int dirfd = a->dirfd >= 0 ? a->dirfd : AT_FDCWD;
	long r =
	    SYS(SYS_statx, dirfd, a->path, *a->path ? 0 : AT_EMPTY_PATH, STATX_INO_, &sx);

	if (r < 0)
		cannot_execute(a, (int)-r);
	/* st_dev as stat(2) reports it, glibc's and musl's makedev alike. */
	uint64_t dev = makedev(sx.dev_major, sx.dev_minor);
	if (dev != a->dev || sx.ino != a->ino)
		die_not_resolved(a, dev, sx.ino);
}

bool pinned_shows(const struct helper_req *a)
{
	struct stat st;

	return stat(a->path, &st) == 0 && st.st_dev == a->dev && st.st_ino == a->ino;
}

/* Opens the target file before anything can hide it. The fd must be opened
 * here, after CLONE_NEWNS: a bind mount's source must belong to our own
 * mount namespace. */
int pinned_open(const struct helper_req *a)
{
	struct stat st;
	int fd;

	/* Relative to --dirfd (or the fd itself): no mount can hide it. */
	if (a->dirfd >= 0 && a->path[0] != '/')
		return -1;
	fd = open(a->path, O_PATH | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		cannot_execute(a, errno);
	if (st.st_dev != a->dev || st.st_ino != a->ino)
		die_not_resolved(a, st.st_dev, st.st_ino);
	return fd;
}
