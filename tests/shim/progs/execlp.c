/* Test host for execlp (see host.h). */
#define HOST_EXEC
#include "tests/shim/progs/host.h"

static int call(const char *file, char **argv)
{
	/* Up to three arguments after ARGV0: the tests need no more. */
	switch (argv[1] ? argv[2] ? argv[3] ? 3 : 2 : 1 : 0) {
	case 0:
		return execlp(file, argv[0], (char *)NULL);
	case 1:
		return execlp(file, argv[0], argv[1], (char *)NULL);
	case 2:
		return execlp(file, argv[0], argv[1], argv[2], (char *)NULL);
	default:
		return execlp(file, argv[0], argv[1], argv[2], argv[3], (char *)NULL);
	}
}
