/* Per-job resource limits (CORDON_LIMITS, the helper's --limits): a list
 * NAME=VALUE[,NAME=VALUE...], parsed and written the same way by the shim
 * (which merges the host's list with a job's, async-signal-safe) and the
 * helper (which enforces it). Pure: both ends compile it. */
#ifndef CORDON_LIMITS_H
#define CORDON_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum limit {
	LIMIT_PIDS,    /* processes and threads of the job together */
	LIMIT_TIME,    /* wall-clock seconds, then the whole sandbox is killed */
	LIMIT_CPU,     /* RLIMIT_CPU, seconds */
	LIMIT_NOFILE,  /* RLIMIT_NOFILE */
	LIMIT_FSIZE,   /* RLIMIT_FSIZE, bytes */
	LIMIT_CORE,    /* RLIMIT_CORE, bytes (0: no core files) */
	LIMIT_MEM,     /* memory, bytes (a cgroup's memory.max) */
	LIMIT_USERNS,  /* the job's own user namespaces (and each other kind) */
	LIMIT_INOTIFY, /* the job's inotify instances */
	LIMIT_TMP,     /* bytes: lockdown's private tmpfs (as CORDON_TMP_SIZE) */
	LIMIT_N
};

struct limits {
	uint64_t v[LIMIT_N];
	bool set[LIMIT_N];
};

/* The longest list either end writes: every name, a 19-digit value (at
 * most 2^63 - 1), an '=' and a comma each (254 with every name). */
enum { LIMITS_LEN = 256 };

const char *limit_name(enum limit l);
/* Parses s into *out (cleared first): 0, or -EINVAL with *why set to a
 * static description (an unknown name, a repeated one, a value that is not
 * a number of that kind). An empty s is no limit. */
int limits_parse(const char *s, struct limits *out, const char **why);
/* For the contract's table: whether s is a good list. */
bool limits_ok(const char *s);
/* a, lowered by every limit b sets (a job may only lower the host's). */
void limits_lower(struct limits *a, const struct limits *b);
/* The canonical list of l into buf[size] (names in enum order, values in
 * plain decimal bytes or counts); its length, or 0 when l sets nothing or
 * it does not fit. */
size_t limits_format(const struct limits *l, char *buf, size_t size);

#endif
