/* helper/fmt.c against libc's snprintf and strtoul, on what the helper
 * formats and parses. */
#include "tests/lib/tst.h"

#include "helper/helper.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void same_as_snprintf(void)
{
	char a[64], b[64];
	const int ints[] = {0, 7, -1, INT_MAX, INT_MIN};

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		size_t n =
		    fmt_sn(a, sizeof(a), "fd %d, %u%%", ints[i], (unsigned)ints[i]);
		int m = snprintf(b, sizeof(b), "fd %d, %u%%", ints[i], (unsigned)ints[i]);
		CU_ASSERT_STRING_EQUAL(a, b);
		CU_ASSERT_EQUAL(n, (size_t)m);
	}
	fmt_sn(a, sizeof(a), "%lu %llu %s.", ULONG_MAX, ULLONG_MAX, "x");
	snprintf(b, sizeof(b), "%lu %llu %s.", ULONG_MAX, ULLONG_MAX, "x");
	CU_ASSERT_STRING_EQUAL(a, b);
}

static void truncates_like_snprintf(void)
{
	char a[8];

	/* snprintf's contract: at most size-1 bytes and a NUL; the return is
	 * the length the whole text needs. */
	CU_ASSERT_EQUAL(fmt_sn(a, sizeof(a), "/proc/%d/%s", 123456, "uid_map"), 20);
	CU_ASSERT_STRING_EQUAL(a, "/proc/1");
	CU_ASSERT_EQUAL(fmt_sn(a, 0, "%s", "abc"), 3);
}

static void parses_like_strtoul(void)
{
	const char *lines = "         0          0 4294967295\n 1000 1000 1\n";
	const char *p = lines, *end;
	char *cend;
	const char *q = lines;

	for (int i = 0; i < 6; i++) {
		unsigned long v = fmt_ul(p, &end);
		unsigned long w = strtoul(q, &cend, 10);
		CU_ASSERT_EQUAL(v, w);
		CU_ASSERT_PTR_EQUAL(end, cend);
		p = end;
		q = cend;
	}
}

static CU_TestInfo tests[] = {
    {"formats as snprintf does", same_as_snprintf},
    {"truncates as snprintf does", truncates_like_snprintf},
    {"parses id maps as strtoul does", parses_like_strtoul},
    CU_TEST_INFO_NULL,
};
TST_SUITE("helper.fmt", tests)
