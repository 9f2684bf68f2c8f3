/* The target of the hostile suite: reports its namespaces (the tests'
 * channel, tests/lib/nsreport.h), then prints what it was started with,
 * in a form two runs can be compared by. cordon's own variables (CORDON_*,
 * LD_PRELOAD=) are left out: the shim's runs have them, the plain one
 * does not. Bytes outside printable ASCII are written as \xHH. */
#include "tests/lib/nsreport.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t hash = 1469598103934665603ull; /* FNV-1a */

static void mix(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		hash = (hash ^ *p) * 1099511628211ull;
	hash = (hash ^ 0x100) * 1099511628211ull; /* the end of one string */
}

static void show(const char *what, long i, const char *s)
{
	printf("%s[%ld] \"", what, i);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			putchar(*p);
		else
			printf("\\x%02x", *p);
	printf("\"\n");
}

/* No '=', or a byte that is not printable ASCII. */
static int odd(const char *e)
{
	if (!strchr(e, '='))
		return 1;
	for (const unsigned char *p = (const unsigned char *)e; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 1;
	return 0;
}

static int ours(const char *e)
{
	return strncmp(e, "CORDON_", 7) == 0 || strncmp(e, "LD_PRELOAD=", 11) == 0;
}

int main(int argc, char **argv, char **envp)
{
	long n = 0;

	tst_report_ns(argv);
	/* Many arguments: a few shown, all of them hashed. */
	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++) {
		mix(argv[i]);
		if (i < 4 || i == argc - 1)
			show("arg", i, argv[i]);
	}
	printf("args hash %016llx\n", (unsigned long long)hash);
	/* The env: all of it hashed, the odd entries shown. */
	hash = 1469598103934665603ull;
	for (char **e = envp; *e; e++, n++) {
		if (ours(*e)) {
			n--;
			continue;
		}
		mix(*e);
		if (odd(*e))
			show("env", n, *e);
	}
	printf("envc %ld env hash %016llx\n", n, (unsigned long long)hash);
	return 3;
}
