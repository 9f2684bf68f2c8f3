/* See sec.h. */
#include "tests/security/sec.h"
#include "tests/helper/hutil.h"

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

char *sec_out(const char *tier, const char *const *wrap, char *const argv[])
{
	return sec_out_opts(tier, NULL, wrap, argv);
}

char *sec_out_opts(const char *tier, const char *const *hopts, const char *const *wrap,
		   char *const argv[])
{
	char **cmd = tier ? h_cmdline(tier, hopts, argv) : NULL;
	char *const *inner = cmd ? cmd : argv;
	size_t nw = 0, ni = 0;
	struct tst_proc r;
	char *out = NULL;

	while (wrap && wrap[nw])
		nw++;
	while (inner[ni])
		ni++;
	char **v = calloc(nw + ni + 1, sizeof(*v));
	for (size_t i = 0; wrap && i < nw; i++)
		v[i] = (char *)wrap[i];
	for (size_t i = 0; i < ni; i++)
		v[nw + i] = inner[i];
	struct tst_opts o = {.timeout_ms = 20000};
	if (tst_run(v, &o, &r) == 0) {
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
	free(v);
	h_free(cmd);
	return out;
}

void sec_expect(const char *tier, const char *const *wrap, char *const argv[],
		const char *want)
{
	sec_expect_opts(tier, NULL, wrap, argv, want);
}

void sec_assert_sandboxed(const char *tier, const char *const *hopts)
{
	static const char *const nss[] = {"user", "pid", "ipc", "mnt", "net"};
	char *argv[] = {
	    "sh", "-c",
	    "for n in user pid ipc mnt net; do readlink /proc/self/ns/$n; done", NULL};
	char *out = sec_out_opts(tier, hopts, NULL, argv);

	if (!out)
		return;
	for (size_t i = 0; i < sizeof(nss) / sizeof(nss[0]); i++) {
		char link[64], own[64] = "";
		snprintf(link, sizeof(link), "/proc/self/ns/%s", nss[i]);
		ssize_t n = readlink(link, own, sizeof(own) - 1);
		CU_ASSERT_TRUE_FATAL(n > 0);
		own[n] = '\0';
		bool fresh = i < 4 || strcmp(tier, "lockdown") == 0;
		CU_ASSERT_EQUAL(strstr(out, own) == NULL, fresh);
		if ((strstr(out, own) == NULL) != fresh)
			printf("\n    %s: %s is %s the runner's", tier, nss[i],
			       fresh ? "still" : "not");
	}
	free(out);
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

void sec_expect_opts(const char *tier, const char *const *hopts, const char *const *wrap,
		     char *const argv[], const char *want)
{
	char *out = sec_out_opts(tier, hopts, wrap, argv);

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
	static int ok = -1;
	static char why[256];

	if (ok < 0) {
		struct tst_proc r;
		if (h_sh("hardened", "true", &r) < 0) {
			ok = 0;
			snprintf(why, sizeof(why), "cannot run the helper");
		} else {
			ok = r.status == 0;
			if (!ok)
				snprintf(why, sizeof(why),
					 "the helper cannot build a sandbox here: %s",
					 r.err);
			tst_proc_free(&r);
		}
	}
	if (!ok)
		tst_skip("%s", why);
	return ok;
}
