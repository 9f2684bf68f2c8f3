/* Helpers of the escape suites: run an attack program plainly (the
 * control) or inside a sandbox of a tier, and compare what it reports. */
#ifndef CORDON_SEC_H
#define CORDON_SEC_H

#include "tests/lib/tst.h"

#include <stdbool.h>

/* The tiers that claim to stop most attempts. */
#define SEC_TIERS                                                                        \
	{                                                                                \
		"hardened", "lockdown"                                                   \
	}

/* An attack program of tests/security/progs, e.g. sec_prog("escape"). */
const char *sec_prog(const char *name);

/* Runs argv through the helper at tier (NULL: plainly) and returns its
 * stdout (malloc'd), or NULL after a failed assertion when it did not exit
 * 0. wrap: argv words put before the helper (or the plain command), e.g.
 * {"unshare", "-Ur", NULL}; NULL for none. */
char *sec_out(const char *tier, const char *const *wrap, char *const argv[]);

/* sec_out, then asserts stdout is want; prints what differed. */
void sec_expect(const char *tier, const char *const *wrap, char *const argv[],
		const char *want);

/* The same with helper options hopts (e.g. {"--writable", DIR, NULL}). */
char *sec_out_opts(const char *tier, const char *const *hopts, const char *const *wrap,
		   char *const argv[]);
void sec_expect_opts(const char *tier, const char *const *hopts, const char *const *wrap,
		     char *const argv[], const char *want);

/* Asserts that a job run through the helper at tier with hopts gets the
 * tier's namespaces (user, pid, ipc, mnt; net at lockdown): the premise of
 * a test that claims the job was sandboxed. */
void sec_assert_sandboxed(const char *tier, const char *const *hopts);

/* The kernel's Landlock ABI, as the helper sees it (cordon-helper
 * --features); 0 without Landlock. */
int sec_landlock_abi(void);

/* Whether a sandbox can be built here; else the test is skipped (tst_skip)
 * with the reason and false returned. */
bool sec_sandbox_ok(void);

#endif
