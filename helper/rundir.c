/* lockdown's private /run (and a root caller's at hardened): a tmpfs like
 * /tmp, with what programs expect of it. A read-only mount does not stop
 * connect(2), and the host's daemons listen under /run: screen and tmux
 * servers, systemd's private socket and the user's session bus
 * (systemd-run starts anything outside the sandbox), docker.sock, the
 * system bus. What the tmpfs keeps of the host's, read-only: the files
 * /etc/resolv.conf and /dev/log point to when they lead into /run, and
 * journald's sockets (a log sink: it records the sender's credentials and
 * takes no command). Name lookups (nscd, systemd-userdb) are left out. */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const char *const links[] = {"/etc/resolv.conf", "/dev/log"};
static const char *const sockets[] = {"/run/systemd/journal/socket",
				      "/run/systemd/journal/stdout"};
enum { KEEP = 4 };

/* Small fields first: a page of this is resident only once touched. */
static struct {
	bool present;	     /* /run is a directory */
	bool var_run_dir;    /* /var/run is a directory, not a link to /run */
	unsigned long flags; /* the host's noexec, kept */
	size_t nkeep;
	int tree[KEEP];
	char shm[64]; /* where /run/shm points, or "" */
	char names[KEEP][PATH_MAX];
} run;

static void keep(const char *path)
{
	struct stat st;
	int fd;

	for (size_t i = 0; i < run.nkeep; i++)
		if (strcmp(run.names[i], path) == 0)
			return;
	/* A convenience: what cannot be found or cloned is simply not there. */
	if (run.nkeep == KEEP || (fd = fs_open(path, &st)) < 0)
		return;
	run.tree[run.nkeep] = fs_clone(fd, false);
	close(fd);
	if (run.tree[run.nkeep] >= 0)
		fmt_sn(run.names[run.nkeep++], PATH_MAX, "%s", path);
}

/* Where the link at path leads when that is a file under /run (its target
 * absolute, or relative to the link's directory: "../run/x" from /etc),
 * into out[PATH_MAX]; false otherwise. realpath would take twice the
 * stack; a target with "." or ".." left in it is not kept. */
static bool link_into_run(const char *path, char *out)
{
	size_t dir = (size_t)(strrchr(path, '/') - path);
	ssize_t len = readlink(path, out + dir + 1, PATH_MAX - dir - 2);
	char *t = out + dir + 1;

	if (len <= 0)
		return false;
	t[len] = '\0';
	if (*t == '/') {
		memmove(out, t, (size_t)len + 1);
	} else {
		memcpy(out, path, dir + 1);
		for (; dir > 0 && strncmp(t, "../", 3) == 0; t = out + dir + 1) {
			size_t up = dir;
			while (up > 0 && out[up - 1] != '/')
				up--;
			up = up > 0 ? up - 1 : 0;
			memmove(out + up + 1, t + 3, strlen(t + 3) + 1);
			dir = up;
		}
	}
	for (const char *p = out; *p; p++)
		if (p[0] == '/' && p[1] == '.' &&
		    (p[2] == '/' || (p[2] == '.' && p[3] == '/')))
			return false;
	return strncmp(out, "/run/", 5) == 0 && out[5];
}

void run_prepare(void)
{
	char target[PATH_MAX];
	struct statvfs sv;
	struct stat st;
	ssize_t n;

	run.present = lstat("/run", &st) == 0 && S_ISDIR(st.st_mode);
	if (!run.present)
		return;
	if (statvfs("/run", &sv) == 0 && (sv.f_flag & ST_NOEXEC))
		run.flags = MS_NOEXEC;
	n = readlink("/run/shm", run.shm, sizeof(run.shm) - 1);
	run.shm[n > 0 ? n : 0] = '\0';
	run.var_run_dir = lstat("/var/run", &st) == 0 && S_ISDIR(st.st_mode);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (link_into_run(links[i], target))
			keep(target);
	for (size_t i = 0; i < sizeof(sockets) / sizeof(sockets[0]); i++)
		keep(sockets[i]);
}

static int make_dir(const char *path, mode_t mode)
{
	/* chmod: mkdir's mode passes through the host's umask. */
	return mkdir(path, mode) < 0 || chmod(path, mode) < 0 ? -errno : 0;
}

/* $XDG_RUNTIME_DIR: private, empty, as a new login gets it. */
static int make_dirs(uid_t uid)
{
	char user[64];
	int rc;

	fmt_sn(user, sizeof(user), "/run/user/%u", (unsigned)uid);
	if ((rc = make_dir("/run/lock", 01777)) < 0 ||
	    (rc = make_dir("/run/user", 0755)) < 0 || (rc = make_dir(user, 0700)) < 0)
		return rc;
	if (run.shm[0] && symlink(run.shm, "/run/shm") < 0)
		return -errno;
	return 0;
}

/* Each kept file at its path in the tmpfs, read-only. */
static int put_kept(void)
{
	for (size_t i = 0; i < run.nkeep; i++) {
		const char *path = run.names[i], *slash = strrchr(path, '/');
		int rc = mkdir_parents(path, (size_t)(slash - path)), fd;
		if (rc < 0)
			return rc;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  0600);
		if (fd < 0)
			return -errno;
		rc = fs_put(run.tree[i], fd, path, false, MS_RDONLY);
		close(fd);
		close(run.tree[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* /var/run as its own directory (old systems): the same tmpfs there. */
static int put_var_run(void)
{
	int t, fd, rc;

	if (!run.var_run_dir)
		return 0;
	if ((fd = open("/run", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	t = fs_clone(fd, false);
	close(fd);
	if (t < 0)
		return t;
	fd = open("/var/run", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	rc = fd < 0 ? -errno : fs_move(t, fd);
	if (fd >= 0)
		close(fd);
	close(t);
	if (rc == 0)
		fs_private("/var/run");
	return rc;
}

void run_mount(const char *size, uid_t uid)
{
	char data[sizeof("mode=0755,size=") + TMP_SIZE_MAX];
	int rc;

	if (!run.present)
		return;
	fmt_sn(data, sizeof(data), "mode=0755%s%s", size ? ",size=" : "",
	       size ? size : "");
	if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV | run.flags, data) < 0)
		die(EXIT_SETUP, "cannot mount tmpfs on /run: %s", strerror(errno));
	fs_private("/run");
	if ((rc = make_dirs(uid)) < 0 || (rc = put_kept()) < 0 ||
	    (rc = put_var_run()) < 0)
		die(EXIT_SETUP, "cannot make the job's /run: %s", strerror(-rc));
}
