/* Unit tests of the helper's side of the contract (common/contract.c
 * req_parse, pure). */
#include "common/contract.h"
#include "tests/lib/tst.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])) - 1)

static void test_minimal(void)
{
	char *v[] = {"cordon-helper", "lockdown", "2049:131", "/bin/true", "true", NULL};
	struct helper_req a;

	CU_ASSERT_EQUAL_FATAL(req_parse(ARGC(v), v, &a, NULL), 0);
	CU_ASSERT_EQUAL(a.tier, TIER_LOCKDOWN);
	CU_ASSERT_EQUAL(a.dev, 2049);
	CU_ASSERT_EQUAL(a.ino, 131);
	CU_ASSERT_STRING_EQUAL(a.path, "/bin/true");
	CU_ASSERT_PTR_EQUAL(a.argv, v + 4);
	CU_ASSERT_FALSE(a.sh);
	CU_ASSERT_EQUAL(a.dirfd, -1);
	CU_ASSERT_EQUAL(a.cloexec, -1);
	CU_ASSERT_PTR_NULL(a.tmp_size);
}

static void test_options(void)
{
	char *v[] = {"h",	"--cloexec", "7",	 "--sh",
		     "--dirfd", "7",	     "hardened", "1:18446744073709551615",
		     "",	"",	     "x",	 NULL};
	struct helper_req a;

	CU_ASSERT_EQUAL_FATAL(req_parse(ARGC(v), v, &a, NULL), 0);
	CU_ASSERT_TRUE(a.sh);
	CU_ASSERT_EQUAL(a.dirfd, 7);
	CU_ASSERT_EQUAL(a.cloexec, 7);
	CU_ASSERT_EQUAL(a.tier, TIER_HARDENED);
	CU_ASSERT_EQUAL(a.ino, UINT64_MAX);
	CU_ASSERT_STRING_EQUAL(a.path, "");
	CU_ASSERT_STRING_EQUAL(a.argv[0], "");
	CU_ASSERT_STRING_EQUAL(a.argv[1], "x");
}

/* lockdown's tmpfs size: a tmpfs size= value, passed on as given. */
static void test_tmp_size(void)
{
	static const char *const good[] = {"1",
					   "64m",
					   "512K",
					   "2G",
					   "50%",
					   "100%",
					   "999999999999999",
					   "9223372036854775807",
					   "8589934591g",
					   "9007199254740991k"};
	/* 2^63 bytes and more wrap in the kernel's memparse(). */
	static const char *const bad[] = {"0",
					  "064m",
					  "1mb",
					  "m",
					  "-1",
					  "1.5g",
					  "1 m",
					  "",
					  "1t",
					  "101%",
					  "9223372036854775808",
					  "8589934592g",
					  "17179869184g",
					  "9007199254740992k",
					  "99999999999999999999999"};
	char *v[] = {"h", "--tmp-size", NULL, "lockdown", "1:2", "/p", "t", NULL};
	struct helper_req a;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v[2] = (char *)good[i];
		CU_ASSERT_EQUAL_FATAL(req_parse(ARGC(v), v, &a, NULL), 0);
		CU_ASSERT_STRING_EQUAL(a.tmp_size, good[i]);
		CU_ASSERT_STRING_EQUAL(a.path, "/p");
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;
		v[2] = (char *)bad[i];
		CU_ASSERT_EQUAL(req_parse(ARGC(v), v, &a, &why), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(why);
	}
}

/* Every line here is a shim/helper mismatch and must be refused. */
static void test_refused(void)
{
	static const char *const bad[][10] = {
	    {"h", NULL},
	    {"h", "lockdown", "1:2", "/bin/true", NULL},	/* no ARGV0 */
	    {"h", "Lockdown", "1:2", "/bin/true", "t", NULL},	/* tier case */
	    {"h", "none", "1:2", "/bin/true", "t", NULL},	/* not a sandbox */
	    {"h", "lockdown ", "1:2", "/bin/true", "t", NULL},	/* no trimming */
	    {"h", "lockdown", "12", "/bin/true", "t", NULL},	/* no colon */
	    {"h", "lockdown", ":2", "/bin/true", "t", NULL},	/* empty dev */
	    {"h", "lockdown", "1:", "/bin/true", "t", NULL},	/* empty ino */
	    {"h", "lockdown", "-1:2", "/bin/true", "t", NULL},	/* sign */
	    {"h", "lockdown", "+1:2", "/bin/true", "t", NULL},	/* sign */
	    {"h", "lockdown", "1:2:3", "/bin/true", "t", NULL}, /* extra field */
	    {"h", "lockdown", "1: 2", "/bin/true", "t", NULL},	/* space */
	    {"h", "lockdown", "1:18446744073709551616", "/p", "t", NULL}, /* overflow */
	    {"h", "lockdown", "1:2", "", "t", NULL},			  /* empty path */
	    {"h", "--dirfd", "lockdown", "1:2", "/p", "t", NULL},	  /* fd missing */
	    {"h", "--dirfd", "-3", "lockdown", "1:2", "/p", "t", NULL},
	    {"h", "--dirfd", "2147483648", "lockdown", "1:2", "/p", "t", NULL},
	    {"h", "--sh", "--sh", "lockdown", "1:2", "/p", "t", NULL}, /* repeated */
	    {"h", "--dirfd", "3", "--dirfd", "4", "lockdown", "1:2", "/p", NULL},
	    {"h", "--shell", "lockdown", "1:2", "/p", "t", NULL}, /* unknown */
	    {"h", "--cloexec", NULL},
	    {"h", "--tmp-size", NULL},
	    {"h", "--tmp-size", "1m", "--tmp-size", "1m", "lockdown", "1:2", "/p", NULL},
	    {"h", "--status-fd", "x", "lockdown", "1:2", "/p", "t", NULL},
	    {"h", "lockdown", "--", "/p", "t", NULL}, /* DEV:INO "-" only */
	    {"h", "--writable", "rel", "lockdown", "1:2", "/p", "t", NULL},
	    {"h", "--hidden", "/", "lockdown", "1:2", "/p", "t", NULL},
	    {"h", "--writable", "/a", "--writable", "/b", "lockdown", "1:2", "/p", NULL},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int argc = 0;
		struct helper_req a;
		const char *why = NULL;
		while (bad[i][argc])
			argc++;
		CU_ASSERT_EQUAL(req_parse(argc, (char **)bad[i], &a, &why), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(why);
	}
}

/* A parser gets fuzzed: random argv built from fragments that look like
 * what it expects and from random bytes. It must never crash, and whatever
 * it accepts must be consistent. */
static const char *const pieces[] = {
    "--sh",
    "--dirfd",
    "--cloexec",
    "--tmp-size",
    "64m",
    "--writable",
    "--hidden",
    "/srv:/a",
    "--",
    "-",
    "hardened",
    "lockdown",
    "none",
    "0",
    "1",
    "4294967295",
    "2147483647",
    "2147483648",
    "1:2",
    "0:0",
    ":",
    "18446744073709551615:1",
    "99999999999999999999:1",
    "",
    "/bin/true",
    "x",
};

static void test_fuzz(void)
{
	char bytes[64][8];
	char *v[16];
	unsigned seed = 12345;

	for (int round = 0; round < 200000; round++) {
		int argc = 1 + (int)(rand_r(&seed) % 10);
		struct helper_req a;
		v[0] = "h";
		for (int i = 1; i < argc; i++) {
			if (rand_r(&seed) % 8) {
				v[i] =
				    (char *)pieces[rand_r(&seed) %
						   (sizeof(pieces) / sizeof(pieces[0]))];
				continue;
			}
			char *b = bytes[i];
			for (int k = 0; k < 7; k++)
				b[k] = (char)(rand_r(&seed) % 256);
			b[rand_r(&seed) % 8] = '\0';
			b[7] = '\0';
			v[i] = b;
		}
		v[argc] = NULL;
		if (req_parse(argc, v, &a, NULL) != 0)
			continue;
		CU_ASSERT_TRUE(a.tier == TIER_HARDENED || a.tier == TIER_LOCKDOWN);
		CU_ASSERT_TRUE(a.argv > v && a.argv < v + argc);
		CU_ASSERT_TRUE(a.argv[-1] == a.path);
		CU_ASSERT_TRUE(*a.path || a.dirfd >= 0);
		CU_ASSERT_TRUE(a.dirfd >= -1 && a.cloexec >= -1);
	}
}

/* DEV:INO "-": the helper takes the file PATH names when it starts (for
 * callers that resolve nothing themselves: the launcher, the benchmarks). */
static void test_any_file(void)
{
	char *v[] = {"h", "--status-fd", "9", "hardened", "-", "/bin/true", "true", NULL};
	struct helper_req a;

	CU_ASSERT_EQUAL_FATAL(req_parse(ARGC(v), v, &a, NULL), 0);
	CU_ASSERT_TRUE(a.any_file);
	CU_ASSERT_EQUAL(a.status_fd, 9);
	CU_ASSERT_STRING_EQUAL(a.path, "/bin/true");
}

/* --writable and --hidden: absolute canonical paths, ':' between them. */
static void test_paths(void)
{
	static const char *const good[] = {
	    "",	       "/",	   "/srv", "/srv/a:/srv/b", "/a b/c", "/.hidden/..x/x.",
	    "/procfs", "/srv/proc"};
	static const char *const bad[] = {"rel",   "/a:",     ":/a",	"/a::/b", "/a/",
					  "//a",   "/a//b",   "/a/./b", "/a/..",  "/./a",
					  "/proc", "/proc/1", "/a:rel"};
	char many[PATHS_MAX * 3 + 8] = "", big[PATHS_LEN + 8];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CU_ASSERT_TRUE(writable_ok(good[i]));
		CU_ASSERT_EQUAL(hidden_ok(good[i]), strcmp(good[i], "/") != 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_FALSE(writable_ok(bad[i]));
		CU_ASSERT_FALSE(hidden_ok(bad[i]));
	}
	for (int i = 0; i < PATHS_MAX; i++)
		strcat(many, i ? ":/a" : "/a");
	CU_ASSERT_TRUE(writable_ok(many));
	strcat(many, ":/a");
	CU_ASSERT_FALSE(writable_ok(many));
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[PATHS_LEN + 1] = '\0';
	CU_ASSERT_FALSE(writable_ok(big));
	/* The walk: each path, none empty between. */
	const char *cur = paths_start("/a:/bb"), *p;
	size_t n;
	CU_ASSERT_TRUE(paths_next(&cur, &p, &n) && n == 2 && !strncmp(p, "/a", 2));
	CU_ASSERT_TRUE(paths_next(&cur, &p, &n) && n == 3 && !strncmp(p, "/bb", 3));
	CU_ASSERT_FALSE(paths_next(&cur, &p, &n));
	cur = paths_start("");
	CU_ASSERT_FALSE(paths_next(&cur, &p, &n));
	CU_ASSERT_TRUE(path_within("/a/b", 4, "/a", 2));
	CU_ASSERT_TRUE(path_within("/a", 2, "/a", 2));
	CU_ASSERT_FALSE(path_within("/ab", 3, "/a", 2));
	CU_ASSERT_TRUE(path_within("/ab", 3, "/", 1));
}

/* The launcher's question (cordon-helper --validate NAME VALUE). */
static void test_value_ok(void)
{
	const char *why = NULL;

	CU_ASSERT_EQUAL(req_value_ok("tmp-size", "64m", &why), 0);
	CU_ASSERT_EQUAL(req_value_ok("tmp-size", "8589934592g", &why), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(why);
	CU_ASSERT_EQUAL(req_value_ok("dirfd", "3", &why), -ENOENT);
	CU_ASSERT_EQUAL(req_value_ok("sh", "", &why), -ENOENT);
	CU_ASSERT_EQUAL(req_value_ok("nope", "1", &why), -ENOENT);
	CU_ASSERT_EQUAL(req_value_ok("writable", "/srv:/home/u", &why), 0);
	CU_ASSERT_EQUAL(req_value_ok("hidden", "/", &why), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "absolute paths"));
}

static CU_TestInfo tests[] = {
    {"minimal command line", test_minimal},
    {"DEV:INO -, --status-fd", test_any_file},
    {"values of options, as the launcher asks", test_value_ok},
    {"all options, empty PATH with --dirfd, extreme numbers", test_options},
    {"malformed command lines refused", test_refused},
    {"--tmp-size: tmpfs sizes only", test_tmp_size},
    {"--writable, --hidden: lists of canonical paths", test_paths},
    {"random command lines (fuzz)", test_fuzz},
    CU_TEST_INFO_NULL,
};
TST_SUITE("contract.parse", tests)
