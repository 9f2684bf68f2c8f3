/* See sec.h. */
#include "tests/security/sec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *sec_prog(const char *name)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "tests/security/%s", name);
	return tst_build(rel);
}

static struct tst_how how_of(const char *tier, const struct sec_fs *fs,
			     const char *const *wrap)
{
	return (struct tst_how){.via = TST_HELPER,
				.tier = tier,
				.wrap = wrap,
				.timeout_ms = 20000,
				.writable = fs ? fs->writable : NULL,
				.hidden = fs ? fs->hidden : NULL};
}

int sec_run(const char *tier, const struct sec_fs *fs, char *const argv[],
	    struct tst_proc *res)
{
	struct tst_how how = how_of(tier, fs, NULL);

	return tst_cordon_run(&how, argv, res);
}

static char *out_of(const char *tier, const struct sec_fs *fs, const char *const *wrap,
		    char *const argv[])
{
	struct tst_how how = how_of(tier, fs, wrap);
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

const char *const sec_as_65534[] = {"setpriv", "--reuid=65534", "--regid=65534",
				    "--clear-groups", NULL};

char *sec_out(const char *tier, const char *const *wrap, char *const argv[])
{
	return out_of(tier, NULL, wrap, argv);
}

char *sec_out_fs(const char *tier, const struct sec_fs *fs, const char *const *wrap,
		 char *const argv[])
{
	size_t n = 0;
	char *out;

	if (!tier)
		return out_of(NULL, fs, wrap, argv);
	while (argv[n])
		n++;
	char **v = calloc(n + 2, sizeof(*v));
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	v[0] = (char *)tst_nsreport();
	memcpy(v + 1, argv, (n + 1) * sizeof(*v));
	tst_ns_reset();
	out = out_of(tier, fs, wrap, v);
	if (tst_ns_check(tier, tier) != 1) {
		CU_FAIL("the attempt did not report its namespaces once");
		printf("\n    %s %s: no proof it ran sandboxed\n", tier, argv[0]);
	}
	free(v);
	return out;
}

char *sec_out_ns(const char *tier, const char *const *wrap, char *const argv[])
{
	return sec_out_fs(tier, NULL, wrap, argv);
}

static void expect(const char *tier, const char *out, char *const argv[],
		   const char *want)
{
	if (!out)
		return;
	CU_ASSERT_STRING_EQUAL(out, want);
	if (strcmp(out, want)) {
		printf("\n    %s:", tier ? tier : "plain (control)");
		for (char *const *a = argv; *a; a++)
			printf(" %s", *a);
		printf("\n      got  %s      want %s", out, want);
	}
}

void sec_expect(const char *tier, const char *const *wrap, char *const argv[],
		const char *want)
{
	char *out = sec_out(tier, wrap, argv);

	expect(tier, out, argv, want);
	free(out);
}

void sec_expect_ns(const char *tier, const char *const *wrap, char *const argv[],
		   const char *want)
{
	char *out = sec_out_ns(tier, wrap, argv);

	expect(tier, out, argv, want);
	free(out);
}

void sec_expect_fs(const char *tier, const struct sec_fs *fs, const char *const *wrap,
		   char *const argv[], const char *want)
{
	char *out = sec_out_fs(tier, fs, wrap, argv);

	expect(tier, out, argv, want);
	free(out);
}

void sec_assert_sandboxed(const char *tier, const struct sec_fs *fs)
{
	char *argv[] = {"true", NULL};

	free(sec_out_fs(tier, fs, NULL, argv));
}

int sec_landlock_abi(void)
{
	static int abi = -1;

	if (abi < 0) {
		char *argv[] = {(char *)tst_build("cordon-helper"), "--features", NULL};
		struct tst_proc r;
		const char *l;
		abi = 0;
		if (tst_run(argv, NULL, &r) == 0) {
			if ((l = strstr(r.out, "landlock ")))
				abi = atoi(l + 9);
			tst_proc_free(&r);
		}
	}
	return abi;
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
