/* See sutil.h. */
#include "tests/shim/sutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const char *const cordon_vars[] = {"CORDON_TIER",    "CORDON_HELPER",
					  "CORDON_SANDBOX", "CORDON_SANDBOX_USERNS",
					  "LD_PRELOAD",	    NULL};

int s_run(const char *tier, const char *const *extra, char *const argv[],
	  struct tst_proc *res)
{
	return s_run_in(tier, extra, NULL, argv, res);
}

int s_run_in(const char *tier, const char *const *extra, const char *input,
	     char *const argv[], struct tst_proc *res)
{
	static char preload[4200], helper[4200];
	const char *add[16];
	bool own_helper = false;
	size_t n = 0;
	char tv[64];

	/* Once: tst_build()'s ring must keep holding the caller's argv. */
	if (!preload[0]) {
		snprintf(preload, sizeof(preload), "LD_PRELOAD=%s",
			 tst_build("libcordon.so"));
		snprintf(helper, sizeof(helper), "CORDON_HELPER=%s",
			 tst_build("cordon-helper"));
	}
	if (tier) {
		snprintf(tv, sizeof(tv), "CORDON_TIER=%s", tier);
		add[n++] = preload;
		add[n++] = tv;
	}
	for (; extra && *extra && n < 14; extra++) {
		own_helper |= strncmp(*extra, "CORDON_HELPER=", 14) == 0;
		add[n++] = *extra;
	}
	/* This build's helper, even where another one is installed at the
	 * compiled-in path (test_helper_next_to_lib covers the lookup). */
	if (tier && !own_helper)
		add[n++] = helper;
	add[n] = NULL;
	char **env = tst_env(add, cordon_vars);
	struct tst_opts o = {.envp = env, .input = input, .timeout_ms = 15000};
	int rc = tst_run(argv, &o, res);
	tst_env_free(env);
	return rc;
}

bool s_sandbox_ok(void)
{
	static int ok = -1;
	static char why[512];

	if (ok < 0) {
		struct tst_proc r;
		char *argv[] = {(char *)s_host("posix_spawn"), "/bin/true", "true", NULL};
		ok = s_run("hardened", NULL, argv, &r) == 0 && WIFEXITED(r.status) &&
		     WEXITSTATUS(r.status) == 0 && strncmp(r.out, "exit 0\n", 7) == 0;
		if (!ok)
			snprintf(why, sizeof(why),
				 "the helper cannot build a sandbox here (%s): %.300s",
				 tst_build("cordon-helper"), r.err ? r.err : "");
		tst_proc_free(&r);
	}
	/* One SKIPPED per test, however many comparisons it makes. */
	static CU_pTest skipped;
	if (!ok && CU_get_current_test() != skipped) {
		skipped = CU_get_current_test();
		tst_skip("%s", why);
	}
	return ok;
}

static void assert_equal(const char *tier, char *const argv[], const struct tst_proc *a,
			 const struct tst_proc *b)
{
	bool same = a->status == b->status && strcmp(a->out, b->out) == 0 &&
		    strcmp(a->err, b->err) == 0 && !b->timed_out;

	CU_ASSERT_TRUE(same);
	if (!same)
		printf("\n    differs at tier %s: %s %s %s\n    plain: "
		       "%#x\n%.1500s%.500s    "
		       "cordon: %#x\n%.1500s%.500s",
		       tier, argv[0], argv[1] ? argv[1] : "",
		       argv[1] && argv[2] ? argv[2] : "", a->status, a->out, a->err,
		       b->status, b->out, b->err);
}

void s_assert_same_env(const char *const *extra, char *const argv[])
{
	s_assert_same_in(extra, NULL, argv);
}

void s_assert_same_in(const char *const *extra, const char *input, char *const argv[])
{
	static const char *const tiers[] = S_TIERS;
	struct tst_proc plain;

	CU_ASSERT_EQUAL_FATAL(s_run_in(NULL, extra, input, argv, &plain), 0);
	for (int t = 0; t < S_NTIERS; t++) {
		struct tst_proc r;
		if (t > 0 && !s_sandbox_ok())
			break;
		CU_ASSERT_EQUAL_FATAL(s_run_in(tiers[t], extra, input, argv, &r), 0);
		assert_equal(tiers[t], argv, &plain, &r);
		tst_proc_free(&r);
	}
	tst_proc_free(&plain);
}

void s_assert_same(char *const argv[])
{
	s_assert_same_env(NULL, argv);
}

const char *s_host(const char *name)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/shim/%s", name);
	return tst_build(rel);
}

unsigned long long s_ns(const char *ns)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/self/ns/%s", ns);
	return stat(p, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

unsigned long long s_ns_of(const char *out, const char *ns)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "ns %s ", ns);
	p = out ? strstr(out, key) : NULL;
	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}
