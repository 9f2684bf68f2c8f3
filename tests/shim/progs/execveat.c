/* Test host for execveat (see host.h). */
#define HOST_EXEC
#include "tests/shim/progs/host.h"
#include <fcntl.h>
static int call(const char *file, char **argv)
{
	/* Relative to an O_PATH fd of the cwd, close-on-exec: the helper
	 * gets it through --dirfd/--cloexec and the job must not. */
	int dir = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return dir < 0 ? -1 : execveat(dir, file, argv, environ, 0);
}
