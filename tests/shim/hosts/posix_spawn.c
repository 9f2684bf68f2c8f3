/* Test host for posix_spawn (see host.h). */
#define HOST_SPAWN
#include "tests/shim/hosts/host.h"

#include <dlfcn.h>
#include <spawn.h>

typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

static int call(const char *file, char **argv)
{
	spawn_fn fn = posix_spawn;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int err;

	if (!fn || posix_spawn_file_actions_init(&fa) || host_spawn_attr(&attr))
		return -ENOSYS;
	if (host_spawn_actions(&fa))
		return -ENOMEM;
	err = fn(&pid, file, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return err ? -err : pid;
}
