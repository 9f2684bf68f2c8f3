/* A job replacing cordon for later jobs (docs/security.md): a host whose
 * libcordon.so and helper sit in a directory its uid may change. Without
 * cordon (the control) a program of that uid renames its own file over the
 * helper. An ordinary caller's hardened jobs share the host's files, so
 * none runs there: the shim says why. A root caller's jobs get a read-only
 * host and run, and their rename is refused. Either way the next job of the
 * host runs the helper it had. */
#include "tests/security/sec.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void run_ok(char *const argv[])
{
	struct tst_proc r;

	CU_ASSERT_EQUAL_FATAL(tst_run(argv, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 0);
	tst_proc_free(&r);
}

/* dir/libcordon.so and dir/cordon-helper, copies of this build's, in a
 * directory of the caller's own. */
static void stage(const char *dir)
{
	char *rm[] = {"rm", "-rf", (char *)dir, NULL};
	run_ok(rm);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
	char *cp[] = {"cp", (char *)tst_build("libcordon.so"),
		      (char *)tst_build("cordon-helper"), (char *)dir, NULL};
	run_ok(cp);
}

/* The helper still this build's. */
static bool helper_unchanged(const char *dir)
{
	char path[PATH_MAX];
	struct tst_proc r;

	snprintf(path, sizeof(path), "%s/cordon-helper", dir);
	char *cmp[] = {"cmp", "-s", (char *)tst_build("cordon-helper"), path, NULL};
	if (tst_run(cmp, NULL, &r) != 0)
		return false;
	bool same = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
	tst_proc_free(&r);
	return same;
}

/* The attack: put /bin/true where the helper is (a copy, renamed over it),
 * say what came of it, then start a second job. */
static void attack(const char *dir, const char *tier, struct tst_proc *r)
{
	char script[4 * PATH_MAX], pre[PATH_MAX + 32], h[PATH_MAX + 32], t[32];

	snprintf(script, sizeof(script),
		 "/bin/sh -c 'cp /bin/true %s/new 2>/dev/null && mv %s/new "
		 "%s/cordon-helper 2>/dev/null && echo replaced || echo refused'; "
		 "echo \"rc=$?\"; %s; echo \"next=$?\"",
		 dir, dir, dir, tst_nsreport());
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s/libcordon.so", dir);
	snprintf(h, sizeof(h), "CORDON_HELPER=%s/cordon-helper", dir);
	snprintf(t, sizeof(t), "CORDON_TIER=%s", tier ? tier : "none");
	/* tst_run's env is the runner's minus cordon's variables. */
	char *argv[] = {"env", pre, h, t, "dash", "-c", script, NULL};
	char *plain[] = {"dash", "-c", script, NULL};
	tst_ns_reset();
	CU_ASSERT_EQUAL_FATAL(tst_run(tier ? argv : plain, NULL, r), 0);
}

static void test_replace_helper(void)
{
	char dir[PATH_MAX];
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	snprintf(dir, sizeof(dir), "%s/layout", tst_scratch());
	/* The control: this uid replaces the helper. */
	stage(dir);
	attack(dir, NULL, &r);
	CU_ASSERT_STRING_EQUAL(r.out, "replaced\nrc=0\nnext=0\n");
	CU_ASSERT_FALSE(helper_unchanged(dir));
	tst_proc_free(&r);
	for (int i = 0; i < 2; i++) {
		const char *tier = i ? "lockdown" : "hardened";
		stage(dir);
		attack(dir, tier, &r);
		if (!tst_is_root() && i == 0) {
			/* Refused, both jobs: dash says EPERM (126). */
			CU_ASSERT_STRING_EQUAL(r.out, "rc=126\nnext=126\n");
			CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "cordon: uid "));
			CU_ASSERT_PTR_NOT_NULL(strstr(r.err, " may change "));
			CU_ASSERT_PTR_NOT_NULL(
			    strstr(r.err, "refusing to run /bin/sh\n"));
			CU_ASSERT_EQUAL(tst_ns_check(tier, tier), 0);
		} else {
			/* The host's files are read-only to the job. */
			CU_ASSERT_STRING_EQUAL(r.out, "refused\nrc=0\nnext=0\n");
			CU_ASSERT_EQUAL(tst_ns_check(tier, tier), 1);
		}
		if (strcmp(r.out, tst_is_root() || i ? "refused\nrc=0\nnext=0\n"
						     : "rc=126\nnext=126\n"))
			printf("\n    %s: %s|%s", tier, r.out, r.err);
		CU_ASSERT_TRUE(helper_unchanged(dir));
		tst_proc_free(&r);
	}
	char *rm[] = {"rm", "-rf", dir, NULL};
	run_ok(rm);
}

/* The same host with CORDON_WRITABLE (an ordinary caller's hardened jobs
 * then get a read-only host) runs, and the rename is refused. */
static void test_replace_helper_writable(void)
{
	char dir[PATH_MAX], script[4 * PATH_MAX], pre[PATH_MAX + 32], h[PATH_MAX + 32],
	    w[PATH_MAX + 32];
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	snprintf(dir, sizeof(dir), "%s/layout-w", tst_scratch());
	stage(dir);
	snprintf(script, sizeof(script),
		 "/bin/sh -c 'mv %s/libcordon.so %s/cordon-helper 2>/dev/null "
		 "&& echo replaced || echo refused'; %s",
		 dir, dir, tst_nsreport());
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s/libcordon.so", dir);
	snprintf(h, sizeof(h), "CORDON_HELPER=%s/cordon-helper", dir);
	snprintf(w, sizeof(w), "CORDON_WRITABLE=%s/out", tst_scratch());
	char *argv[] = {"env", pre,    h,   "CORDON_TIER=hardened", w, "dash",
			"-c",  script, NULL};
	tst_ns_reset();
	CU_ASSERT_EQUAL_FATAL(tst_run(argv, NULL, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.out, "refused\n");
	CU_ASSERT_EQUAL(tst_ns_check("hardened", "hardened"), 1);
	CU_ASSERT_TRUE(helper_unchanged(dir));
	tst_proc_free(&r);
	char *rm[] = {"rm", "-rf", dir, NULL};
	run_ok(rm);
}

/* The names on the way count, not only the first and the last: a root
 * caller stages S/safe/h -> S/u/l -> S/cordon-helper, S/safe root's and
 * S/u uid 65534's, and runs a hardened host as 65534 through S/safe/h. The
 * control: 65534 re-points S/u/l. The host's job is refused, naming S/u;
 * through a link in a root-owned directory alone it runs; an empty
 * LD_LIBRARY_PATH entry (the cwd) and a relative LD_PRELOAD word are
 * refused. */
static void test_link_chain(void)
{
	char dir[PATH_MAX], script[8 * PATH_MAX];
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	if (!tst_is_root()) {
		tst_skip("staging a root-owned link needs root: the root run runs this "
			 "host as uid 65534");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/layout-chain", tst_scratch());
	snprintf(
	    script, sizeof(script),
	    "d='%s'; rm -rf \"$d\" && mkdir -p \"$d/safe\" \"$d/u\" && "
	    "chmod 755 \"$d\" \"$d/safe\" && chown 65534 \"$d/u\" && "
	    "cp '%s' '%s' \"$d/\" && ln -s \"$d/u/l\" \"$d/safe/h\" && "
	    "ln -s \"$d/safe/real\" \"$d/safe/ok\" && "
	    "ln -s \"$d/cordon-helper\" \"$d/safe/real\" && "
	    "ln -s \"$d/cordon-helper\" \"$d/u/l\" && chown -h 65534 \"$d/u/l\" && "
	    "as() { setpriv --reuid=65534 --regid=65534 --clear-groups \"$@\"; } && "
	    "job() { as env LD_PRELOAD=\"$1\" CORDON_HELPER=\"$2\" CORDON_TIER=hardened "
	    "dash -c '/bin/echo ran; echo rc $?; echo ns $(readlink /proc/self/ns/pid)'; "
	    "} && echo host $(readlink /proc/self/ns/pid) && "
	    "as ln -sfn /bin/true \"$d/u/l\" && readlink \"$d/u/l\" && "
	    "as ln -sfn \"$d/cordon-helper\" \"$d/u/l\" && "
	    "job \"$d/libcordon.so\" \"$d/safe/h\" && "
	    "job \"$d/libcordon.so\" \"$d/safe/ok\" && "
	    "LD_LIBRARY_PATH=/usr/lib: job \"$d/libcordon.so\" \"$d/safe/ok\" && "
	    "cd \"$d\" && job ./libcordon.so \"$d/safe/ok\"",
	    dir, tst_build("libcordon.so"), tst_build("cordon-helper"));
	char *argv[] = {"sh", "-c", script, NULL};
	CU_ASSERT_EQUAL_FATAL(tst_run(argv, NULL, &r), 0);
	/* The control's link, then: refused, ran (in a pid namespace not the
	 * host's: the proof), refused. */
	char host[64] = "", ran[64] = "", want_out[256];
	sscanf(r.out, "host %63s", host);
	const char *at = strstr(r.out, "\nran\nrc 0\nns ");
	if (at)
		sscanf(at, "\nran\nrc 0\nns %63s", ran);
	CU_ASSERT_TRUE(ran[0] && strcmp(ran, host) != 0);
	snprintf(
	    want_out, sizeof(want_out),
	    "host %s\n/bin/true\nrc 126\nns\nran\nrc 0\nns %s\nrc 126\nns\nrc 126\nns\n",
	    host, ran);
	CU_ASSERT_STRING_EQUAL(r.out, want_out);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof(want), "cordon: uid 65534 may change %s/u, and with it ",
		 dir);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "cordon: the loader's './libcordon.so' "
					     "(LD_PRELOAD, LD_AUDIT or LD_LIBRARY_PATH) "
					     "is not an absolute path"));
	if (strcmp(r.out, want_out))
		printf("\n    %s|%s", r.out, r.err);
	tst_proc_free(&r);
	char *rm[] = {"rm", "-rf", dir, NULL};
	run_ok(rm);
}

static CU_TestInfo tests[] = {
    {"a job replacing the helper for later jobs", test_replace_helper},
    {"the same host with CORDON_WRITABLE", test_replace_helper_writable},
    {"a link on the way, a relative preload word", test_link_chain},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.layout", tests)
