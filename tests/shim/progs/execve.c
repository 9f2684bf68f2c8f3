/* Test host for execve (see host.h). */
#define HOST_EXEC
#include "tests/shim/progs/host.h"

static int call(const char *file, char **argv)
{
	return execve(file, argv, environ);
}
