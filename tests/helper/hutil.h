/* Helpers for the helper's suites: a command through cordon-helper with the
 * documented command line, as the shim would run it, or plainly to compare
 * (tests/lib/cordon.h). */
#ifndef CORDON_HUTIL_H
#define CORDON_HUTIL_H

#include "tests/lib/cordon.h"

#include <stdbool.h>
#include <sys/types.h>

#define H_TIERS                                                                          \
	{                                                                                \
		"hardened", "lockdown"                                                   \
	}

/* Runs argv through the helper in tier (NULL: plainly, no helper). */
int h_run(const char *tier, char *const argv[], struct tst_proc *res);

/* sh -c script, through the helper in tier (NULL: plainly). */
int h_sh(const char *tier, const char *script, struct tst_proc *res);

/* Starts argv (through the helper when tier is set) in its own process
 * group with stdout on *out; stdin /dev/null, stderr inherited. */
pid_t h_spawn(const char *tier, char *const argv[], int *out);
/* v as it is (a helper command line or a plain argv) in process group pg
 * (0: one of its own), with h_spawn's stdin, stdout and signal mask. */
pid_t h_spawn_v(char *const v[], pid_t pg, int *out);

/* Reads one line from fd within timeout_ms; returns its length or -1. */
int h_read_line(int fd, char *buf, size_t size, int timeout_ms);

/* A per-test directory under /tmp (which lockdown hides), mode 0755,
 * removed by h_tmpdir_remove. */
char *h_tmpdir(void);
void h_tmpdir_remove(char *dir);

bool h_sanitized(void);

/* argv plainly, then through the helper at tier: status, stdout and stderr
 * the same, and its jobs (at least one reports) in the tier's namespaces
 * (tst_assert_same). */
void h_assert_transparent(const char *tier, char *const argv[]);

#endif
