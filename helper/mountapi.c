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
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
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

	/* A path longer than PATH_MAX (a job may move a mount point that deep)
	 * opens one component at a time too. */
	if (fd < 0 && (errno == ENOSYS || errno == EPERM || errno == ENAMETOOLONG))
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
	/* Through an fd, opened without links (and one component at a time
	 * past PATH_MAX), not by the name again. */
	struct stat st;
	char self[64];
	int fd = fs_open(mp, &st);
	if (fd == -ENOENT || fd == -EACCES || fd == -ENOTDIR)
		return 0;
	if (fd < 0) {
		rc = fd;
	} else {
		fmt_sn(self, sizeof(self), "/proc/self/fd/%d", fd);
		rc = fs_remount(self, r->set, r->clr);
		close(fd);
	}
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

/* The file systems that are the kernel's interfaces rather than storage: a
 * writable mount of one changes the machine. proc: /proc/sys (a crash
 * handler run as root through core_pattern), other processes' files;
 * sysfs: the devices' and the kernel's knobs; cgroupfs: cgroup.procs,
 * cgroup.kill, cgroup.freeze, the limits; the rest: tracing, the security
 * modules' policies, BPF objects, EFI variables, binfmt handlers, the NFS
 * server's and RPC's upcalls, resource control, binder devices, the host's
 * message queues. */
static const char *const kernel_fs[] = {
    "proc",	   "sysfs",    "cgroup",     "cgroup2", "debugfs",  "tracefs",
    "securityfs",  "configfs", "bpf",	     "pstore",	"efivarfs", "fusectl",
    "binfmt_misc", "nfsd",     "rpc_pipefs", "resctrl", "binder",   "selinuxfs",
    "smackfs",	   "mqueue",   "devtmpfs"};

static bool is_kernel_fs(const char *type)
{
	size_t n = strcspn(type, " ");

	for (size_t i = 0; i < sizeof(kernel_fs) / sizeof(kernel_fs[0]); i++)
		if (strlen(kernel_fs[i]) == n && memcmp(kernel_fs[i], type, n) == 0)
			return true;
	return false;
}

/* One pass over mountinfo: each mount's parent, and the writable mounts of
 * the kernel's file systems, their mount points kept in an arena. On
 * init's stack for a usual host (pages it has touched already: no memory
 * more per sandbox), in a mapping made once that is full (a host of many
 * mounts pays the pages). */
enum {
	FEW_MOUNTS = 128,
	FEW_KFS = 16,
	FEW_ARENA = 512,
	MAX_MOUNTS = 65536,
	MAX_KFS = 256,
	MAX_ARENA = MAX_KFS * 256
};
struct pair {
	int id, parent;
};
struct kfs {
	int id;
	bool proc;
	size_t mp;
};
static struct many {
	struct pair pair[MAX_MOUNTS];
	struct kfs kfs[MAX_KFS];
	char arena[MAX_ARENA];
} * many;
enum { PAIRS, KFS, ARENA };

struct walk {
	struct pair *pair;
	size_t n, cap;
	bool cut; /* more mounts than fit: every ancestry is "maybe" */
	struct kfs *kfs;
	size_t n_kfs, cap_kfs;
	char *arena;
	size_t used, cap_arena;
	bool full, long_line;
	long mqueue;	/* the job's own /dev/mqueue, or -1 */
	int own_proc;	/* the job's /proc (O_PATH), cloned over another */
	dev_t proc_dev; /* its superblock: binds of it are the job's too */
	struct pair few_pairs[FEW_MOUNTS];
	struct kfs few_kfs[FEW_KFS];
	char few_arena[FEW_ARENA];
};
static struct walk *mnt;

/* Room for need items in *p (cap of them, n in use) of kind which: the
 * mapping's once the stack's is full; false when that is too. */
static bool room(void **p, size_t n, size_t need, size_t *cap, int which)
{
	static const size_t max[] = {MAX_MOUNTS, MAX_KFS, MAX_ARENA},
			    size[] = {sizeof(struct pair), sizeof(struct kfs), 1};
	void *to;

	if (need <= *cap)
		return true;
	if (!many) {
		void *m = mmap(NULL, sizeof(*many), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return false;
		many = m;
	}
	to = which == PAIRS ? (void *)many->pair
	     : which == KFS ? (void *)many->kfs
			    : (void *)many->arena;
	if (*p == to || need > max[which])
		return false;
	memcpy(to, *p, n * size[which]);
	*p = to;
	*cap = max[which];
	return true;
}

static bool own_dev(const char *field)
{
	const char *end;
	unsigned long major = field ? fmt_ul(field, &end) : 0, minor;

	if (!field || end == field || *end != ':')
		return false;
	field = end + 1;
	minor = fmt_ul(field, &end);
	return end != field && mnt->proc_dev && makedev(major, minor) == mnt->proc_dev;
}

static int kfs_line(char *line, void *arg)
{
	const char *sep = strstr(line, " - "), *opts = mountinfo_field(line, 5);
	const char *par = mountinfo_field(line, 1), *end;
	long id = (long)fmt_ul(line, &end);
	char *mp;
	size_t len;

	(void)arg;
	if (end == line || !par)
		return 0;
	if (room((void **)&mnt->pair, mnt->n, mnt->n + 1, &mnt->cap, PAIRS)) {
		mnt->pair[mnt->n].id = (int)id;
		mnt->pair[mnt->n++].parent = (int)fmt_ul(par, &end);
	} else {
		mnt->cut = true;
	}
	/* No " - ": a line longer than the buffer, cut (a mount point a job
	 * moved that deep), whose type is unknown: never passed over. */
	if (!sep) {
		mnt->long_line = true;
		return 0;
	}
	if (!is_kernel_fs(sep + 3) || id == mnt->mqueue)
		return 0;
	bool proc = strncmp(sep + 3, "proc ", 5) == 0;
	/* The third field, MAJOR:MINOR: the job's /proc, its binds and the
	 * clones of it put over another procfs are all its own, on one
	 * superblock. */
	if (proc && own_dev(mountinfo_field(line, 2)))
		return 0;
	/* The sixth field, OPTIONS: the mount's own flags. Another procfs is
	 * covered, read-only or not: it lists the host's processes. */
	if (!opts ||
	    (!proc && strncmp(opts, "ro", 2) == 0 && (opts[2] == ',' || opts[2] == ' ')))
		return 0;
	if (!(mp = mount_point(line)))
		return 0;
	len = strlen(mp) + 1;
	if (!room((void **)&mnt->kfs, mnt->n_kfs, mnt->n_kfs + 1, &mnt->cap_kfs, KFS) ||
	    !room((void **)&mnt->arena, mnt->used, mnt->used + len, &mnt->cap_arena,
		  ARENA)) {
		mnt->full = true;
		return 0;
	}
	memcpy(mnt->arena + mnt->used, mp, len);
	mnt->kfs[mnt->n_kfs].proc = proc;
	mnt->kfs[mnt->n_kfs].id = (int)id;
	mnt->kfs[mnt->n_kfs++].mp = mnt->used;
	mnt->used += len;
	return 0;
}

/* Whether anc is one of the mounts id lies on, as this pass saw them. */
static bool below(long id, long anc)
{
	if (mnt->cut)
		return true;
	for (size_t steps = 0; steps < mnt->n; steps++) {
		size_t i = 0;
		while (i < mnt->n && mnt->pair[i].id != id)
			i++;
		if (i == mnt->n || mnt->pair[i].parent == id)
			return false;
		id = mnt->pair[i].parent;
		if (id == anc)
			return true;
	}
	return false;
}

/* The mount ID of the deepest directory on the way to path that opens:
 * what stands where the mount point should be. Cuts path as it goes (no
 * copy: init's stack stays as deep as the rest of the build takes it). */
static long found_above(char *path, size_t *prefix)
{
	char *slash;
	long id;

	while ((slash = strrchr(path, '/'))) {
		*prefix = (size_t)(slash - path);
		if (slash == path)
			return fs_mount_id("/");
		*slash = '\0';
		if ((id = fs_mount_id(path)) >= 0)
			return id;
	}
	return -1;
}

/* Whether the directory that stopped us, path's first prefix bytes (it
 * opens, as O_PATH needs no search permission, but cannot be passed), is
 * another uid's: the job cannot make it enterable. Its own (mode 000,
 * a group the sandbox does not map, so that even init may not enter) it
 * could. Inside a writable path, where a job may exchange its own
 * directory with another's between two looks, one init cannot pass
 * refuses the job instead (kfs_ro). An unmapped owner shows as the
 * overflow uid, which may be the caller's own (65534): then setting the
 * mode it has tells, as only its owner may. */
static bool blocker_theirs(char *path, size_t prefix)
{
	char c = path[prefix], self[64];
	struct stat st;
	bool theirs = false;
	int fd;

	if (!prefix)
		return false; /* "/" */
	path[prefix] = '\0';
	fd = fs_open(path, &st);
	path[prefix] = c;
	if (fd < 0)
		return false;
	if (S_ISDIR(st.st_mode)) {
		fmt_sn(self, sizeof(self), "/proc/self/fd/%d", fd);
		theirs = st.st_uid != geteuid() || chmod(self, st.st_mode & 07777) < 0;
	}
	close(fd);
	return theirs;
}

/* Another procfs (a chroot's /proc, the host's second mount of it) shows
 * the host's processes, their command lines and status, even read-only:
 * the job's own /proc goes over it, so that it shows the sandbox's, as in
 * a chroot of a container. A recursive clone: the read-only knobs too. */
static int cover_proc(int fd, const struct stat *st)
{
	char self[64];
	int tree, rc;

	if (st->st_dev == mnt->proc_dev)
		return 0; /* the job's own, bound */
	if (mnt->own_proc < 0)
		return -ENOENT;
	tree = fs_clone(mnt->own_proc, true);
	if (tree >= 0) {
		rc = fs_move(tree, fd);
		close(tree);
		return rc;
	}
	if (tree != -ENOSYS)
		return tree;
	fmt_sn(self, sizeof(self), "/proc/self/fd/%d", fd);
	return mount("/proc", self, NULL, MS_BIND | MS_REC, NULL) < 0 ? -errno : 0;
}

/* Makes one mount read-only (another procfs: covered), acting on that
 * mount alone: its mount point is opened without following links, and
 * the mount found there must be the one mountinfo named (its ID). What is
 * found instead leaves it as it is only when it is a cover: a mount
 * stacked on it, the job's own /proc over what lies in the host's, the
 * writable path's clone over the host's mount below it, or, where the
 * path stops short, a mount over a directory above it (a hidden path's); so is a mount
 * point since deleted, and one below a directory init cannot pass that is another uid's,
 * outside the writable paths. Anything else means the path changed since mountinfo was
 * read (a directory renamed, two exchanged, as a job sharing a writable path may do in a
 * loop): -EAGAIN, look again. */
static int kfs_ro(long id, char *mp, bool proc)
{
	struct stat st;
	long found;
	int rc, fd = fs_open(mp, &st);
	size_t n = strlen(mp);

	if (fd == -ENOENT && n > 10 && strcmp(mp + n - 10, " (deleted)") == 0)
		return 0;
	if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP || fd == -EACCES) {
		/* What stands on the way: a cover over a directory above it (a
		 * hidden path's), or the mounts it lies on, where a directory
		 * was renamed meanwhile, or one the job may enter later. */
		size_t prefix = 0;
		bool moved = below(id, found_above(mp, &prefix));
		for (size_t i = 0; i < n; i++)
			if (!mp[i])
				mp[i] = '/'; /* as it was */
		if (moved && fd == -EACCES && !fs_writable_root(mp) &&
		    blocker_theirs(mp, prefix))
			moved = false;
		if (moved)
			failed(mp);
		return moved ? -EAGAIN : 0;
	}
	if (fd < 0)
		return fd;
	/* No fdinfo to tell: the mount found there is made read-only. */
	found = mount_id(fd);
	if (found >= 0 && found != id) {
		close(fd);
		/* A cover: a mount stacked on it; for what lies in the host's
		 * /proc, the job's own /proc (its binds too) over all of that;
		 * for what lies in a writable path but not in the clone put
		 * there, that clone (the host's mount below it, which no job
		 * can move out from under it: the host is read-only to all of
		 * them). Anything else, a neighbour's mount or a clone of the
		 * job's /proc put over a neighbour, means the path changed
		 * since: look again. */
		const char *w = fs_writable_root(mp);
		long put = w ? fs_mount_id(w) : -1;
		if ((!mnt->cut && below(found, id)) ||
		    (st.st_dev == mnt->proc_dev && path_within(mp, n, "/proc", 5)) ||
		    (put >= 0 && !mnt->cut && id != put && !below(id, put)))
			return 0;
		failed(mp);
		return -EAGAIN;
	}
	if (proc) {
		rc = cover_proc(fd, &st);
		close(fd);
		return rc;
	}
	rc = fs_setattr(fd, "", false, MS_RDONLY, 0, 0);
	if (rc == -ENOSYS) {
		/* Through the fd, not the name, which may have moved since. */
		char self[64];
		fmt_sn(self, sizeof(self), "/proc/self/fd/%d", fd);
		rc = fs_remount(self, MS_RDONLY, 0);
	}
	close(fd);
	return rc;
}

/* The mount ID of what is mounted at path, or -1. */
long fs_mount_id(const char *path)
{
	struct stat st;
	int fd = fs_open(path, &st);
	long id;

	if (fd < 0)
		return -1;
	id = mount_id(fd);
	close(fd);
	return id;
}

static int fs_kernelfs_walk(void)
{
	int rc = 0;

	for (int round = 0; round < 16; round++) {
		bool again = false;
		mnt->n = mnt->n_kfs = mnt->used = 0;
		mnt->cut = mnt->full = mnt->long_line = false;
		rc = file_lines("/proc/self/mountinfo", mountinfo, sizeof(mountinfo),
				kfs_line, NULL);
		if (rc == 0 && mnt->long_line)
			rc = -ENAMETOOLONG;
		if (rc < 0) {
			failed("/proc/self/mountinfo");
			return rc;
		}
		for (size_t i = 0; i < mnt->n_kfs; i++) {
			char *mp = mnt->arena + mnt->kfs[i].mp;
			rc = kfs_ro(mnt->kfs[i].id, mp, mnt->kfs[i].proc);
			if (rc == -EAGAIN) {
				again = true; /* kfs_ro said where */
			} else if (rc < 0) {
				failed(mp);
				return rc;
			}
		}
		/* What did not fit is still writable: another pass. */
		if (!again && !mnt->full)
			return 0;
		if (again)
			rc = -EAGAIN;
	}
	if (rc != -EAGAIN)
		failed("/proc/self/mountinfo");
	return rc == -EAGAIN ? rc : -E2BIG;
}

int fs_kernelfs_ro(long own_mqueue)
{
	struct walk w;
	struct stat st;
	int rc = 0;

	w.pair = w.few_pairs;
	w.cap = FEW_MOUNTS;
	w.kfs = w.few_kfs;
	w.cap_kfs = FEW_KFS;
	w.arena = w.few_arena;
	w.cap_arena = FEW_ARENA;
	mnt = &w;
	mnt->mqueue = own_mqueue;
	mnt->own_proc = fs_open("/proc", &st);
	mnt->proc_dev = mnt->own_proc >= 0 ? st.st_dev : 0;
	rc = fs_kernelfs_walk();
	if (mnt->own_proc >= 0)
		close(mnt->own_proc);
	mnt = NULL;
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
