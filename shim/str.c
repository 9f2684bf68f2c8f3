/* The string and memory functions the shim calls, its own (hidden, like
 * every symbol of the library that is not an entry point). Each import of
 * libcordon.so is bound in every process that loads it, whether the
 * function is ever called or not: glibc's versions of these are IFUNCs,
 * some 800 instructions of the loader's each, 14 of them about 11k of a
 * tier none process's start. The shim's strings are short (paths, the
 * variables of one environment): plain loops are enough. Built without
 * builtins, so that no loop here becomes a call of itself.
 *
 * tests/shim/str_test.c includes this file with SHIM_STR_NAME renaming
 * each, and compares them with glibc's. */
#undef _FORTIFY_SOURCE /* its inline wrappers would be second definitions */
#include <stddef.h>

#ifndef SHIM_STR_NAME
#define SHIM_STR_NAME(name) name
#define SHIM_STR_STORAGE
/* string.h's declarations, for -Wmissing-prototypes. */
#include <string.h>
#endif

#define F(name) SHIM_STR_NAME(name)

SHIM_STR_STORAGE size_t F(strlen)(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

SHIM_STR_STORAGE size_t F(strnlen)(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

SHIM_STR_STORAGE void *F(memcpy)(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

SHIM_STR_STORAGE void *F(memmove)(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s || d >= s + n)
		while (n--)
			*d++ = *s++;
	else
		while (n--)
			d[n] = s[n];
	return dst;
}

SHIM_STR_STORAGE int F(memcmp)(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

SHIM_STR_STORAGE void *F(memchr)(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

SHIM_STR_STORAGE char *F(strchrnul)(const char *s, int c)
{
	while (*s && *s != (char)c)
		s++;
	return (char *)s;
}

SHIM_STR_STORAGE char *F(strchr)(const char *s, int c)
{
	s = F(strchrnul)(s, c);
	return *s == (char)c ? (char *)s : NULL;
}

SHIM_STR_STORAGE char *F(strrchr)(const char *s, int c)
{
	const char *last = NULL;

	do
		if (*s == (char)c)
			last = s;
	while (*s++);
	return (char *)last;
}

SHIM_STR_STORAGE int F(strcmp)(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

SHIM_STR_STORAGE int F(strncmp)(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}

/* The length of s's first run of bytes in (accept) or out of (reject) set. */
static size_t span(const char *s, const char *set, int in)
{
	unsigned long bits[256 / (8 * sizeof(unsigned long))] = {0};
	enum { W = 8 * sizeof(unsigned long) };
	size_t n = 0;

	for (; *set; set++)
		bits[(unsigned char)*set / W] |= 1UL << ((unsigned char)*set % W);
	for (; s[n]; n++) {
		int member =
		    (bits[(unsigned char)s[n] / W] >> ((unsigned char)s[n] % W)) & 1;
		if (member != in)
			break;
	}
	return n;
}

SHIM_STR_STORAGE size_t F(strspn)(const char *s, const char *accept)
{
	return span(s, accept, 1);
}

SHIM_STR_STORAGE size_t F(strcspn)(const char *s, const char *reject)
{
	return span(s, reject, 0);
}

SHIM_STR_STORAGE char *F(strstr)(const char *hay, const char *needle)
{
	size_t n = F(strlen)(needle);

	for (; *hay; hay++)
		if (F(strncmp)(hay, needle, n) == 0)
			return (char *)hay;
	return n ? NULL : (char *)hay;
}
