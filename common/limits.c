/* Per-job resource limits: see limits.h. */
#include "common/limits.h"
#include "common/contract.h"

#include <errno.h>
#include <string.h>

enum kind { COUNT, SECONDS, BYTES };

static const struct {
	const char *name;
	enum kind kind;
	uint64_t min;
} limits[LIMIT_N] = {
    [LIMIT_PIDS] = {"pids", COUNT, 1},	     [LIMIT_TIME] = {"time", SECONDS, 1},
    [LIMIT_CPU] = {"cpu", SECONDS, 1},	     [LIMIT_NOFILE] = {"nofile", COUNT, 1},
    [LIMIT_FSIZE] = {"fsize", BYTES, 1},     [LIMIT_CORE] = {"core", BYTES, 0},
    [LIMIT_MEM] = {"mem", BYTES, 1},	     [LIMIT_USERNS] = {"userns", COUNT, 1},
    [LIMIT_INOTIFY] = {"inotify", COUNT, 1}, [LIMIT_TMP] = {"tmp", BYTES, 1},
};

const char *limit_name(enum limit l)
{
	return l < LIMIT_N ? limits[l].name : "?";
}

/* A unit's shift (BYTES: k m g t, binary) or factor (SECONDS: s m h). */
static bool unit(enum kind k, char c, uint64_t *mul)
{
	static const char bytes[] = "kmgt", secs[] = "smh";
	static const uint64_t sec[] = {1, 60, 3600};
	const char *u;

	if (k == BYTES && c && (u = strchr(bytes, c | 0x20)))
		return (*mul = (uint64_t)1 << (10 * (u - bytes + 1))), true;
	if (k == SECONDS && c && (u = strchr(secs, c)))
		return (*mul = sec[u - secs]), true;
	return false;
}

/* One value of kind k spanning [s, end): digits without leading zeros,
 * then one unit where the kind has them; at most 2^63 - 1 in all. */
static int value(enum kind k, const char *s, const char *end, uint64_t *out)
{
	uint64_t n = 0, mul = 1;
	const char *p = s;

	if (p == end || *p < '0' || *p > '9' ||
	    (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9'))
		return -EINVAL;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (n > ((uint64_t)INT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && (p + 1 != end || !unit(k, *p, &mul)))
		return -EINVAL;
	if (n > (uint64_t)INT64_MAX / mul)
		return -EINVAL;
	*out = n * mul;
	return 0;
}

static int find(const char *s, size_t n)
{
	for (int l = 0; l < LIMIT_N; l++)
		if (strlen(limits[l].name) == n && memcmp(limits[l].name, s, n) == 0)
			return l;
	return -1;
}

int limits_parse(const char *s, struct limits *out, const char **why)
{
	const char *local;

	if (!why)
		why = &local;
	memset(out, 0, sizeof(*out));
	if (strlen(s) > LIMITS_LEN) {
		*why = "the list is too long";
		return -EINVAL;
	}
	while (*s) {
		size_t len = strcspn(s, ","), name = strcspn(s, "=,");
		int l = find(s, name);
		uint64_t v;
		if (l < 0) {
			*why =
			    "a name is not one of pids, time, cpu, nofile, fsize, core, "
			    "mem, userns, inotify, tmp";
			return -EINVAL;
		}
		if (out->set[l]) {
			*why = "a name is given twice";
			return -EINVAL;
		}
		if (name == len || value(limits[l].kind, s + name + 1, s + len, &v) < 0 ||
		    v < limits[l].min) {
			*why = limits[l].kind == BYTES ? "a size is N, Nk, Nm, Ng or Nt"
			       : limits[l].kind == SECONDS
				   ? "a time is N, Ns, Nm or Nh (N from 1)"
				   : "a count is a number from 1";
			return -EINVAL;
		}
		out->v[l] = v;
		out->set[l] = true;
		s += len;
		if (*s == ',' && !*++s) {
			*why = "the list ends with a comma";
			return -EINVAL;
		}
	}
	return 0;
}

bool limits_ok(const char *s)
{
	struct limits l;

	return limits_parse(s, &l, NULL) == 0;
}

void limits_lower(struct limits *a, const struct limits *b)
{
	for (int l = 0; l < LIMIT_N; l++)
		if (b->set[l] && (!a->set[l] || b->v[l] < a->v[l])) {
			a->v[l] = b->v[l];
			a->set[l] = true;
		}
}

size_t limits_format(const struct limits *l, char *buf, size_t size)
{
	size_t n = 0;

	for (int i = 0; i < LIMIT_N; i++) {
		char num[U64_DIGITS];
		if (!l->set[i])
			continue;
		size_t name = strlen(limits[i].name),
		       digits = (size_t)(fmt_u64(num, l->v[i]) - num);
		if (n + (n > 0) + name + 1 + digits + 1 > size)
			return 0;
		if (n > 0)
			buf[n++] = ',';
		memcpy(buf + n, limits[i].name, name);
		n += name;
		buf[n++] = '=';
		memcpy(buf + n, num, digits);
		n += digits;
	}
	if (n < size)
		buf[n] = '\0';
	return n;
}
