/* helper/fmt.c: the helper's formatter against glibc's snprintf for the
 * conversions it has (%s %d %u %lu %llu %%), over any literal text, any
 * argument values and any buffer size; and fmt_ul against a plain model
 * (leading blanks, decimal digits, wrapping like unsigned long). */
#include "helper/helper.h"
#include "tests/fuzz/fuzz.h"

#include <limits.h>

static uint64_t take(const uint8_t **d, size_t *n, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes && *n; i++, (*d)++, (*n)--)
		v = v << 8 | **d;
	return v;
}

/* Literal text from the input: '%' doubled, so that only our
 * conversions are conversions. */
static char *literal(const char *s)
{
	char *o = malloc(2 * strlen(s) + 1), *p = o;

	if (!o)
		abort();
	for (; *s; s++) {
		*p++ = *s;
		if (*s == '%')
			*p++ = '%';
	}
	*p = '\0';
	return o;
}

#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static void check_fmt(char **t, const char *s, int d, unsigned u, unsigned long lu,
		      unsigned long long llu, size_t size)
{
	char fmt[4096 * 3];
	int n = snprintf(fmt, sizeof(fmt), "%s%%s%s%%d%s%%u%s%%lu%s%%llu%s%%%%%s", t[0],
			 t[1], t[2], t[3], t[4], t[5], t[6]);
	if (n < 0 || (size_t)n >= sizeof(fmt))
		return;
	size_t full = (size_t)snprintf(NULL, 0, fmt, s, d, u, lu, llu);
	char *want = malloc(full + 1), *got = malloc(size ? size : 1);
	if (!want || !got)
		abort();
	snprintf(want, full + 1, fmt, s, d, u, lu, llu);
	/* An exact-size buffer: ASan sees any write past it. */
	size_t r = fmt_sn(size ? got : NULL, size, fmt, s, d, u, lu, llu);
	FUZZ_CHECK(r == full);
	if (size) {
		size_t k = full < size ? full : size - 1;
		FUZZ_CHECK(memcmp(got, want, k) == 0 && got[k] == '\0');
	}
	free(want);
	free(got);
}

static void check_ul(const char *s)
{
	unsigned long want = 0;
	const char *p = s, *end = NULL;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		want = want * 10 + (unsigned long)(*p - '0');
	FUZZ_CHECK(fmt_ul(s, &end) == want && end == p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t bufsize = take(&data, &size, 2) % 512;
	int d = (int)take(&data, &size, 4);
	unsigned u = (unsigned)take(&data, &size, 4);
	unsigned long lu = (unsigned long)take(&data, &size, 8);
	unsigned long long llu = take(&data, &size, 8);
	size_t n;
	char **v = fuzz_split(data, size, '\0', 9, &n);
	char *t[7];

	for (int i = 0; i < 7; i++)
		t[i] = literal(i + 1 < (int)n ? v[i + 1] : "");
	check_fmt(t, v[0], d, u, lu, llu, bufsize);
	check_fmt(t, v[0], INT_MIN, UINT_MAX, ULONG_MAX, ULLONG_MAX, bufsize);
	for (size_t i = 0; i < n; i++)
		check_ul(v[i]);
	for (int i = 0; i < 7; i++)
		free(t[i]);
	free(v);
	return 0;
}
