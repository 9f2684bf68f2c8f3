/* Helpers for the faults and load suites. */
#ifndef CORDON_FUTIL_H
#define CORDON_FUTIL_H

#include "tests/lib/cordon.h"

#include <sys/types.h>

enum { F_MAX_DESC = 64 };

/* err is exactly one line, and it starts with prefix. */
void f_assert_one_line(const char *err, const char *prefix);

/* In a user and mount namespace of its own (unshare -U -r -m) as root of
 * it, runs the shell command setup, then argv with libcordon.so preloaded
 * at tier. -1 (and SKIPPED) when unshare itself is refused here. */
int f_run_unshared(const char *setup, const char *tier, char *const argv[],
		   struct tst_proc *res);

/* argv with libcordon.so preloaded at tier (NULL: plainly), as s_run does,
 * but with a timeout for many jobs on a loaded machine. */
int f_run_long(const char *tier, char *const argv[], struct tst_proc *res);

/* The first child of pid, 0 if none. */
pid_t f_child(pid_t pid);

/* Every process whose chain of parents leads to pid (up to max). */
int f_descendants(pid_t pid, pid_t *out, int max);

/* Polls until none of pids runs any more (gone or a zombie), up to
 * timeout_ms: the f_now_us() of that moment, or -1. */
long f_wait_gone(const pid_t *pids, int n, int timeout_ms);

long f_now_us(void);

#endif
