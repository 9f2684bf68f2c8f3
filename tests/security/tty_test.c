/* Terminal input injection (TIOCSTI, TIOCLINUX) on the job's controlling
 * terminal: a pty the attack program makes its own (tests/security/progs/
 * tty.c), so the control really injects. */
#include "tests/security/sec.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

/* The value of "word RESULT" in out, or "" (static buffer). */
static const char *field(const char *out, const char *word)
{
	static char val[64];
	char key[32];

	snprintf(key, sizeof(key), "%s ", word);
	val[0] = '\0';
	for (const char *p = out; p && *p;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, strlen(key))) {
			sscanf(p + strlen(key), "%63s", val);
			break;
		}
	return val;
}

static void test_tty(void)
{
	static const char *const sti[] = {"sti", "sti-high", "sti-i386"};
	char *argv[] = {(char *)sec_prog("tty"), NULL};
	char plain_i386[64];

	if (!sec_sandbox_ok())
		return;
	char *plain = sec_out(NULL, NULL, argv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
	/* The control injects (dev.tty.legacy_tiocsti=0 would make the kernel
	 * refuse an unprivileged TIOCSTI with EIO: then say so). */
	if (!strcmp(field(plain, "sti"), "EIO"))
		tst_skip(
		    "the control: TIOCSTI is disabled here (dev.tty.legacy_tiocsti=0); "
		    "only the sandboxed EPERM is checked");
	else
		CU_ASSERT_STRING_EQUAL(field(plain, "sti"), "ok");
	CU_ASSERT_STRING_EQUAL(field(plain, "sti-high"), field(plain, "sti"));
	snprintf(plain_i386, sizeof(plain_i386), "%s", field(plain, "sti-i386"));
	if (!strcmp(plain_i386, "unavailable"))
		tst_skip("the kernel has no i386 system calls: the int $0x80 probe "
			 "cannot run");
	else
		CU_ASSERT_STRING_EQUAL(plain_i386, field(plain, "sti"));
	/* A pty answers TIOCLINUX itself (ENOTTY, EINVAL): the kernel got it. */
	CU_ASSERT_STRING_NOT_EQUAL(field(plain, "linux"), "EPERM");
	CU_ASSERT_STRING_NOT_EQUAL(field(plain, "linux"), "");

	for (size_t t = 0; t < 2; t++) {
		char *out = sec_out(tiers[t], NULL, argv);
		if (!out)
			continue;
		for (size_t i = 0; i < 3; i++) {
			bool skip = i == 2 && !strcmp(plain_i386, "unavailable");
			CU_ASSERT_STRING_EQUAL(field(out, sti[i]),
					       skip ? "unavailable" : "EPERM");
		}
		CU_ASSERT_STRING_EQUAL(field(out, "linux"), "EPERM");
		if (strstr(out, " ok"))
			printf("\n    %s: injected:\n%s", tiers[t], out);
		free(out);
	}
	free(plain);
}

/* A documented limit, asserted so that it stays known: the caller's other
 * terminals (/dev/pts/N, owned by its uid) open from the job at every tier:
 * it can read their input and write to them (TIOCSTI stays refused). */
static void test_other_terminal(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (!sec_sandbox_ok())
		return;
	CU_ASSERT_TRUE_FATAL(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0);
	char *argv[] = {(char *)sec_prog("escape"), "read", ptsname(m), NULL};
	sec_expect(NULL, NULL, argv, "ok\n");
	for (size_t t = 0; t < 2; t++)
		sec_expect(tiers[t], NULL, argv, "ok\n");
	close(m);
}

static CU_TestInfo tests[] = {
    {"TIOCSTI (high bits, i386 too) and TIOCLINUX refused", test_tty},
    {"limit: the caller's other terminals open", test_other_terminal},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.tty", tests)
