/* posix_spawn, posix_spawnp (GLIBC_2.15 and the GLIBC_2.2.5 compat ones
 * that retry ENOEXEC with /bin/sh), and glibc 2.39's pidfd_spawn[p]. The
 * real spawn runs the helper with the host's file actions and attributes
 * untouched, so glibc applies them exactly as it would to the target. */
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>

/* The six exported spawns differ only in the real function, PATH search,
 * the ENOEXEC fallback and where the child's handle goes. */
typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

#define SPAWN_PASS(name, slot, handle)                                                   \
	static int name(const struct call *c, const struct real_fns *real)               \
	{                                                                                \
		spawn_fn f = (spawn_fn)real->slot;                                       \
		return f ? f((pid_t *)c->handle, c->file, c->fa, c->attr, c->argv,       \
			     c->envp)                                                    \
			 : ENOSYS;                                                       \
	}
SPAWN_PASS(pass_spawn, spawn, pid)
SPAWN_PASS(pass_spawnp, spawnp, pid)
SPAWN_PASS(pass_spawn_compat, spawn_compat, pid)
SPAWN_PASS(pass_spawnp_compat, spawnp_compat, pid)
/* pid_t and int are the same size: the real pidfd_spawn is called through
 * the posix_spawn-shaped pointer with the int * it expects. */
SPAWN_PASS(pass_pidfd_spawn, pidfd_spawn, pidfd)
SPAWN_PASS(pass_pidfd_spawnp, pidfd_spawnp, pidfd)

static int spawn_entry(struct call *c)
{
	int saved = errno, err;

	/* glibc's spawns count argv before anything else (spawni.c), so a
	 * NULL argv ends the host with SIGSEGV there: the same here, rather
	 * than a job glibc would never start. The volatile load keeps the
	 * compiler from turning the fault into a trap of another signal. */
	char *const *volatile argv = c->argv;
	(void)*(char *const volatile *)argv;
	err = call_run(shim_get(), c);
	errno = saved;
	return err;
}

#define SPAWN_ARGS                                                                       \
	const char *file, const posix_spawn_file_actions_t *fa,                          \
	    const posix_spawnattr_t *attr, char *const argv[], char *const envp[]
#define SPAWN_CALL(fn_, pid_, pidfd_, search_, sh_, pass_)                               \
	(&(struct call){.fn = fn_,                                                       \
			.kind = CALL_SPAWN,                                              \
			.file = file,                                                    \
			.dirfd = AT_FDCWD,                                               \
			.argv = argv,                                                    \
			.envp = envp,                                                    \
			.search = search_,                                               \
			.sh = sh_,                                                       \
			.sh_given = search_ && sh_,                                      \
			.pid = pid_,                                                     \
			.pidfd = pidfd_,                                                 \
			.fa = fa,                                                        \
			.attr = attr,                                                    \
			.pass = pass_})

SHIM_EXPORT int cordon_posix_spawn(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_posix_spawnp(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_posix_spawn_compat(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_posix_spawnp_compat(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_pidfd_spawn(int *pidfd, SPAWN_ARGS);
SHIM_EXPORT int cordon_pidfd_spawnp(int *pidfd, SPAWN_ARGS);

SHIM_EXPORT int cordon_posix_spawn(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry(
	    SPAWN_CALL("posix_spawn", pid, NULL, false, false, pass_spawn));
}

SHIM_EXPORT int cordon_posix_spawnp(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry(
	    SPAWN_CALL("posix_spawnp", pid, NULL, true, false, pass_spawnp));
}

SHIM_EXPORT int cordon_posix_spawn_compat(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry(
	    SPAWN_CALL("posix_spawn", pid, NULL, false, true, pass_spawn_compat));
}

SHIM_EXPORT int cordon_posix_spawnp_compat(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry(
	    SPAWN_CALL("posix_spawnp", pid, NULL, true, true, pass_spawnp_compat));
}

SHIM_EXPORT int cordon_pidfd_spawn(int *pidfd, SPAWN_ARGS)
{
	return spawn_entry(
	    SPAWN_CALL("pidfd_spawn", NULL, pidfd, false, false, pass_pidfd_spawn));
}

SHIM_EXPORT int cordon_pidfd_spawnp(int *pidfd, SPAWN_ARGS)
{
	return spawn_entry(
	    SPAWN_CALL("pidfd_spawnp", NULL, pidfd, true, false, pass_pidfd_spawnp));
}

/* The versions glibc gives these symbols on x86_64 (shim/exports.map). */
__asm__(".symver cordon_posix_spawn, posix_spawn@@GLIBC_2.15");
__asm__(".symver cordon_posix_spawnp, posix_spawnp@@GLIBC_2.15");
__asm__(".symver cordon_posix_spawn_compat, posix_spawn@GLIBC_2.2.5");
__asm__(".symver cordon_posix_spawnp_compat, posix_spawnp@GLIBC_2.2.5");
__asm__(".symver cordon_pidfd_spawn, pidfd_spawn@@GLIBC_2.39");
__asm__(".symver cordon_pidfd_spawnp, pidfd_spawnp@@GLIBC_2.39");
