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
#include <sys/syscall.h>
#include <unistd.h>

/* Owned: its owner may chmod it and then change it (a read-only mount
 * does not spare it: the same directory may be writable under another
 * name). */
static bool owned(const struct stat *st, uid_t me)
{
	return st->st_uid == me;
}

/* Whether uid me may write p. EROFS hides the answer (the filesystem or
 * only this mount of it is read-only, and the same inode may be writable
 * through another mount): then its mode bits say, as if writable. */
static bool writable(const char *p, const struct stat *st, uid_t me)
{
	gid_t groups[64];
	int n;

	if (faccessat(AT_FDCWD, p, W_OK, AT_EACCESS) == 0)
		return true;
	if (errno != EROFS)
		return false;
	if (st->st_uid == me)
		return st->st_mode & S_IWUSR;
	if (st->st_mode & S_IWOTH)
		return true;
	if (!(st->st_mode & S_IWGRP))
		return false;
	if (st->st_gid == sys_getegid())
		return true;
	n = sys_getgroups(sizeof(groups) / sizeof(groups[0]), groups);
	for (int i = 0; i < n; i++)
		if (groups[i] == st->st_gid)
			return true;
	return n < 0; /* cannot tell: as if */
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

	return (writable(dir, d, me) && !spared) || owned(d, me);
}

/* What a walk found: the names it depends on (resolved directories, then
 * the file), NUL-separated, and the first one uid me may change. Static
 * (below), with the walk's own buffers: the caller's stack may be a
 * thread's smallest (docs/shim.md). */
struct walk {
	char names[4 * PATH_MAX];
	size_t len;
	bool full; /* names did not fit: every check fails closed */
	char via[PATH_MAX];
	char cur[PATH_MAX], rest[PATH_MAX], entry[PATH_MAX], target[PATH_MAX];
	/* Which file each name is for: files[i]'s end at ends[i]. */
	const char *files[64];
	size_t ends[64], nfiles;
	char words[8192]; /* the loader's words, NUL-terminated */
	size_t wlen;
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
	char *cur = w->cur, *rest = w->rest, *entry = w->entry;
	struct stat d, e;
	int links = 0;
	size_t n = strnlen(path, PATH_MAX);

	if (n == PATH_MAX || *path != '/')
		return -ENAMETOOLONG;
	memcpy(cur, "/", 2);
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
		if (at + clen >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(entry, cur, cl);
		entry[cl] = '/';
		memcpy(entry + at, c, clen);
		entry[at + clen] = '\0';
		memmove(rest, after, strlen(after) + 1);
		note_name(w, cur);
		if (sys_fstatat(AT_FDCWD, cur, &d, 0) < 0)
			return -errno;
		if (sys_fstatat(AT_FDCWD, entry, &e, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT || !create)
				return -errno;
			return judge && dir_changeable(cur, &d, NULL, me)
				   ? changeable_at(w, cur)
				   : 0;
		}
		if (judge && dir_changeable(cur, &d, &e, me))
			return changeable_at(w, cur);
		if (S_ISLNK(e.st_mode)) {
			char *target = w->target;
			ssize_t t = sys_readlink(entry, target, PATH_MAX);
			size_t r = strlen(rest);
			if (++links > 40)
				return -ELOOP;
			if (t <= 0 || (size_t)t + 1 + r >= PATH_MAX)
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
	if (sys_fstatat(AT_FDCWD, cur, &e, 0) < 0)
		return -errno;
	if (judge && (writable(cur, &e, me) || owned(&e, me)))
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

/* Walks one file (or a directory the loader searches); false when it is
 * one to refuse for (why filled). */
static bool walk_one(const char *f, bool create, bool judge, uid_t me, struct walk *w,
		     struct layout_why *why)
{
	int rc = resolve(f, create, judge, me, w);

	if (w->nfiles < sizeof(w->ends) / sizeof(w->ends[0])) {
		w->files[w->nfiles] = f;
		w->ends[w->nfiles++] = w->len;
	}
	if (rc == 0)
		return true;
	why->file = f;
	why->via = rc > 0 ? w->via : NULL;
	why->err = rc < 0 ? -rc : 0;
	return false;
}

/* Each word of a loader list (seps: its separators), copied into the
 * walk's own store: absolute ones walked (a missing one judged by whether
 * its name can be made), the others refused as the loader searches for
 * them (a bare name, a relative path, an empty entry of a search path,
 * $ORIGIN and the like). */
static bool walk_list(const char *list, const char *seps, bool empty_is_cwd, bool judge,
		      uid_t me, struct walk *w, struct layout_why *why)
{
	for (const char *p = list ? list : ""; *p;) {
		size_t n = strcspn(p, seps);
		if (n >= sizeof(w->words) - w->wlen) {
			why->file = "LD_PRELOAD";
			why->err = ENAMETOOLONG;
			return false;
		}
		char *word = w->words + w->wlen;
		memcpy(word, p, n);
		word[n] = '\0';
		w->wlen += n + 1;
		if ((n == 0 && empty_is_cwd) ||
		    (n > 0 && (*word != '/' || strchr(word, '$')))) {
			why->file = word;
			why->relative = true;
			return false;
		}
		if (n > 0 && !walk_one(word, true, judge, me, w, why))
			return false;
		p += n;
		if (*p)
			p++;
		/* A separator last: an empty entry after it (the cwd). */
		if (!*p && empty_is_cwd && strchr(seps, p[-1])) {
			why->file = "";
			why->relative = true;
			return false;
		}
	}
	return true;
}

/* Walks what later jobs and later hosts depend on: the helper, the
 * installed one when it is missing (the next host takes it once it
 * exists), this library's own file, and everything the loader reads to
 * start a host: every LD_PRELOAD and LD_AUDIT word and every
 * LD_LIBRARY_PATH directory of the host's env at load (a library there
 * runs in every later host, outside any sandbox, and can start programs
 * past the shim). The first failure or changeable name into why. */
static void walk_all(const struct config *cfg, bool judge, uid_t me, struct walk *w,
		     struct layout_why *why)
{
	/* Not the whole struct: its pages are touched only as far as used. */
	w->len = w->nfiles = w->wlen = 0;
	w->full = false;
	w->via[0] = '\0';
	memset(why, 0, sizeof(*why));
	if (cfg->ld_too_long) {
		why->file = "LD_PRELOAD";
		why->err = ENAMETOOLONG;
		return;
	}
	if (!walk_one(cfg->helper, false, judge, me, w, why) ||
	    (cfg->helper_fallback &&
	     !walk_one(cfg->helper_installed, true, judge, me, w, why)) ||
	    (cfg->self_real[0] == '/' &&
	     !walk_one(cfg->self_real, false, judge, me, w, why)) ||
	    !walk_list(cfg->ld_preload, " :", false, judge, me, w, why) ||
	    !walk_list(cfg->ld_audit, ":", false, judge, me, w, why) ||
	    !walk_list(cfg->ld_library_path, ":;", true, judge, me, w, why))
		return;
	if (w->full) {
		why->file = cfg->helper;
		why->err = ENAMETOOLONG;
	}
}

/* One walk at a time, the process's threads sharing its result. A call
 * from a signal handler that interrupted the walk on its own thread cannot
 * wait for it: it fails closed (EDEADLK). */
static int busy; /* the walking thread's id, or 0 */

static bool lock(void)
{
	int me = (int)syscall(SYS_gettid), free_ = 0;

	while (!__atomic_compare_exchange_n(&busy, &free_, me, false, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		if (free_ == me)
			return false;
		free_ = 0;
		syscall(SYS_sched_yield);
	}
	return true;
}

static void unlock(void)
{
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
}

static void ensure(const struct config *cfg, bool judge)
{
	uid_t me = sys_geteuid();
	int state = known.state;

	/* A walk that failed (a helper being reinstalled) is not kept: the
	 * next job walks again. */
	if (state == 0) {
		walk_all(cfg, false, 0, &known.names, &known.held);
		if (!known.held.err)
			known.state = state = 1;
	}
	if (judge && (state < 2 || known.uid != me)) {
		known.uid = me;
		walk_all(cfg, true, me, &known.judged, &known.why);
		if (!known.why.err && state == 1)
			known.state = 2;
	}
}

static const struct layout_why deadlock = {.file = "libcordon.so", .err = EDEADLK};

bool layout_replaceable(const struct config *cfg, struct layout_why *why)
{
	int saved = errno; /* the real call's to set, not the walk's */

	if (!lock()) {
		*why = deadlock;
		return true;
	}
	ensure(cfg, true);
	*why = known.why;
	unlock();
	errno = saved;
	return why->file != NULL;
}

bool layout_held(const struct config *cfg, const char *list, struct layout_why *why,
		 const char **within, size_t *len)
{
	const char *p;
	bool held = false;
	int saved = errno;

	if (!lock()) {
		*why = deadlock;
		return true;
	}
	ensure(cfg, false);
	*why = known.held;
	/* A failed walk, a relative word: fail closed. */
	held = why->file != NULL;
	for (size_t at = 0; !held && at < known.names.len;
	     at += strlen(known.names.names + at) + 1) {
		const char *name = known.names.names + at;
		for (const char *cur = paths_start(list);
		     !held && paths_next(&cur, &p, len);)
			if (path_within(name, strlen(name), p, *len)) {
				size_t k = 0;
				while (k + 1 < known.names.nfiles &&
				       at >= known.names.ends[k])
					k++;
				why->file = known.names.files[k];
				why->via = name;
				*within = p;
				held = true;
			}
	}
	unlock();
	errno = saved;
	return held;
}
