/* The audit log's record (docs/shim.md "Audit log"): pure, no syscall,
 * linked into the sanitized test runner. Runs on the exec path: one
 * caller's buffer, no malloc, nothing global written. */
#include "shim/shim.h"

#include <fcntl.h>
#include <string.h>

/* The path is kept to this much JSON, each of the policy's lists (its key
 * included) to this much, the requested tier to this much input; what is always left
 * for the end:
 * `"],"truncated":true,"invalid_utf8":true}\n`. */
enum { LOG_PATH_OUT = 4096, LOG_LIST_OUT = 600, LOG_TIER_IN = 64, LOG_TAIL = 64 };

/* The line under construction: nothing is written past lim, so that the
 * end of the record always fits; cut says something was left out. */
struct jb {
	char *buf;
	size_t len, lim;
	bool cut, bad_utf8;
};

static bool jb_raw(struct jb *b, const char *s, size_t n)
{
	if (b->len + n > b->lim) {
		b->cut = true;
		return false;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	return true;
}

static void jb_str(struct jb *b, const char *s)
{
	jb_raw(b, s, strlen(s));
}

static void jb_u64(struct jb *b, uint64_t v)
{
	char d[U64_DIGITS];

	jb_raw(b, d, (size_t)(fmt_u64(d, v) - d));
}

static void jb_int(struct jb *b, long v)
{
	if (v < 0)
		jb_raw(b, "-", 1);
	jb_u64(b, v < 0 ? (uint64_t) - (v + 1) + 1 : (uint64_t)v);
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 if there is none. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* One unit of s as JSON: a byte, an escape, or a whole UTF-8 sequence;
 * esc gets the escape when one is needed. Returns the input bytes used. */
static size_t json_unit(const unsigned char *s, char esc[8], size_t *esc_len)
{
	static const char hex[] = "0123456789abcdef", shortc[] = "\b\t\n\f\r",
			  shorte[] = "btnfr";
	unsigned char c = *s;
	const char *sc = NULL;
	size_t n;

	*esc_len = 0;
	if (c == '"' || c == '\\' || (c && (sc = memchr(shortc, c, 5)))) {
		esc[0] = '\\';
		esc[1] = c == '"' || c == '\\' ? (char)c : shorte[sc - shortc];
		*esc_len = 2;
		return 1;
	}
	if (c >= 0x20 && c < 0x7f)
		return 1;
	if (c >= 0x80 && (n = utf8_len(s)))
		return n;
	/* Other control bytes, DEL, and each byte that is not part of
	 * well-formed UTF-8 (these also flag the record: "invalid_utf8"). */
	memcpy(esc, "\\u00", 4);
	esc[4] = hex[c >> 4];
	esc[5] = hex[c & 15];
	*esc_len = 6;
	return 1;
}

/* str[0..len) as a JSON string, at most max input bytes (SIZE_MAX: all),
 * cut at a unit boundary when it does not fit. False when not all of it
 * went in. */
static bool jb_json_n(struct jb *b, const char *str, size_t len, size_t max)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	bool whole = true;

	/* Both quotes or nothing: the closing one always fits. */
	if (b->len + 2 > b->lim) {
		b->cut = true;
		return false;
	}
	jb_raw(b, "\"", 1);
	b->lim--;
	/* A unit never crosses len: a list's ':' is no UTF-8 continuation. */
	while (i < len) {
		char esc[8];
		size_t elen, n = json_unit(s + i, esc, &elen);
		if (i + n > max ||
		    !(elen ? jb_raw(b, esc, elen) : jb_raw(b, (const char *)s + i, n))) {
			whole = false;
			b->cut = true;
			break;
		}
		b->bad_utf8 |= elen == 6 && s[i] >= 0x80;
		i += n;
	}
	b->lim++;
	jb_raw(b, "\"", 1);
	return whole;
}

static bool jb_json(struct jb *b, const char *str, size_t max)
{
	return jb_json_n(b, str, strlen(str), max);
}

static void jb_key(struct jb *b, const char *key)
{
	jb_raw(b, ",\"", 2);
	jb_str(b, key);
	jb_raw(b, "\":", 2);
}

/* RFC 3339 UTC with microseconds, from the civil-from-days algorithm
 * (gmtime_r is not async-signal-safe). */
static void jb_time(struct jb *b, const struct timespec *ts)
{
	char t[32] = "0000-00-00T00:00:00.000000Z";
	/* Floor division: times before 1970 too. */
	int64_t days = ts->tv_sec / 86400 - (ts->tv_sec % 86400 < 0),
		secs = ts->tv_sec - days * 86400;
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	const struct {
		int at, width;
		int64_t v;
	} f[] = {{0, 4, y},
		 {5, 2, m},
		 {8, 2, d},
		 {11, 2, secs / 3600},
		 {14, 2, secs / 60 % 60},
		 {17, 2, secs % 60},
		 {20, 6, ts->tv_nsec / 1000}};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		for (int64_t k = f[i].width - 1, v = f[i].v; k >= 0; k--, v /= 10)
			t[f[i].at + k] = (char)('0' + v % 10);
	jb_raw(b, "{\"time\":\"", 9);
	jb_raw(b, t, 27);
	jb_raw(b, "\"", 1);
}

static const char *const decisions[] = {"passthrough", "sandboxed", "refused", "failed"};

static void jb_tier(struct jb *b, enum tier t)
{
	if (t == TIER_BAD)
		jb_str(b, "null");
	else
		jb_json(b, tier_name(t), SIZE_MAX);
}

/* The fields before argv: small and bounded, they always fit. */
static void jb_head(struct jb *b, const struct log_rec *r)
{
	const char *name;

	jb_time(b, &r->time);
	jb_key(b, "pid");
	jb_int(b, r->pid);
	jb_key(b, "function");
	jb_json(b, r->fn, SIZE_MAX);
	jb_key(b, "decision");
	jb_json(b, decisions[r->dec], SIZE_MAX);
	if (r->dec == LOG_REFUSED || r->dec == LOG_FAILED) {
		jb_key(b, "errno");
		if ((name = strerrorname_np(r->err)))
			jb_json(b, name, SIZE_MAX);
		else
			jb_int(b, r->err);
	}
	jb_key(b, "requested_tier");
	if (r->requested)
		jb_json(b, r->requested, LOG_TIER_IN);
	else
		jb_str(b, "null");
	jb_key(b, "tier");
	jb_tier(b, r->tier);
	if (r->fd != AT_FDCWD) {
		jb_key(b, "fd");
		jb_int(b, r->fd);
	}
	jb_key(b, "path");
	if (r->path) {
		size_t lim = b->lim;
		b->lim = b->len + LOG_PATH_OUT;
		jb_json(b, r->path, SIZE_MAX);
		b->lim = lim;
	} else {
		jb_str(b, "null");
	}
}

/* A list of paths as an array of strings; whole paths only. */
static void jb_paths(struct jb *b, const char *key, const char *list)
{
	const char *cur = paths_start(list), *p;
	size_t n;
	bool first = true;

	jb_key(b, key);
	if (!list) {
		jb_str(b, "null");
		return;
	}
	jb_raw(b, "[", 1);
	b->lim--;
	while (paths_next(&cur, &p, &n)) {
		size_t at = b->len;
		if (!(first || jb_raw(b, ",", 1)) || !jb_json_n(b, p, n, SIZE_MAX)) {
			b->len = at; /* not half a path */
			b->cut = true;
			break;
		}
		first = false;
	}
	b->lim++;
	jb_raw(b, "]", 1);
}

/* The job's filesystem policy (docs/shim.md), when it was made. */
static void jb_policy(struct jb *b, const struct fs_policy *pol)
{
	const struct {
		const char *key, *list;
		bool always;
	} f[] = {{"writable", pol ? pol->writable : NULL, true},
		 {"hidden", pol ? pol->hidden : NULL, true},
		 {"writable_dropped", pol ? pol->dropped : NULL, false},
		 {"writable_missing", pol ? pol->missing : NULL, false}};
	size_t lim = b->lim;

	if (!pol)
		return;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!f[i].always && (!f[i].list || !*f[i].list))
			continue;
		b->lim = b->len + LOG_LIST_OUT;
		jb_paths(b, f[i].key, f[i].list);
		b->lim = lim;
	}
}

/* The job's limits (CORDON_LIMITS), when it has any: {"pids":20,...},
 * values in counts, seconds and bytes. */
static void jb_limits(struct jb *b, const struct limits *l)
{
	bool first = true;

	for (int i = 0; l && i < LIMIT_N; i++) {
		if (!l->set[i])
			continue;
		if (first) {
			jb_key(b, "limits");
			jb_raw(b, "{\"", 2);
		} else {
			jb_raw(b, ",\"", 2);
		}
		first = false;
		jb_str(b, limit_name((enum limit)i));
		jb_raw(b, "\":", 2);
		jb_u64(b, l->v[i]);
	}
	if (!first)
		jb_raw(b, "}", 1);
}

static void jb_argv(struct jb *b, char *const *argv)
{
	size_t argc = argv ? vec_len(argv) : 0;

	jb_key(b, "argc");
	jb_u64(b, argc);
	jb_key(b, "argv");
	jb_raw(b, "[", 1);
	for (size_t i = 0; i < argc; i++) {
		/* The separator, the quotes and a unit: else the rest is cut. */
		if (b->len + 2 + 6 + (i > 0) > b->lim) {
			b->cut = true;
			break;
		}
		if (i > 0)
			jb_raw(b, ",", 1);
		if (!jb_json(b, argv[i], SIZE_MAX))
			break;
	}
	b->lim = LOG_LINE_MAX;
	jb_raw(b, "]", 1);
	if (b->cut)
		jb_str(b, ",\"truncated\":true");
	if (b->bad_utf8)
		jb_str(b, ",\"invalid_utf8\":true");
	jb_raw(b, "}\n", 2);
}

size_t log_format(char *buf, const struct log_rec *r)
{
	struct jb b = {.buf = buf, .lim = LOG_LINE_MAX - LOG_TAIL};

	jb_head(&b, r);
	jb_policy(&b, r->policy);
	jb_limits(&b, r->limits);
	jb_argv(&b, r->argv);
	return b.len;
}

const char *log_requested_tier(char *const *envp)
{
	for (; envp && *envp; envp++)
		if (strncmp(*envp, "CORDON_TIER=", 12) == 0)
			return *envp + 12;
	return NULL;
}
