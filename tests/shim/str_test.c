/* The shim's own string functions (shim/str.c), renamed t_NAME here,
 * against glibc's on random strings of a few letters: the same result
 * (the sign of a comparison, the offset a search finds). */
#include "tests/lib/tst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHIM_STR_NAME(name) t_##name
#define SHIM_STR_STORAGE    static
#include "shim/str.c"

enum { ROUNDS = 20000, LEN = 24 };

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* A string of up to LEN letters of "abc", sometimes with a byte above
 * 0x7f, NUL-terminated in a buffer of LEN + 1 bytes. */
static void random_string(char *s, unsigned *seed)
{
	static const char letters[] = "abc\xe9";
	size_t n = (size_t)rand_r(seed) % (LEN + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = letters[rand_r(seed) % 4];
	s[n] = '\0';
}

static long at(const void *base, const void *p)
{
	return p ? (const char *)p - (const char *)base : -1;
}

static void test_same_as_glibc(void)
{
	unsigned seed = 1;
	char a[LEN + 1], b[LEN + 1], x[2 * LEN + 2], y[2 * LEN + 2];
	int wrong = 0;

	for (int r = 0; r < ROUNDS; r++) {
		random_string(a, &seed);
		random_string(b, &seed);
		size_t n = (size_t)rand_r(&seed) % (LEN + 2);
		int c = "abc\xe9"[rand_r(&seed) % 5];
		size_t la = strlen(a) + 1;

		wrong += t_strlen(a) != strlen(a);
		wrong += t_strnlen(a, n) != strnlen(a, n);
		wrong += sign(t_strcmp(a, b)) != sign(strcmp(a, b));
		wrong += sign(t_strncmp(a, b, n)) != sign(strncmp(a, b, n));
		wrong += sign(t_memcmp(a, b, n < la ? n : la)) !=
			 sign(memcmp(a, b, n < la ? n : la));
		wrong += at(a, t_strchr(a, c)) != at(a, strchr(a, c));
		wrong += at(a, t_strchrnul(a, c)) != at(a, strchrnul(a, c));
		wrong += at(a, t_strrchr(a, c)) != at(a, strrchr(a, c));
		wrong += at(a, t_memchr(a, c, n < la ? n : la)) !=
			 at(a, memchr(a, c, n < la ? n : la));
		wrong += t_strspn(a, b) != strspn(a, b);
		wrong += t_strcspn(a, b) != strcspn(a, b);
		wrong += at(a, t_strstr(a, b)) != at(a, strstr(a, b));
		/* Copies, and moves overlapping either way. */
		memset(x, 0, sizeof(x));
		memset(y, 0, sizeof(y));
		t_memcpy(x, a, la);
		wrong += memcmp(x, a, la) != 0;
		memcpy(y, x, sizeof(y));
		size_t from = (size_t)rand_r(&seed) % LEN,
		       to = (size_t)rand_r(&seed) % LEN;
		t_memmove(x + to, x + from, LEN);
		memmove(y + to, y + from, LEN);
		wrong += memcmp(x, y, sizeof(x)) != 0;
		if (wrong) {
			printf("\n    differs from glibc at round %d: \"%s\" \"%s\" %zu "
			       "'%c'",
			       r, a, b, n, c);
			break;
		}
	}
	CU_ASSERT_EQUAL(wrong, 0);
	/* The edges: empty strings and needles, a NUL searched for. */
	CU_ASSERT_EQUAL(at("abc", t_strstr("abc", "")), 0);
	CU_ASSERT_EQUAL(at("", t_strstr("", "")), 0);
	CU_ASSERT_EQUAL(at("abc", t_strchr("abc", '\0')), 3);
	CU_ASSERT_EQUAL(at("abc", t_strrchr("abc", '\0')), 3);
	CU_ASSERT_EQUAL(t_strcspn("abc", ""), 3);
	CU_ASSERT_EQUAL(t_strspn("abc", ""), 0);
}

static CU_TestInfo tests[] = {
    {"the shim's string functions answer as glibc's", test_same_as_glibc},
    CU_TEST_INFO_NULL,
};

TST_SUITE("shim.str", tests)
