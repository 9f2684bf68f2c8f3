/* The job's file is the inode the shim resolved (DEV:INO), or nothing runs:
 * the checks every role makes of it, and the one way they fail. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

void die_not_resolved(const struct helper_req *a, const struct stat *st)
{
	die(EXIT_CANNOT_EXEC,
	    "cannot execute %s: not the file that was resolved (%llu:%llu, expected "
	    "%llu:%llu)",
	    shown_path(a), (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
	    (unsigned long long)a->dev, (unsigned long long)a->ino);
}

/* The file at PATH now must still be the one the shim resolved (fail
 * closed: never run a file swapped in between). */
void pinned_check(const struct helper_req *a)
{
	struct stat st;
	int dirfd = a->dirfd >= 0 ? a->dirfd : AT_FDCWD;

	if (fstatat(dirfd, a->path, &st, *a->path ? 0 : AT_EMPTY_PATH) < 0)
		cannot_execute(a, errno);
	if (st.st_dev != a->dev || st.st_ino != a->ino)
		die_not_resolved(a, &st);
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
		die_not_resolved(a, &st);
	return fd;
}
