/* Unit tests of the shim's pure logic (shim/tier.c, path.c, env.c),
 * linked into the sanitized runner. */
#include "tests/lib/tst.h"
#include "shim/shim.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

static void test_tier_parse(void)
{
	static const struct {
		const char *s;
		enum tier t;
	} cases[] = {
	    {"none", TIER_NONE},	 {"hardened", TIER_HARDENED},
	    {"lockdown", TIER_LOCKDOWN}, {"", TIER_BAD},
	    {"Lockdown", TIER_BAD},	 {"lockdwon", TIER_BAD},
	    {" none", TIER_BAD},	 {"none ", TIER_BAD},
	    {"hardened\n", TIER_BAD},	 {"lockdown2", TIER_BAD},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(tier_parse(cases[i].s), cases[i].t);
	CU_ASSERT_STRING_EQUAL(tier_name(TIER_LOCKDOWN), "lockdown");
}

static void test_tier_decide(void)
{
	char *raise[] = {"A=1", "CORDON_TIER=lockdown", NULL};
	char *lower[] = {"CORDON_TIER=none", NULL};
	char *bad[] = {"CORDON_TIER=hardened", "CORDON_TIER=lockdwon", NULL};
	char *other[] = {"CORDON_TIERX=lockdown", "XCORDON_TIER=lockdown", NULL};
	const char *why = NULL;

	CU_ASSERT_EQUAL(tier_decide(TIER_NONE, raise, &why), TIER_LOCKDOWN);
	CU_ASSERT_EQUAL(tier_decide(TIER_HARDENED, lower, &why), TIER_HARDENED);
	CU_ASSERT_EQUAL(tier_decide(TIER_LOCKDOWN, NULL, &why), TIER_LOCKDOWN);
	CU_ASSERT_EQUAL(tier_decide(TIER_NONE, other, &why), TIER_NONE);
	CU_ASSERT_PTR_NULL(why);
	/* Any bad entry fails closed, even after a good one. */
	CU_ASSERT_EQUAL(tier_decide(TIER_NONE, bad, &why), TIER_BAD);
	CU_ASSERT_STRING_EQUAL(why, "lockdwon");
	/* A bad floor stays bad whatever the job says. */
	why = NULL;
	CU_ASSERT_EQUAL(tier_decide(TIER_BAD, raise, &why), TIER_BAD);
	CU_ASSERT_PTR_NULL(why);
}

static void walk(const char *path, const char *file, const char *expect)
{
	struct path_walk w;
	char buf[PATH_MAX + NAME_MAX + 2], got[1024] = "";

	path_walk_init(&w, path);
	while (path_walk_next(&w, file, buf, sizeof(buf))) {
		strcat(got, buf);
		strcat(got, "|");
	}
	CU_ASSERT_STRING_EQUAL(got, expect);
}

static void test_path_walk(void)
{
	walk("/bin:/usr/bin", "ls", "/bin/ls|/usr/bin/ls|");
	/* Empty elements, leading, inner and trailing, mean the cwd. */
	walk(":/bin::", "ls", "ls|/bin/ls|ls|ls|");
	walk("", "ls", "ls|");
	walk("rel/dir", "x", "rel/dir/x|");
	walk("/a/", "x", "/a//x|");
}

static void test_path_walk_long(void)
{
	static char path[PATH_MAX * 2];

	/* glibc bounds PATH to PATH_MAX - 1 bytes: an element reaching past
	 * that is not tried; glibc 2.36 tries the cwd in its place when more
	 * elements follow, then the others. */
	memset(path, 'a', PATH_MAX + 10);
	path[0] = '/';
	strcpy(path + PATH_MAX + 10, ":/bin");
	walk(path, "ls", "ls|/bin/ls|");
	path[PATH_MAX + 10] = '\0';
	walk(path, "ls", "");
}

static void test_path_errors(void)
{
	static const int next[] = {EACCES, ENOENT, ESTALE, ENOTDIR, ENODEV, ETIMEDOUT};
	static const int stop[] = {ELOOP,   ENAMETOOLONG, E2BIG, ENOEXEC,
				   ETXTBSY, ENOMEM,	  EIO};

	for (size_t i = 0; i < sizeof(next) / sizeof(next[0]); i++)
		CU_ASSERT_TRUE(path_error_continues(next[i]));
	for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		CU_ASSERT_FALSE(path_error_continues(stop[i]));
}

static void rewrite(char **envp, const char *expect)
{
	struct preload_ids ids = {{"/lib/libcordon.so", "libcordon.so"}, 2};
	char *out[16], buf[512], got[1024] = "";

	CU_ASSERT_EQUAL_FATAL(env_rewrite(envp, &ids, out, 16, buf, sizeof(buf)), 0);
	for (char **e = out; *e; e++) {
		strcat(got, *e);
		strcat(got, "|");
	}
	CU_ASSERT_STRING_EQUAL(got, expect);
}

static void test_env_rewrite(void)
{
	rewrite((char *[]){"A=1", "CORDON_TIER=x", "CORDON_HELPER=/h", "B=2", NULL},
		"A=1|B=2|");
	/* Only our words go; others stay in order, with their separators. */
	rewrite((char *[]){"LD_PRELOAD=/lib/libcordon.so", "Z=1", NULL}, "Z=1|");
	rewrite((char *[]){"LD_PRELOAD=/lib/libcordon.so:/a.so /b.so", NULL},
		"LD_PRELOAD=/a.so /b.so|");
	rewrite((char *[]){"LD_PRELOAD=/a.so:libcordon.so:/b.so", NULL},
		"LD_PRELOAD=/a.so:/b.so|");
	rewrite((char *[]){"LD_PRELOAD=/a.so /lib/libcordon.so", NULL},
		"LD_PRELOAD=/a.so|");
	/* A look-alike is not ours; untouched values stay byte for byte. */
	rewrite((char *[]){"LD_PRELOAD= /x/libcordon.so: ", NULL},
		"LD_PRELOAD= /x/libcordon.so: |");
	rewrite((char *[]){"LD_PRELOAD=", "LD_PRELOAD=libcordon.so", NULL},
		"LD_PRELOAD=|");
	rewrite((char *[]){NULL}, "");
	CU_ASSERT_TRUE(env_is_cordon("CORDON_SANDBOX=x"));
	CU_ASSERT_FALSE(env_is_cordon("CORDONX=1"));
}

static void test_env_bounds(void)
{
	struct preload_ids ids = {{"libcordon.so"}, 1};
	char *in[] = {"A=1", "B=2", "LD_PRELOAD=/a.so:libcordon.so", NULL};
	char *out[4], buf[8];

	CU_ASSERT_EQUAL(env_rewrite(in, &ids, out, 2, buf, sizeof(buf)), E2BIG);
	CU_ASSERT_EQUAL(env_rewrite(in, &ids, out, 4, buf, sizeof(buf)), E2BIG);
}

static CU_TestInfo tests[] = {
    {"tier names are exact", test_tier_parse},
    {"job env raises, never lowers", test_tier_decide},
    {"PATH walk as glibc", test_path_walk},
    {"PATH longer than PATH_MAX", test_path_walk_long},
    {"PATH errors: next or stop", test_path_errors},
    {"target env rewrite", test_env_rewrite},
    {"target env bounds", test_env_bounds},
    CU_TEST_INFO_NULL,
};
TST_SUITE("shim.unit", tests)
