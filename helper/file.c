/* Small files of /proc, /sys and cgroupfs, read or written whole: one
 * open, one read or write, one close. Every caller's helper for such a
 * file is one of these three. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

ssize_t file_read(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	/* One read: the kernel hands a seq_file's first page whole. */
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

int file_write(int dirfd, const char *path, const char *s, size_t len)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC), rc = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	/* One write(2): an id map, a cgroup limit or a sysctl is taken whole
	 * or refused. */
	n = write(fd, s, len);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EIO;
	close(fd);
	return rc;
}

int file_lines(const char *path, char *buf, size_t size, int (*fn)(char *line, void *arg),
	       void *arg)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	bool skip = false; /* the rest of a line cut short */
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	while (rc == 0 && (n = read(fd, buf + len, size - 1 - len)) > 0) {
		char *line = buf, *nl;

		len += (size_t)n;
		buf[len] = '\0';
		while (rc == 0 && (nl = strchr(line, '\n'))) {
			*nl = '\0';
			if (!skip)
				rc = fn(line, arg);
			skip = false;
			line = nl + 1;
		}
		len -= (size_t)(line - buf);
		memmove(buf, line, len);
		/* A line longer than buf: fn gets its head (mountinfo's fields
		 * that matter come first; the long ones are a file system's
		 * options at its end), the rest is passed over. */
		if (rc == 0 && len == size - 1) {
			if (!skip)
				rc = fn(buf, arg);
			skip = true;
			len = 0;
		}
	}
	if (n < 0 && rc == 0)
		rc = -errno;
	close(fd);
	return rc;
}
