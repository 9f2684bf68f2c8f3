/* common/contract.c req_parse: the helper's command line parser over any
 * argv, against a model of the grammar of docs/design.md,
 *
 *	cordon-helper [--sh] [--dirfd N] [--cloexec N] [--tmp-size SIZE]
 *		      [--status-fd N] [--orphans kill] [--writable PATHS]
 *		      [--hidden PATHS] [--limits LIST] [--cgroup DIR]
 *		      TIER DEV:INO PATH ARGV0 [ARG...]
 *
 * (each option at most once, N decimal in [0, INT_MAX], DEV and INO decimal
 * in [0, 2^64) or DEV:INO "-", exact tier words, PATH empty only with
 * --dirfd, PATHS absolute canonical paths joined by ':', LIST NAME=VALUE
 * pairs joined by ',', DIR one such path, not "/", shorter than 3072
 * bytes), and checked to parse its own canonical form back
 * to the same request. */
#include "common/contract.h"
#include "common/limits.h"
#include "tests/fuzz/fuzz.h"
#include "tests/lib/hcmd.h"

#include <errno.h>
#include <limits.h>

/* A decimal in [0, max] spanning s..end exactly (leading zeros are
 * allowed: the value counts). */
static bool model_num(const char *s, const char *end, unsigned __int128 max,
		      unsigned __int128 *v)
{
	*v = 0;
	if (s == end)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		*v = *v * 10 + (unsigned)(*s - '0');
		if (*v > max)
			return false;
	}
	return true;
}

/* A tmpfs size as common/contract.h defines it, written out differently:
 * the bytes it means fit in 63 bits; a percentage is at most 100. */
static bool model_size(const char *s)
{
	size_t n = strlen(s), digits = strspn(s, "0123456789");
	unsigned __int128 v, unit = 1;

	if (digits == 0 || s[0] == '0' || !model_num(s, s + digits, INT64_MAX, &v))
		return false;
	if (n == digits)
		return true;
	if (n != digits + 1 || !strchr("kmgKMG%", s[digits]))
		return false;
	if (s[digits] == '%')
		return v <= 100;
	unit = strchr("kK", s[digits])	 ? 1024
	       : strchr("mM", s[digits]) ? 1 << 20
					 : 1 << 30;
	return v * unit <= INT64_MAX;
}

/* PATHS written out differently: split at each ':', each piece "/" or "/"
 * followed by names that are neither empty, "." nor "..", never /proc. */
static bool model_paths(const char *s, bool root)
{
	size_t count = 0;

	if (!*s)
		return true;
	if (strlen(s) > PATHS_LEN)
		return false;
	for (const char *p = s;; p++) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char path[PATH_MAX];
		if (++count > PATHS_MAX || n == 0 || n >= PATH_MAX || *p != '/')
			return false;
		memcpy(path, p, n);
		path[n] = '\0';
		if (n == 1 && !root)
			return false;
		if (n > 1 &&
		    (path[n - 1] == '/' || strstr(path, "//") || strstr(path, "/./") ||
		     strstr(path, "/../") || !strcmp(path + n - 2, "/.") ||
		     (n >= 3 && !strcmp(path + n - 3, "/..")) || !strcmp(path, "/proc") ||
		     !strncmp(path, "/proc/", 6)))
			return false;
		if (!end)
			return true;
		p = end;
	}
}

/* LIST written out differently: pieces between ',' (none empty, so no
 * ',' at either end), each NAME=VALUE with a known name at most once and
 * a value of its kind: digits without a leading zero, then for sizes one
 * of kmgt (any case, binary), for times one of smh; in all at most 2^63 - 1,
 * and at least 1 but for core. At most LIMITS_LEN characters; "" is none. */
static bool model_limits(const char *s)
{
	static const char *const names[] = {"pids", "time", "cpu",    "nofile",	 "fsize",
					    "core", "mem",  "userns", "inotify", "tmp"};
	static const char kinds[] = "nttnbbbnnb"; /* count, time, bytes */
	bool seen[sizeof(names) / sizeof(names[0])] = {false};

	if (strlen(s) > LIMITS_LEN)
		return false;
	if (!*s)
		return true;
	for (const char *p = s;;) {
		const char *end = strchr(p, ','), *eq;
		size_t n = end ? (size_t)(end - p) : strlen(p), k;
		char piece[LIMITS_LEN + 1];
		memcpy(piece, p, n);
		piece[n] = '\0';
		if (!(eq = strchr(piece, '=')))
			return false;
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strlen(names[k]) == (size_t)(eq - piece) &&
			    !strncmp(piece, names[k], (size_t)(eq - piece)))
				break;
		if (k == sizeof(names) / sizeof(names[0]) || seen[k])
			return false;
		seen[k] = true;
		const char *v = eq + 1;
		size_t digits = strspn(v, "0123456789"), rest = strlen(v) - digits;
		unsigned __int128 num, mul = 1;
		if (digits == 0 || (v[0] == '0' && digits > 1) || rest > 1 ||
		    !model_num(v, v + digits, INT64_MAX, &num))
			return false;
		if (rest) {
			const char *u = kinds[k] == 'b'	  ? "kKmMgGtT"
					: kinds[k] == 't' ? "smh"
							  : "";
			const char *at = strchr(u, v[digits]);
			if (!at || !*u)
				return false;
			mul = kinds[k] == 'b'
				  ? (unsigned __int128)1 << (10 * ((at - u) / 2 + 1))
			      : v[digits] == 's' ? 1
			      : v[digits] == 'm' ? 60
						 : 3600;
		}
		if (num * mul > INT64_MAX || (num == 0 && strcmp(names[k], "core") != 0))
			return false;
		if (!end)
			return true;
		p = end + 1;
		if (!*p)
			return false;
	}
}

static bool model_ok(int argc, char **argv)
{
	bool sh = false, dirfd = false, cloexec = false, tmp = false, status = false;
	bool writable = false, hidden = false, orphans = false, limits = false;
	bool cgroup = false;
	unsigned __int128 v;
	int i = 1;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		bool *seen = strcmp(argv[i], "--sh") == 0	   ? &sh
			     : strcmp(argv[i], "--dirfd") == 0	   ? &dirfd
			     : strcmp(argv[i], "--cloexec") == 0   ? &cloexec
			     : strcmp(argv[i], "--tmp-size") == 0  ? &tmp
			     : strcmp(argv[i], "--status-fd") == 0 ? &status
			     : strcmp(argv[i], "--writable") == 0  ? &writable
			     : strcmp(argv[i], "--hidden") == 0	   ? &hidden
			     : strcmp(argv[i], "--orphans") == 0   ? &orphans
			     : strcmp(argv[i], "--limits") == 0	   ? &limits
			     : strcmp(argv[i], "--cgroup") == 0	   ? &cgroup
								   : NULL;
		if (!seen || *seen)
			return false;
		*seen = true;
		if (seen == &sh)
			continue;
		if (seen == &tmp) {
			if (++i >= argc || !model_size(argv[i]))
				return false;
			continue;
		}
		if (seen == &orphans) {
			if (++i >= argc || strcmp(argv[i], "kill") != 0)
				return false;
			continue;
		}
		if (seen == &limits) {
			if (++i >= argc || !model_limits(argv[i]))
				return false;
			continue;
		}
		if (seen == &cgroup) {
			if (++i >= argc || !*argv[i] || strchr(argv[i], ':') ||
			    strlen(argv[i]) >= 3072 || !model_paths(argv[i], false))
				return false;
			continue;
		}
		if (seen == &writable || seen == &hidden) {
			if (++i >= argc || !model_paths(argv[i], seen == &writable))
				return false;
			continue;
		}
		if (++i >= argc ||
		    !model_num(argv[i], argv[i] + strlen(argv[i]), INT_MAX, &v))
			return false;
	}
	if (argc - i < 4)
		return false;
	if (strcmp(argv[i], "hardened") != 0 && strcmp(argv[i], "lockdown") != 0)
		return false;
	const char *colon = strchr(argv[i + 1], ':');
	if (strcmp(argv[i + 1], "-") == 0)
		return *argv[i + 2] || dirfd;
	if (!colon || !model_num(argv[i + 1], colon, UINT64_MAX, &v) ||
	    !model_num(colon + 1, colon + 1 + strlen(colon + 1), UINT64_MAX, &v))
		return false;
	return *argv[i + 2] || dirfd;
}

static void same(const struct helper_req *a, const struct helper_req *b)
{
	FUZZ_CHECK(a->sh == b->sh && a->dirfd == b->dirfd && a->cloexec == b->cloexec);
	FUZZ_CHECK(a->status_fd == b->status_fd && a->any_file == b->any_file);
	FUZZ_CHECK(a->tier == b->tier && a->dev == b->dev && a->ino == b->ino);
	FUZZ_CHECK(strcmp(a->path, b->path) == 0);
	FUZZ_CHECK(a->tmp_size ? b->tmp_size && strcmp(a->tmp_size, b->tmp_size) == 0
			       : !b->tmp_size);
	FUZZ_CHECK(a->writable ? b->writable && strcmp(a->writable, b->writable) == 0
			       : !b->writable);
	FUZZ_CHECK(a->hidden ? b->hidden && strcmp(a->hidden, b->hidden) == 0
			     : !b->hidden);
	FUZZ_CHECK(a->orphans ? b->orphans && strcmp(a->orphans, b->orphans) == 0
			      : !b->orphans);
	FUZZ_CHECK(a->limits ? b->limits && strcmp(a->limits, b->limits) == 0
			     : !b->limits);
	FUZZ_CHECK(a->cgroup ? b->cgroup && strcmp(a->cgroup, b->cgroup) == 0
			     : !b->cgroup);
	for (size_t i = 0; a->argv[i] || b->argv[i]; i++)
		FUZZ_CHECK(a->argv[i] && b->argv[i] &&
			   strcmp(a->argv[i], b->argv[i]) == 0);
}

/* The request written out the way the shim writes it (by the tests' one
 * writer of the command line), parsed again. */
static void check_canonical(const struct helper_req *a)
{
	struct tst_hcmd c = {.helper = "cordon-helper",
			     .sh = a->sh,
			     .dirfd = a->dirfd,
			     .cloexec = a->cloexec,
			     .tmp_size = a->tmp_size,
			     .writable = a->writable,
			     .hidden = a->hidden,
			     .orphans = a->orphans,
			     .limits = a->limits,
			     .cgroup = a->cgroup,
			     .status = a->status_fd >= 0,
			     .status_fd = a->status_fd,
			     .any_file = a->any_file,
			     .tier = tier_name(a->tier),
			     .dev = a->dev,
			     .ino = a->ino,
			     .path = a->path,
			     .argv = a->argv};
	char **v = tst_hcmd_argv(&c);
	int k = 0;

	if (!v)
		abort();
	while (v[k])
		k++;
	struct helper_req b;
	const char *why = NULL;
	FUZZ_CHECK(req_parse(k, v, &b, &why) == 0);
	same(a, &b);
	tst_hcmd_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	char **argv = fuzz_split(data, size, '\0', 64, &n);
	int argc = (int)n;
	struct helper_req a;
	const char *why = NULL;

	int rc = req_parse(argc, argv, &a, &why);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	FUZZ_CHECK((rc == 0) == model_ok(argc, argv));
	if (rc < 0) {
		FUZZ_CHECK(why && *why);
	} else {
		FUZZ_CHECK(a.argv > argv && a.argv < argv + argc && a.argv[0]);
		FUZZ_CHECK(a.argv[argc - (a.argv - argv)] == NULL);
		FUZZ_CHECK(a.path == a.argv[-1]);
		FUZZ_CHECK(strcmp(tier_name(a.tier), a.argv[-3]) == 0);
		FUZZ_CHECK(a.dirfd >= -1 && a.cloexec >= -1);
		check_canonical(&a);
	}
	/* Nothing at all is refused, not read. */
	FUZZ_CHECK(req_parse(0, argv, &a, NULL) == -EINVAL);
	FUZZ_CHECK(req_parse(argc, NULL, &a, &why) == -EINVAL);
	free(argv);
	return 0;
}
