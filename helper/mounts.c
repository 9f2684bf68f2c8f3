/* lockdown's mount namespace, built by init (a fresh /proc must be mounted
 * from inside the new pid namespace). Nothing propagates back to the host:
 * the whole tree is made private first. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define MQUEUE_MAGIC 0x19800202

struct mnt {
	const char *dst, *type;
	unsigned long flags;
	const char *data;
	bool optional; /* a target that does not exist is skipped */
	const char *hint;
	const char *cause; /* common/contract.h CAUSE_*, NULL: CAUSE_SETUP */
};

/* Mounted first: what hides the host's shared scratch space. */
static const struct mnt scratch[] = {
    {"/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", true, "", NULL},
    {"/var/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", true, "", NULL},
    {"/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", true, "", NULL},
};

#define MQUEUE_MNT                                                                       \
	{                                                                                \
		"/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, true,   \
		    "", NULL                                                             \
	}

/* Mounted after the target file and cwd are kept visible: binding them needs
 * the host's /proc/self/fd. A fresh /proc at both tiers: the job's own
 * processes only, whose /proc files (uid_map of nested namespaces,
 * oom_score_adj) it may write; the host's it may not. */
static const struct mnt proc[] = {
    {"/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, false,
     "; containers that mask parts of /proc refuse a fresh one: run the container "
     "with an unmasked /proc (e.g. --security-opt systempaths=unconfined)",
     CAUSE_PROC},
};

/* Inside a root caller's job of a cordon sandbox, whose /proc has
 * read-only parts locked over it (fspolicy.c, fs_proc_ro): the kernel
 * refuses any fresh proc there. */
static const struct mnt proc_nested[] = {
    {"/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, false,
     "; a root caller's job cannot start a sandbox inside its own (the kernel "
     "refuses a fresh /proc where parts of the old one are locked read-only): "
     "start the host with the higher tier instead",
     CAUSE_PROC},
};

/* lockdown's fresh mqueue; hardened's, only over the host's (below). */
static const struct mnt mqueue[] = {MQUEUE_MNT};

/* Mounts each of t; the private ones are noted (fs_private). */
static void mount_all(const struct mnt *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (mount(t[i].type, t[i].dst, t[i].type, t[i].flags, t[i].data) == 0) {
			fs_private(t[i].dst);
			continue;
		}
		if (t[i].optional && errno == ENOENT)
			continue;
		die_cause(t[i].cause ? t[i].cause : CAUSE_SETUP, strerror(errno),
			  "cannot mount %s on %s: %s%s", t[i].type, t[i].dst,
			  strerror(errno), t[i].hint);
	}
}

int mkdir_parents(const char *path, size_t len)
{
	char buf[PATH_MAX];

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len);
	buf[len] = '\0';
	for (char *p = buf + 1; p <= buf + len; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = c;
	}
	return 0;
}

/* The host's working directory, as init found it before any mount. */
struct cwd {
	bool deleted;
	/* its name; deleted: the name of its nearest ancestor that has one */
	char path[PATH_MAX];
	struct stat st; /* of path */
	int fd;		/* deleted: O_PATH of it */
};

/* A deleted cwd has no name, but ".." still leads out of it: the nearest
 * ancestor that has one tells where it was. */
static void find_named(struct cwd *c)
{
	int dir = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	c->deleted = true;
	c->fd = dir;
	for (int up = 0; dir >= 0 && up < 64; up++) {
		int parent = openat(dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dir != c->fd)
			close(dir);
		if ((dir = parent) < 0 || fchdir(dir) < 0)
			break;
		if (getcwd(c->path, sizeof(c->path)) && c->path[0] == '/' &&
		    fstat(dir, &c->st) == 0) {
			close(dir);
			if (fchdir(c->fd) == 0)
				return;
			break;
		}
	}
	die(EXIT_SETUP, "cannot find where the deleted working directory was: %s",
	    strerror(errno));
}

static void cwd_capture(struct cwd *c)
{
	c->deleted = false;
	c->fd = -1;
	if (getcwd(c->path, sizeof(c->path)) && c->path[0] == '/' &&
	    stat(".", &c->st) == 0)
		return;
	/* "(unreachable)/...": outside our root; ERANGE: longer than PATH_MAX.
	 * Where it leads cannot be checked: run nowhere rather than there. */
	if (errno != ENOENT || c->path[0] == '(')
		die(EXIT_SETUP,
		    "cannot keep the working directory for the job: it has no name "
		    "within the root (getcwd: %s); start the job from another directory",
		    strerror(errno == ENOENT ? ENOTDIR : errno));
	find_named(c);
}

/* Whether path, in the view the job will have, is the same directory:
 * then into it, where the job sees it (a writable path put back on top
 * of it is the one the job must write through). */
static bool still_there(const char *path, const struct stat *was)
{
	struct stat now;
	int fd = fs_open(path, &now);
	bool same = fd >= 0 && now.st_dev == was->st_dev && now.st_ino == was->st_ino &&
		    fchdir(fd) == 0;

	if (fd >= 0)
		close(fd);
	return same;
}

/* The deleted cwd: the host's own when where it was is still in view (its
 * ".." then leads nowhere the job could not go). Else one just as deleted
 * of the sandbox's, at the same place in the private mount. */
static void keep_deleted(struct cwd *c)
{
	char *end = c->path + strlen(c->path);
	int rc;

	if (still_there(c->path, &c->st)) {
		if (fchdir(c->fd) < 0)
			die(EXIT_SETUP, "cannot keep the deleted working directory: %s",
			    strerror(errno));
		return;
	}
	fmt_sn(end, sizeof(c->path) - (size_t)(end - c->path), "%s.cordon-deleted-cwd",
	       end[-1] == '/' ? "" : "/");
	rc = mkdir_parents(c->path, strlen(c->path));
	if (rc < 0 || chdir(c->path) < 0 || rmdir(c->path) < 0)
		die(EXIT_SETUP,
		    "cannot keep the deleted working directory (it was under %s) in the "
		    "sandbox: %s; start the job from another directory",
		    c->path, strerror(rc < 0 ? -rc : errno));
}

/* The cwd still points into the host's /tmp after the tmpfs covers it, and
 * would show the host's files to the target through "." and "..". Move it
 * to the same path in the new tmpfs; where that cannot be made (under the
 * fresh /proc, under a hidden path), fail rather than leave the way open. */
static void keep_cwd(struct cwd *c, bool last)
{
	int rc;

	if (c->deleted) {
		if (last)
			keep_deleted(c);
		return;
	}
	if (still_there(c->path, &c->st))
		return;
	rc = mkdir_parents(c->path, strlen(c->path));
	if (rc < 0 || chdir(c->path) < 0 || stat(".", &c->st) < 0)
		die(EXIT_SETUP,
		    "cannot recreate the working directory %s in the sandbox: %s",
		    c->path, strerror(rc < 0 ? -rc : errno));
}

/* The target file was under a path the tmpfs now hides: bind the pinned
 * inode at the same path, so the target runs with the same $0, comm and
 * /proc/self/exe as without cordon (an exec through the fd would not). */
static void keep_target(struct job *j)
{
	const char *path = j->a->path, *slash = strrchr(path, '/');
	char src[64];
	int fd, rc = 0;

	if (j->pinned < 0 || pinned_shows(j->a))
		return;
	if (slash && slash != path)
		rc = mkdir_parents(path, (size_t)(slash - path));
	fd = rc < 0 ? -1 : open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		die(EXIT_SETUP, "cannot recreate %s in the sandbox: %s", path,
		    strerror(rc < 0 ? -rc : errno));
	close(fd);
	fmt_sn(src, sizeof(src), "/proc/self/fd/%d", j->pinned);
	if (mount(src, path, NULL, MS_BIND, NULL) < 0)
		die(EXIT_SETUP, "cannot bind %s into the sandbox: %s", path,
		    strerror(errno));
}

/* A queue of the host's mqueue filesystem opened by path (open(2)) gives an
 * fd that mq_send/mq_receive accept, whatever the caller's ipc namespace.
 * systemd hosts mount it on /dev/mqueue: there hardened must cover it too. */
bool mounts_host_mqueue(void)
{
	struct statfs fs;

	return statfs("/dev/mqueue", &fs) == 0 && fs.f_type == MQUEUE_MAGIC;
}

/* The scratch mounts, each limited to size (CORDON_TMP_SIZE, tmp=) when
 * given. */
static void mount_scratch(const char *size)
{
	enum { N = sizeof(scratch) / sizeof(scratch[0]) };
	struct mnt sized[N];
	char data[sizeof("mode=1777,size=") + TMP_SIZE_MAX];

	memcpy(sized, scratch, sizeof(sized));
	if (size) {
		fmt_sn(data, sizeof(data), "mode=1777,size=%s", size);
		for (size_t i = 0; i < N; i++)
			sized[i].data = data;
	}
	mount_all(sized, N);
}

/* Both tiers, in this order (docs/helper.md "The job's files"). hardened
 * without a read-only host keeps the host's propagation: its copy of the
 * host's mounts receives the host's later ones (its shared mounts became
 * slaves) and sends none back. */
void mounts_build(struct job *j)
{
	bool lockdown = j->a->tier == TIER_LOCKDOWN, root = j->uid == 0;
	struct cwd cwd;
	int rc;

	fs_prepare(j);
	if (lockdown || root)
		run_prepare();
	if (fs_ro() && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die(EXIT_SETUP, "cannot make / private in the sandbox: %s",
		    strerror(errno));
	j->pinned = pinned_open(j->a);
	cwd_capture(&cwd);
	fs_readonly(j);
	if (lockdown)
		mount_scratch(limits_tmp_size(j));
	if (lockdown || root)
		run_mount(lockdown ? limits_tmp_size(j) : NULL, j->uid);
	fs_attach(j);
	keep_cwd(&cwd, false);
	keep_target(j);
	fs_hide(j);
	mount_all(root && getenv("CORDON_SANDBOX") ? proc_nested : proc, 1);
	if (lockdown || j->cover_mqueue)
		mount_all(mqueue, 1);
	limits_counts(j);
	fs_proc_ro(j);
	fs_sys_ro();
	fs_kernelfs(lockdown || j->cover_mqueue);
	/* A cwd under /proc or a hidden path would still show what they cover. */
	keep_cwd(&cwd, true);
	if (cwd.fd >= 0)
		close(cwd.fd);
	/* A root caller's job has a network namespace of its own (init.c). */
	if (lockdown && !j->nested && (rc = net_lo_up()) < 0)
		die(EXIT_SETUP, "cannot bring up lo in the sandbox: %s", strerror(-rc));
}
