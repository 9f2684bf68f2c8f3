/* Test host for fexecve (see host.h). */
#define HOST_EXEC
#include "tests/shim/progs/host.h"
#include <fcntl.h>
static int call(const char *file, char **argv)
{
	/* An O_PATH fd, close-on-exec: the job must not inherit it. */
	int fd = open(file, O_PATH | O_CLOEXEC);
	return fd < 0 ? -1 : fexecve(fd, argv, environ);
}
