/* The one CUnit runner: every suite registered with TST_SUITE, in name
 * order. Optional arguments select suites by name prefix. */
#include "tests/lib/tst.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct reg {
	const char *name;
	CU_TestInfo *tests;
};

static struct reg regs[128];
static size_t nregs;
extern unsigned tst_skipped;

void tst_register(const char *name, CU_TestInfo *tests)
{
	if (nregs == sizeof(regs) / sizeof(regs[0])) {
		fprintf(stderr, "tests: too many suites\n");
		exit(2);
	}
	regs[nregs].name = name;
	regs[nregs].tests = tests;
	nregs++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct reg *)a)->name, ((const struct reg *)b)->name);
}

static int selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strncmp(name, argv[i], strlen(argv[i])) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	qsort(regs, nregs, sizeof(regs[0]), by_name);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < nregs; i++) {
		if (!selected(regs[i].name, argc, argv))
			continue;
		CU_pSuite s = CU_add_suite(regs[i].name, NULL, NULL);
		for (CU_TestInfo *t = regs[i].tests; s && t->pName; t++)
			CU_add_test(s, t->pName, t->pTestFunc);
	}
	printf("cordon tests as uid %u\n", (unsigned)getuid());
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_tests_failed();
	unsigned ran = CU_get_number_of_tests_run();
	printf("\n%u passed, %u failed, %u skipped\n", ran - failed - tst_skipped, failed,
	       tst_skipped);
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
