/* Helpers for the shim's suites: run a command plainly and under
 * libcordon.so at a tier, and compare what the caller sees. */
#ifndef CORDON_SUTIL_H
#define CORDON_SUTIL_H

#include "tests/lib/tst.h"

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

/* Whether the helper can build a sandbox here; else the sandboxed tiers
 * are skipped with the reason (tst_skip) and false is returned. */
bool s_sandbox_ok(void);

/* argv plainly, then under each tier: status, stdout and stderr equal.
 * Tiers other than none are skipped when !s_sandbox_ok(). */
void s_assert_same(char *const argv[]);
/* The same with extra env for both runs. */
void s_assert_same_env(const char *const *extra, char *const argv[]);
void s_assert_same_in(const char *const *extra, const char *input, char *const argv[]);

/* A host of tests/shim/progs, e.g. s_host("execve"). */
const char *s_host(const char *name);

/* Inode of /proc/self/ns/<ns> of the runner. */
unsigned long long s_ns(const char *ns);
/* The inode a target printed ("ns <name> <ino>"), 0 if none. */
unsigned long long s_ns_of(const char *out, const char *ns);

#endif
