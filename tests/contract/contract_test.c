/* The shim builds the helper's command line (shim/argv.c) and the helper
 * parses it (helper/args.c): two ends of one contract, tested against each
 * other so that neither can drift alone. */
#include "tests/contract/contract.h"
#include "tests/lib/tst.h"

#include "shim/shim.h"

#include <string.h>

static void round_trip(const struct helper_cmd *h, char *const *argv)
{
	char *out[32];
	struct helper_num num;
	struct contract_cmd c;
	int argc = 0;

	CU_ASSERT_EQUAL_FATAL(helper_argv(h, argv, &num, out, 32), 0);
	while (out[argc])
		argc++;
	CU_ASSERT_EQUAL_FATAL(contract_parse(argc, out, &c), 0);
	CU_ASSERT_EQUAL(c.sh, h->sh);
	CU_ASSERT_EQUAL(c.dirfd, h->dirfd);
	CU_ASSERT_EQUAL(c.cloexec, h->cloexec);
	CU_ASSERT_STRING_EQUAL(c.tier, tier_str(h->tier));
	CU_ASSERT_EQUAL(c.dev, h->dev);
	CU_ASSERT_EQUAL(c.ino, h->ino);
	CU_ASSERT_STRING_EQUAL(c.path, h->path);
	if (h->tmp_size) {
		CU_ASSERT_STRING_EQUAL(c.tmp_size, h->tmp_size);
	} else {
		CU_ASSERT_PTR_NULL(c.tmp_size);
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

static void every_option(void)
{
	/* Arguments that look like the helper's own options must stay the
	 * target's. */
	char *argv[] = {"--sh", "--dirfd", "7", "--tmp-size", "1m", "--", "-", "", NULL};
	struct helper_cmd plain = {"/h", false, -1,	  -1,  TIER_HARDENED,
				   1,	 2,	"/bin/x", NULL};
	struct helper_cmd all = {"/h",	     true, 5,  5,    TIER_LOCKDOWN,
				 UINT64_MAX, 0,	   "", "64M"};
	struct helper_cmd rel = {"/h",	true, -1,     -1,   TIER_LOCKDOWN,
				 64769, 131,  "-rel", "25%"};

	round_trip(&plain, argv);
	round_trip(&all, argv);
	round_trip(&rel, argv);
}

static void argc_zero(void)
{
	char *argv[] = {NULL};
	struct helper_cmd h = {"/h", false, -1,		 -1,  TIER_HARDENED,
			       3,    4,	    "/bin/true", NULL};

	round_trip(&h, argv);
}

static CU_TestInfo tests[] = {
    {"shim-built command lines parse back to the same job", every_option},
    {"argc 0 reaches the helper as the kernel would make it", argc_zero},
    CU_TEST_INFO_NULL,
};
TST_SUITE("contract", tests)
