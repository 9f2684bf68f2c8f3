/* Helpers for the helper's suites: run a command through cordon-helper with
 * the documented command line, as the shim would, or plainly to compare. */
#ifndef CORDON_HUTIL_H
#define CORDON_HUTIL_H

#include "tests/lib/tst.h"

#include <stdbool.h>
#include <sys/types.h>

#define H_TIERS                                                                          \
	{                                                                                \
		"hardened", "lockdown"                                                   \
	}

/* argv[0] searched in PATH as execvp would; 0 or -errno. */
int h_resolve(const char *name, char *out, size_t size);

/* Runs argv through the helper in tier (NULL: plainly, no helper), with
 * extra helper options hopts (NULL-terminated, may be NULL) before TIER. */
int h_run(const char *tier, const char *const *hopts, char *const argv[],
	  const struct tst_opts *o, struct tst_proc *res);

/* sh -c script, through the helper in tier (NULL: plainly). */
int h_sh(const char *tier, const char *script, struct tst_proc *res);

/* The helper command line for argv in a malloc'd, NULL-terminated vector
 * (free with h_free). */
char **h_cmdline(const char *tier, const char *const *hopts, char *const argv[]);
void h_free(char **v);

/* Starts argv (through the helper when tier is set) in its own process
 * group with stdout on *out; stdin /dev/null, stderr inherited. */
pid_t h_spawn(const char *tier, char *const argv[], int *out);

/* Reads one line from fd within timeout_ms; returns its length or -1. */
int h_read_line(int fd, char *buf, size_t size, int timeout_ms);

/* A per-test directory under /tmp (which lockdown hides), mode 0755,
 * removed by h_tmpdir_remove. */
char *h_tmpdir(void);
void h_tmpdir_remove(char *dir);

bool h_sanitized(void);

/* Whether the host's devpts gives its ptmx no permission (ptmxmode=000, the
 * kernel's default): a root caller's job, which has no capability, then
 * opens no new pty (docs/security.md). */
bool h_devpts_closed(void);

/* Asserts that cmd behaves the same plainly and through the helper. */
void h_assert_transparent(const char *tier, char *const argv[]);

#endif
