/* log.json: any bytes in argv give valid JSON with the documented escapes;
 * a record that does not fit is cut cleanly and says so; 10 000 calls from
 * 2 processes of 2 threads each give 19 800 whole, valid records. */
#include "tests/log/lutil.h"
#include "tests/shim/sutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* One failing execve (cheap: nothing runs) with argv; the raw log. */
static char *logged(const char *tier, char *const *args, const char *const *extra)
{
	const char *log = l_log("json.log");
	char *argv[8192];
	struct tst_proc r;
	size_t n = 0;

	argv[n++] = (char *)s_host("execve");
	while (*args && n < 8191)
		argv[n++] = *args++;
	argv[n] = NULL;
	CU_ASSERT_EQUAL_FATAL(l_run(tier, log, extra, argv, &r), 0);
	tst_proc_free(&r);
	free(l_check(log, false));
	return l_slurp(log, NULL);
}

static void test_escapes(void)
{
	char *args[] = {"/nonexistent/x",
			"q\"uote",
			"back\\slash",
			"new\nline\ttab\rcr",
			"\x01\x1f\x7f",
			"caf\xc3\xa9 \xf0\x9f\x98\x80",
			"bad \xff\xfe",
			"cut \xe2\x82",
			"surrogate \xed\xa0\x80",
			"overlong \xc0\xaf",
			"",
			NULL};
	char *raw = logged("none", args, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	const char *want =
	    "\"argv\":[\"q\\\"uote\",\"back\\\\slash\",\"new\\nline\\ttab\\rcr\","
	    "\"\\u0001\\u001f\\u007f\",\"caf\xc3\xa9 \xf0\x9f\x98\x80\","
	    "\"bad \\u00ff\\u00fe\",\"cut \\u00e2\\u0082\","
	    "\"surrogate \\u00ed\\u00a0\\u0080\",\"overlong \\u00c0\\u00af\","
	    "\"\"],\"invalid_utf8\":true}\n";
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, want));
	if (!strstr(raw, want))
		printf("\n    want %s\n    in %.2000s", want, raw);
	free(raw);

	/* Valid UTF-8 only: no flag. */
	char *clean[] = {"/nonexistent/x", "caf\xc3\xa9", NULL};
	raw = logged("none", clean, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_PTR_NULL(strstr(raw, "invalid_utf8"));
	free(raw);
}

/* The path and the requested tier are escaped the same way. */
static void test_escaped_path_and_tier(void)
{
	char *args[] = {"-t", "lock\"down\n\xff", "/nonexistent/\"p\xff\n", "t", NULL};
	char *raw = logged("none", args, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(raw, "\"requested_tier\":\"lock\\\"down\\n\\u00ff\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "\"path\":\"/nonexistent/\\\"p\\u00ff\\n\""));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(raw, "\"decision\":\"refused\",\"errno\":\"EPERM\""));
	free(raw);
}

static size_t longest_line(const char *s)
{
	size_t max = 0;

	for (const char *nl; s && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl)
			return (size_t)-1;
		if ((size_t)(nl - s + 1) > max)
			max = (size_t)(nl - s + 1);
	}
	return max;
}

/* Records over 8 KiB: argv cut at a whole character or escape, still
 * valid JSON (logcheck), marked "truncated", argc the real count. */
static void test_truncated(void)
{
	char *big[] = {"-b", "200000", "/nonexistent/x", "t", NULL};
	char *raw = logged("none", big, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "\"argc\":2,\"argv\":[\"t\",\"xxxx"));
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "xxx\"],\"truncated\":true}\n"));
	CU_ASSERT(longest_line(raw) <= 8192);
	free(raw);

	/* Many arguments, each a 3-byte character or an escaped byte. */
	static char *many[3002];
	many[0] = "/nonexistent/x";
	for (size_t i = 1; i < 3001; i++)
		many[i] = i % 2 ? "\xe2\x82\xac\xe2\x82\xac" : "\x01\xff";
	many[3001] = NULL;
	raw = logged("none", many, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "\"argc\":3000,"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(raw, "],\"truncated\":true,\"invalid_utf8\":true}\n"));
	CU_ASSERT(longest_line(raw) <= 8192);
	free(raw);

	/* A path longer than PATH_MAX (ENAMETOOLONG), at a sandboxed tier
	 * where the shim resolves it: path cut, one record. */
	static char path[6000];
	memset(path, 0, sizeof(path));
	for (size_t i = 0; i + 3 < 5000; i += 2)
		memcpy(path + i, "./", 2);
	strcat(path, "x");
	char *longp[] = {path, "t", NULL};
	raw = logged("hardened", longp, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "\"errno\":\"ENAMETOOLONG\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "\"argv\":[\"t\"],\"truncated\":true}\n"));
	free(raw);
}

/* 10 000 calls, 2 processes x 2 threads appending to the same log at
 * once: each record whole (one write(2) each), valid, in its own line. */
static void test_bulk(void)
{
	const char *log = l_log("bulk.log");
	char *argv[] = {(char *)tst_build("tests/log/logbulk"), "bulk", "10000", NULL};
	struct tst_proc r;

	CU_ASSERT_EQUAL_FATAL(l_run("none", log, NULL, argv, &r), 0);
	CU_ASSERT_EQUAL(r.status, 0);
	if (r.status)
		printf("\n    logbulk: %s", r.err);
	tst_proc_free(&r);
	char *out = l_check(log, true);
	/* Per thread 2500 calls: 50 spawns (one record), 2450 failing
	 * execve (passthrough, then failed). */
	static const char want[] =
	    "records 19800\npassthrough 10000\nsandboxed 0\n"
	    "refused 0\nfailed 9800\nbad bulk argv 0\ntorn 0\npids 2\n";
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(out, want);
	if (strcmp(out, want))
		printf("\n    summary:\n%s", out);
	free(out);
	unlink(log);
}

/* The checker itself fails on what it must refuse. */
static void test_checker_refuses(void)
{
	static const char *const bad[] = {
	    "{\"time\":\"x\"}\n",
	    "not json\n",
	    "{\"time\":\"2026-01-01T00:00:00.000Z\",\"pid\":1,\"function\":\"execve\","
	    "\"decision\":\"failed\",\"requested_tier\":null,\"tier\":\"none\",\"path\":"
	    "null,\"argc\":0,\"argv\":[]}\n",
	    "{\"a\":\"\xff\"}\n",
	};
	(void)l_log("bad.log"); /* makes the directory */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *f = tst_write_file("log/bad.log", bad[i], 0644);
		char *argv[] = {"/usr/bin/python3",
				(char *)tst_build("tests/log/logcheck.py"), "-",
				(char *)f, NULL};
		struct tst_proc r;
		CU_ASSERT_EQUAL_FATAL(tst_run(argv, NULL, &r), 0);
		CU_ASSERT_EQUAL(tst_shell_status(r.status), 1);
		CU_ASSERT_NSTRING_EQUAL(r.out, "BAD", 3);
		tst_proc_free(&r);
	}
}

static CU_TestInfo tests[] = {
    {"the checker refuses bad records", test_checker_refuses},
    {"quotes, backslashes, control bytes, invalid UTF-8 in argv", test_escapes},
    {"the path and the requested tier escaped too", test_escaped_path_and_tier},
    {"long records cut cleanly and marked truncated", test_truncated},
    {"10 000 calls from 2 processes x 2 threads", test_bulk},
    CU_TEST_INFO_NULL,
};
TST_SUITE("log.json", tests)
