/* Test host for posix_spawn@GLIBC_2.2.5 (see host.h). The compat version retries ENOEXEC
 * with /bin/sh. */
#define HOST_SPAWN
#include "tests/shim/progs/host.h"

#include <dlfcn.h>

static int call(const char *file, char **argv)
{
	return host_spawn((spawn_fn)dlvsym(RTLD_DEFAULT, "posix_spawn", "GLIBC_2.2.5"),
			  file, argv);
}
