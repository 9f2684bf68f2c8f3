/* Shared by the libFuzzer targets (tests/fuzz/fuzz_*.c): splitting the
 * fuzzer's bytes into NUL-terminated strings, and a check that aborts
 * (libFuzzer then saves the input) with what was expected. */
#ifndef CORDON_FUZZ_H
#define CORDON_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,       \
				__LINE__, #cond);                                        \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* The input as strings: each byte sep ends one. Returns a NULL-terminated
 * vector of at most max strings, all in one heap block (free it). */
static inline char **fuzz_split(const uint8_t *data, size_t size, char sep, size_t max,
				size_t *count)
{
	size_t n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == (uint8_t)sep;
	if (n > max)
		n = max;
	char **v = malloc((n + 1) * sizeof(*v) + size + 1);
	size_t k = 0;

	if (!v)
		abort();
	char *s = (char *)(v + n + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	v[k++] = s;
	for (size_t i = 0; i < size && k < n; i++)
		if (s[i] == sep) {
			s[i] = '\0';
			v[k++] = s + i + 1;
		}
	v[k] = NULL;
	if (count)
		*count = k;
	return v;
}

#endif
