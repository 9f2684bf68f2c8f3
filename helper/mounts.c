/* lockdown's mount namespace, built by init (a fresh /proc must be mounted
 * from inside the new pid namespace). Nothing propagates back to the host:
 * the whole tree is made private first. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
 * the host's /proc/self/fd. */
static const struct mnt late[] = {
    {"/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, false,
     "; containers that mask parts of /proc refuse a fresh one: run the container "
     "with an unmasked /proc (e.g. --security-opt systempaths=unconfined)",
     CAUSE_PROC},
    MQUEUE_MNT,
};

/* hardened's only mount. */
static const struct mnt mqueue[] = {MQUEUE_MNT};

static void mount_all(const struct mnt *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (mount(t[i].type, t[i].dst, t[i].type, t[i].flags, t[i].data) == 0)
			continue;
		if (t[i].optional && errno == ENOENT)
			continue;
		die_cause(t[i].cause ? t[i].cause : CAUSE_SETUP, strerror(errno),
			  "cannot mount %s on %s: %s%s", t[i].type, t[i].dst,
			  strerror(errno), t[i].hint);
	}
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* mkdir -p of path up to (not including) its last len bytes. */
static int mkdir_parents(const char *path, size_t len)
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

/* The cwd still points into the host's /tmp after the tmpfs covers it, and
 * would show the host's files to the target through "." and "..". Move it
 * to the same path in the new tmpfs; where that cannot be made (under the
 * fresh /proc), fail rather than leave the way open. A cwd that has no name
 * (deleted: ".." still leads out of it; or too long for getcwd) becomes "/". */
static void keep_cwd(const char *cwd, struct stat *was)
{
	struct stat now;
	int rc;

	if (!cwd) {
		if (chdir("/") < 0)
			die(EXIT_SETUP, "cannot change to / in the sandbox: %s",
			    strerror(errno));
		return;
	}
	if (stat(cwd, &now) == 0 && same_file(&now, was))
		return;
	rc = mkdir_parents(cwd, strlen(cwd));
	if (rc < 0 || chdir(cwd) < 0 || stat(".", was) < 0)
		die(EXIT_SETUP,
		    "cannot recreate the working directory %s in the sandbox: %s", cwd,
		    strerror(rc < 0 ? -rc : errno));
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

/* hardened shares the host's mounts but for /dev/mqueue. The copy of the
 * host's mounts a new user namespace gets receives the host's later mounts
 * and sends none back (its shared mounts become slaves): not made private,
 * so the job keeps seeing the host's filesystem as it changes. */
void mounts_hardened(void)
{
	mount_all(mqueue, 1);
}

/* The scratch mounts, each limited to size (CORDON_TMP_SIZE) when given. */
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

void mounts_lockdown(struct job *j)
{
	char cwdbuf[PATH_MAX];
	const char *cwd = getcwd(cwdbuf, sizeof(cwdbuf));
	struct stat was;
	int rc;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die(EXIT_SETUP, "cannot make / private in the sandbox: %s",
		    strerror(errno));
	j->pinned = pinned_open(j->a);
	if (cwd && (cwd[0] != '/' || stat(".", &was) < 0))
		cwd = NULL; /* "(unreachable)/...": outside our root */
	mount_scratch(j->a->tmp_size);
	keep_cwd(cwd, &was);
	keep_target(j);
	mount_all(late, sizeof(late) / sizeof(late[0]));
	/* A cwd under /proc would still show the host's processes. */
	keep_cwd(cwd, &was);
	/* A root caller's job has a network namespace of its own (init.c). */
	if (!j->nested && (rc = net_lo_up()) < 0)
		die(EXIT_SETUP, "cannot bring up lo in the sandbox: %s", strerror(-rc));
}
