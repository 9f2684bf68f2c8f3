/* The filesystem policy of one job (docs/shim.md "CORDON_WRITABLE and
 * CORDON_HIDDEN"): the host's lists, canonical since load, narrowed by the
 * job's env. Pure and async-signal-safe: it runs on the exec path, in the
 * call's memory. Names only: the helper resolves them without following a
 * symbolic link, so a name that lies within another by its characters
 * lies within it on the disk, or the job does not start. */
#include "shim/shim.h"

#include <string.h>

#define ENV_WRITABLE "CORDON_WRITABLE="
#define ENV_HIDDEN   "CORDON_HIDDEN="

/* The value of a CORDON_WRITABLE (hidden: CORDON_HIDDEN) entry of the
 * job's env that asks for something: the host's own value, which the job
 * inherits as it was given at load, asks nothing more. */
static const char *asked(const struct config *cfg, const char *entry, bool hidden)
{
	const char *prefix = hidden ? ENV_HIDDEN : ENV_WRITABLE;
	const char *raw = hidden ? cfg->hidden_raw : cfg->writable_raw;
	bool set = hidden ? cfg->hidden_set : cfg->writable_set;
	size_t n = strlen(prefix);

	if (strncmp(entry, prefix, n) != 0 || (set && strcmp(entry + n, raw) == 0))
		return NULL;
	return entry + n;
}

bool policy_env_has(const struct config *cfg, char *const *envp)
{
	for (; envp && *envp; envp++)
		if (asked(cfg, *envp, false) || asked(cfg, *envp, true))
			return true;
	return false;
}

const char *policy_env_bad(const struct config *cfg, char *const *envp)
{
	const char *v;

	for (; envp && *envp; envp++)
		if (((v = asked(cfg, *envp, false)) && !writable_ok(v)) ||
		    ((v = asked(cfg, *envp, true)) && !hidden_ok(v)))
			return *envp;
	return NULL;
}

size_t policy_bytes(const struct config *cfg, char *const *envp)
{
	size_t n = strlen(cfg->writable) + strlen(cfg->hidden) + 2;

	for (; envp && *envp; envp++)
		if (asked(cfg, *envp, false) || asked(cfg, *envp, true))
			n += strlen(*envp) + 1;
	/* Two lists being intersected, the hidden one, the dropped one. */
	return 4 * n;
}

/* Appends p[0..n) to the list at out (its end at *end). */
static void put(char *out, char **end, const char *p, size_t n)
{
	if (*end != out)
		*(*end)++ = ':';
	memcpy(*end, p, n);
	*end += n;
	**end = '\0';
}

/* Whether p[0..n) lies within a path of list; equal too when eq. */
static bool within_any(const char *p, size_t n, const char *list, bool eq)
{
	const char *cur = paths_start(list), *d;
	size_t m;

	while (paths_next(&cur, &d, &m))
		if (path_within(p, n, d, m) && (eq || n != m))
			return true;
	return false;
}

/* The paths within both lists: each path of a that lies within one of b,
 * and each of b strictly within one of a. */
static void intersect(const char *a, const char *b, char *out)
{
	const char *cur, *p;
	char *end = out;
	size_t n;

	*out = '\0';
	for (cur = paths_start(a); paths_next(&cur, &p, &n);)
		if (within_any(p, n, b, true))
			put(out, &end, p, n);
	for (cur = paths_start(b); paths_next(&cur, &p, &n);)
		if (within_any(p, n, a, false))
			put(out, &end, p, n);
}

void policy_make(const struct config *cfg, enum tier t, bool root, char *const *envp,
		 char *buf, size_t size, struct fs_policy *out)
{
	size_t part = size / 4;
	char *w = buf, *tmp = buf + part, *h = buf + 2 * part, *dropped = buf + 3 * part;
	const char *v, *cur, *p;
	char *end = h;
	bool all = !cfg->writable_set && t == TIER_HARDENED && !root;
	size_t n;

	/* Unset: the tier's default, everything (hardened for an ordinary
	 * caller) or nothing. Each list in the job's env narrows it. */
	memcpy(w, cfg->writable, strlen(cfg->writable) + 1);
	memcpy(h, cfg->hidden, strlen(cfg->hidden) + 1);
	end = h + strlen(h);
	for (; envp && *envp; envp++) {
		if ((v = asked(cfg, *envp, false))) {
			if (all)
				memcpy(w, v, strlen(v) + 1);
			else {
				intersect(w, v, tmp);
				memcpy(w, tmp, strlen(tmp) + 1);
			}
			all = false;
		} else if ((v = asked(cfg, *envp, true)) && *v) {
			put(h, &end, v, strlen(v));
		}
	}
	/* Hidden wins: a writable path inside a hidden one is left out. */
	char *kept = tmp, *kend = tmp, *dend = dropped;
	*kept = *dropped = '\0';
	for (cur = paths_start(w); paths_next(&cur, &p, &n);)
		if (within_any(p, n, h, true))
			put(dropped, &dend, p, n);
		else
			put(kept, &kend, p, n);
	out->writable = all ? NULL : kept;
	out->hidden = h;
	out->dropped = dropped;
	out->missing = NULL;
}

bool policy_holds(const struct fs_policy *pol, const char *file, const char **path,
		  size_t *len)
{
	const char *cur = paths_start(pol->writable);

	if (!file || *file != '/')
		return false;
	while (paths_next(&cur, path, len))
		if (path_within(file, strlen(file), *path, *len))
			return true;
	return false;
}
