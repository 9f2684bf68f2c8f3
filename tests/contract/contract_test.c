/* The shim builds the helper's command line and the helper parses it, both
 * with common/contract.c: what one end writes, the other reads back as the
 * same job; and the exact words the shim writes. */
#include "common/contract.h"
#include "tests/lib/tst.h"

#include <errno.h>
#include <string.h>

static void round_trip(const struct helper_req *h, char *const *argv)
{
	char *out[64];
	struct req_num num;
	struct helper_req req = *h, c;
	int argc = 0;

	req.argv = argv;
	CU_ASSERT_EQUAL_FATAL(req_build(&req, "/h", &num, out, 64), 0);
	while (out[argc])
		argc++;
	CU_ASSERT_EQUAL_FATAL(req_parse(argc, out, &c, NULL), 0);
	CU_ASSERT_EQUAL(c.sh, h->sh);
	CU_ASSERT_EQUAL(c.dirfd, h->dirfd);
	CU_ASSERT_EQUAL(c.cloexec, h->cloexec);
	CU_ASSERT_EQUAL(c.status_fd, h->status_fd);
	CU_ASSERT_EQUAL(c.tier, h->tier);
	CU_ASSERT_EQUAL(c.any_file, h->any_file);
	if (!h->any_file) {
		CU_ASSERT_EQUAL(c.dev, h->dev);
		CU_ASSERT_EQUAL(c.ino, h->ino);
	}
	CU_ASSERT_STRING_EQUAL(c.path, h->path);
	const char *const *values[][2] = {
	    {&c.tmp_size, &h->tmp_size}, {&c.writable, &h->writable},
	    {&c.hidden, &h->hidden},	 {&c.orphans, &h->orphans},
	    {&c.limits, &h->limits},	 {&c.cgroup, &h->cgroup}};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if (*values[i][1]) {
			CU_ASSERT_STRING_EQUAL(*values[i][0], *values[i][1]);
		} else {
			CU_ASSERT_PTR_NULL(*values[i][0]);
		}
	}
	/* argv verbatim, argv[0] included; argc 0 arrives as {""}. */
	if (!argv[0]) {
		CU_ASSERT_STRING_EQUAL(c.argv[0], "");
		CU_ASSERT_PTR_NULL(c.argv[1]);
		return;
	}
	for (int i = 0; argv[i] || c.argv[i]; i++) {
		CU_ASSERT_FATAL(argv[i] && c.argv[i]);
		CU_ASSERT_STRING_EQUAL(c.argv[i], argv[i]);
	}
}

static struct helper_req req(enum tier t, uint64_t dev, uint64_t ino, const char *path)
{
	struct helper_req r;

	req_init(&r);
	r.tier = t;
	r.dev = dev;
	r.ino = ino;
	r.path = path;
	return r;
}

static void every_option(void)
{
	/* Arguments that look like the helper's own options must stay the
	 * target's. */
	char *argv[] = {"--sh", "--dirfd", "7", "--tmp-size", "1m", "--", "-", "", NULL};
	struct helper_req plain = req(TIER_HARDENED, 1, 2, "/bin/x");
	struct helper_req all = req(TIER_LOCKDOWN, UINT64_MAX, 0, "");
	struct helper_req rel = req(TIER_LOCKDOWN, 64769, 131, "-rel");
	struct helper_req any = req(TIER_HARDENED, 0, 0, "/bin/x");

	all.sh = true;
	all.dirfd = all.cloexec = 5;
	all.tmp_size = "64M";
	all.status_fd = 2;
	all.writable = "/srv/a:/srv/b c:/";
	all.hidden = "/home/u/.ssh";
	all.orphans = "kill";
	all.limits = "pids=8,mem=1048576";
	all.cgroup = "/sys/fs/cgroup/jobs";
	rel.sh = true;
	rel.tmp_size = "25%";
	rel.writable = ""; /* a read-only host, nothing writable */
	any.any_file = true;
	round_trip(&plain, argv);
	round_trip(&all, argv);
	round_trip(&rel, argv);
	round_trip(&any, argv);
}

static void argc_zero(void)
{
	char *argv[] = {NULL};
	struct helper_req h = req(TIER_HARDENED, 3, 4, "/bin/true");

	round_trip(&h, argv);
}

static void exact_words(void)
{
	struct helper_req h = req(TIER_LOCKDOWN, 2049, UINT64_MAX, "x");
	struct req_num num;
	char *out[32], got[512] = "";
	char *argv[] = {"zero", "one", NULL};

	h.sh = true;
	h.dirfd = h.cloexec = 3;
	h.tmp_size = "64m";
	h.status_fd = 4;
	h.writable = "/w";
	h.hidden = "/h:/k";
	h.orphans = "kill";
	h.limits = "time=5";
	h.cgroup = "/c";
	h.argv = argv;
	CU_ASSERT_EQUAL_FATAL(req_build(&h, "/h", &num, out, 32), 0);
	for (char **a = out; *a; a++) {
		strcat(got, *a);
		strcat(got, "|");
	}
	CU_ASSERT_STRING_EQUAL(got, "/h|--sh|--dirfd|3|--cloexec|3|--tmp-size|64m|"
				    "--status-fd|4|--orphans|kill|--writable|/w|--hidden|"
				    "/h:/k|--limits|time=5|--cgroup|/c|lockdown|"
				    "2049:18446744073709551615|x|"
				    "zero|one|");
	/* Every option at once still fits REQ_ARGV_EXTRA. */
	CU_ASSERT_EQUAL(req_build(&h, "/h", &num, out, 2 + REQ_ARGV_EXTRA), 0);
	CU_ASSERT_EQUAL(req_build(&h, "/h", &num, out, 1 + REQ_ARGV_EXTRA), E2BIG);
}

static void plain_words(void)
{
	struct helper_req h = req(TIER_HARDENED, 0, 7, "/bin/true");
	struct req_num num;
	char *out[REQ_ARGV_EXTRA + 1];
	char *empty[] = {NULL};

	/* argc 0: the kernel would run it with argv {""}. */
	h.argv = empty;
	CU_ASSERT_EQUAL_FATAL(req_build(&h, "/h", &num, out, REQ_ARGV_EXTRA + 1), 0);
	CU_ASSERT_STRING_EQUAL(out[1], "hardened");
	CU_ASSERT_STRING_EQUAL(out[2], "0:7");
	CU_ASSERT_STRING_EQUAL(out[4], "");
	CU_ASSERT_PTR_NULL(out[5]);
	h.argv = (char *[]){"a", "b", NULL};
	CU_ASSERT_EQUAL(req_build(&h, "/h", &num, out, REQ_ARGV_EXTRA), E2BIG);
}

static void tiers(void)
{
	CU_ASSERT_STRING_EQUAL(tier_name(TIER_LOCKDOWN), "lockdown");
	CU_ASSERT_STRING_EQUAL(tier_name(TIER_BAD), "?");
	CU_ASSERT_EQUAL(tier_parse("hardened"), TIER_HARDENED);
	CU_ASSERT_EQUAL(tier_parse("Hardened"), TIER_BAD);
}

static void decimal(void)
{
	char b[U64_DIGITS];

	CU_ASSERT_STRING_EQUAL((fmt_u64(b, 0), b), "0");
	CU_ASSERT_STRING_EQUAL((fmt_u64(b, 1234567890), b), "1234567890");
	CU_ASSERT_EQUAL(fmt_u64(b, 42) - b, 2);
}

static CU_TestInfo tests[] = {
    {"shim-built command lines parse back to the same job", every_option},
    {"argc 0 reaches the helper as the kernel would make it", argc_zero},
    {"the exact words, every option at once", exact_words},
    {"no option; argc 0; bounds", plain_words},
    {"tier names", tiers},
    {"decimal formatting", decimal},
    CU_TEST_INFO_NULL,
};
TST_SUITE("contract", tests)
