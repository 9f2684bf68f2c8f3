/* Test host for posix_spawn (see host.h). */
#define HOST_SPAWN
#include "tests/shim/progs/host.h"

static int call(const char *file, char **argv)
{
	return host_spawn(posix_spawn, file, argv);
}
