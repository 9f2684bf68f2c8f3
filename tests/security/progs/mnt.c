/* Tries to undo one of lockdown's mounts, to see what it covers (the host's
 * /tmp, the host's /proc). Prints one line: "ok" or the errno's name of the
 * attempt, then whether MARKER (a path only the host has) is visible
 * afterwards: "seen" or "hidden".
 *
 *   mnt [--nested] STEP DIR MARKER ALT
 *
 *   umount      umount2(DIR, MNT_DETACH)
 *   move        mount --move DIR ALT
 *   bind-root   mount --bind PARENT ALT, PARENT the directory DIR is in
 *               ("/" for /tmp), not recursive: the mounts on top of it left
 *               out, DIR's among them; then MARKER looked up under ALT
 *   open-tree   open_tree(PARENT, OPEN_TREE_CLONE), not recursive, then
 *               MARKER looked up under it (no mount point needed)
 *   remount-suid  remount DIR's bind without nosuid/nodev/noexec; prints
 *               "nosuid" when DIR still has it, else "suid"
 *   remount-rw  remount DIR's superblock read-write with no flags
 *
 * --nested first enters a new user and mount namespace (the caller keeps
 * every capability in it; no id map is written, so a root caller can too).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#define OPEN_TREE_CLONE_ 1

static const char *err(long rc)
{
	return rc < 0 ? strerrorname_np(errno) : "ok";
}

static const char *seen(int dirfd, const char *path)
{
	return faccessat(dirfd, path, F_OK, 0) == 0 ? "seen" : "hidden";
}

static int step(const char *what, const char *dir, const char *marker, const char *alt)
{
	char under[4096], src[4096];
	struct statvfs v;
	const char *e;
	long rc;

	/* The mount DIR sits on: "/" for /tmp. */
	snprintf(src, sizeof(src), "%s", dir);
	*(strrchr(src, '/') == src ? src + 1 : strrchr(src, '/')) = '\0';
	/* MARKER relative to PARENT (it lies under DIR). */
	const char *rel = marker + strlen(src) + (src[1] != '\0');

	if (!strcmp(what, "umount")) {
		rc = umount2(dir, MNT_DETACH);
	} else if (!strcmp(what, "move")) {
		rc = mount(dir, alt, NULL, MS_MOVE, NULL);
	} else if (!strcmp(what, "bind-root")) {
		e = err(mount(src, alt, NULL, MS_BIND, NULL));
		snprintf(under, sizeof(under), "%s/%s", alt, rel);
		printf("%s %s\n", e, seen(AT_FDCWD, under));
		return 0;
	} else if (!strcmp(what, "open-tree")) {
		rc = syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE_ | O_CLOEXEC);
		e = err(rc);
		printf("%s %s\n", e, rc < 0 ? "hidden" : seen((int)rc, rel));
		return 0;
	} else if (!strcmp(what, "remount-suid")) {
		e = err(mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND, NULL));
		printf("%s %s\n", e,
		       statvfs(dir, &v) == 0 && (v.f_flag & ST_NOSUID) ? "nosuid"
								       : "suid");
		return 0;
	} else if (!strcmp(what, "remount-rw")) {
		rc = mount(NULL, dir, NULL, MS_REMOUNT, NULL);
	} else {
		fprintf(stderr, "mnt: unknown step %s\n", what);
		return 2;
	}
	e = err(rc);
	printf("%s %s\n", e, seen(AT_FDCWD, marker));
	return 0;
}

int main(int argc, char **argv)
{
	int nested = argc > 1 && !strcmp(argv[1], "--nested");

	if (argc != 5 + nested) {
		fprintf(stderr, "usage: mnt [--nested] STEP DIR MARKER ALT\n");
		return 2;
	}
	if (nested && unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
		printf("unshare %s\n", strerrorname_np(errno));
		return 0;
	}
	return step(argv[1 + nested], argv[2 + nested], argv[3 + nested],
		    argv[4 + nested]);
}
