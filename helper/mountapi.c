/* The kernel's newer mount calls, by number (musl and Debian's 6.1 headers
 * lack some; glibc 2.36 names them, so the names here are our own):
 * open_tree and move_mount (Linux 5.2), openat2 (5.6), mount_setattr
 * (5.12). On 5.10 and 5.11, and where a seccomp policy refuses
 * mount_setattr, a remount of each mount by its path stands in for it. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The numbers every architecture shares since Linux 5.1 (alpha aside). */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

enum {
	TREE_CLONE = 1,		   /* OPEN_TREE_CLONE */
	TREE_RECURSIVE = 0x8000,   /* AT_RECURSIVE */
	MOVE_F_EMPTY = 0x4,	   /* MOVE_MOUNT_F_EMPTY_PATH */
	MOVE_T_EMPTY = 0x40,	   /* MOVE_MOUNT_T_EMPTY_PATH */
	RESOLVE_NO_MAGIC = 0x2,	   /* RESOLVE_NO_MAGICLINKS */
	RESOLVE_NO_LINKS = 0x4,	   /* RESOLVE_NO_SYMLINKS */
	NOSYMFOLLOW_FLAG = 256,	   /* MS_NOSYMFOLLOW, Linux 5.10 */
	ST_NOSYMFOLLOW_FLAG = 8192 /* ST_NOSYMFOLLOW */
};
/* MOUNT_ATTR_RDONLY, _NOSUID, _NODEV, _NOEXEC are MS_RDONLY, _NOSUID,
 * _NODEV, _NOEXEC: the same bits. */
#define ATTR_BITS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
struct mnt_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};
struct resolve_how {
	uint64_t flags, mode, resolve;
};

/* One component at a time, where openat2 is refused (a seccomp policy):
 * no symbolic link, no "." or "..". */
static int walk(const char *path)
{
	char name[256];
	int dir = open("/", O_PATH | O_CLOEXEC), fd;
	struct stat st;

	for (const char *p = path + strspn(path, "/"); dir >= 0 && *p;) {
		size_t n = strcspn(p, "/");
		if (n >= sizeof(name) || (n == 1 && *p == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.')) {
			close(dir);
			return -EINVAL;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		close(dir);
		if (fd < 0)
			return -errno;
		p += n;
		p += strspn(p, "/");
		if (*p && (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode))) {
			close(fd);
			return -ELOOP;
		}
		dir = fd;
	}
	return dir < 0 ? -errno : dir;
}

int fs_open(const char *path, struct stat *st)
{
	struct resolve_how how = {O_PATH | O_NOFOLLOW | O_CLOEXEC, 0,
				  RESOLVE_NO_LINKS | RESOLVE_NO_MAGIC};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = walk(path);
	else if (fd < 0)
		fd = -errno;
	if (fd < 0)
		return fd;
	/* A trailing symbolic link comes back as itself (O_PATH|O_NOFOLLOW). */
	if (fstat(fd, st) < 0 || S_ISLNK(st->st_mode)) {
		int e = S_ISLNK(st->st_mode) ? ELOOP : errno;
		close(fd);
		return -e;
	}
	return fd;
}

int fs_clone(int fd, bool recursive)
{
	int t = (int)syscall(SYS_open_tree, fd, "",
			     TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH |
				 (recursive ? TREE_RECURSIVE : 0));

	return t < 0 ? -errno : t;
}

int fs_move(int tree, int target)
{
	if (syscall(SYS_move_mount, tree, "", target, "", MOVE_F_EMPTY | MOVE_T_EMPTY) <
	    0)
		return -errno;
	return 0;
}

/* statvfs's flags as mount(2)'s: what a remount of a mount in a less
 * privileged namespace must restate (the kernel locks them, and refuses a
 * remount that would drop one: can_change_locked_flags). */
static unsigned long kept_flags(const char *path)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {{ST_RDONLY, MS_RDONLY},     {ST_NOSUID, MS_NOSUID},
		   {ST_NODEV, MS_NODEV},       {ST_NOEXEC, MS_NOEXEC},
		   {ST_NOATIME, MS_NOATIME},   {ST_NODIRATIME, MS_NODIRATIME},
		   {ST_RELATIME, MS_RELATIME}, {ST_NOSYMFOLLOW_FLAG, NOSYMFOLLOW_FLAG}};
	struct statvfs sv;
	unsigned long ms = 0;

	if (statvfs(path, &sv) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (sv.f_flag & map[i].st)
			ms |= map[i].ms;
	/* Exactly one atime mode. */
	if (!(ms & (MS_NOATIME | MS_RELATIME)))
		ms |= MS_STRICTATIME;
	return ms;
}

int fs_remount(const char *path, unsigned long set, unsigned long clr)
{
	unsigned long f = (kept_flags(path) | set) & ~clr;

	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | f, NULL) < 0)
		return -errno;
	return 0;
}

/* The mount point field of a /proc/self/mountinfo line (the fifth), its
 * octal escapes (\040) decoded in place; NULL when the line is short. */
char *mountinfo_field(const char *line, int n)
{
	const char *p = line;

	for (int i = 0; i < n && p; i++)
		if ((p = strchr(p, ' ')))
			p++;
	return (char *)p;
}

static char *mount_point(char *line)
{
	char *p = mountinfo_field(line, 4), *out;

	if (!p)
		return NULL;
	p[strcspn(p, " ")] = '\0';
	out = p;
	for (char *s = p; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ =
			    (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
	return p;
}

/* The mount point the last failure of fs_set, fs_remount_all was at. */
static char failed_at[PATH_MAX];

const char *fs_failed(void)
{
	return failed_at;
}

static void failed(const char *path)
{
	fmt_sn(failed_at, sizeof(failed_at), "%s", path);
}

/* What the mountinfo walks read through: a line longer is cut (file.c),
 * and the fields they need (ID, root, mount point, its options, the file
 * system's type; a path is at most PATH_MAX, four times that escaped)
 * come before anything that can be longer (a file system's options). */
static char mountinfo[65536];

/* Remounts one mountinfo line's mount point when it lies within under. A
 * mount point we cannot reach (deleted, or in a directory we may not
 * enter) is one the job cannot reach either. */
struct remount {
	const char *under;
	unsigned long set, clr;
	bool failed; /* at a mount point, said by failed() */
};

static int remount_line(char *line, void *arg)
{
	struct remount *r = arg;
	char *mp = mount_point(line);
	int rc;

	if (!mp || !path_within(mp, strlen(mp), r->under, strlen(r->under)))
		return 0;
	rc = fs_remount(mp, r->set, r->clr);
	if (rc == -ENOENT || rc == -EACCES || rc == -ENOTDIR)
		return 0;
	if (rc < 0) {
		failed(mp);
		r->failed = true;
	}
	return rc;
}

int fs_remount_all(const char *under, unsigned long set, unsigned long clr)
{
	struct remount r = {under, set, clr, false};
	int rc;

	/* Line by line: a remount changes flags, never the list being read. */
	rc = file_lines("/proc/self/mountinfo", mountinfo, sizeof(mountinfo),
			remount_line, &r);
	if (rc < 0 && !r.failed)
		failed("/proc/self/mountinfo");
	return rc;
}

/* The mount ID of the mount fd is on (fdinfo's mnt_id, Linux 3.15), or -1. */
static long mount_id(int fd)
{
	char path[64], buf[512];
	const char *p;

	fmt_sn(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (file_read(AT_FDCWD, path, buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, "mnt_id:")))
		return -1;
	p += 7;
	while (*p == ' ' || *p == '\t')
		p++;
	return (long)fmt_ul(p, &p);
}

/* Makes one mountinfo line's mount read-only when it is a cgroupfs (v1 or
 * v2) mounted writable, acting on that mount alone: its mount point is
 * opened without following links, and the mount found there must be the
 * line's (its ID). Another mount on top of it (a hidden path's cover)
 * leaves it out of the job's reach, and is left alone; so is a mount
 * point we cannot reach, which the job cannot reach either. */
static int cgroupfs_line(char *line, void *arg)
{
	bool *failed_here = arg;
	const char *sep = strstr(line, " - "), *opts = mountinfo_field(line, 5), *end;
	long id = (long)fmt_ul(line, &end);
	struct stat st;
	char *mp;
	int rc, fd;

	if (!sep ||
	    (strncmp(sep + 3, "cgroup ", 7) != 0 && strncmp(sep + 3, "cgroup2 ", 8) != 0))
		return 0;
	/* The sixth field, OPTIONS: the mount's own flags. */
	if (!opts || (strncmp(opts, "ro", 2) == 0 && (opts[2] == ',' || opts[2] == ' ')))
		return 0;
	if (end == line || !(mp = mount_point(line)))
		return 0;
	fd = fs_open(mp, &st);
	if (fd == -ENOENT || fd == -EACCES || fd == -ENOTDIR || fd == -ELOOP)
		return 0;
	/* No fdinfo to tell: the mount found there is made read-only. */
	long found = fd < 0 ? -1 : mount_id(fd);
	rc = fd < 0 ? fd : found < 0 || found == id ? 1 : 0;
	if (rc == 1)
		rc = fs_setattr(fd, "", false, MS_RDONLY, 0, 0);
	if (rc == -ENOSYS)
		rc = fs_remount(mp, MS_RDONLY, 0);
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		failed(mp);
		*failed_here = true;
	}
	return rc;
}

int fs_cgroupfs_ro(void)
{
	bool failed_here = false;
	int rc = file_lines("/proc/self/mountinfo", mountinfo, sizeof(mountinfo),
			    cgroupfs_line, &failed_here);

	if (rc < 0 && !failed_here)
		failed("/proc/self/mountinfo");
	return rc;
}

/* -ENOSYS once mount_setattr was missing: no second try per job. */
static int setattr_missing;

int fs_setattr(int dfd, const char *path, bool recursive, unsigned long set,
	       unsigned long clr, unsigned long propagation)
{
	struct mnt_attr a = {set & ATTR_BITS, clr & ATTR_BITS, propagation, 0};
	unsigned flags = (recursive ? TREE_RECURSIVE : 0) | (*path ? 0 : AT_EMPTY_PATH);

	if (setattr_missing)
		return setattr_missing;
	if (syscall(SYS_mount_setattr, dfd, path, flags, &a, sizeof(a)) == 0)
		return 0;
	/* ENOSYS: Linux 5.10, 5.11; EPERM: a seccomp policy (Docker's). */
	if (errno == ENOSYS || errno == EPERM)
		return setattr_missing = -ENOSYS;
	return -errno;
}

int fs_set(const char *path, bool recursive, unsigned long set, unsigned long clr)
{
	int rc = fs_setattr(AT_FDCWD, path, recursive, set, clr, 0);

	if (rc == -ENOSYS && recursive)
		return fs_remount_all(path, set, clr);
	if (rc == -ENOSYS)
		rc = fs_remount(path, set, clr);
	if (rc < 0)
		failed(path);
	return rc;
}

int fs_features(void)
{
	int f = 0;

	if (syscall(SYS_mount_setattr, -1, NULL, 0, NULL, 0) < 0 && errno == EINVAL)
		f |= FS_HAS_SETATTR;
	if (syscall(SYS_open_tree, -1, NULL, ~0U) < 0 && errno == EINVAL &&
	    syscall(SYS_move_mount, -1, NULL, -1, NULL, ~0U) < 0 && errno == EINVAL)
		f |= FS_HAS_CLONE;
	if (syscall(SYS_openat2, -1, NULL, NULL, 0) < 0 && errno == EINVAL)
		f |= FS_HAS_OPENAT2;
	return f;
}
