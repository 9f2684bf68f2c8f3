/* See sutil.h. */
#include "tests/shim/sutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Many jobs at once on a loaded machine take their time. */
enum { S_TIMEOUT_MS = 15000 };

int s_run(const char *tier, const char *const *extra, char *const argv[],
	  struct tst_proc *res)
{
	return s_run_in(tier, extra, NULL, argv, res);
}

int s_run_in(const char *tier, const char *const *extra, const char *input,
	     char *const argv[], struct tst_proc *res)
{
	struct tst_how how = {
	    .tier = tier, .env = extra, .input = input, .timeout_ms = S_TIMEOUT_MS};

	return tst_cordon_run(&how, argv, res);
}

static void same(enum tst_jobs jobs, const char *const *extra, const char *input,
		 char *const argv[])
{
	struct tst_cmp c = {
	    .how = {.env = extra, .input = input, .timeout_ms = S_TIMEOUT_MS},
	    .jobs = jobs};

	tst_assert_same(&c, argv);
}

void s_assert_same(char *const argv[])
{
	same(TST_JOBS, NULL, NULL, argv);
}

void s_assert_same_env(const char *const *extra, char *const argv[])
{
	same(TST_JOBS, extra, NULL, argv);
}

void s_assert_same_in(const char *const *extra, const char *input, char *const argv[])
{
	same(TST_JOBS, extra, input, argv);
}

void s_assert_same_jobs(enum tst_jobs jobs, const char *const *extra, char *const argv[])
{
	same(jobs, extra, NULL, argv);
}

const char *s_host(const char *name)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/hosts/%s", name);
	return tst_build(rel);
}

const char *s_prog(const char *name)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/lib/%s", name);
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
