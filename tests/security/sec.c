/* See sec.h. */
#include "tests/security/sec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sec_prog(const char *name)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "tests/security/%s", name);
	return tst_build(rel);
}

char *sec_out(const char *tier, const char *const *wrap, char *const argv[])
{
	struct tst_how how = {
	    .via = TST_HELPER, .tier = tier, .wrap = wrap, .timeout_ms = 20000};
	struct tst_proc r;
	char *out = NULL;

	if (tst_cordon_run(&how, argv, &r) == 0) {
		CU_ASSERT_EQUAL(r.status, 0);
		if (r.status == 0)
			out = strdup(r.out);
		else
			printf("\n    %s %s: status %#x, stderr: %s\n",
			       tier ? tier : "plain", argv[0], r.status, r.err);
		tst_proc_free(&r);
	} else {
		CU_FAIL("could not start the command");
	}
	return out;
}

void sec_expect(const char *tier, const char *const *wrap, char *const argv[],
		const char *want)
{
	char *out = sec_out(tier, wrap, argv);

	if (!out)
		return;
	CU_ASSERT_STRING_EQUAL(out, want);
	if (strcmp(out, want)) {
		printf("\n    %s:", tier ? tier : "plain (control)");
		for (char *const *a = argv; *a; a++)
			printf(" %s", *a);
		printf("\n      got  %s      want %s", out, want);
	}
	free(out);
}

bool sec_sandbox_ok(void)
{
	return tst_sandbox_ok();
}

unsigned long long sec_all_caps(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int last = 40;

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = 40;
		fclose(f);
	}
	return (2ULL << last) - 1;
}
