/* Through the shim, as deployed: a real host (dash) with libcordon.so
 * preloaded, and jobs that go after the host itself or try to leave the
 * sandbox by dropping cordon's variables. */
#include "tests/security/sec.h"
#include "tests/shim/sutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The host's environ and memory (/proc/PID/environ, /proc/PID/mem, ptrace
 * attach), with a secret in the host's env. The shim makes the host
 * non-dumpable at every tier, none included; a root job at tier none keeps
 * CAP_SYS_PTRACE and so passes (documented: none is no boundary for root). */
static void test_host_memory(void)
{
	static const char *const tiers[] = {NULL, "none", "hardened", "lockdown"};
	static const char *const extra[] = {"ESCAPE_SECRET=s3cret-of-the-host", NULL};
	char script[512];
	const char *want[4] = {"ok\nok\nok\n", "EACCES\nEACCES\nEPERM\n",
			       "ENOENT\nENOENT\nESRCH\n", "ENOENT\nENOENT\nESRCH\n"};

	if (!sec_sandbox_ok())
		return;
	if (tst_is_root())
		want[1] = "ok\nok\nok\n";
	/* The trailing ':' keeps dash from exec'ing the last command itself. */
	snprintf(script, sizeof(script),
		 "e=%s; $e environ $$ s3cret-of-the-host; $e mem $$; $e ptrace $$; :",
		 sec_prog("escape"));
	char *argv[] = {"dash", "-c", script, NULL};
	for (size_t t = 0; t < 4; t++) {
		struct tst_proc r;
		CU_ASSERT_EQUAL_FATAL(s_run(tiers[t], extra, argv, &r), 0);
		CU_ASSERT_EQUAL(r.status, 0);
		CU_ASSERT_STRING_EQUAL(r.out, want[t]);
		if (strcmp(r.out, want[t]))
			printf("\n    %s: got %s", tiers[t] ? tiers[t] : "plain", r.out);
		tst_proc_free(&r);
	}
}

/* The job drops LD_PRELOAD and every CORDON_* variable (env -i), or asks
 * for tier none with the shim preloaded again, and execs: it stays in the
 * sandbox's namespaces, without capabilities, with no_new_privs. */
static void test_unset_and_exec(void)
{
	static const char *const tiers[] = {"hardened", "lockdown"};
	static const char *const nss[] = {"user", "pid", "ipc", "mnt", "net"};
	char script[1024], again[512];
	char report[256];
	snprintf(
	    report, sizeof(report), "%s",
	    tst_write_file(
		"report.sh",
		"for n in user pid ipc mnt net; do echo ns $n $(stat -L -c %i "
		"/proc/self/ns/$n); "
		"done\ngrep -E '^(CapPrm|CapEff|CapBnd|NoNewPrivs):' /proc/self/status | "
		"tr -d '\\t'\n",
		0644));

	if (!sec_sandbox_ok())
		return;
	snprintf(again, sizeof(again), "LD_PRELOAD=%s CORDON_TIER=none",
		 tst_build("libcordon.so"));
	for (size_t t = 0; t < 2; t++)
		for (int way = 0; way < 2; way++) {
			struct tst_proc r;
			snprintf(script, sizeof(script),
				 "env %s /bin/sh %s; :", way ? again : "-i", report);
			char *argv[] = {"dash", "-c", script, NULL};
			CU_ASSERT_EQUAL_FATAL(s_run(tiers[t], NULL, argv, &r), 0);
			CU_ASSERT_EQUAL(r.status, 0);
			for (size_t i = 0; i < 5; i++) {
				bool fresh = i < 4 || t == 1;
				unsigned long long in = s_ns_of(r.out, nss[i]);
				CU_ASSERT_NOT_EQUAL(in, 0);
				CU_ASSERT_EQUAL(in != s_ns(nss[i]), fresh);
			}
			/* A root caller's job: root's capabilities, inside. */
			char caps[160];
			unsigned long long all = tst_is_root() ? sec_all_caps() : 0;
			snprintf(caps, sizeof(caps),
				 "CapPrm:%016llx\nCapEff:%016llx\nCapBnd:%016llx\n"
				 "NoNewPrivs:%d\n",
				 all, all, all, !tst_is_root());
			CU_ASSERT_PTR_NOT_NULL(strstr(r.out, caps));
			if (r.status)
				printf("\n    %s: %s", tiers[t], r.err);
			tst_proc_free(&r);
		}
}

/* A documented limit, asserted so that it stays known: a host that execs
 * with a raw system call (no libc exec function) is not intercepted; its
 * job runs in the host's namespaces. `cordon --whole` is the answer
 * (shim.launcher). */
static void test_raw_syscall_not_intercepted(void)
{
	char *argv[] = {"/usr/bin/python3", "-c",
			"import ctypes\n"
			"a = (ctypes.c_char_p * 4)(b'/bin/sh', b'-c', "
			"b'echo ns pid $(stat -L -c %i /proc/self/ns/pid)', None)\n"
			"ctypes.CDLL(None).syscall(59, b'/bin/sh', a, None)\n",
			NULL};
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	if (access(argv[0], X_OK) < 0) {
		tst_skip("no /usr/bin/python3 to make a raw execve with");
		return;
	}
	CU_ASSERT_EQUAL_FATAL(s_run("lockdown", NULL, argv, &r), 0);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(s_ns_of(r.out, "pid"), s_ns("pid"));
	tst_proc_free(&r);
}

/* Keyrings are not namespaced: the job inherits the host's session keyring
 * (a process credential, like its uid). Every key system call is refused
 * (ENOSYS), so the job neither reads the keys the host keeps there nor adds,
 * links or revokes any, and request_key never starts the kernel's upcall
 * helpers (root, in the host's namespaces). The control, the same host
 * without cordon, finds and reads its key. */
static void test_keyring(void)
{
	static const char *const tiers[] = {"hardened", "lockdown"};
	const char *wrap[] = {sec_prog("escape"), "keyring-host", "cordon-escape",
			      "s3cret-of-the-host", NULL};
	char *attempts[][5] = {
	    {(char *)sec_prog("escape"), "key", "cordon-escape", "s3cret-of-the-host",
	     NULL},
	    {(char *)sec_prog("escape"), "request-key", "cordon-escape", NULL},
	    {(char *)sec_prog("escape"), "add-key", "cordon-escape-2", NULL},
	    {(char *)sec_prog("escape"), "keyring-id", NULL},
	};

	if (!sec_sandbox_ok())
		return;
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		sec_expect(NULL, wrap, attempts[i], "ok\n");
		for (size_t t = 0; t < 2; t++)
			sec_expect_ns(tiers[t], wrap, attempts[i], "ENOSYS\n");
	}
}

/* A documented limit, asserted so that it stays known: /proc/keys is the
 * kernel's one list, filtered by view permission only, so the job reads the
 * ids and descriptions (not the payloads) of the keys its uid may view, the
 * host's included; no key system call is left to use them with. */
static void test_proc_keys(void)
{
	static const char *const tiers[] = {NULL, "hardened", "lockdown"};
	const char *wrap[] = {sec_prog("escape"), "keyring-host", "cordon-escape",
			      "s3cret-of-the-host", NULL};
	char *has[] = {(char *)sec_prog("escape"), "has", "/proc/keys", "cordon-escape",
		       NULL};
	char *payload[] = {(char *)sec_prog("escape"), "has", "/proc/keys",
			   "s3cret-of-the-host", NULL};

	if (!sec_sandbox_ok())
		return;
	for (size_t t = 0; t < 3; t++) {
		sec_expect_ns(tiers[t], wrap, has, "ok\n");
		sec_expect_ns(tiers[t], wrap, payload, "ENODATA\n");
	}
}

static CU_TestInfo tests[] = {
    {"the host's environ and memory out of reach (none too)", test_host_memory},
    {"no LD_PRELOAD, no CORDON_*, exec again: still confined", test_unset_and_exec},
    {"limit: a raw execve system call is not intercepted",
     test_raw_syscall_not_intercepted},
    {"the host's session keyring out of reach: keyctl, add_key, request_key ENOSYS",
     test_keyring},
    {"limit: /proc/keys lists the host's key descriptions", test_proc_keys},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.host", tests)
