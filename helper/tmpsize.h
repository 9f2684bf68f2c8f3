/* CORDON_TMP_SIZE, the size of lockdown's private /tmp, /var/tmp and
 * /dev/shm: the one value both ends of the shim-helper command line check
 * (the shim before it asks, the helper before it mounts). A tmpfs size=
 * value: a number from 1 without leading zeros, at most 15 digits, then at
 * most one of k, m, g (KiB, MiB, GiB, either case) or % (of RAM). */
#ifndef CORDON_TMPSIZE_H
#define CORDON_TMPSIZE_H

#include <stdbool.h>
#include <string.h>

enum { TMP_SIZE_MAX = 16 }; /* the longest valid value, without its NUL */

static inline bool tmp_size_ok(const char *s)
{
	size_t digits = 0;

	if (!s || *s < '1' || *s > '9')
		return false;
	while (s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (digits > 15)
		return false;
	s += digits;
	return !*s || (strchr("kKmMgG%", *s) && !s[1]);
}

#endif
