/* Test host for posix_spawnp@GLIBC_2.2.5 (see host.h). The compat version retries ENOEXEC
 * with /bin/sh. */
#include "tests/shim/hosts/host.h"

#include <dlfcn.h>
#include <spawn.h>

typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

static int call(const char *file, char **argv)
{
	spawn_fn fn = (spawn_fn)dlvsym(RTLD_DEFAULT, "posix_spawnp", "GLIBC_2.2.5");
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int err;

	if (!fn || posix_spawn_file_actions_init(&fa))
		return -ENOSYS;
	/* The job resolves and runs in the directory HOST_SPAWN_CHDIR names,
	 * as glibc applies the action before the exec. */
	if (getenv("HOST_SPAWN_CHDIR") &&
	    posix_spawn_file_actions_addchdir_np(&fa, getenv("HOST_SPAWN_CHDIR")))
		return -ENOMEM;
	err = fn(&pid, file, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return err ? -err : pid;
}
