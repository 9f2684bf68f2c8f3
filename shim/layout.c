/* What later jobs run depends on names: the helper's, this library's, and
 * every directory and symbolic link on the way to them. A job that could
 * change one of those could change what every later job of every host
 * runs, outside any sandbox (docs/security.md). Two checks use the same
 * walk: an ordinary caller's hardened job that shares the host's files
 * runs only where the caller's uid can change none of them (decided once
 * per process, at its first such job: the walk costs a few system calls
 * per component, too much for every load); and no job's writable path may
 * hold one of them (per job, names only). */
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

/* Whether uid me may rename, replace or create the entry of dir (entry:
 * its lstat, NULL when it does not exist yet). In a sticky directory only
 * the entry's owner or the directory's may rename or remove it; anyone
 * who may write there may create a name. */
static bool dir_changeable(const char *dir, const struct stat *d,
			   const struct stat *entry, uid_t me)
{
	bool spared =
	    (d->st_mode & S_ISVTX) && d->st_uid != me && entry && entry->st_uid != me;

	return (faccessat(AT_FDCWD, dir, W_OK, AT_EACCESS) == 0 && !spared) ||
	       owned(dir, d, me);
}

/* What a walk found: the names it depends on (resolved directories, then
 * the file), NUL-separated, and the first one uid me may change. */
struct walk {
	char names[4 * PATH_MAX];
	size_t len;
	bool full; /* names did not fit: every check fails closed */
	char via[PATH_MAX];
	/* Which file each name is for: files[i]'s end at ends[i]. */
	const char *files[8];
	size_t ends[8], nfiles;
};

static void note_name(struct walk *w, const char *p)
{
	size_t n = strlen(p) + 1;

	if (w->len + n > sizeof(w->names)) {
		w->full = true;
		return;
	}
	memcpy(w->names + w->len, p, n);
	w->len += n;
}

static int changeable_at(struct walk *w, const char *p)
{
	memcpy(w->via, p, strlen(p) + 1);
	return 1;
}

/* Resolves path (absolute) one component at a time, as the kernel would,
 * noting every directory whose entry it goes through (a symbolic link's
 * directory included) and the file. judge: 1 when uid me may change one of
 * them (w->via names it); else every name is noted and 0 returned. 0 when
 * not, -errno when the walk failed (callers fail closed). create: a missing
 * name ends the walk (a path the shim only uses once it exists), judged by
 * whether me may create it. */
static int resolve(const char *path, bool create, bool judge, uid_t me, struct walk *w)
{
	char cur[PATH_MAX] = "/", rest[PATH_MAX], entry[PATH_MAX];
	struct stat d, e;
	int links = 0;
	size_t n = strnlen(path, PATH_MAX);

	if (n == PATH_MAX || *path != '/')
		return -ENAMETOOLONG;
	memcpy(rest, path, n + 1);
	for (;;) {
		char *c = rest + strspn(rest, "/");
		size_t clen = strcspn(c, "/");
		if (!clen)
			break;
		char *after = c + clen;
		if (clen == 1 && c[0] == '.') {
			memmove(rest, after, strlen(after) + 1);
			continue;
		}
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			char *slash = strrchr(cur, '/');
			slash[slash == cur] = '\0';
			memmove(rest, after, strlen(after) + 1);
			continue;
		}
		size_t cl = strlen(cur), at = cl > 1 ? cl + 1 : cl;
		if (at + clen >= sizeof(entry))
			return -ENAMETOOLONG;
		memcpy(entry, cur, cl);
		entry[cl] = '/';
		memcpy(entry + at, c, clen);
		entry[at + clen] = '\0';
		memmove(rest, after, strlen(after) + 1);
		note_name(w, cur);
		if (fstatat(AT_FDCWD, cur, &d, 0) < 0)
			return -errno;
		if (fstatat(AT_FDCWD, entry, &e, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT || !create)
				return -errno;
			return judge && dir_changeable(cur, &d, NULL, me)
				   ? changeable_at(w, cur)
				   : 0;
		}
		if (judge && dir_changeable(cur, &d, &e, me))
			return changeable_at(w, cur);
		if (S_ISLNK(e.st_mode)) {
			char target[PATH_MAX];
			ssize_t t = readlink(entry, target, sizeof(target));
			size_t r = strlen(rest);
			if (++links > 40)
				return -ELOOP;
			if (t <= 0 || (size_t)t + 1 + r >= sizeof(rest))
				return t < 0 ? -errno : -ENAMETOOLONG;
			memmove(rest + t + 1, rest, r + 1);
			memcpy(rest, target, (size_t)t);
			rest[t] = '/';
			if (target[0] == '/')
				memcpy(cur, "/", 2);
			continue;
		}
		memcpy(cur, entry, strlen(entry) + 1);
	}
	note_name(w, cur);
	if (fstatat(AT_FDCWD, cur, &e, 0) < 0)
		return -errno;
	if (judge &&
	    (faccessat(AT_FDCWD, cur, W_OK, AT_EACCESS) == 0 || owned(cur, &e, me)))
		return changeable_at(w, cur);
	return 0;
}

/* Once per process: the names the helper and this library depend on (for
 * every job's writable list), and, for this uid, the first it may change. */
static struct {
	int state; /* 0: not known; 1: the names; 2: and judged for uid */
	uid_t uid;
	struct walk names, judged;
	struct layout_why held, why;
} known;

/* The files: the helper, the installed one when it is missing (the next
 * host takes it once it exists), each preload word that loads this
 * library (the loader looks a bare name or a relative path up where a job
 * could put another), and this library's own file. */
static void files(const struct config *cfg, const char *out[], bool create[], size_t *n,
		  const char **relative)
{
	*n = 0;
	*relative = NULL;
	out[*n] = cfg->helper;
	create[(*n)++] = false;
	if (cfg->helper_fallback) {
		out[*n] = cfg->helper_installed;
		create[(*n)++] = true;
	}
	for (size_t i = 0; i < cfg->preload.n; i++) {
		if (*cfg->preload.names[i] != '/') {
			*relative = cfg->preload.names[i];
			continue;
		}
		out[*n] = cfg->preload.names[i];
		create[(*n)++] = false;
	}
	if (cfg->self_real[0] == '/') {
		out[*n] = cfg->self_real;
		create[(*n)++] = false;
	}
}

/* Walks every file; the first failure or changeable name into why. */
static void walk_all(const struct config *cfg, bool judge, uid_t me, struct walk *w,
		     struct layout_why *why)
{
	const char *f[3 + sizeof(cfg->preload.names) / sizeof(cfg->preload.names[0])],
	    *relative;
	bool create[sizeof(f) / sizeof(f[0])];
	size_t n;

	memset(w, 0, sizeof(*w));
	memset(why, 0, sizeof(*why));
	files(cfg, f, create, &n, &relative);
	if (relative) {
		why->file = relative;
		why->relative = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = resolve(f[i], create[i], judge, me, w);
		if (w->nfiles < sizeof(w->ends) / sizeof(w->ends[0])) {
			w->files[w->nfiles] = f[i];
			w->ends[w->nfiles++] = w->len;
		}
		if (rc == 0)
			continue;
		why->file = f[i];
		why->via = rc > 0 ? w->via : NULL;
		why->err = rc < 0 ? -rc : 0;
		return;
	}
	if (w->full) {
		why->file = cfg->helper;
		why->err = ENAMETOOLONG;
	}
}

static void ensure(const struct config *cfg, bool judge)
{
	uid_t me = geteuid();
	int state = __atomic_load_n(&known.state, __ATOMIC_ACQUIRE);

	/* A walk that failed (a helper being reinstalled) is not kept: the
	 * next job walks again. */
	if (state == 0) {
		walk_all(cfg, false, 0, &known.names, &known.held);
		if (!known.held.err)
			__atomic_store_n(&known.state, state = 1, __ATOMIC_RELEASE);
	}
	if (judge && (state < 2 || known.uid != me)) {
		known.uid = me;
		walk_all(cfg, true, me, &known.judged, &known.why);
		if (!known.why.err && state == 1)
			__atomic_store_n(&known.state, 2, __ATOMIC_RELEASE);
	}
}

bool layout_replaceable(const struct config *cfg, struct layout_why *why)
{
	ensure(cfg, true);
	*why = known.why;
	return why->file != NULL;
}

bool layout_held(const struct config *cfg, const char *list, struct layout_why *why,
		 const char **within, size_t *len)
{
	const char *p;

	ensure(cfg, false);
	*why = known.held;
	if (why->file)
		return true; /* a failed walk, a relative word: fail closed */
	for (size_t at = 0; at < known.names.len;
	     at += strlen(known.names.names + at) + 1) {
		const char *name = known.names.names + at;
		for (const char *cur = paths_start(list); paths_next(&cur, &p, len);)
			if (path_within(name, strlen(name), p, *len)) {
				size_t k = 0;
				while (k + 1 < known.names.nfiles &&
				       at >= known.names.ends[k])
					k++;
				why->file = known.names.files[k];
				why->via = name;
				*within = p;
				return true;
			}
	}
	return false;
}
