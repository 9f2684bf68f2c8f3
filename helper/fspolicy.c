/* The job's filesystem policy (docs/helper.md "The job's files"), built by
 * init in the mount namespace its own user namespace owns, in this order:
 *
 *   fs_prepare   what stays writable, cloned from the host's view before
 *                anything is covered (and before / turns private: the
 *                clones keep receiving what the host mounts in them later)
 *   fs_readonly  every mount read-only and nodev, in one call; the devices
 *   fs_attach    the writable clones put back, parents first
 *   fs_hide      each hidden path covered by an empty, unreadable one
 *   fs_proc_ro   root callers: the kernel's knobs in the fresh /proc
 *   fs_sys_ro    /sys read-only where the host is not
 *
 * The kernel locks these flags for every namespace the job makes (a mount
 * namespace copied into a less privileged user namespace), and the job
 * has no capability in the one that owns them. Paths are resolved without
 * following a symbolic link: a job that swaps a name for a link makes the
 * next job fail, never see more. Nothing is created on the host. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* A path kept (writable, or a device): the host's node and its clone. */
struct kept {
	const char *path;
	int fd;	  /* O_PATH of the host's node; -1: it does not exist */
	int tree; /* the clone to put there; -1: none */
	bool dir;
};

/* hardened keeps the host's scratch space writable with a read-only host. */
static const char *const scratch[] = {"/tmp", "/var/tmp", "/dev/shm"};
enum { SCRATCH = sizeof(scratch) / sizeof(scratch[0]), DEVS = 12, PRIVATE = 8 };

/* The device nodes every program writes; /dev/ptmx comes from the devpts
 * (below) and the job's terminal is added when it is not on it. */
static const char *const devices[] = {"/dev/null",   "/dev/zero",    "/dev/full",
				      "/dev/random", "/dev/urandom", "/dev/tty"};

/* Small fields first: a page of this is resident only once touched. */
static struct {
	bool ro, root;
	bool dev_clones; /* root, or /dev is no mount of its own */
	size_t nw, ndev, npriv;
	const char *priv[PRIVATE]; /* the private mounts made so far */
	struct kept w[PATHS_MAX + SCRATCH];
	struct kept dev[DEVS];
	char devname[3][64];
	char wbuf[PATHS_LEN + 1];
} fs;

bool fs_ro(void)
{
	return fs.ro;
}

void fs_private(const char *path)
{
	if (fs.npriv < PRIVATE)
		fs.priv[fs.npriv++] = path;
}

static bool within(const char *p, const char *d)
{
	return path_within(p, strlen(p), d, strlen(d));
}

bool fs_is_private(const char *p)
{
	for (size_t i = 0; i < fs.npriv; i++)
		if (within(p, fs.priv[i]))
			return true;
	return false;
}

/* The list's paths into buf, NUL-separated, pointers in out; sorted, so a
 * path comes after every path it lies within. */
size_t fs_split(const char *list, char *buf, const char **out)
{
	const char *cur = paths_start(list), *p;
	size_t n, k = 0, at = 0;

	while (paths_next(&cur, &p, &n) && k < PATHS_MAX) {
		memcpy(buf + at, p, n);
		buf[at + n] = '\0';
		out[k++] = buf + at;
		at += n + 1;
	}
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && strcmp(out[j - 1], out[j]) > 0; j--) {
			const char *t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return k;
}

/* "cannot keep PATH writable" (or "usable", a device) "for the job". */
static _Noreturn void die_keep(const char *path, const char *how, int e, const char *call)
{
	if (e == ELOOP)
		die_cause(CAUSE_POLICY, strerror(e),
			  "cannot keep %s %s for the job: a component of it is a "
			  "symbolic link; give the path it points to",
			  path, how);
	die_cause(CAUSE_POLICY, strerror(e), "cannot keep %s %s for the job: %s%s%s",
		  path, how, call, *call ? ": " : "", strerror(e));
}

static _Noreturn void die_writable(const char *path, int e, const char *call)
{
	die_keep(path, "writable", e, call);
}

/* The host's node of k->path and its recursive clone. A path that does not
 * exist is skipped (docs/shim.md): it stays inside a read-only parent. */
static void keep(struct kept *k, bool tier_own)
{
	struct stat st;
	int fd = fs_open(k->path, &st);

	k->fd = k->tree = -1;
	/* hardened's scratch: where it is a link, the link's target is. */
	if (fd == -ENOENT || (tier_own && fd == -ELOOP))
		return;
	if (fd < 0)
		die_writable(k->path, -fd, "");
	k->fd = fd;
	k->dir = S_ISDIR(st.st_mode);
	k->tree = fs_clone(fd, true);
	if (k->tree < 0)
		die_writable(k->path, -k->tree, "open_tree (Linux 5.2+)");
}

static void add_device(const char *path)
{
	if (fs.ndev < DEVS)
		fs.dev[fs.ndev++] = (struct kept){path, -1, -1, false};
}

/* The job's terminal, when it is a device outside the devpts (a serial
 * line, a virtual console): its node must open too. */
static void add_terminals(void)
{
	for (int i = 0; i < 3; i++) {
		char fd[32], *name = fs.devname[i];
		struct stat st;
		fmt_sn(fd, sizeof(fd), "/proc/self/fd/%d", i);
		ssize_t n = readlink(fd, name, sizeof(fs.devname[i]) - 1);
		if (n <= 0 || fstat(i, &st) < 0 || !S_ISCHR(st.st_mode))
			continue;
		name[n] = '\0';
		if (strncmp(name, "/dev/", 5) != 0 || strncmp(name, "/dev/pts/", 9) == 0)
			continue;
		bool dup = false;
		for (size_t k = 0; k < fs.ndev; k++)
			dup |= strcmp(fs.dev[k].path, name) == 0;
		if (!dup)
			add_device(name);
	}
}

/* Each device node's clone, from the host's /dev before it turns nodev.
 * /dev/ptmx is the devpts's own node: a clone of the devtmpfs one cannot
 * find its devpts (the kernel looks for "pts" beside it, in its mount). */
static void keep_devices(void)
{
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		add_device(devices[i]);
	add_device("/dev/ptmx");
	add_terminals();
	for (size_t i = 0; i < fs.ndev; i++) {
		struct kept *k = &fs.dev[i];
		bool ptmx = strcmp(k->path, "/dev/ptmx") == 0;
		struct stat st;
		int src = fs_open(ptmx ? "/dev/pts/ptmx" : k->path, &st);
		k->fd = ptmx && src >= 0 ? fs_open(k->path, &st) : src;
		int e = src < 0 ? -src : k->fd < 0 ? -k->fd : 0;
		if (e && ptmx && src >= 0)
			close(src);
		if (e == ENOENT) {
			k->fd = -1;
			continue;
		}
		if (e)
			die_keep(k->path, "usable", e, "");
		k->tree = fs_clone(src, false);
		if (ptmx)
			close(src);
		if (k->tree < 0)
			die_keep(k->path, "usable", -k->tree, "open_tree (Linux 5.2+)");
	}
}

/* /dev as its own mount keeps its nodes: the host's permissions decide, as
 * without cordon. A root caller's job would open every disk that way. */
static bool dev_is_mount(void)
{
	struct stat dev, root;

	return stat("/dev", &dev) == 0 && stat("/", &root) == 0 &&
	       dev.st_dev != root.st_dev;
}

void fs_prepare(struct job *j)
{
	const char *w[PATHS_MAX];
	size_t n;

	fs.root = j->uid == 0;
	fs.ro = j->a->tier == TIER_LOCKDOWN || j->a->writable || fs.root;
	if (!fs.ro)
		return;
	n = fs_split(j->a->writable, fs.wbuf, w);
	for (size_t i = 0; i < n; i++)
		fs.w[fs.nw++].path = w[i];
	if (j->a->tier == TIER_HARDENED)
		for (size_t i = 0; i < SCRATCH; i++)
			fs.w[fs.nw++].path = scratch[i];
	for (size_t i = 0; i < fs.nw; i++)
		keep(&fs.w[i], i >= n);
	fs.dev_clones = fs.root || !dev_is_mount();
	if (fs.dev_clones)
		keep_devices();
}

/* A clone onto its place, with flags set (and cleared) on it first:
 * through its fd, so no name is looked up again. Before Linux 5.12, by a
 * remount once it is in place, through a fresh fd of the place. */
int fs_put(int tree, int target, const char *path, bool rec, unsigned long set)
{
	int rc = set ? fs_setattr(tree, "", rec, set, 0, 0) : 0;
	char fdpath[32];
	struct stat st;

	if (rc < 0 && rc != -ENOSYS)
		return rc;
	if (fs_move(tree, target) < 0)
		return -errno;
	if (rc == 0)
		return 0;
	if (rec)
		return fs_remount_all(path, set, 0);
	int fd = fs_open(path, &st);
	if (fd < 0)
		return fd;
	fmt_sn(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	rc = fs_remount(fdpath, set, 0);
	close(fd);
	return rc;
}

static void put_devices(void)
{
	for (size_t i = 0; i < fs.ndev; i++) {
		struct kept *k = &fs.dev[i];
		if (k->tree < 0)
			continue;
		int rc = fs_put(k->tree, k->fd, k->path, false, MS_RDONLY);
		if (rc < 0)
			die_keep(k->path, "usable", -rc, "move_mount");
		close(k->tree);
		close(k->fd);
	}
}

void fs_readonly(struct job *j)
{
	int rc;

	(void)j;
	if (!fs.ro)
		return;
	rc = fs_set("/", true, MS_RDONLY | MS_NODEV, 0);
	if (rc < 0)
		die_cause(CAUSE_POLICY, strerror(-rc),
			  "cannot make the host read-only for the job: %s (at %s); "
			  "lockdown, CORDON_WRITABLE and root callers need Linux 5.12+ "
			  "(mount_setattr) or mount(2) remounts, allowed by any seccomp "
			  "policy around the host",
			  strerror(-rc), fs_failed());
	if (fs.dev_clones)
		put_devices();
	else if ((rc = fs_set("/dev", false, 0, MS_NODEV)) < 0)
		die_cause(CAUSE_POLICY, strerror(-rc),
			  "cannot keep the host's /dev usable for the job: %s",
			  strerror(-rc));
	/* The job's pty and new ones: a devpts with devices, writable so that
	 * mesg and chmod of its own terminal work. */
	rc = fs_set("/dev/pts", false, 0, MS_RDONLY | MS_NODEV);
	if (rc < 0 && rc != -EINVAL && rc != -ENOENT)
		die_cause(CAUSE_POLICY, strerror(-rc),
			  "cannot keep /dev/pts usable for the job: %s", strerror(-rc));
}

/* A place for a writable path under a private mount (lockdown's /tmp,
 * /run): the host shares that one path into it. */
static int make_place(const struct kept *k)
{
	const char *slash = strrchr(k->path, '/');
	int rc = mkdir_parents(k->path, (size_t)(slash - k->path)), fd;

	if (rc < 0)
		return rc;
	if (k->dir)
		return mkdir(k->path, 0755) < 0 && errno != EEXIST ? -errno : 0;
	fd = open(k->path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

const char *fs_writable_root(const char *p)
{
	const char *root = NULL;

	for (size_t i = 0; i < fs.nw; i++)
		if (fs.w[i].tree >= 0 && within(p, fs.w[i].path) &&
		    (!root || strlen(fs.w[i].path) > strlen(root)))
			root = fs.w[i].path;
	return root;
}

/* Whether w[i] lies within a path attached before it: its place is then
 * in that clone, not where the host's node was found. */
static bool under_earlier(size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (fs.w[k].tree >= 0 && within(fs.w[i].path, fs.w[k].path))
			return true;
	return false;
}

void fs_attach(struct job *j)
{
	(void)j;
	for (size_t i = 0; i < fs.nw; i++) {
		struct kept *k = &fs.w[i];
		struct stat st;
		int target = k->fd, rc = 0;
		if (k->tree < 0)
			continue;
		if (fs_is_private(k->path) || under_earlier(i)) {
			if (fs_is_private(k->path))
				rc = make_place(k);
			target = rc < 0 ? rc : fs_open(k->path, &st);
			if (target < 0)
				die_writable(k->path, -target, "");
		}
		/* root: no device node of the host opens there either. */
		rc = fs_put(k->tree, target, k->path, true, fs.root ? MS_NODEV : 0);
		if (rc < 0)
			die_writable(k->path, -rc, "move_mount");
		if (target != k->fd)
			close(target);
		close(k->tree);
		close(k->fd);
	}
}

/* The kernel's knobs that a root caller's job would otherwise write: 763
 * files under /proc/sys here, and /proc/irq, /proc/bus... Our own fresh
 * /proc: no link of the job's to follow. */
void fs_proc_ro(struct job *j)
{
	static const char *const knobs[] = {
	    "/proc/sys", "/proc/sysrq-trigger", "/proc/irq",  "/proc/bus",
	    "/proc/fs",	 "/proc/acpi",		"/proc/scsi", "/proc/driver"};
	(void)j;
	if (!fs.root)
		return;
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int rc = 0;
		if (mount(knobs[i], knobs[i], NULL, MS_BIND | MS_REC, NULL) < 0)
			rc = errno == ENOENT ? 0 : -errno;
		else
			rc = fs_set(knobs[i], true, MS_RDONLY, 0);
		if (rc < 0)
			die_cause(CAUSE_POLICY, strerror(-rc),
				  "cannot make %s read-only for the job: %s", knobs[i],
				  strerror(-rc));
	}
}

/* The kernel's file systems read-only to the job wherever they are mounted
 * and whatever the writable list holds (a writable path that is a cgroup,
 * or holds a mount of one, or a chroot's /proc and /sys): through
 * cgroup.procs a job would leave its cgroup, through cgroup.kill and
 * cgroup.freeze kill or freeze host processes, through the limit files
 * undo its own; through another procfs write /proc/sys (core_pattern: a
 * program of its choosing run as root) or host processes' files; and
 * another procfs, even read-only (lockdown without a writable list), would
 * list the host's processes: the job's own /proc goes over it. The job's
 * own /proc and /dev/mqueue stay as they are. */
void fs_kernelfs(bool own_mqueue)
{
	int rc = fs_kernelfs_ro(own_mqueue ? fs_mount_id("/dev/mqueue") : -1);

	if (rc < 0)
		die_cause(
		    CAUSE_POLICY, strerror(-rc),
		    "cannot make the kernel's file systems read-only for the job: %s "
		    "(at %s)%s",
		    strerror(-rc), fs_failed(),
		    rc == -EAGAIN
			? ": a directory above it kept being renamed, or is the "
			  "job's own and shut to the sandbox (mode 000, a group it "
			  "does not map); retry, or open that directory"
			: "");
}

/* /sys read-only where the whole host is not: cgroupfs above all (a job
 * would kill or freeze host processes through cgroup.kill, cgroup.freeze,
 * freezer.state). Private too, so that what the host mounts there later
 * does not show up writable. */
void fs_sys_ro(void)
{
	int rc;

	if (fs.ro)
		return; /* "/" and everything below it already */
	rc = fs_setattr(AT_FDCWD, "/sys", true, MS_RDONLY, 0, MS_PRIVATE);
	if (rc == -ENOSYS) {
		rc =
		    mount(NULL, "/sys", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ? -errno : 0;
		if (rc == 0)
			rc = fs_remount_all("/sys", MS_RDONLY, 0);
	}
	/* No /sys, or none mounted there: nothing to protect. */
	if (rc == -ENOENT || rc == -EINVAL)
		return;
	if (rc < 0)
		die_cause(CAUSE_POLICY, strerror(-rc),
			  "cannot make /sys read-only for the job: %s (at %s)",
			  strerror(-rc), *fs_failed() ? fs_failed() : "/sys");
}
