/* Whether the caller could replace the helper or this library through the
 * host's files, which a hardened job of an ordinary caller shares: such a
 * job could then change what every later job of every host runs
 * (docs/security.md). Decided once per process, at its first such job:
 * the walk costs two stats per path component, too much for every load. */
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Owned: its owner may chmod it and then change it, unless its filesystem
 * is read-only. */
static bool owned(const char *p, const struct stat *st, uid_t me)
{
	return st->st_uid == me &&
	       !(faccessat(AT_FDCWD, p, W_OK, AT_EACCESS) < 0 && errno == EROFS);
}

/* The path through which uid me could change the file p (absolute), into
 * via: the file itself (its bytes), or a directory above it (which may
 * rename what it holds; in a sticky one only its owner's or its own). The
 * directories are the ones each prefix names (a symbolic link's target);
 * the links themselves are entries of the directory above them. */
static bool walk(const char *p, uid_t me, char *via)
{
	char cur[PATH_MAX];
	struct stat st, dir;
	size_t n = strnlen(p, PATH_MAX);

	if (n == 0 || n >= PATH_MAX || *p != '/' || fstatat(AT_FDCWD, p, &st, 0) < 0)
		return false;
	memcpy(cur, p, n + 1);
	if (faccessat(AT_FDCWD, cur, W_OK, AT_EACCESS) == 0 || owned(cur, &st, me)) {
		memcpy(via, cur, n + 1);
		return true;
	}
	while (n > 1) {
		size_t d = n - 1;
		while (d > 0 && cur[d] != '/')
			d--;
		/* The entry's own owner, not its target's (sticky rule). */
		if (fstatat(AT_FDCWD, cur, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return false;
		n = d ? d : 1;
		cur[n] = '\0';
		if (fstatat(AT_FDCWD, cur, &dir, 0) < 0)
			return false;
		bool spared =
		    (dir.st_mode & S_ISVTX) && dir.st_uid != me && st.st_uid != me;
		if ((faccessat(AT_FDCWD, cur, W_OK, AT_EACCESS) == 0 && !spared) ||
		    owned(cur, &dir, me)) {
			memcpy(via, cur, n + 1);
			return true;
		}
	}
	return false;
}

/* p, then the file it names with every symbolic link resolved (the
 * kernel's name for an O_PATH fd of it; when that cannot be had, the one
 * resolved at load, if any). */
static bool walk_both(const char *p, const char *real, uid_t me, char *via)
{
	char link[32] = "/proc/self/fd/", got[PATH_MAX];
	ssize_t n = -1;
	int fd;

	if (walk(p, me, via))
		return true;
	fd = open(p, O_PATH | O_CLOEXEC);
	if (fd >= 0) {
		fmt_u64(link + 14, (uint64_t)fd);
		n = readlink(link, got, sizeof(got) - 1);
		close(fd);
	}
	if (n > 0 && got[0] == '/') {
		got[n] = '\0';
		return walk(got, me, via);
	}
	return real && *real && walk(real, me, via);
}

static struct {
	int state; /* 0: not known; 1: safe; 2: replaceable */
	uid_t uid;
	const char *file;
	char via[PATH_MAX];
} known;

bool layout_replaceable(const struct config *cfg, const char **file, const char **via)
{
	uid_t me = geteuid();

	if (__atomic_load_n(&known.state, __ATOMIC_ACQUIRE) == 0 || known.uid != me) {
		int state = 1;
		known.uid = me;
		known.file = NULL;
		if (walk_both(cfg->helper, cfg->helper_real, me, known.via)) {
			known.file = cfg->helper;
			state = 2;
		}
		for (size_t i = 0; state == 1 && i < cfg->preload.n; i++) {
			const char *w = cfg->preload.names[i];
			if (*w == '/' && walk_both(w, cfg->self_real, me, known.via)) {
				known.file = w;
				state = 2;
			}
		}
		if (state == 1 && walk(cfg->self_real, me, known.via)) {
			known.file = cfg->self_real;
			state = 2;
		}
		__atomic_store_n(&known.state, state, __ATOMIC_RELEASE);
	}
	*file = known.file;
	*via = known.via;
	return known.state == 2;
}
