/* Tries to change files, one way per line: prints "NAME ok" when the change
 * was made, else "NAME ERRNO" (EROFS, EACCES...). The tests run it plainly
 * (the control, which must change everything) and inside a sandbox.
 *
 *   fsprobe [--nested] change DIR
 *       every kind of change to the entries `fsprobe make DIR` made (each
 *       attempt has its own, so one does not decide another's fate)
 *   fsprobe make DIR
 *       (not an attempt) the entries, as the caller
 *   fsprobe [--nested] remount MNT FILE
 *       MNT's mount remounted read-write (mount(2), then mount_setattr),
 *       then FILE appended to
 *   fsprobe [--nested] bind SRC ALT FILE
 *       SRC bound on ALT, that bind remounted read-write, then ALT/FILE
 *       appended to
 *   fsprobe one append|create|chmod-suid|open-rw PATH
 *       one change: append to PATH, create it, chmod it 4755, open it for
 *       reading and writing (nothing written)
 *
 * --nested first enters a new user and mount namespace (every capability
 * in it; no id map is written, so a root caller can too).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

static char dir[2048];

static const char *at(const char *name)
{
	static char buf[4][4200];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static void say(const char *name, long rc)
{
	const char *e = rc < 0 ? strerrorname_np(errno) : "ok";

	printf("%s %s\n", name, e ? e : "unknown-errno");
}

static long opened(int fd)
{
	if (fd >= 0)
		close(fd);
	return fd;
}

static long append(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	long rc = fd < 0 ? -1 : write(fd, "x", 1);

	if (fd >= 0)
		close(fd);
	return rc;
}

static long reopen(const char *path, int how)
{
	char p[64];
	int fd = open(path, how, 0), w;

	if (fd < 0)
		return -1;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	w = open(p, O_WRONLY | O_APPEND | O_CLOEXEC);
	close(fd);
	if (w >= 0)
		close(w);
	return w;
}

static long via_openat2(const char *path)
{
	uint64_t how[3] = {O_WRONLY | O_APPEND | O_CLOEXEC, 0, 0};
	long fd = syscall(SYS_openat2, AT_FDCWD, path, how, sizeof(how));

	if (fd >= 0)
		close((int)fd);
	return fd;
}

static long opath_chmod(const char *path)
{
	char p[64];
	int fd = open(path, O_PATH | O_CLOEXEC);
	long rc;

	if (fd < 0)
		return -1;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	rc = chmod(p, 0600);
	close(fd);
	return rc;
}

static long opath_chown(const char *path)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	long rc = fd < 0 ? -1 : fchownat(fd, "", getuid(), getgid(), AT_EMPTY_PATH);

	if (fd >= 0)
		close(fd);
	return rc;
}

static long ro_fchmod(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	long rc = fd < 0 ? -1 : fchmod(fd, 0640);

	if (fd >= 0)
		close(fd);
	return rc;
}

static long procroot(const char *path)
{
	char p[4300];

	snprintf(p, sizeof(p), "/proc/self/root%s", path);
	return append(p);
}

static int change(void)
{
	say("write", append(at("write")));
	say("open-trunc", opened(open(at("otrunc"), O_WRONLY | O_TRUNC | O_CLOEXEC)));
	say("truncate", truncate(at("trunc"), 0));
	say("create",
	    opened(open(at("new"), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)));
	say("mkdir", mkdir(at("newdir"), 0755));
	say("mknod-fifo", mknod(at("fifo"), S_IFIFO | 0644, 0));
	say("mknod-char", mknod(at("null"), S_IFCHR | 0666, makedev(1, 3)));
	say("symlink", symlink("target", at("symlink")));
	say("link", link(at("link"), at("link2")));
	say("rename", rename(at("rename"), at("renamed")));
	say("rename-dir", rename(at("rdir"), at("d/rdir")));
	say("unlink", unlink(at("unlink")));
	say("rmdir", rmdir(at("rmdir")));
	say("chmod", chmod(at("chmod"), 0600));
	say("chown", chown(at("chown"), getuid(), getgid()));
	say("setxattr", setxattr(at("xattr"), "user.cordon", "1", 1, 0));
	say("removexattr", removexattr(at("rmxattr"), "user.cordon"));
	say("utimes", utimensat(AT_FDCWD, at("utimes"), NULL, 0));
	say("proc-self-root", procroot(at("procroot")));
	say("reopen-rdonly", reopen(at("reopen"), O_RDONLY | O_CLOEXEC));
	say("reopen-opath", reopen(at("reopen"), O_PATH | O_CLOEXEC));
	say("openat2", via_openat2(at("openat2")));
	say("opath-chmod", opath_chmod(at("opath")));
	say("opath-chown", opath_chown(at("opath")));
	say("fchmod-rdonly", ro_fchmod(at("fchmod")));
	return 0;
}

static int make(void)
{
	static const char *const files[] = {"write",   "otrunc", "trunc",    "link",
					    "rename",  "unlink", "chmod",    "chown",
					    "xattr",   "utimes", "procroot", "reopen",
					    "openat2", "opath",	 "fchmod",   "rmxattr"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f = fopen(at(files[i]), "w");
		if (!f || fputs("data\n", f) < 0 || fclose(f) != 0)
			return 1;
		chmod(at(files[i]), 0644);
	}
	if (setxattr(at("rmxattr"), "user.cordon", "1", 1, 0) < 0 ||
	    mkdir(at("rmdir"), 0755) < 0 || mkdir(at("rdir"), 0755) < 0 ||
	    mkdir(at("d"), 0755) < 0)
		return 1;
	return 0;
}

static int remount(const char *mnt, const char *file)
{
	uint64_t attr[4] = {0, MS_RDONLY, 0, 0};

	say("remount-rw", mount(NULL, mnt, NULL, MS_REMOUNT | MS_BIND, NULL));
	say("setattr-rw",
	    syscall(SYS_mount_setattr, AT_FDCWD, mnt, 0x8000, attr, sizeof(attr)));
	say("write", append(file));
	return 0;
}

static int bind(const char *src, const char *alt, const char *file)
{
	char p[4300];

	say("bind", mount(src, alt, NULL, MS_BIND, NULL));
	say("remount-rw", mount(NULL, alt, NULL, MS_REMOUNT | MS_BIND, NULL));
	snprintf(p, sizeof(p), "%s/%s", alt, file);
	say("write", append(p));
	return 0;
}

static int one(const char *kind, const char *path)
{
	if (!strcmp(kind, "append"))
		say(kind, append(path));
	else if (!strcmp(kind, "create"))
		say(kind,
		    opened(open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755)));
	else if (!strcmp(kind, "chmod-suid"))
		say(kind, chmod(path, 04755));
	else if (!strcmp(kind, "open-rw"))
		say(kind, opened(open(path, O_RDWR | O_CLOEXEC)));
	else
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	int a = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--nested")) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
			printf("unshare %s\n", strerrorname_np(errno));
			return 0;
		}
		a++;
	}
	if (argc - a < 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[a + 1]);
	if (!strcmp(argv[a], "change"))
		return change();
	if (!strcmp(argv[a], "make"))
		return make();
	if (!strcmp(argv[a], "remount") && argc - a == 3)
		return remount(argv[a + 1], argv[a + 2]);
	if (!strcmp(argv[a], "one") && argc - a == 3)
		return one(argv[a + 1], argv[a + 2]);
	if (!strcmp(argv[a], "bind") && argc - a == 4)
		return bind(argv[a + 1], argv[a + 2], argv[a + 3]);
	return 2;
}
