/* Helpers of the escape suites: run an attack program plainly (the
 * control) or inside a sandbox of a tier, and compare what it reports. */
#ifndef CORDON_SEC_H
#define CORDON_SEC_H

#include "tests/lib/cordon.h"

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

/* sec_out and sec_expect with the proof (tests/lib/cordon.h): at a tier
 * argv runs through nsreport, and its one report must show the tier's
 * namespaces. For attempts whose output alone cannot tell a sandboxed run
 * from one left outside (the same answer as the control, a refusal that a
 * host could make too). Plain runs (tier NULL) are sec_out's. */
char *sec_out_ns(const char *tier, const char *const *wrap, char *const argv[]);
void sec_expect_ns(const char *tier, const char *const *wrap, char *const argv[],
		   const char *want);

/* A filesystem policy for the helper: --writable, --hidden (NULL: not
 * given). */
struct sec_fs {
	const char *writable, *hidden;
};

/* sec_out_ns and sec_expect_ns with the policy fs (NULL: none). */
char *sec_out_fs(const char *tier, const struct sec_fs *fs, const char *const *wrap,
		 char *const argv[]);
void sec_expect_fs(const char *tier, const struct sec_fs *fs, const char *const *wrap,
		   char *const argv[], const char *want);

/* argv through the helper at tier with fs, as tst_cordon_run (no proof:
 * for runs that must fail). */
int sec_run(const char *tier, const struct sec_fs *fs, char *const argv[],
	    struct tst_proc *res);

/* Asserts that a job run through the helper at tier with fs reports the
 * tier's namespaces (tst_ns_check): the premise of a test that claims the
 * job was sandboxed. */
void sec_assert_sandboxed(const char *tier, const struct sec_fs *fs);

/* The kernel's Landlock ABI, as the helper sees it (cordon-helper
 * --features); 0 without Landlock. */
int sec_landlock_abi(void);

/* Wrap words (sec_out's wrap, tst_how's) that run a command as uid and
 * gid 65534 with no supplementary groups. */
extern const char *const sec_as_65534[];

/* Whether a sandbox can be built here; else the test is skipped (tst_skip)
 * with the reason and false returned (tst_sandbox_ok). */
bool sec_sandbox_ok(void);

/* Every capability this kernel knows (/proc/sys/kernel/cap_last_cap): what
 * a root caller's job holds inside the sandbox. */
unsigned long long sec_all_caps(void);

#endif
