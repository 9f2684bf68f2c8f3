/* Helpers of the audit log's suites: a fresh log file, a run of a host
 * with CORDON_LOG set, and the log as tests/log/logcheck.py reads it. */
#ifndef CORDON_LUTIL_H
#define CORDON_LUTIL_H

#include "tests/lib/tst.h"

#include <stdbool.h>

/* tst_scratch()/log/NAME, removed if it was there (ring of 8). */
const char *l_log(const char *name);

/* argv under the shim at tier (NULL: not preloaded) with CORDON_LOG=log
 * (NULL: unset) and extra env (may be NULL); see s_run. */
int l_run(const char *tier, const char *log, const char *const *extra, char *const argv[],
	  struct tst_proc *res);

/* The log through logcheck.py (with --summary when summary): its stdout,
 * malloc'd, after asserting that every line is valid. NULL if not. */
char *l_check(const char *log, bool summary);
/* The same with --policy: each record's filesystem policy. */
char *l_check_policy(const char *log);

/* Whether out has a line starting with prefix; prints out when not. */
bool l_has(const char *out, const char *prefix);
#define L_ASSERT_HAS(out, prefix) CU_ASSERT_TRUE(l_has(out, prefix))
size_t l_lines(const char *out);

/* The whole file, malloc'd and NUL-terminated (NULL if unreadable). */
char *l_slurp(const char *path, size_t *len);

#endif
