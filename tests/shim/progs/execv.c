/* Test host for execv (see host.h). */
#define HOST_EXEC
#include "tests/shim/progs/host.h"

static int call(const char *file, char **argv)
{
	return execv(file, argv);
}
