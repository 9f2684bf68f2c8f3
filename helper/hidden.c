/* Hidden paths (--hidden, CORDON_HIDDEN): each one covered by an empty
 * directory or file, mode 000, on a read-only tmpfs of the job's own (for a
 * root caller's job, owned by an id its namespace does not map). That
 * tmpfs is staged on /proc, which the fresh proc mount covers right after:
 * nothing is made on the host, nothing reaches the staging again, and no
 * umount (an RCU grace period: ~0.4 ms) is needed. The covers are mount
 * points, locked for the job's nested namespaces: they cannot be moved,
 * unmounted or looked under. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[PATHS_LEN + 1];

struct covers {
	int dir, file; /* O_PATH of the staging tmpfs's empty ones */
};

/* A root caller's job holds capabilities in its own user namespace, which
 * maps every id of ours but the highest (init.c, nest_job): covers owned
 * by that id are beyond them, mode 000 for it as for anyone. Looked up
 * before the staging tmpfs covers /proc. */
struct owner {
	bool spare;
	uid_t uid;
	gid_t gid;
};

static void stage(struct covers *c, const struct owner *o)
{
	int fd;

	if (mount("cordon", "/proc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0700,size=4k,nr_inodes=4") < 0 ||
	    mkdir("/proc/d", 0) < 0 ||
	    (fd = open("/proc/f", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0)) < 0)
		die_cause(CAUSE_POLICY, strerror(errno),
			  "cannot hide paths from the job: a tmpfs of its own: %s",
			  strerror(errno));
	close(fd);
	if ((o->spare && (chown("/proc/d", o->uid, o->gid) < 0 ||
			  chown("/proc/f", o->uid, o->gid) < 0)) ||
	    mount(NULL, "/proc", NULL,
		  MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
	    (c->dir = open("/proc/d", O_PATH | O_CLOEXEC)) < 0 ||
	    (c->file = open("/proc/f", O_PATH | O_CLOEXEC)) < 0)
		die_cause(CAUSE_POLICY, strerror(errno),
			  "cannot hide paths from the job: a tmpfs of its own: %s",
			  strerror(errno));
}

static _Noreturn void die_hidden(const char *path, int e)
{
	if (e == ENOENT)
		die_cause(CAUSE_POLICY, strerror(e),
			  "cannot hide %s: %s; a hidden path must exist (create it, even "
			  "empty, or take it out of CORDON_HIDDEN)",
			  path, strerror(e));
	if (e == ELOOP)
		die_cause(
		    CAUSE_POLICY, strerror(e),
		    "cannot hide %s: a component of it is a symbolic link; give the "
		    "path it points to",
		    path);
	die_cause(CAUSE_POLICY, strerror(e), "cannot hide %s: %s", path, strerror(e));
}

/* The first ancestor of path (its length) whose entries the job may move:
 * within a writable path, that path; on a host left writable, the first
 * directory the job may write (init's own check: its capabilities apply
 * to the job's files alone, the only ones mapped, so it errs on the side
 * of pinning); 0 when none. */
static size_t movable_from(const char *path)
{
	const char *root = fs_writable_root(path);
	char a[PATH_MAX];

	if (fs_ro())
		return root ? strlen(root) : 0;
	for (const char *s = path; (s = strchr(s + 1, '/'));) {
		size_t n = (size_t)(s - path);
		memcpy(a, path, n);
		a[n] = '\0';
		if (faccessat(AT_FDCWD, a, W_OK, AT_EACCESS) == 0)
			return n;
	}
	return 0;
}

/* Every directory between the first movable one and path made a mount
 * point of itself: one job could otherwise rename an ancestor away and
 * leave the hidden data in plain sight of the next job (EBUSY now). */
static void pin_ancestors(const char *path)
{
	size_t from = movable_from(path);
	char a[PATH_MAX];
	struct stat st;

	if (!from || !path[from])
		return;
	for (const char *s = path + from; (s = strchr(s + 1, '/'));) {
		size_t n = (size_t)(s - path);
		memcpy(a, path, n);
		a[n] = '\0';
		int fd = fs_open(a, &st), t = fd < 0 ? fd : fs_clone(fd, true);
		int rc = t < 0 ? t : fs_move(t, fd);
		if (rc < 0)
			die_hidden(a, -rc);
		close(t);
		close(fd);
	}
}

static void cover(const struct covers *c, const char *path)
{
	struct stat st;
	int fd, t, rc;

	pin_ancestors(path);
	fd = fs_open(path, &st);
	if (fd < 0)
		die_hidden(path, -fd);
	t = fs_clone(S_ISDIR(st.st_mode) ? c->dir : c->file, false);
	rc = t < 0 ? t : fs_move(t, fd);
	if (rc < 0)
		die_hidden(path, -rc);
	close(t);
	close(fd);
}

void fs_hide(struct job *j)
{
	const char *h[PATHS_MAX];
	struct covers c;
	size_t n, k;

	if (!j->a->hidden)
		return;
	struct owner o = {j->nested, 0, 0};

	n = fs_split(j->a->hidden, buf, h);
	if (o.spare && idmap_top(&o.uid, &o.gid) < 0)
		die_cause(CAUSE_POLICY, strerror(errno),
			  "cannot hide paths from the job: our id maps: %s",
			  strerror(errno));
	stage(&c, &o);
	for (size_t i = 0; i < n; i++) {
		/* Under another hidden path: covered with it. */
		for (k = 0; k < i && !path_within(h[i], strlen(h[i]), h[k], strlen(h[k]));
		     k++)
			;
		/* Under a private mount and shared into none: already hidden. */
		if (k < i || (fs_is_private(h[i]) && !fs_writable_root(h[i])))
			continue;
		cover(&c, h[i]);
	}
	close(c.dir);
	close(c.file);
}
