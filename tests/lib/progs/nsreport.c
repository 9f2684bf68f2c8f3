/* A job that reports its namespaces (tests/lib/nsreport.h), then runs its
 * arguments, if any, in its place:
 *
 *	nsreport [CMD [ARG...]]
 *
 * for the jobs of shells and real programs (`sh -c "NSREPORT; ..."`,
 * `make`'s recipes, `xargs NSREPORT CMD`), and as /bin/true that reports. */
#include "tests/lib/nsreport.h"

int main(int argc, char **argv)
{
	tst_report_ns(NULL);
	if (argc < 2)
		return 0;
	execvp(argv[1], argv + 1);
	fprintf(stderr, "nsreport: %s: %s\n", argv[1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
