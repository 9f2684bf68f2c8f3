/* Regaining privilege inside a sandbox: capability calls, setuid(0), a
 * setuid-root program, a program with file capabilities. The job of a
 * caller other than root has no capability left in any set, the bounding
 * set empty and no_new_privs; a root caller's keeps root's capabilities,
 * inside the sandbox's user namespaces only. */
#include "tests/helper/hutil.h"
#include "tests/security/sec.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

/* capset, PR_CAP_AMBIENT_RAISE, setuid(0). The control: in a user namespace
 * of the caller's own (unshare -Ur), which grants every capability there:
 * what the sandbox, a user namespace too, must take away. */
static void test_raise(void)
{
	char *argv[] = {(char *)sec_prog("privs"), "raise", NULL};
	const char *userns[] = {"unshare", "-Ur", NULL};
	const char *want = "capset ok\nambient ok\n";

	if (!sec_sandbox_ok())
		return;
	char *out = sec_out(NULL, userns, argv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_NSTRING_EQUAL(out, want, strlen(want));
	free(out);
	for (size_t t = 0; t < 2; t++) {
		out = sec_out(tiers[t], NULL, argv);
		if (!out)
			continue;
		/* A root caller's job keeps root's capabilities inside the
		 * sandbox's user namespaces, as the control has them in its own
		 * (docs/security.md: what they reach); anyone else's has none. */
		char root[128];
		snprintf(root, sizeof(root),
			 "capset ok\nambient ok\nsetuid root\ncaps %llx\n",
			 sec_all_caps());
		const char *in =
		    tst_is_root()
			? root
			: "capset EPERM\nambient EPERM\nsetuid EINVAL\ncaps 0\n";
		CU_ASSERT_STRING_EQUAL(out, in);
		if (strcmp(out, in))
			printf("\n    %s: %s", tiers[t], out);
		free(out);
	}
}

static int copy(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	close(in);
	if (close(out) < 0 || n < 0 || chown(to, 0, 0) < 0)
		return -1;
	return chmod(to, mode);
}

/* File capabilities, as setcap(8) writes them (revision 2): CAP_NET_RAW
 * permitted ("cap_net_raw+p"), and effective too ("+ep"). */
static int set_file_cap(const char *path, bool effective)
{
	uint32_t v[5] = {0x02000000U | effective, 1U << 13, 0, 0, 0};

	return setxattr(path, "security.capability", v, sizeof(v), 0);
}

/* The privileged copies of privs: made by a root run, in the directory above
 * the scratch directory, which scripts/check's run as uid 65534 (after the
 * root one) shares. The path lives until the fourth call after. */
static const char *staged(const char *name)
{
	static char path[4][512];
	static int n;
	char scratch[256];

	snprintf(scratch, sizeof(scratch), "%s", tst_scratch());
	n = (n + 1) % 4;
	snprintf(path[n], sizeof(path[n]), "%s/%s", dirname(scratch), name);
	return path[n];
}

static bool stage(void)
{
	struct stat st;

	if (tst_is_root()) {
		CU_ASSERT_EQUAL_FATAL(
		    copy(sec_prog("privs"), staged("privs-suid"), 04755), 0);
		CU_ASSERT_EQUAL_FATAL(copy(sec_prog("privs"), staged("privs-fcap"), 0755),
				      0);
		CU_ASSERT_EQUAL_FATAL(
		    copy(sec_prog("privs"), staged("privs-fcap-ep"), 0755), 0);
		CU_ASSERT_EQUAL_FATAL(set_file_cap(staged("privs-fcap"), false), 0);
		CU_ASSERT_EQUAL_FATAL(set_file_cap(staged("privs-fcap-ep"), true), 0);
	}
	if (stat(staged("privs-suid"), &st) < 0 || st.st_uid != 0 ||
	    !(st.st_mode & S_ISUID) ||
	    getxattr(staged("privs-fcap"), "security.capability", NULL, 0) <= 0 ||
	    getxattr(staged("privs-fcap-ep"), "security.capability", NULL, 0) <= 0) {
		tst_skip(
		    "no setuid-root or file-capability copy of privs in %s: only a root "
		    "run can make them (scripts/check runs as root before uid 65534)",
		    staged(""));
		return false;
	}
	return true;
}

/* A setuid-root program and one with file capabilities, run by uid 65534
 * (a root runner switches with setpriv): plainly it gets euid 0 or
 * CAP_NET_RAW; in a sandbox no_new_privs keeps its euid and caps. A program
 * whose file capabilities are also effective ("+ep": it assumes it has
 * them) is not run at all: the kernel refuses its exec when the bounding
 * set cannot grant them (EPERM, the helper's exit 126). */
static void test_exec_privileged(void)
{
	/* In the scratch directory: the runner's own may be closed to 65534
	 * (a clone under /root), and the sandbox recreates the cwd. */
	const char *as_65534[] = {"setpriv",	   "--reuid=65534",
				  "--regid=65534", "--clear-groups",
				  "env",	   "-C",
				  tst_scratch(),   NULL};
	const char *const *wrap = tst_is_root() ? as_65534 : NULL;
	unsigned uid = tst_is_root() ? 65534 : (unsigned)getuid();
	char want[64], fcap[64];

	if (!sec_sandbox_ok() || !stage())
		return;
	char *suid[] = {(char *)staged("privs-suid"), NULL};
	char *fc[] = {(char *)staged("privs-fcap"), NULL};
	char *out = sec_out(NULL, wrap, suid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_NSTRING_EQUAL(out, "euid 0 caps ", 12);
	free(out);
	snprintf(fcap, sizeof(fcap), "euid %u caps 2000\n", uid);
	sec_expect(NULL, wrap, fc, fcap);
	snprintf(want, sizeof(want), "euid %u caps 0\n", uid);
	char *ep[] = {(char *)staged("privs-fcap-ep"), NULL};
	sec_expect(NULL, wrap, ep, fcap);
	for (size_t t = 0; t < 2; t++) {
		sec_expect(tiers[t], wrap, suid, want);
		sec_expect(tiers[t], wrap, fc, want);
		char **v = tst_helper_cmdline(tiers[t], ep), **w = v;
		struct tst_proc r;
		if (wrap) {
			size_t k = 0;

			w = calloc(48, sizeof(*w));
			CU_ASSERT_PTR_NOT_NULL_FATAL(w);
			for (; wrap[k]; k++)
				w[k] = (char *)wrap[k];
			for (size_t i = 0; v[i] && k < 47; i++)
				w[k++] = v[i];
		}
		CU_ASSERT_EQUAL_FATAL(tst_run(w, NULL, &r), 0);
		CU_ASSERT_EQUAL(r.status, 126 << 8);
		CU_ASSERT_STRING_EQUAL(r.out, "");
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "Operation not permitted"));
		tst_proc_free(&r);
		if (w != v)
			free(w);
		tst_hcmd_free(v);
	}
}

/* The job is identity-mapped: a root caller's job is uid 0 on every
 * root-owned file, without any capability. The host is read-only to it at
 * both tiers, and its /proc/sys too: /etc/passwd, and the kernel's own
 * files such as /proc/sys/kernel/core_pattern (a core handler runs as root
 * on the host), open for writing plainly (the control) and not in the
 * sandbox (EROFS). Only opened, nothing written. A non-root caller's job
 * may not either, as without cordon. security.root has the rest. */
static void test_root_files(void)
{
	static const char *const paths[] = {"/etc/passwd",
					    "/proc/sys/kernel/core_pattern"};
	const char *want = tst_is_root() ? "ok\n" : "EACCES\n";

	if (!sec_sandbox_ok())
		return;
	for (size_t i = 0; i < 2; i++) {
		char *argv[] = {(char *)sec_prog("escape"), "writable", (char *)paths[i],
				NULL};
		sec_expect(NULL, NULL, argv, want);
		for (size_t t = 0; t < 2; t++)
			sec_expect(tiers[t], NULL, argv,
				   tst_is_root() ? "EROFS\n" : want);
	}
}

static CU_TestInfo tests[] = {
    {"capset, ambient raise, setuid(0) refused", test_raise},
    {"setuid-root and file-capability programs gain nothing", test_exec_privileged},
    {"a root caller's job writes neither root's files nor the kernel's", test_root_files},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.privs", tests)
