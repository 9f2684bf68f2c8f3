/* The audit log (CORDON_LOG, docs/shim.md "Audit log"): one JSON object
 * per line for every intercepted call. It runs where the exec path runs,
 * between vfork and exec too: one stack buffer, clock_gettime, getpid,
 * open, one write, close; no malloc, stdio or locks; errno preserved.
 * Unset, it costs one test of a byte and no syscall. */
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One record. Big enough for a long command line, small enough for the
 * stack of a vfork child or of a thread with a small stack. */
enum { LOG_LINE_MAX = 8192, LOG_PATH_OUT = 4096, LOG_TIER_IN = 64 };
/* What is always left for the end: `"],"truncated":true,"invalid_utf8":true}\n`. */
enum { LOG_TAIL = 64 };

/* Absolute, set once at load; empty: no log. */
static char log_path[PATH_MAX];
/* The process that last said the log fails: "once per process" (a fork or
 * vfork child has another pid and says it once itself). */
static volatile pid_t log_said;
static int log_load_err;

void log_load(const char *path)
{
	size_t n = 0, len;

	if (!path || !*path)
		return;
	len = strlen(path);
	/* Absolute, so that a host's later chdir cannot move it (relative
	 * when the cwd cannot be known: better than no log). */
	if (*path != '/' && getcwd(log_path, sizeof(log_path) - 1)) {
		n = strlen(log_path);
		if (log_path[n - 1] != '/')
			log_path[n++] = '/';
	}
	if (n + len >= sizeof(log_path)) {
		/* Kept, cut, for the message each process then says once. */
		log_load_err = ENAMETOOLONG;
		len = sizeof(log_path) - 1 - n;
	}
	memcpy(log_path + n, path, len);
	log_path[n + len] = '\0';
}

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

/* s as a JSON string, at most max input bytes (SIZE_MAX: all), cut at a
 * unit boundary when it does not fit. False when not all of s went in. */
static bool jb_json(struct jb *b, const char *str, size_t max)
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
	while (s[i]) {
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

static void jb_key(struct jb *b, const char *key)
{
	jb_raw(b, ",\"", 2);
	jb_str(b, key);
	jb_raw(b, "\":", 2);
}

/* RFC 3339 UTC with microseconds, from the civil-from-days algorithm
 * (gmtime_r is not async-signal-safe). */
static void jb_time(struct jb *b)
{
	struct timespec ts;
	char t[32] = "0000-00-00T00:00:00.000000Z";

	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t days = ts.tv_sec / 86400, secs = ts.tv_sec % 86400;
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
		 {20, 6, ts.tv_nsec / 1000}};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		for (int64_t k = f[i].width - 1, v = f[i].v; k >= 0; k--, v /= 10)
			t[f[i].at + k] = (char)('0' + v % 10);
	jb_raw(b, "{\"time\":\"", 9);
	jb_raw(b, t, 27);
	jb_raw(b, "\"", 1);
}

static const char *const decisions[] = {"passthrough", "sandboxed", "refused", "failed"};

static const char *requested_tier(char *const *envp)
{
	for (; envp && *envp; envp++)
		if (strncmp(*envp, "CORDON_TIER=", 12) == 0)
			return *envp + 12;
	return NULL;
}

static void jb_tier(struct jb *b, enum tier t)
{
	if (t == TIER_BAD)
		jb_str(b, "null");
	else
		jb_json(b, tier_str(t), SIZE_MAX);
}

/* The fields before argv: small and bounded, they always fit. */
static void jb_head(struct jb *b, const struct divert *d, enum log_decision dec,
		    const char *path, int err)
{
	const struct log_call *c = d->call;
	const char *req = requested_tier(c->envp), *name;

	jb_time(b);
	jb_key(b, "pid");
	jb_int(b, getpid());
	jb_key(b, "function");
	jb_json(b, c->fn, SIZE_MAX);
	jb_key(b, "decision");
	jb_json(b, decisions[dec], SIZE_MAX);
	if (dec == LOG_REFUSED || dec == LOG_FAILED) {
		jb_key(b, "errno");
		if ((name = strerrorname_np(err)))
			jb_json(b, name, SIZE_MAX);
		else
			jb_int(b, err);
	}
	jb_key(b, "requested_tier");
	if (req)
		jb_json(b, req, LOG_TIER_IN);
	else
		jb_str(b, "null");
	jb_key(b, "tier");
	jb_tier(b, d->tier);
	if (c->fd != AT_FDCWD) {
		jb_key(b, "fd");
		jb_int(b, c->fd);
	}
	jb_key(b, "path");
	if (path) {
		size_t lim = b->lim;
		b->lim = b->len + LOG_PATH_OUT;
		jb_json(b, path, SIZE_MAX);
		b->lim = lim;
	} else {
		jb_str(b, "null");
	}
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

static void log_failed_to(const char *why)
{
	pid_t me = getpid();

	if (log_said == me)
		return;
	log_said = me;
	shim_say((const char *[]){"cannot write the audit log ", log_path, ": ", why,
				  "; the call goes on unlogged (check CORDON_LOG and "
				  "the permissions of its directory)",
				  NULL});
}

static void log_write(const char *line, size_t n)
{
	int fd, err = 0;
	ssize_t w;

	if (log_load_err) {
		log_failed_to(strerrordesc_np(log_load_err));
		return;
	}
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		log_failed_to(strerrordesc_np(errno));
		return;
	}
	/* One write(2): O_APPEND records of concurrent processes do not
	 * interleave. A short write (full disk) is not continued. */
	while ((w = write(fd, line, n)) < 0 && errno == EINTR)
		;
	if (w < 0)
		err = errno;
	close(fd);
	if (w < 0)
		log_failed_to(strerrordesc_np(err));
	else if ((size_t)w != n)
		log_failed_to("short write (disk full?)");
}

int log_event(const struct divert *d, enum log_decision dec, const char *path, int err)
{
	char line[LOG_LINE_MAX];
	struct jb b = {.buf = line, .lim = LOG_LINE_MAX - LOG_TAIL};
	int saved = errno;

	if (!log_path[0] || !d->call)
		return err;
	jb_head(&b, d, dec, path, err);
	jb_argv(&b, d->call->argv);
	log_write(line, b.len);
	errno = saved;
	return err;
}

int log_ret(const struct divert *d, int ret)
{
	if (ret == -1 && log_path[0])
		log_event(d, LOG_FAILED, d->call ? d->call->file : NULL, errno);
	return ret;
}

int log_err(const struct divert *d, int err)
{
	if (err && log_path[0])
		log_event(d, LOG_FAILED, d->call ? d->call->file : NULL, err);
	return err;
}
