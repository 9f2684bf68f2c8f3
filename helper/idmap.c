/* Identity uid/gid maps: the job keeps its ids inside the sandbox.
 *
 * Unprivileged, a process may map only its own euid/egid, once it has denied
 * setgroups; init does that itself. So does a root without CAP_SETUID and
 * CAP_SETGID (a job of a root host, inside a sandbox). Root could map every
 * id, but init holds
 * no capability in the parent user namespace, so the monitor writes init's
 * maps: identity over every id the monitor's own namespace maps (the whole
 * range on a host, less inside a container), with setgroups left allowed so
 * supplementary groups keep their meaning. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int idmap_write_self(uid_t uid, gid_t gid)
{
	char line[64];
	int n, rc;

	rc = file_write(AT_FDCWD, "/proc/self/setgroups", "deny", 4);
	if (rc < 0)
		return rc;
	n = (int)fmt_sn(line, sizeof(line), "%u %u 1", (unsigned)uid, (unsigned)uid);
	rc = file_write(AT_FDCWD, "/proc/self/uid_map", line, (size_t)n);
	if (rc < 0)
		return rc;
	n = (int)fmt_sn(line, sizeof(line), "%u %u 1", (unsigned)gid, (unsigned)gid);
	return file_write(AT_FDCWD, "/proc/self/gid_map", line, (size_t)n);
}

/* The next line of a map ("inside outside count") at *p: false at its
 * end; else its inside first id and count, *p past it. */
static bool next_range(const char **p, unsigned long *first, unsigned long *count)
{
	const char *end;

	if (!**p)
		return false;
	*first = fmt_ul(*p, &end);
	(void)fmt_ul(end, &end);
	*count = fmt_ul(end, &end);
	if (end == *p)
		return false;
	*p = end + strspn(end, " \n");
	return true;
}

/* The highest id of a map, inside. */
static unsigned long top_of(const char *own)
{
	unsigned long top = 0, first, count;

	for (const char *p = own; next_range(&p, &first, &count);)
		if (count && first + count - 1 > top)
			top = first + count - 1;
	return top;
}

/* Turns our own map into the identity map of the same inside ranges;
 * spare_top: all but the highest id (where that leaves any). */
static int identity_of(const char *own, char *out, size_t size, bool spare_top)
{
	unsigned long top = top_of(own);
	size_t len = 0;

	unsigned long first, count;

	for (const char *p = own; next_range(&p, &first, &count);) {
		if (spare_top && count && first + count - 1 == top)
			count--;
		if (!count)
			continue;
		size_t n =
		    fmt_sn(out + len, size - len, "%lu %lu %lu\n", first, first, count);
		if (n >= size - len)
			return -E2BIG;
		len += n;
	}
	return len ? (int)len : -EINVAL;
}

static int read_own(const char *which, char *own, size_t size)
{
	char path[64];

	fmt_sn(path, sizeof(path), "/proc/self/%s", which);
	return (int)file_read(AT_FDCWD, path, own, size);
}

static int map_child(pid_t pid, const char *which, bool spare_top)
{
	char path[64], own[1024], map[1024];
	int len = read_own(which, own, sizeof(own));

	if (len < 0)
		return len;
	len = identity_of(own, map, sizeof(map), spare_top);
	/* Our one id (root alone, in a container): nothing to spare. */
	if (len == -EINVAL && spare_top)
		len = identity_of(own, map, sizeof(map), false);
	if (len < 0)
		return len;
	fmt_sn(path, sizeof(path), "/proc/%d/%s", (int)pid, which);
	return file_write(AT_FDCWD, path, map, (size_t)len);
}

int idmap_write_child(pid_t pid, bool spare_top)
{
	int rc = map_child(pid, "uid_map", spare_top);
	return rc < 0 ? rc : map_child(pid, "gid_map", spare_top);
}

int idmap_top(uid_t *uid, gid_t *gid)
{
	char own[1024];
	int rc = read_own("uid_map", own, sizeof(own));

	if (rc < 0)
		return rc;
	*uid = (uid_t)top_of(own);
	rc = read_own("gid_map", own, sizeof(own));
	if (rc < 0)
		return rc;
	*gid = (gid_t)top_of(own);
	return 0;
}

/* The pidfd's fdinfo gives its pid as the /proc it is read through numbers
 * it (Linux 5.3+). */
pid_t idmap_proc_pid(int pidfd, pid_t fallback)
{
	char path[64], buf[512];

	fmt_sn(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	if (file_read(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return fallback;
	const char *p = strstr(buf, "\nPid:\t");
	if (!p)
		return fallback;
	const char *end;
	unsigned long v = fmt_ul(p + 6, &end);
	return v > 0 ? (pid_t)v : fallback;
}
