/* What a job can see and do, per tier, checked from inside. */
#include "tests/helper/hutil.h"

#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const tiers[] = H_TIERS;

static const char *sh_out(const char *tier, const char *script, struct tst_proc *r)
{
	CU_ASSERT_EQUAL_FATAL(h_sh(tier, script, r), 0);
	CU_ASSERT_EQUAL(r->status, 0);
	if (r->status)
		printf("\n    %s: %s -> %#x: %s", tier, script, r->status, r->err);
	return r->out;
}

/* Namespaces: new ones for the tier, the host's for the rest. */
static void test_namespaces(void)
{
	const struct {
		const char *ns;
		bool fresh[2]; /* hardened, lockdown */
	} table[] = {
	    {"user", {true, true}},	{"pid", {true, true}},	{"ipc", {true, true}},
	    {"mnt", {true, true}},	{"net", {false, true}}, {"uts", {false, false}},
	    {"cgroup", {false, false}},
	};

	for (size_t t = 0; t < 2; t++)
		for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
			char link[64], outside[64] = "", script[128];
			struct tst_proc r;
			snprintf(link, sizeof(link), "/proc/self/ns/%s", table[i].ns);
			ssize_t n = readlink(link, outside, sizeof(outside) - 1);
			CU_ASSERT_TRUE_FATAL(n > 0);
			outside[n] = '\0';
			snprintf(script, sizeof(script), "readlink %s", link);
			const char *in = sh_out(tiers[t], script, &r);
			bool differs = strncmp(in, outside, strlen(outside)) != 0;
			CU_ASSERT_EQUAL(differs, table[i].fresh[t]);
			if (differs != table[i].fresh[t])
				printf("\n    %s %s: inside %s outside %s\n", tiers[t],
				       table[i].ns, in, outside);
			tst_proc_free(&r);
		}
}

/* The job's pid inside is the pid the host knows (pidfiles, log lines,
 * kill $(cat pidfile) from the host); its parent is the sandbox's init. */
static void test_pids(void)
{
	char *argv[] = {"sh", "-c", "echo $$ $PPID", NULL};

	for (size_t t = 0; t < 2; t++) {
		char line[64] = "", want[64];
		int out, st = -1;
		pid_t pid = h_spawn(tiers[t], argv, &out);
		CU_ASSERT_TRUE_FATAL(pid > 0);
		CU_ASSERT_TRUE(h_read_line(out, line, sizeof(line), 5000) > 0);
		snprintf(want, sizeof(want), "%d 1", (int)pid);
		CU_ASSERT_STRING_EQUAL(line, want);
		waitpid(pid, &st, 0);
		CU_ASSERT_EQUAL(st, 0);
		close(out);
	}
}

static void test_lockdown_scratch_empty(void)
{
	struct tst_proc r;
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* From /: a working directory under /tmp would be recreated in the
	 * sandbox's (docs/helper.md), and the runner may start in one. */
	CU_ASSERT_TRUE_FATAL(here >= 0 && chdir("/") == 0);
	CU_ASSERT_STRING_EQUAL(
	    sh_out("lockdown", "find /tmp /var/tmp /dev/shm -mindepth 1 | wc -l", &r),
	    "0\n");
	tst_proc_free(&r);
	CU_ASSERT_EQUAL_FATAL(fchdir(here), 0);
	close(here);
	/* Fresh tmpfs, as the host's would be: mode 1777, nosuid, nodev. */
	CU_ASSERT_STRING_EQUAL(
	    sh_out("lockdown", "stat -c %a /tmp /var/tmp /dev/shm", &r),
	    "1777\n1777\n1777\n");
	tst_proc_free(&r);
	CU_ASSERT_STRING_EQUAL(
	    sh_out("lockdown",
		   "grep -E ' /(tmp|var/tmp|dev/shm) tmpfs ' /proc/self/mounts | "
		   "grep -c nosuid,nodev",
		   &r),
	    "3\n");
	tst_proc_free(&r);
}

/* lockdown's /proc shows the sandbox only: init and sh. */
static void test_lockdown_proc(void)
{
	struct tst_proc r;
	/* A glob: no other process runs meanwhile. */
	CU_ASSERT_STRING_EQUAL(
	    sh_out("lockdown",
		   "for p in /proc/[0-9]*; do [ $p = /proc/$$ ] || echo $p; done", &r),
	    "/proc/1\n");
	tst_proc_free(&r);
}

/* The fresh proc is nosuid,nodev,noexec; mqueue where the host has the
 * directory (skipped, not fatal, where it has not). */
static void test_lockdown_mounts(void)
{
	struct tst_proc r;
	bool mq = access("/dev/mqueue", F_OK) == 0;

	CU_ASSERT_STRING_EQUAL(
	    sh_out("lockdown",
		   "grep -c '^proc /proc proc rw,nosuid,nodev,noexec' /proc/self/mounts; "
		   "grep -c ' /dev/mqueue mqueue ' /proc/self/mounts; exit 0",
		   &r),
	    mq ? "1\n1\n" : "1\n0\n");
	tst_proc_free(&r);
}

/* sysfs would show the host's interfaces; ask the kernel over netlink. */
static void test_lockdown_net(void)
{
	struct tst_proc r;
	const char *out = sh_out("lockdown", "ip -o link | cut -d' ' -f2", &r);

	CU_ASSERT_STRING_EQUAL(out, "lo:\n");
	tst_proc_free(&r);
	out = sh_out("lockdown", "ip -o link show lo | grep -c ',UP'", &r);
	CU_ASSERT_STRING_EQUAL(out, "1\n");
	tst_proc_free(&r);
}

static int cap_last(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int n = 40;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = 40;
		fclose(f);
	}
	return n;
}

static void test_privileges(void)
{
	for (size_t t = 0; t < 2; t++) {
		struct tst_proc r;
		const char *out = sh_out(
		    tiers[t],
		    "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "
		    "/proc/self/status | tr -s '\\t' ' '",
		    &r);
		/* A root caller's job keeps root's capabilities, inside the
		 * sandbox's user namespaces, and may gain privileges (setuid
		 * programs) there as without cordon (docs/security.md). */
		if (getuid() == 0) {
			char want[256];
			unsigned long long all = (2ULL << cap_last()) - 1;
			snprintf(want, sizeof(want),
				 "CapInh: 0000000000000000\nCapPrm: %016llx\n"
				 "CapEff: %016llx\nCapBnd: %016llx\n"
				 "CapAmb: 0000000000000000\nNoNewPrivs: 0\nSeccomp: 2\n",
				 all, all, all);
			CU_ASSERT_STRING_EQUAL(out, want);
		} else
			CU_ASSERT_STRING_EQUAL(out, "CapInh: 0000000000000000\n"
						    "CapPrm: 0000000000000000\n"
						    "CapEff: 0000000000000000\n"
						    "CapBnd: 0000000000000000\n"
						    "CapAmb: 0000000000000000\n"
						    "NoNewPrivs: 1\n"
						    "Seccomp: 2\n");
		tst_proc_free(&r);
	}
}

static void test_tiocsti(void)
{
	char *argv[] = {(char *)tst_build("tests/helper/tiocsti"), NULL};
	struct tst_proc r;
	for (size_t t = 0; t < 2; t++) {
		CU_ASSERT_EQUAL_FATAL(h_run(tiers[t], argv, &r), 0);
		/* A root caller's job opens new ptys too (its capabilities in
		 * its own user namespace cover the devpts's ptmx): the filter
		 * is checked on one. */
		CU_ASSERT_EQUAL(r.status, 0);
		CU_ASSERT_STRING_EQUAL(r.out,
				       "fd-1 EPERM\nhigh EPERM\nlinux EPERM\n"
				       "tcgets EBADF\npty EPERM\npty-high EPERM\n");
		tst_proc_free(&r);
	}
	/* Without cordon the kernel answers first: proof the filter did it. */
	CU_ASSERT_EQUAL_FATAL(h_run(NULL, argv, &r), 0);
	const char *plain = "fd-1 EBADF\nhigh EBADF\nlinux EBADF\n";
	CU_ASSERT_NSTRING_EQUAL(r.out, plain, strlen(plain));
	tst_proc_free(&r);
}

/* The job's ids, identity-mapped. */
static void test_ids(void)
{
	char want[64];

	snprintf(want, sizeof(want), "%u %u\n", (unsigned)getuid(), (unsigned)getgid());
	for (size_t t = 0; t < 2; t++) {
		struct tst_proc r;
		CU_ASSERT_STRING_EQUAL(sh_out(tiers[t], "echo $(id -u) $(id -g)", &r),
				       want);
		tst_proc_free(&r);
	}
}

/* The environment: the host's, with CORDON_SANDBOX and the user namespace
 * marker set (an existing entry replaced, not doubled). */
static void test_env(void)
{
	static const char *const add[] = {"CORDON_SANDBOX=stale", "CORDON_TEST_MARK=kept",
					  NULL};
	char *argv[] = {
	    "sh", "-c",
	    "env | grep -c '^CORDON_SANDBOX='; echo \"$CORDON_SANDBOX "
	    "$CORDON_TEST_MARK\"; "
	    "[ \"$CORDON_SANDBOX_USERNS\" = \"$(stat -L -c %i /proc/self/ns/user)\" ] "
	    "&& echo userns-ok",
	    NULL};

	for (size_t t = 0; t < 2; t++) {
		struct tst_proc r;
		char want[64];
		struct tst_how how = {
		    .via = TST_HELPER, .tier = tiers[t], .env = add, .timeout_ms = 10000};
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, &r), 0);
		snprintf(want, sizeof(want), "1\n%s kept\nuserns-ok\n", tiers[t]);
		CU_ASSERT_STRING_EQUAL(r.out, want);
		tst_proc_free(&r);
	}
}

/* What the job inherits besides: as without cordon. */
static void test_inherited(void)
{
	char script[2 * PATH_MAX];
	char *argv[] = {"sh", "-c", script, NULL};

	snprintf(script, sizeof(script),
		 "%s; umask; ulimit -a; pwd; id; env | grep -v '^CORDON_SANDBOX' | sort",
		 tst_nsreport_sh());

	for (size_t t = 0; t < 2; t++)
		h_assert_transparent(tiers[t], argv);
}

/* A sandbox inside a sandbox (a lockdown job asked for inside hardened):
 * the inner job's pid is the one its host (the outer job) knows. A root
 * caller's job cannot (its /proc has locked read-only parts): it says so. */
static void test_nested(void)
{
	char *inner[] = {"sh", "-c", "echo $$; id -u", NULL};
	char **v = tst_helper_cmdline("lockdown", inner);
	char *outer[64] = {"sh", "-c", "\"$@\" & echo $! >&2; wait $!", "sh"};
	struct tst_proc r;
	char want[64];

	for (size_t i = 0; v[i] && i + 5 < sizeof(outer) / sizeof(outer[0]); i++)
		outer[4 + i] = v[i];
	for (size_t t = 0; t < 2; t++) {
		CU_ASSERT_EQUAL_FATAL(h_run(tiers[t], outer, &r), 0);
		/* A root caller's job: refused, and why (docs/helper.md). */
		if (getuid() == 0 && r.status == 125 << 8) {
			CU_ASSERT_PTR_NOT_NULL(strstr(
			    r.err, "a root caller's job cannot start a sandbox inside"));
			tst_proc_free(&r);
			continue;
		}
		CU_ASSERT_EQUAL(r.status, 0);
		snprintf(want, sizeof(want), "%s%u\n", r.err, (unsigned)getuid());
		CU_ASSERT_STRING_EQUAL(r.out, want);
		if (strcmp(r.out, want))
			printf("\n    %s: out %s err %s", tiers[t], r.out, r.err);
		tst_proc_free(&r);
	}
	tst_hcmd_free(v);
}

static void test_static(void)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd;

	if (h_sanitized()) {
		tst_skip(
		    "SANITIZE=1 builds the helper dynamically (ASan cannot be static)");
		return;
	}
	fd = open(tst_build("cordon-helper"), O_RDONLY | O_CLOEXEC);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(pread(fd, &eh, sizeof(eh), 0), (ssize_t)sizeof(eh));
	CU_ASSERT_EQUAL_FATAL(memcmp(eh.e_ident, ELFMAG, SELFMAG), 0);
	CU_ASSERT_EQUAL_FATAL(eh.e_ident[EI_CLASS], ELFCLASS64);
	for (int i = 0; i < eh.e_phnum; i++) {
		off_t off = (off_t)eh.e_phoff + (off_t)i * eh.e_phentsize;
		CU_ASSERT_EQUAL_FATAL(pread(fd, &ph, sizeof(ph), off),
				      (ssize_t)sizeof(ph));
		CU_ASSERT_NOT_EQUAL(ph.p_type, PT_INTERP);
		CU_ASSERT_NOT_EQUAL(ph.p_type, PT_DYNAMIC);
	}
	close(fd);
}

static CU_TestInfo tests[] = {
    {"namespaces new or shared as the tier says", test_namespaces},
    {"the job is pid 2, its parent pid 1", test_pids},
    {"the job keeps its uid and gid", test_ids},
    {"lockdown: /tmp, /var/tmp, /dev/shm fresh and empty", test_lockdown_scratch_empty},
    {"lockdown: /proc shows the sandbox only", test_lockdown_proc},
    {"lockdown: fresh proc, mqueue where it exists", test_lockdown_mounts},
    {"lockdown: only lo, and it is up", test_lockdown_net},
    {"no capability left, no_new_privs, seccomp", test_privileges},
    {"TIOCSTI and TIOCLINUX refused, high bits too", test_tiocsti},
    {"environment: the host's plus the sandbox markers", test_env},
    {"umask, rlimits, cwd, ids, environment as without cordon", test_inherited},
    {"a sandbox inside a sandbox", test_nested},
    {"the helper is static", test_static},
    CU_TEST_INFO_NULL,
};
TST_SUITE("helper.isolation", tests)
