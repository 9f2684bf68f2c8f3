/* CORDON_LIMITS' list (common/limits.c, pure): what is a limit, what the
 * canonical list is, and how a job's list lowers the host's. */
#include "common/limits.h"
#include "tests/lib/tst.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void test_parse(void)
{
	struct limits l;
	char buf[LIMITS_LEN];

	CU_ASSERT_EQUAL_FATAL(
	    limits_parse("pids=32,time=2m,mem=512m,core=0,fsize=1g,cpu=10,"
			 "nofile=64,userns=8,inotify=16",
			 &l, NULL),
	    0);
	CU_ASSERT_EQUAL(l.v[LIMIT_PIDS], 32);
	CU_ASSERT_EQUAL(l.v[LIMIT_TIME], 120);
	CU_ASSERT_EQUAL(l.v[LIMIT_MEM], 512ULL << 20);
	CU_ASSERT_TRUE(l.set[LIMIT_CORE] && l.v[LIMIT_CORE] == 0);
	CU_ASSERT_EQUAL(l.v[LIMIT_FSIZE], 1ULL << 30);
	CU_ASSERT_TRUE(limits_format(&l, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "pids=32,time=120,cpu=10,nofile=64,fsize=1073741824,"
				    "core=0,mem=536870912,userns=8,inotify=16");
	CU_ASSERT_EQUAL_FATAL(limits_parse("", &l, NULL), 0);
	CU_ASSERT_EQUAL(limits_format(&l, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(limits_parse("time=1h,cpu=30s", &l, NULL), 0);
	CU_ASSERT_EQUAL(l.v[LIMIT_TIME], 3600);
	CU_ASSERT_EQUAL(l.v[LIMIT_CPU], 30);
	CU_ASSERT_EQUAL(limits_parse("tmp=64M", &l, NULL), 0);
	CU_ASSERT_EQUAL(l.v[LIMIT_TMP], 64ULL << 20);
	/* The longest list: every name at 2^63 - 1, read and written back. */
	char all[LIMITS_LEN + 1] = "";
	for (int i = 0; i < LIMIT_N; i++)
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s=%lld",
			 i ? "," : "", limit_name((enum limit)i), (long long)INT64_MAX);
	CU_ASSERT_EQUAL_FATAL(limits_parse(all, &l, NULL), 0);
	CU_ASSERT_EQUAL(limits_format(&l, buf, sizeof(buf)), strlen(all));
	CU_ASSERT_STRING_EQUAL(buf, all);
}

static void test_refused(void)
{
	static const char *const bad[] = {
	    "pids",	    "pids=",	     "pids=0",
	    "pids=-1",	    "pids=1x",	     "pids=01",
	    "time=0",	    "time=1k",	     "mem=1s",
	    "mem=0",	    "core=1q",	     "pid=3",
	    "PIDS=3",	    "pids=3,pids=4", "pids=3,",
	    ",pids=3",	    "pids=3,,cpu=1", "mem=9223372036854775808",
	    "mem=8388608t", "pids = 3",	     "nofile=1 ",
	    "tmp=0",	    "tmp=10%",	     "tmp=1h",
	};
	struct limits l;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;
		CU_ASSERT_EQUAL(limits_parse(bad[i], &l, &why), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(why);
		CU_ASSERT_FALSE(limits_ok(bad[i]));
		if (limits_parse(bad[i], &l, NULL) == 0)
			printf("\n    accepted: %s", bad[i]);
	}
}

/* A job's list lowers the host's, never raises it, and may add. */
static void test_lower(void)
{
	struct limits host, job;
	char buf[LIMITS_LEN];

	CU_ASSERT_EQUAL_FATAL(limits_parse("pids=32,mem=1g", &host, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(limits_parse("pids=100,mem=100m,time=5", &job, NULL), 0);
	limits_lower(&host, &job);
	limits_format(&host, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "pids=32,time=5,mem=104857600");
}

static CU_TestInfo tests[] = {
    {"names, units, the canonical list", test_parse},
    {"malformed lists refused", test_refused},
    {"a job's list lowers the host's", test_lower},
    CU_TEST_INFO_NULL,
};
TST_SUITE("contract.limits", tests)
