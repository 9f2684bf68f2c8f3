/* What each entry point asks (pure): its name for the log, exec or spawn,
 * PATH search, the ENOEXEC fallback, and the real function a job that
 * passes through gets. The exported wrappers (exec.c, spawn.c, system.c)
 * and the pipeline's tests build their struct call from this one table. */
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>

static int pass_execve(const struct call *c, const struct real_fns *real)
{
	real->execve(c->file, c->argv, c->envp);
	return errno;
}

static int pass_execv(const struct call *c, const struct real_fns *real)
{
	real->execv(c->file, c->argv);
	return errno;
}

static int pass_execvpe(const struct call *c, const struct real_fns *real)
{
	real->execvpe(c->file, c->argv, c->envp);
	return errno;
}

static int pass_execvp(const struct call *c, const struct real_fns *real)
{
	real->execvp(c->file, c->argv);
	return errno;
}

static int pass_execveat(const struct call *c, const struct real_fns *real)
{
	real->execveat(c->dirfd, c->file, c->argv, c->envp, c->atflags);
	return errno;
}

static int pass_fexecve(const struct call *c, const struct real_fns *real)
{
	real->fexecve(c->dirfd, c->argv, c->envp);
	return errno;
}

/* pid_t and int are the same size: the real pidfd_spawn is called through
 * the posix_spawn-shaped pointer with the int * it expects. */
typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);
#define PASS_SPAWN(name, slot, handle)                                                   \
	static int name(const struct call *c, const struct real_fns *real)               \
	{                                                                                \
		spawn_fn f = (spawn_fn)real->slot;                                       \
		return f ? f((pid_t *)c->handle, c->file, c->fa, c->attr, c->argv,       \
			     c->envp)                                                    \
			 : ENOSYS;                                                       \
	}
PASS_SPAWN(pass_spawn, spawn, pid)
PASS_SPAWN(pass_spawnp, spawnp, pid)
PASS_SPAWN(pass_spawn_compat, spawn_compat, pid)
PASS_SPAWN(pass_spawnp_compat, spawnp_compat, pid)
PASS_SPAWN(pass_pidfd_spawn, pidfd_spawn, pidfd)
PASS_SPAWN(pass_pidfd_spawnp, pidfd_spawnp, pidfd)

/* system() and popen() pass through on their own (system.c): a status, a
 * stream, not an errno. */
static const struct {
	const char *fn;
	enum call_kind kind;
	bool search, sh, sh_given;
	pass_fn pass;
} entries[] = {
    [ENTRY_EXECVE] = {"execve", CALL_EXEC, false, false, false, pass_execve},
    [ENTRY_EXECV] = {"execv", CALL_EXEC, false, false, false, pass_execv},
    [ENTRY_EXECVP] = {"execvp", CALL_EXEC, true, true, false, pass_execvp},
    [ENTRY_EXECVPE] = {"execvpe", CALL_EXEC, true, true, false, pass_execvpe},
    [ENTRY_EXECL] = {"execl", CALL_EXEC, false, false, false, pass_execve},
    [ENTRY_EXECLE] = {"execle", CALL_EXEC, false, false, false, pass_execve},
    [ENTRY_EXECLP] = {"execlp", CALL_EXEC, true, true, false, pass_execvpe},
    [ENTRY_FEXECVE] = {"fexecve", CALL_EXEC, false, false, false, pass_fexecve},
    [ENTRY_EXECVEAT] = {"execveat", CALL_EXEC, false, false, false, pass_execveat},
    /* GLIBC_2.15: no ENOEXEC fallback; GLIBC_2.2.5: /bin/sh, and the compat
     * spawnp hands it the name as given. */
    [ENTRY_SPAWN] = {"posix_spawn", CALL_SPAWN, false, false, false, pass_spawn},
    [ENTRY_SPAWNP] = {"posix_spawnp", CALL_SPAWN, true, false, false, pass_spawnp},
    [ENTRY_SPAWN_COMPAT] = {"posix_spawn", CALL_SPAWN, false, true, false,
			    pass_spawn_compat},
    [ENTRY_SPAWNP_COMPAT] = {"posix_spawnp", CALL_SPAWN, true, true, true,
			     pass_spawnp_compat},
    [ENTRY_PIDFD_SPAWN] = {"pidfd_spawn", CALL_SPAWN, false, false, false,
			   pass_pidfd_spawn},
    [ENTRY_PIDFD_SPAWNP] = {"pidfd_spawnp", CALL_SPAWN, true, false, false,
			    pass_pidfd_spawnp},
    [ENTRY_SYSTEM] = {"system", CALL_SPAWN, false, false, false, NULL},
    [ENTRY_POPEN] = {"popen", CALL_SPAWN, false, false, false, NULL},
};

void call_init(struct call *c, enum entry e, const char *file, char *const *argv,
	       char *const *envp)
{
	*c = (struct call){.fn = entries[e].fn,
			   .kind = entries[e].kind,
			   .file = file,
			   .dirfd = AT_FDCWD,
			   .argv = argv,
			   .envp = envp,
			   .search = entries[e].search,
			   .sh = entries[e].sh,
			   .sh_given = entries[e].sh_given,
			   .pass = entries[e].pass};
}
