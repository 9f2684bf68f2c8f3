/* glibc 2.39's pidfd_spawn and pidfd_spawnp for a host on an older glibc,
 * so that the shim's pidfd path (sandboxed and passed through) runs in the
 * tests on any glibc. $(B)/tests/lib/host-pidfd is linked against this
 * library (libpidfd-stub.so, before libc): its references are
 * pidfd_spawn@GLIBC_2.39 and pidfd_spawnp@GLIBC_2.39, as a host built on
 * glibc 2.39 has them, and with libcordon.so preloaded the shim's
 * definitions come first, as before a real glibc 2.39's.
 *
 * The shim looks a symbol up only when a loaded object defines its version
 * (shim/config.c: a failed lookup costs every process an error message):
 * this library's GLIBC_2.39 while the real glibc is older. The shim's
 * dlvsym(RTLD_NEXT, "pidfd_spawn", "GLIBC_2.39") then finds the functions
 * here.
 *
 * Each is libc's posix_spawn or posix_spawnp (the GLIBC_2.15 ones of the
 * objects after this one: libc's, never the shim's), then pidfd_open of
 * the child: what a caller of pidfd_spawn gets, a pidfd for the process
 * the same file actions and attributes made, or the spawn's error. */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

int pidfd_spawn(int *pidfd, const char *file, const posix_spawn_file_actions_t *fa,
		const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
int pidfd_spawnp(int *pidfd, const char *file, const posix_spawn_file_actions_t *fa,
		 const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);

static int spawn_pidfd(const char *name, int *pidfd, const char *file,
		       const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *attr, char *const argv[],
		       char *const envp[])
{
	spawn_fn real = (spawn_fn)dlvsym(RTLD_NEXT, name, "GLIBC_2.15");
	pid_t pid;
	int err;

	if (!real)
		return ENOSYS;
	err = real(&pid, file, fa, attr, argv, envp);
	if (err)
		return err;
	/* The child is ours and unreaped: its pid cannot be reused before
	 * pidfd_open. */
	int fd = pidfd_open(pid, 0);
	if (fd < 0) {
		err = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return err;
	}
	*pidfd = fd;
	return 0;
}

int pidfd_spawn(int *pidfd, const char *file, const posix_spawn_file_actions_t *fa,
		const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return spawn_pidfd("posix_spawn", pidfd, file, fa, attr, argv, envp);
}

int pidfd_spawnp(int *pidfd, const char *file, const posix_spawn_file_actions_t *fa,
		 const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return spawn_pidfd("posix_spawnp", pidfd, file, fa, attr, argv, envp);
}
