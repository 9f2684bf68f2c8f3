/* CORDON_WRITABLE and CORDON_HIDDEN: the host's lists, canonical since
 * load, narrowed by a job's env (shim/policy.c, in-process), and the same
 * through a real host: narrowing works, widening does not, bad values and
 * a writable path holding the helper fail closed. */
#include "tests/shim/sutil.h"
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct config cfg;

static void configure(const char *writable, const char *hidden)
{
	memset(&cfg, 0, sizeof(cfg));
	if (writable) {
		cfg.writable_set = true;
		snprintf(cfg.writable, sizeof(cfg.writable), "%s", writable);
		snprintf(cfg.writable_raw, sizeof(cfg.writable_raw), "%s", writable);
	}
	if (hidden) {
		cfg.hidden_set = true;
		snprintf(cfg.hidden, sizeof(cfg.hidden), "%s", hidden);
		snprintf(cfg.hidden_raw, sizeof(cfg.hidden_raw), "%s", hidden);
	}
}

/* policy_make's lists for a job env, as "writable|hidden|dropped". */
static const char *make(enum tier t, bool root, char *const *envp)
{
	static char out[2048];
	struct fs_policy pol;
	size_t size = policy_bytes(&cfg, envp);
	char *buf = malloc(size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	policy_make(&cfg, t, root, envp, buf, size, &pol);
	snprintf(out, sizeof(out), "%s|%s|%s", pol.writable ? pol.writable : "(all)",
		 pol.hidden, pol.dropped);
	free(buf);
	return out;
}

static void test_defaults(void)
{
	char *none[] = {NULL};

	configure(NULL, NULL);
	/* hardened: an ordinary caller keeps the host's files; root does not. */
	CU_ASSERT_STRING_EQUAL(make(TIER_HARDENED, false, none), "(all)||");
	CU_ASSERT_STRING_EQUAL(make(TIER_HARDENED, true, none), "||");
	CU_ASSERT_STRING_EQUAL(make(TIER_LOCKDOWN, false, none), "||");
	configure("/srv/a:/srv/b", "/srv/k");
	CU_ASSERT_STRING_EQUAL(make(TIER_HARDENED, false, none), "/srv/a:/srv/b|/srv/k|");
	configure("", NULL);
	CU_ASSERT_STRING_EQUAL(make(TIER_HARDENED, false, none), "||");
}

/* A job's list applies inside the host's: what lies within both. */
static void test_narrow(void)
{
	char *inside[] = {"CORDON_WRITABLE=/srv/a/build", NULL};
	char *wider[] = {"CORDON_WRITABLE=/srv", NULL};
	char *other[] = {"CORDON_WRITABLE=/etc:/srv/b/x:/srv/a", NULL};
	char *twice[] = {"CORDON_WRITABLE=/srv/a", "CORDON_WRITABLE=/srv/a/x", NULL};
	char *empty[] = {"CORDON_WRITABLE=", NULL};
	char *same[] = {"CORDON_WRITABLE=/srv/a:/srv/b", NULL};
	char *prefix[] = {"CORDON_WRITABLE=/srv/ab", NULL};

	configure("/srv/a:/srv/b", NULL);
	CU_ASSERT_STRING_EQUAL(make(TIER_LOCKDOWN, false, inside), "/srv/a/build||");
	CU_ASSERT_STRING_EQUAL(make(TIER_LOCKDOWN, false, wider), "/srv/a:/srv/b||");
	CU_ASSERT_STRING_EQUAL(make(TIER_LOCKDOWN, false, other), "/srv/a:/srv/b/x||");
	CU_ASSERT_STRING_EQUAL(make(TIER_LOCKDOWN, false, twice), "/srv/a/x||");
	CU_ASSERT_STRING_EQUAL(make(TIER_LOCKDOWN, false, empty), "||");
	/* The host's own value, inherited: nothing asked. */
	CU_ASSERT_STRING_EQUAL(make(TIER_LOCKDOWN, false, same), "/srv/a:/srv/b||");
	CU_ASSERT_FALSE(policy_env_has(&cfg, same));
	CU_ASSERT_TRUE(policy_env_has(&cfg, inside));
	/* By path components, not characters. */
	CU_ASSERT_STRING_EQUAL(make(TIER_LOCKDOWN, false, prefix), "||");
	/* No host list: an ordinary caller's hardened job gets the job's. */
	configure(NULL, NULL);
	CU_ASSERT_STRING_EQUAL(make(TIER_HARDENED, false, wider), "/srv||");
	CU_ASSERT_STRING_EQUAL(make(TIER_HARDENED, true, wider), "||");
	CU_ASSERT_STRING_EQUAL(make(TIER_LOCKDOWN, false, wider), "||");
}

/* A job's hidden list adds; hidden wins over writable inside it. */
static void test_hidden(void)
{
	char *more[] = {"CORDON_HIDDEN=/srv/a/secret", NULL};
	char *over[] = {"CORDON_HIDDEN=/srv/b", NULL};

	configure("/srv/a:/srv/b/out", "/home/u/.ssh");
	CU_ASSERT_STRING_EQUAL(make(TIER_LOCKDOWN, false, more),
			       "/srv/a:/srv/b/out|/home/u/.ssh:/srv/a/secret|");
	CU_ASSERT_STRING_EQUAL(make(TIER_LOCKDOWN, false, over),
			       "/srv/a|/home/u/.ssh:/srv/b|/srv/b/out");
}

static void test_env_values(void)
{
	char *bad[][2] = {
	    {"CORDON_WRITABLE=rel", NULL},     {"CORDON_WRITABLE=/a::/b", NULL},
	    {"CORDON_HIDDEN=/", NULL},	       {"CORDON_WRITABLE=/a/../b", NULL},
	    {"CORDON_WRITABLE=/proc/1", NULL}, {"CORDON_HIDDEN=/a/", NULL}};
	char *good[] = {"CORDON_WRITABLE=/", "CORDON_HIDDEN=/a:/b",
			"CORDON_WRITABLE=", NULL};

	configure(NULL, NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_PTR_EQUAL(policy_env_bad(&cfg, bad[i]), bad[i][0]);
	CU_ASSERT_PTR_NULL(policy_env_bad(&cfg, good));
}

static void test_holds(void)
{
	struct fs_policy pol = {.writable = "/usr/local:/opt"};
	const char *p;
	size_t n;

	CU_ASSERT_TRUE(
	    policy_holds(&pol, "/usr/local/libexec/cordon/cordon-helper", &p, &n));
	CU_ASSERT_EQUAL(n, strlen("/usr/local"));
	CU_ASSERT_FALSE(policy_holds(&pol, "/usr/lib/libcordon.so", &p, &n));
	CU_ASSERT_FALSE(policy_holds(&pol, "/optx/cordon-helper", &p, &n));
}

/* ---- through a host: dash with the shim preloaded ------------------- */

static char dir[512];

static const char *path_of(const char *name)
{
	static char buf[4][640];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static void fresh_dir(void)
{
	char *argv[] = {"rm", "-rf", dir, NULL};
	struct tst_proc r;

	snprintf(dir, sizeof(dir), "%s/policy", tst_scratch());
	if (tst_run(argv, NULL, &r) == 0)
		tst_proc_free(&r);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(path_of("w"), 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(path_of("w/sub"), 0755), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(
	    tst_write_file("policy/w/secret", "topsecret\n", 0644));
}

/* The job writes where its env narrows the host's list to, never where it
 * would widen it; its hidden list adds. Each job (nsreport running the
 * command) proves it ran in the tier's namespaces. */
static void test_through_host(void)
{
	char script[8192], host_w[700];

	if (!tst_sandbox_ok())
		return;
	fresh_dir();
	snprintf(host_w, sizeof(host_w), "CORDON_WRITABLE=%s", path_of("w"));
	const char *extra[] = {host_w, NULL};
	char w[700], sub[700], secret[700];
	snprintf(w, sizeof(w), "%s", path_of("w"));
	snprintf(sub, sizeof(sub), "%s", path_of("w/sub"));
	snprintf(secret, sizeof(secret), "%s", path_of("w/secret"));
	snprintf(script, sizeof(script),
		 "t() { ('%s' \"$@\" 2>/dev/null && echo ok || echo refused); }; "
		 "t sh -c 'echo >%s/a'; "
		 "CORDON_WRITABLE=%s t sh -c 'echo >%s/b'; "
		 "CORDON_WRITABLE=%s t sh -c 'echo >%s/c'; "
		 "CORDON_WRITABLE=%s t sh -c 'echo >%s/d'; "
		 "CORDON_HIDDEN=%s t cat %s; "
		 "t cat %s",
		 tst_nsreport(), w, sub, sub, sub, w, dir, dir, secret, secret, secret);
	char *argv[] = {"dash", "-c", script, NULL};
	for (size_t t = 0; t < 2; t++) {
		const char *tier = t ? "lockdown" : "hardened";
		struct tst_proc r;
		char want[256];
		tst_ns_reset();
		CU_ASSERT_EQUAL_FATAL(s_run(tier, extra, argv, &r), 0);
		CU_ASSERT_EQUAL(tst_ns_check(tier, tier), 6);
		/* a: in the host's list; b: in the job's; c: out of the job's;
		 * d: the job asking for more (the parent): nothing more. */
		snprintf(want, sizeof(want), "ok\nok\nrefused\nrefused\n");
		CU_ASSERT_EQUAL(strncmp(r.out, want, strlen(want)), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "refused\ntopsecret\n"));
		if (strncmp(r.out, want, strlen(want)))
			printf("\n    %s: %s%s", tier, r.out, r.err);
		CU_ASSERT_EQUAL(access(path_of("w/a"), F_OK), 0);
		CU_ASSERT_NOT_EQUAL(access(path_of("w/d"), F_OK), 0);
		CU_ASSERT_NOT_EQUAL(access(path_of("d"), F_OK), 0);
		unlink(path_of("w/a"));
		unlink(path_of("w/sub/b"));
		tst_proc_free(&r);
	}
}

/* The host's value canonical at load: a symbolic link resolved, a missing
 * tail kept; the job's env still narrows it by the resolved names. */
static void test_canonical_at_load(void)
{
	char link[640], host_w[2048], script[2048];

	if (!tst_sandbox_ok())
		return;
	fresh_dir();
	snprintf(link, sizeof(link), "%s", path_of("link"));
	CU_ASSERT_EQUAL_FATAL(symlink(path_of("w"), link), 0);
	snprintf(host_w, sizeof(host_w), "CORDON_WRITABLE=%s/:%s/later/x", link, dir);
	const char *extra[] = {host_w, "CORDON_LOG=/dev/null", NULL};
	char later[640];
	snprintf(later, sizeof(later), "%s", path_of("later"));
	snprintf(script, sizeof(script),
		 "'%s' sh -c 'echo >%s/via-link && echo ok'; "
		 "'%s' mkdir %s 2>/dev/null || echo refused",
		 tst_nsreport(), link, tst_nsreport(), later);
	char *argv[] = {"dash", "-c", script, NULL};
	struct tst_proc r;
	tst_ns_reset();
	CU_ASSERT_EQUAL_FATAL(s_run("lockdown", extra, argv, &r), 0);
	CU_ASSERT_EQUAL(tst_ns_check("lockdown", "lockdown"), 2);
	CU_ASSERT_STRING_EQUAL(r.out, "ok\nrefused\n");
	CU_ASSERT_EQUAL(access(path_of("w/via-link"), F_OK), 0);
	tst_proc_free(&r);
}

/* One line and EPERM, nothing run: a host value that is not a list, a
 * job's, and a writable path that holds the helper. */
static void test_fail_closed(void)
{
	char helper_dir[PATH_MAX], holds[PATH_MAX + 32];
	const char *cases[][3] = {
	    {"CORDON_WRITABLE=relative/path", NULL,
	     "cordon: CORDON_WRITABLE='relative/path' is not a list of absolute paths"},
	    {"CORDON_HIDDEN=/a::/b", NULL,
	     "cordon: CORDON_HIDDEN='/a::/b' is not a list"},
	    {NULL, "CORDON_HIDDEN=/",
	     "cordon: the job's env holds CORDON_HIDDEN=/, which is "
	     "not a list"},
	    {holds, NULL, "cordon: the job's writable paths hold the helper "},
	};

	if (!tst_sandbox_ok())
		return;
	snprintf(helper_dir, sizeof(helper_dir), "%s", tst_build("cordon-helper"));
	*strrchr(helper_dir, '/') = '\0';
	snprintf(holds, sizeof(holds), "CORDON_WRITABLE=%s", helper_dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char script[256];
		snprintf(script, sizeof(script), "%s%s /bin/echo ran; echo \"rc=$?\"",
			 cases[i][1] ? cases[i][1] : "", cases[i][1] ? "" : "");
		char *argv[] = {"dash", "-c", script, NULL};
		const char *extra[] = {cases[i][0], NULL};
		for (size_t t = 0; t < 2; t++) {
			struct tst_proc r;
			CU_ASSERT_EQUAL_FATAL(s_run(t ? "lockdown" : "hardened",
						    cases[i][0] ? extra : NULL, argv, &r),
					      0);
			CU_ASSERT_STRING_EQUAL(r.out, "rc=126\n"); /* dash: EPERM */
			CU_ASSERT_EQUAL(strncmp(r.err, cases[i][2], strlen(cases[i][2])),
					0);
			CU_ASSERT_PTR_NOT_NULL(
			    strstr(r.err, "refusing to run /bin/echo\n"));
			if (strncmp(r.err, cases[i][2], strlen(cases[i][2])))
				printf("\n    case %zu: %s|%s", i, r.out, r.err);
			tst_proc_free(&r);
		}
	}
	/* libcordon.so within a writable path (the helper elsewhere). */
	char copy[PATH_MAX], helper_env[PATH_MAX + 16];
	snprintf(copy, sizeof(copy), "%s/helper-copy", tst_scratch());
	char *cp[] = {"cp", (char *)tst_build("cordon-helper"), copy, NULL};
	struct tst_proc c;
	CU_ASSERT_EQUAL_FATAL(tst_run(cp, NULL, &c), 0);
	tst_proc_free(&c);
	snprintf(helper_env, sizeof(helper_env), "CORDON_HELPER=%s", copy);
	const char *lib[] = {holds, helper_env, NULL};
	char *echo[] = {"dash", "-c", "/bin/echo ran; echo \"rc=$?\"", NULL};
	CU_ASSERT_EQUAL_FATAL(s_run("lockdown", lib, echo, &c), 0);
	CU_ASSERT_STRING_EQUAL(c.out, "rc=126\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "cordon: the job's writable paths hold "
					     "libcordon.so "));
	tst_proc_free(&c);
	unlink(copy);
	/* tier none: the policy has nothing to apply to; the job runs. */
	const char *extra[] = {"CORDON_WRITABLE=relative", NULL};
	char *argv[] = {"dash", "-c", "/bin/echo ran", NULL};
	struct tst_proc r;
	CU_ASSERT_EQUAL_FATAL(s_run("none", extra, argv, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.out, "ran\n");
	tst_proc_free(&r);
}

static CU_TestInfo unit_tests[] = {
    {"defaults per tier and caller", test_defaults},
    {"a job's list narrows, never widens", test_narrow},
    {"a job's hidden list adds; hidden wins", test_hidden},
    {"a job's values checked", test_env_values},
    {"the helper's and the library's files within a writable path", test_holds},
    CU_TEST_INFO_NULL,
};
static CU_TestInfo host_tests[] = {
    {"through a host: narrowing works, widening does not", test_through_host},
    {"the host's value canonical at load", test_canonical_at_load},
    {"bad values and a writable helper fail closed", test_fail_closed},
    CU_TEST_INFO_NULL,
};
TST_SUITE("shim.policy", unit_tests)
TST_SUITE("shim.policy-host", host_tests)
