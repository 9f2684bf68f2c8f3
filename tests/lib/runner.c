/* The one CUnit runner: every suite registered with TST_SUITE, in name
 * order.
 *
 *	cordon-tests [-x PREFIX]... [PREFIX | SUITE/TEST-PREFIX]...
 *
 * PREFIX arguments select the suites whose names start with one of them,
 * SUITE/TEST-PREFIX the tests of suite SUITE whose names start so (none:
 * all); -x PREFIX leaves out the suites starting with PREFIX. */
#include "tests/lib/cordon.h"

#include <CUnit/Basic.h>
#include <signal.h>
#include <stdbool.h>
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

static bool starts(const char *name, const char *prefix)
{
	return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* Whether selector (SUITE-PREFIX, or SUITE/TEST-PREFIX: that suite's
 * tests whose names start so) takes test of suite; test NULL: any of it. */
static bool takes(const char *sel, const char *suite, const char *test)
{
	const char *slash = strchr(sel, '/');

	if (!slash)
		return starts(suite, sel);
	return strlen(suite) == (size_t)(slash - sel) &&
	       strncmp(suite, sel, (size_t)(slash - sel)) == 0 &&
	       (!test || starts(test, slash + 1));
}

static bool selected(const char *suite, const char *test, int argc, char **argv)
{
	bool chosen = false, any = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-x") == 0 && i + 1 < argc) {
			if (starts(suite, argv[++i]))
				return false;
			continue;
		}
		any = true;
		chosen |= takes(argv[i], suite, test);
	}
	return chosen || !any;
}

/* The suites compare jobs with plain runs of the same programs: both start
 * from the default dispositions, whatever the runner inherited (under
 * nohup, an ignored SIGHUP would make every shell's HUP trap a no-op,
 * plainly and sandboxed alike). SIGPIPE stays as it came. */
static void default_dispositions(void)
{
	for (int s = 1; s < NSIG; s++) {
		struct sigaction sa;
		if (s != SIGKILL && s != SIGSTOP && s != SIGPIPE &&
		    sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			signal(s, SIG_DFL);
	}
}

int main(int argc, char **argv)
{
	default_dispositions();
	qsort(regs, nregs, sizeof(regs[0]), by_name);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < nregs; i++) {
		if (!selected(regs[i].name, NULL, argc, argv))
			continue;
		CU_pSuite s = CU_add_suite(regs[i].name, NULL, NULL);
		for (CU_TestInfo *t = regs[i].tests; s && t->pName; t++)
			if (selected(regs[i].name, t->pName, argc, argv))
				CU_add_test(s, t->pName, t->pTestFunc);
	}
	/* Where every job of the comparisons reports its namespaces. */
	if (setenv(TST_NS_VAR, tst_ns_file(), 1) < 0)
		return 2;
	tst_ns_reset();
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
