/* log.format: shim/logfmt.c, the record's formatter, directly (and under
 * the sanitizers with SANITIZE=1): exact records, the RFC 3339 time
 * against gmtime_r, and random bytes of every length checked by the JSON
 * parser of tests/log/logcheck.py. */
#include "shim/shim.h"
#include "tests/log/lutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A record in a buffer of exactly LOG_LINE_MAX on the heap: ASan sees
 * any byte written past it. */
static char *format(const struct log_rec *r, size_t *len)
{
	char *buf = malloc(LOG_LINE_MAX);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	*len = log_format(buf, r);
	CU_ASSERT(*len > 0 && *len <= LOG_LINE_MAX);
	CU_ASSERT_EQUAL(buf[*len - 1], '\n');
	return buf;
}

static void assert_record(const struct log_rec *r, const char *want)
{
	size_t len;
	char *got = format(r, &len);

	CU_ASSERT(len == strlen(want) && memcmp(got, want, len) == 0);
	if (len != strlen(want) || memcmp(got, want, len))
		printf("\n    got  %.*s    want %s", (int)len, got, want);
	free(got);
}

static void test_exact(void)
{
	char *argv[] = {"a", "b c", NULL};
	struct log_rec r = {.fn = "execve",
			    .dec = LOG_FAILED,
			    .err = 2,
			    .tier = TIER_NONE,
			    .fd = AT_FDCWD,
			    .path = "/x",
			    .argv = argv,
			    .pid = 42,
			    .time = {1, 999999999}};

	assert_record(
	    &r, "{\"time\":\"1970-01-01T00:00:01.999999Z\",\"pid\":42,\"function\":"
		"\"execve\",\"decision\":\"failed\",\"errno\":\"ENOENT\","
		"\"requested_tier\":null,\"tier\":\"none\",\"path\":\"/x\",\"argc\":2,"
		"\"argv\":[\"a\",\"b c\"]}\n");
	r = (struct log_rec){.fn = "fexecve",
			     .dec = LOG_REFUSED,
			     .err = 4000,
			     .requested = "bogus",
			     .tier = TIER_BAD,
			     .fd = 7,
			     .path = "",
			     .argv = NULL,
			     .pid = 1};
	assert_record(&r,
		      "{\"time\":\"1970-01-01T00:00:00.000000Z\",\"pid\":1,\"function\":"
		      "\"fexecve\",\"decision\":\"refused\",\"errno\":4000,"
		      "\"requested_tier\":\"bogus\",\"tier\":null,\"fd\":7,\"path\":\"\","
		      "\"argc\":0,\"argv\":[]}\n");
	char *none[] = {NULL};
	r = (struct log_rec){.fn = "posix_spawnp",
			     .dec = LOG_SANDBOXED,
			     .requested = "lockdown",
			     .tier = TIER_LOCKDOWN,
			     .fd = AT_FDCWD,
			     .argv = none,
			     .pid = 2147483647,
			     .time = {1709164800, 1000}};
	assert_record(
	    &r, "{\"time\":\"2024-02-29T00:00:00.000001Z\",\"pid\":2147483647,"
		"\"function\":\"posix_spawnp\",\"decision\":\"sandboxed\","
		"\"requested_tier\":\"lockdown\",\"tier\":\"lockdown\",\"path\":null,"
		"\"argc\":0,\"argv\":[]}\n");
}

/* The time field against gmtime_r + strftime, over 0001..9999. */
static void test_time(void)
{
	char *argv[] = {NULL};
	struct log_rec r = {
	    .fn = "execve", .tier = TIER_NONE, .fd = AT_FDCWD, .argv = argv};
	unsigned seed = 7;
	int bad = 0;

	for (int i = 0; i < 20000 && bad < 5; i++) {
		/* Edges first, then random seconds from year 1 to 9999. */
		static const time_t edges[] = {
		    0, -1, 951782400, 951868799, 4102444799, 253402300799, -62135596800};
		time_t t = i < 7 ? edges[i]
				 : (time_t)(((uint64_t)rand_r(&seed) << 31 ^
					     (uint64_t)rand_r(&seed)) %
					    (253402300799ULL + 62135596800ULL)) -
				       62135596800LL;
		struct tm tm;
		char want[64];
		size_t len;
		r.time = (struct timespec){t, 123456789};
		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "{\"time\":\"%Y-%m-%dT%H:%M:%S.123456Z\"",
			 &tm);
		if (tm.tm_year + 1900 < 1000) /* %Y does not pad */
			snprintf(want, sizeof(want),
				 "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.123456Z\"",
				 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
				 tm.tm_min, tm.tm_sec);
		char *got = format(&r, &len);
		if (strncmp(got, want, strlen(want)) != 0) {
			bad++;
			printf("\n    %lld: got %.40s want %s", (long long)t, got, want);
		}
		free(got);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* Random bytes: UTF-8 pieces, escapes, invalid bytes, long runs. */
static void random_str(char *s, size_t len, unsigned *seed)
{
	static const char *const pieces[] = {
	    "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\"",	"\\",	"\n",
	    "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\x7f", "a"};
	size_t n = 0;

	while (n < len) {
		if (rand_r(seed) % 2) {
			const char *p = pieces[rand_r(seed) % 12];
			size_t pl = strlen(p);
			if (n + pl > len)
				break;
			memcpy(s + n, p, pl);
			n += pl;
		} else {
			s[n++] = (char)(1 + rand_r(seed) % 255);
		}
	}
	s[n] = '\0';
}

static void test_random(void)
{
	const char *path = l_log("random.log");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	unsigned seed = 1;
	enum { RECORDS = 3000, MAX_ARGS = 40 };
	static char store[MAX_ARGS + 2][9000];
	char *argv[MAX_ARGS + 1];

	CU_ASSERT_FATAL(fd >= 0);
	for (int i = 0; i < RECORDS; i++) {
		size_t argc = (size_t)rand_r(&seed) % MAX_ARGS;
		/* Mostly short strings, some long enough to fill a record. */
		for (size_t a = 0; a < argc + 2; a++)
			random_str(store[a],
				   (size_t)rand_r(&seed) %
				       (rand_r(&seed) % 8 ? 64 : 8999),
				   &seed);
		for (size_t a = 0; a < argc; a++)
			argv[a] = store[a + 2];
		argv[argc] = NULL;
		struct log_rec r = {.fn = "execvp",
				    .dec = (enum log_decision)(rand_r(&seed) % 4),
				    .err = rand_r(&seed) % 140,
				    .requested = i % 3 ? store[0] : NULL,
				    .tier = (enum tier)(rand_r(&seed) % 4 - 1),
				    .fd = i % 5 ? AT_FDCWD : -i,
				    .path = i % 7 ? store[1] : NULL,
				    .argv = argv,
				    .pid = i + 1,
				    .time = {i, 0}};
		if (r.err == 0)
			r.err = 1;
		size_t len;
		char *line = format(&r, &len);
		CU_ASSERT_EQUAL(write(fd, line, len), (ssize_t)len);
		free(line);
	}
	close(fd);
	/* logcheck wants recent times; the records are from 1970. */
	char *argv2[] = {
	    "/usr/bin/python3", "-c",
	    "import json,sys\n"
	    "n=0\n"
	    "for raw in open(sys.argv[1],'rb'):\n"
	    "    r=json.loads(raw); n+=1\n"
	    "    assert len(raw)<=8192 and raw.endswith(b'\\n')\n"
	    "    assert isinstance(r['argv'],list) and r['argc']>=len(r['argv'])\n"
	    "    assert r.get('truncated') or r['argc']==len(r['argv'])\n"
	    "print(n)\n",
	    (char *)path, NULL};
	struct tst_proc p;
	CU_ASSERT_EQUAL_FATAL(tst_run(argv2, NULL, &p), 0);
	CU_ASSERT_EQUAL(p.status, 0);
	CU_ASSERT_STRING_EQUAL(p.out, "3000\n");
	if (p.status)
		printf("\n    %.2000s", p.err);
	tst_proc_free(&p);
	unlink(path);
}

static CU_TestInfo tests[] = {
    {"exact records", test_exact},
    {"the time against gmtime_r, years 1 to 9999", test_time},
    {"3000 records of random bytes: valid JSON, at most 8 KiB", test_random},
    CU_TEST_INFO_NULL,
};
TST_SUITE("log.format", tests)
