/* Helpers for the shim's suites: a host run plainly and under libcordon.so
 * at a tier, compared (tests/lib/cordon.h: the runs, the namespace proof,
 * the comparison). */
#ifndef CORDON_SUTIL_H
#define CORDON_SUTIL_H

#include "tests/lib/cordon.h"

#include <stdbool.h>

#define S_TIERS                                                                          \
	{                                                                                \
		"none", "hardened", "lockdown"                                           \
	}
enum { S_NTIERS = 3 };

/* Runs argv with the shim preloaded at tier (NULL: plainly). extra:
 * "NAME=value" entries added after (NULL-terminated, may be NULL). */
int s_run(const char *tier, const char *const *extra, char *const argv[],
	  struct tst_proc *res);

/* The same with input on stdin (NULL: /dev/null). */
int s_run_in(const char *tier, const char *const *extra, const char *input,
	     char *const argv[], struct tst_proc *res);

/* argv plainly, then under each tier: status, stdout and stderr equal, and
 * the jobs proved to run where the tier says (tst_assert_same), at least
 * one of them. Tiers other than none are skipped when !tst_sandbox_ok(). */
void s_assert_same(char *const argv[]);
/* The same with extra env for both runs. */
void s_assert_same_env(const char *const *extra, char *const argv[]);
void s_assert_same_in(const char *const *extra, const char *input, char *const argv[]);
/* The same, with what the jobs must show said (TST_NO_JOB: a failing call). */
void s_assert_same_jobs(enum tst_jobs jobs, const char *const *extra, char *const argv[]);

/* A host of tests/lib/progs/host.c by its command, e.g. s_host("execve"),
 * s_host("system"): $(B)/tests/hosts/NAME. */
const char *s_host(const char *name);

/* A test program of tests/lib/progs: s_prog("target"), s_prog("host"). */
const char *s_prog(const char *name);

/* Inode of /proc/self/ns/<ns> of the runner. */
unsigned long long s_ns(const char *ns);
/* The inode a target printed ("ns <name> <ino>"), 0 if none. */
unsigned long long s_ns_of(const char *out, const char *ns);

#endif
