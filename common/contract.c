/* The shim-helper contract: see contract.h. */
#include "common/contract.h"
#include "common/limits.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

static const char *const tiers[] = {
    [TIER_NONE] = "none",
    [TIER_HARDENED] = "hardened",
    [TIER_LOCKDOWN] = "lockdown",
};

enum tier tier_parse(const char *s)
{
	/* Exact lower-case words: a typo must fail closed, not run unsandboxed. */
	for (size_t i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++)
		if (strcmp(s, tiers[i]) == 0)
			return (enum tier)i;
	return TIER_BAD;
}

const char *tier_name(enum tier t)
{
	return t >= TIER_NONE && t <= TIER_LOCKDOWN ? tiers[t] : "?";
}

char *fmt_u64(char *buf, uint64_t v)
{
	char tmp[U64_DIGITS];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*buf++ = tmp[--n];
	*buf = '\0';
	return buf;
}

/* A decimal number in [0, max] that fills s up to end (or its NUL when end
 * is NULL): no sign, no blanks, no overflow. */
static int parse_u64(const char *s, const char *end, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!end)
		end = s + strlen(s);
	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (d > 9 || v > (max - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

bool tmp_size_ok(const char *s)
{
	uint64_t n;
	const char *unit;
	unsigned shift = 0;

	if (!s || *s < '1' || *s > '9')
		return false;
	unit = s + strspn(s, "0123456789");
	if (parse_u64(s, unit, INT64_MAX, &n) < 0)
		return false;
	if (!*unit)
		return true;
	if (unit[1] || !strchr("kKmMgG%", *unit))
		return false;
	if (*unit == '%')
		return n <= 100;
	shift = *unit == 'k' || *unit == 'K'   ? 10
		: *unit == 'm' || *unit == 'M' ? 20
					       : 30;
	/* The kernel's memparse() shifts without a check: 2^34 g is 0. */
	return n <= (uint64_t)INT64_MAX >> shift;
}

bool orphans_ok(const char *s)
{
	return s && strcmp(s, "kill") == 0;
}

bool paths_next(const char **cur, const char **path, size_t *len)
{
	const char *s = *cur;

	if (!s)
		return false;
	*path = s;
	*len = strcspn(s, ":");
	/* "a:" ends with an empty path (which the check refuses). */
	*cur = s[*len] == ':' ? s + *len + 1 : NULL;
	return true;
}

bool path_within(const char *p, size_t n, const char *d, size_t m)
{
	if (m == 1 && d[0] == '/')
		return true;
	return n >= m && memcmp(p, d, m) == 0 && (n == m || p[m] == '/');
}

/* Absolute and canonical, by its name alone. */
static bool path_ok(const char *p, size_t n, bool root)
{
	if (n == 0 || p[0] != '/' || n >= PATH_MAX)
		return false;
	if (n == 1)
		return root;
	if (p[n - 1] == '/' || path_within(p, n, "/proc", 5))
		return false;
	for (size_t i = 1, k; i < n; i += k + 1) {
		k = strcspn(p + i, "/:");
		if (i + k > n)
			k = n - i;
		if (k == 0 || (k == 1 && p[i] == '.') ||
		    (k == 2 && p[i] == '.' && p[i + 1] == '.'))
			return false;
	}
	return true;
}

static bool paths_ok(const char *s, bool root)
{
	const char *cur = paths_start(s), *p;
	size_t n, count = 0;

	if (strlen(s) > PATHS_LEN)
		return false;
	while (paths_next(&cur, &p, &n))
		if (++count > PATHS_MAX || !path_ok(p, n, root))
			return false;
	return true;
}

bool writable_ok(const char *s)
{
	return paths_ok(s, true);
}

bool hidden_ok(const char *s)
{
	return paths_ok(s, false);
}

bool cgroup_ok(const char *s)
{
	return s && strlen(s) < CGROUP_LEN && !strchr(s, ':') &&
	       path_ok(s, strlen(s), false);
}

/* The options: each a field of struct helper_req. A flag is a bool, an fd
 * an int (-1: absent), a value a const char * (NULL: absent) that ok()
 * accepts at both ends. */
enum opt_kind { OPT_FLAG, OPT_FD, OPT_VALUE };
struct opt {
	const char *name;
	enum opt_kind kind;
	size_t off;
	bool (*ok)(const char *);
	const char *what; /* what a value must be, for the refusal */
};
#define PATHS_WHAT                                                                       \
	"absolute paths separated by ':' (no empty one, no '.', '..' or '//' in a "      \
	"path, no trailing '/', nothing under /proc; at most 64 paths, 16384 bytes)"
#define AT(field) offsetof(struct helper_req, field)
static const struct opt opts[] = {
    {"--sh", OPT_FLAG, AT(sh), NULL, NULL},
    {"--dirfd", OPT_FD, AT(dirfd), NULL, "a file descriptor number"},
    {"--cloexec", OPT_FD, AT(cloexec), NULL, "a file descriptor number"},
    {"--tmp-size", OPT_VALUE, AT(tmp_size), tmp_size_ok,
     "a tmpfs size (N, Nk, Nm, Ng or N%; N from 1, at most 2^63 - 1 bytes or 100%)"},
    {"--status-fd", OPT_FD, AT(status_fd), NULL, "a file descriptor number"},
    {"--orphans", OPT_VALUE, AT(orphans), orphans_ok, "kill"},
    {"--writable", OPT_VALUE, AT(writable), writable_ok, PATHS_WHAT},
    {"--hidden", OPT_VALUE, AT(hidden), hidden_ok, PATHS_WHAT " (/ itself excluded)"},
    {"--limits", OPT_VALUE, AT(limits), limits_ok,
     "NAME=VALUE[,NAME=VALUE...] of pids, time, cpu, nofile, fsize, core, mem, userns, "
     "inotify, tmp"},
    {"--cgroup", OPT_VALUE, AT(cgroup), cgroup_ok,
     "an absolute path of a cgroup directory (no ':', '.', '..' or '//', no "
     "trailing '/', not / or under /proc; under 3072 bytes)"},
};
_Static_assert(sizeof(opts) / sizeof(opts[0]) == REQ_NOPT, "REQ_NOPT");

#define FIELD(r, o, type) ((type *)(void *)((char *)(r) + (o)->off))

void req_init(struct helper_req *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < REQ_NOPT; i++)
		if (opts[i].kind == OPT_FD)
			*FIELD(r, &opts[i], int) = -1;
}

/* The option's words for r into out; how many (0: absent). */
static size_t build_opt(const struct helper_req *r, const struct opt *o, char *num,
			char **out)
{
	const void *f = (const char *)r + o->off;
	int fd;

	switch (o->kind) {
	case OPT_FLAG:
		if (!*(const bool *)f)
			return 0;
		out[0] = (char *)o->name;
		return 1;
	case OPT_FD:
		if ((fd = *(const int *)f) < 0)
			return 0;
		fmt_u64(num, (uint64_t)fd);
		out[1] = num;
		break;
	case OPT_VALUE:
	default:
		if (!*(const char *const *)f)
			return 0;
		out[1] = *(char *const *)f;
		break;
	}
	out[0] = (char *)o->name;
	return 2;
}

int req_build(const struct helper_req *r, const char *helper, struct req_num *num,
	      char **out, size_t cap)
{
	size_t argc = 0, i = 0;

	while (r->argv && r->argv[argc])
		argc++;
	if (argc > cap || cap - argc < REQ_ARGV_EXTRA)
		return E2BIG;
	out[i++] = (char *)helper;
	for (size_t k = 0; k < REQ_NOPT; k++)
		i += build_opt(r, &opts[k], num->fd[k], out + i);
	out[i++] = (char *)tier_name(r->tier);
	if (r->any_file) {
		out[i++] = (char *)"-";
	} else {
		char *colon = fmt_u64(num->devino, r->dev);
		*colon = ':';
		fmt_u64(colon + 1, r->ino);
		out[i++] = num->devino;
	}
	out[i++] = (char *)r->path;
	/* Linux (>= 5.18) runs an argc-0 exec with argv {""}; the helper
	 * needs an ARGV0, so it gets what the kernel would have made. */
	if (argc == 0)
		out[i++] = (char *)"";
	for (size_t k = 0; k < argc; k++)
		out[i++] = r->argv[k];
	out[i] = NULL;
	return 0;
}

static const struct opt *find_opt(const char *name)
{
	for (size_t i = 0; i < REQ_NOPT; i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

/* One option at argv[*i] (its value after it); 0 or -EINVAL. */
static int parse_opt(int argc, char **argv, int *i, struct helper_req *r,
		     const char **why)
{
	const struct opt *o = find_opt(argv[*i]);
	uint64_t v;

	if (!o) {
		*why = "unknown option";
		return -EINVAL;
	}
	if (o->kind == OPT_FLAG) {
		bool *f = FIELD(r, o, bool);
		*why = "repeated option";
		return *f ? -EINVAL : (*f = true, 0);
	}
	if (++*i >= argc) {
		*why = "option without its value";
		return -EINVAL;
	}
	if (o->kind == OPT_FD) {
		int *f = FIELD(r, o, int);
		*why = *f != -1 ? "repeated option"
				: "option needs a file descriptor number";
		if (*f != -1 || parse_u64(argv[*i], NULL, INT_MAX, &v) < 0)
			return -EINVAL;
		*f = (int)v;
		return 0;
	}
	const char **f = FIELD(r, o, const char *);
	*why = *f ? "repeated option" : o->what;
	if (*f || !o->ok(argv[*i]))
		return -EINVAL;
	*f = argv[*i];
	return 0;
}

static int parse_devino(const char *s, struct helper_req *r)
{
	const char *colon = strchr(s, ':');

	if (strcmp(s, "-") == 0)
		return (r->any_file = true, 0);
	if (!colon || parse_u64(s, colon, UINT64_MAX, &r->dev) < 0)
		return -EINVAL;
	return parse_u64(colon + 1, NULL, UINT64_MAX, &r->ino);
}

int req_parse(int argc, char **argv, struct helper_req *r, const char **why)
{
	const char *local;
	int i = 1;

	if (!why)
		why = &local;
	req_init(r);
	if (argc < 1 || !argv) {
		*why = "empty command line";
		return -EINVAL;
	}
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++)
		if (parse_opt(argc, argv, &i, r, why) < 0)
			return -EINVAL;
	if (argc - i < 4) {
		*why = "expected TIER DEV:INO PATH ARGV0 [ARG...]";
		return -EINVAL;
	}
	r->tier = tier_parse(argv[i]);
	if (r->tier != TIER_HARDENED && r->tier != TIER_LOCKDOWN) {
		*why = "TIER is neither hardened nor lockdown";
		return -EINVAL;
	}
	if (parse_devino(argv[i + 1], r) < 0) {
		*why = "DEV:INO is not two decimal numbers";
		return -EINVAL;
	}
	r->path = argv[i + 2];
	if (!*r->path && r->dirfd < 0) {
		*why = "empty PATH without --dirfd";
		return -EINVAL;
	}
	r->argv = argv + i + 3;
	return 0;
}

int req_value_ok(const char *name, const char *value, const char **why)
{
	char opt[32] = "--";
	const struct opt *o;

	if (strlen(name) >= sizeof(opt) - 2 || !(o = find_opt(strcat(opt, name))) ||
	    o->kind != OPT_VALUE) {
		*why = "no option of that name takes a value";
		return -ENOENT;
	}
	*why = o->what;
	return o->ok(value) ? 0 : -EINVAL;
}
