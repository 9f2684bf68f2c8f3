/* posix_spawn, posix_spawnp (GLIBC_2.15 and the GLIBC_2.2.5 compat ones
 * that retry ENOEXEC with /bin/sh), and glibc 2.39's pidfd_spawn[p]. The
 * real spawn runs the helper with the host's file actions and attributes
 * untouched, so glibc applies them exactly as it would to the target. Each
 * fills a struct call (calls.c) and runs the one pipeline (call.c). */
#include "shim/shim.h"

#include <errno.h>

#define SPAWN_ARGS                                                                       \
	const char *file, const posix_spawn_file_actions_t *fa,                          \
	    const posix_spawnattr_t *attr, char *const argv[], char *const envp[]

/* Entry point e's call, its child's handle into pid or pidfd; errno kept. */
static int spawn_entry(enum entry e, pid_t *pid, int *pidfd, SPAWN_ARGS)
{
	int saved = errno, err;
	struct call c;

	/* glibc's spawns count argv before anything else (spawni.c), so a
	 * NULL argv ends the host with SIGSEGV there: the same here, rather
	 * than a job glibc would never start. The volatile load keeps the
	 * compiler from turning the fault into a trap of another signal. */
	char *const *volatile va = argv;
	(void)*(char *const volatile *)va;
	call_init(&c, e, file, argv, envp);
	c.pid = pid;
	c.pidfd = pidfd;
	c.fa = fa;
	c.attr = attr;
	err = call_run(shim_get(), &c);
	errno = saved;
	return err;
}

SHIM_EXPORT int cordon_posix_spawn(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_posix_spawnp(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_posix_spawn_compat(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_posix_spawnp_compat(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_pidfd_spawn(int *pidfd, SPAWN_ARGS);
SHIM_EXPORT int cordon_pidfd_spawnp(int *pidfd, SPAWN_ARGS);

SHIM_EXPORT int cordon_posix_spawn(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry(ENTRY_SPAWN, pid, NULL, file, fa, attr, argv, envp);
}

SHIM_EXPORT int cordon_posix_spawnp(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry(ENTRY_SPAWNP, pid, NULL, file, fa, attr, argv, envp);
}

SHIM_EXPORT int cordon_posix_spawn_compat(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry(ENTRY_SPAWN_COMPAT, pid, NULL, file, fa, attr, argv, envp);
}

SHIM_EXPORT int cordon_posix_spawnp_compat(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry(ENTRY_SPAWNP_COMPAT, pid, NULL, file, fa, attr, argv, envp);
}

SHIM_EXPORT int cordon_pidfd_spawn(int *pidfd, SPAWN_ARGS)
{
	return spawn_entry(ENTRY_PIDFD_SPAWN, NULL, pidfd, file, fa, attr, argv, envp);
}

SHIM_EXPORT int cordon_pidfd_spawnp(int *pidfd, SPAWN_ARGS)
{
	return spawn_entry(ENTRY_PIDFD_SPAWNP, NULL, pidfd, file, fa, attr, argv, envp);
}

/* The versions glibc gives these symbols on x86_64 (shim/exports.map). */
__asm__(".symver cordon_posix_spawn, posix_spawn@@GLIBC_2.15");
__asm__(".symver cordon_posix_spawnp, posix_spawnp@@GLIBC_2.15");
__asm__(".symver cordon_posix_spawn_compat, posix_spawn@GLIBC_2.2.5");
__asm__(".symver cordon_posix_spawnp_compat, posix_spawnp@GLIBC_2.2.5");
__asm__(".symver cordon_pidfd_spawn, pidfd_spawn@@GLIBC_2.39");
__asm__(".symver cordon_pidfd_spawnp, pidfd_spawnp@@GLIBC_2.39");
