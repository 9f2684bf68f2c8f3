/* posix_spawn, posix_spawnp (GLIBC_2.15 and the GLIBC_2.2.5 compat ones
 * that retry ENOEXEC with /bin/sh), and glibc 2.39's pidfd_spawn[p]. The
 * real spawn runs the helper with the host's file actions and attributes
 * untouched, so glibc applies them exactly as it would to the target. */
#include "shim/shim.h"

#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* glibc's private posix/spawn_int.h layout, read only to learn which
 * directory a relative file resolves in after chdir/fchdir actions. The
 * tags (2.36) run close, dup2, open, chdir, fchdir, closefrom, tcsetpgrp. */
struct fa_action {
	int tag;
	union {
		struct {
			int fd;
		} close;
		struct {
			int fd, newfd;
		} dup2;
		struct {
			int fd;
			char *path;
			int oflag;
			mode_t mode;
		} open;
		struct {
			char *path;
		} chdir;
		struct {
			int fd;
		} fchdir;
	} u;
};
_Static_assert(sizeof(struct fa_action) == 32, "glibc's struct __spawn_action");
enum { FA_CLOSE, FA_DUP2, FA_OPEN, FA_CHDIR, FA_FCHDIR };

/* What a child fd the actions touched refers to: our O_PATH copy of an
 * opened file, or -1 once closed. */
struct vfd {
	int fd, ours;
};
enum { VFD_MAX = 8 };
struct fa_sim {
	int cwd; /* AT_FDCWD or an O_PATH fd of ours */
	struct vfd v[VFD_MAX];
	size_t n;
};

static void close_ours(int fd)
{
	if (fd >= 0)
		close(fd);
}

static struct vfd *vfd_slot(struct fa_sim *s, int fd)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].fd == fd)
			return &s->v[i];
	if (s->n == VFD_MAX)
		return NULL;
	s->v[s->n] = (struct vfd){fd, -1};
	return &s->v[s->n++];
}

static int set_cwd(struct fa_sim *s, int dir)
{
	struct stat st;

	int err = 0;

	/* chdir(2) and fchdir(2): a directory we may search. */
	if (fstat(dir, &st) < 0)
		err = errno;
	else if (!S_ISDIR(st.st_mode))
		err = ENOTDIR;
	else if (faccessat(dir, "", X_OK, AT_EACCESS | AT_EMPTY_PATH) < 0)
		err = errno;
	if (err) {
		close(dir);
		return err;
	}
	close_ours(s->cwd);
	s->cwd = dir;
	return 0;
}

static const struct vfd *vfd_find(const struct fa_sim *s, int fd)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].fd == fd)
			return &s->v[i];
	return NULL;
}

/* A copy of what child fd refers to at this point of the actions: ours if
 * an action set it, else the host's fd of that number. */
static int vfd_dup(const struct fa_sim *s, int fd)
{
	const struct vfd *v = vfd_find(s, fd);

	if (v && v->ours < 0) {
		errno = EBADF;
		return -1;
	}
	return fcntl(v ? v->ours : fd, F_DUPFD_CLOEXEC, 0);
}

static int sim_fchdir(struct fa_sim *s, int fd)
{
	int dir = vfd_dup(s, fd);

	return dir < 0 ? errno : set_cwd(s, dir);
}

/* One action; 0, the errno the child would fail with, or -1 when the
 * simulation cannot follow (then the cwd as it stands is used). */
static int sim_action(struct fa_sim *s, const struct fa_action *a)
{
	struct vfd *v;
	int fd;

	switch (a->tag) {
	case FA_CHDIR:
		fd = openat(s->cwd, a->u.chdir.path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? errno : set_cwd(s, fd);
	case FA_FCHDIR:
		return sim_fchdir(s, a->u.fchdir.fd);
	case FA_OPEN:
		if (!(v = vfd_slot(s, a->u.open.fd)))
			return -1;
		close_ours(v->ours);
		v->ours = openat(s->cwd, a->u.open.path, O_PATH | O_CLOEXEC);
		return 0;
	case FA_DUP2:
		fd = vfd_dup(s, a->u.dup2.fd);
		if (!(v = vfd_slot(s, a->u.dup2.newfd))) {
			close_ours(fd);
			return -1;
		}
		close_ours(v->ours);
		v->ours = fd;
		return 0;
	case FA_CLOSE:
		if (!(v = vfd_slot(s, a->u.close.fd)))
			return -1;
		close_ours(v->ours);
		v->ours = -1;
		return 0;
	default:
		return 0;
	}
}

/* Runs the chdir/fchdir actions (and what fchdir may refer to) on O_PATH
 * fds of ours: *cwd is where the child resolves a relative file. Open
 * actions are not performed (no side effects); their own failures happen
 * for real in the helper's spawn. */
static int sim_cwd(const posix_spawn_file_actions_t *fa, int *cwd)
{
	struct fa_sim s = {.cwd = AT_FDCWD};
	const struct fa_action *a = fa ? (const struct fa_action *)fa->__actions : NULL;
	int err = 0;

	for (int i = 0; a && i < fa->__used && err == 0; i++)
		err = sim_action(&s, &a[i]);
	for (size_t i = 0; i < s.n; i++)
		close_ours(s.v[i].ours);
	if (err > 0) {
		close_ours(s.cwd);
		return err;
	}
	*cwd = s.cwd;
	return 0;
}

struct spawn_ctx {
	pid_t *pid;
	int *pidfd;
	const posix_spawn_file_actions_t *fa;
	const posix_spawnattr_t *attr;
};

static int spawn_helper(char *const *hargv, char *const *henv, void *arg)
{
	const struct spawn_ctx *c = arg;

	if (c->pidfd)
		return real.pidfd_spawn ? real.pidfd_spawn(c->pidfd, hargv[0], c->fa,
							   c->attr, hargv, henv)
					: ENOSYS;
	return real.spawn(c->pid, hargv[0], c->fa, c->attr, hargv, henv);
}

static int spawn_once(const struct divert *d, const struct spawn_req *r, bool noexec)
{
	struct helper_cmd h = {.helper = cfg.helper,
			       .sh = r->sh,
			       .dirfd = -1,
			       .cloexec = -1,
			       .tier = d->tier};
	struct probe p = {.noexec = noexec, .argv = r->argv, .envp = r->envp};
	struct spawn_ctx c = {r->pid, r->pidfd, r->fa, r->attr};
	char buf[PATH_MAX + NAME_MAX + 2];
	int err;

	err = sim_cwd(r->fa, &p.dirfd);
	if (err)
		return log_event(d, LOG_FAILED, r->file, err);
	err = resolve_exec(&h, &p, r->file, r->search, buf, sizeof(buf));
	close_ours(p.dirfd);
	/* Not the ENOEXEC that spawn_sandboxed retries with /bin/sh. */
	if (err == ENOEXEC && r->sh && r->search && !strchr(r->file, '/'))
		return err;
	if (err)
		return log_event(d, LOG_FAILED, r->file, err);
	if ((err = divert_helper_ok(r->file)))
		return log_event(d, LOG_REFUSED, h.path, err);
	log_event(d, LOG_SANDBOXED, h.path, 0);
	return log_err(d, divert_with(&h, r->argv, r->envp, spawn_helper, &c));
}

/* glibc's compat posix_spawnp retries ENOEXEC with /bin/sh and the file
 * name as the caller gave it, not the PATH candidate it found
 * (spawni.c maybe_script_execute): so "/bin/sh FILE ARG..." it is. */
static int spawn_script(const struct divert *d, const struct spawn_req *r)
{
	size_t argc = r->argv && r->argv[0] ? vec_len(r->argv) : 1;
	struct spawn_req sh = *r;
	char **argv;

	if (argc > SHIM_MAX_PTRS)
		return E2BIG;
	/* cppcheck-suppress allocaCalled */
	argv = alloca((argc + 2) * sizeof(*argv));
	argv[0] = (char *)"/bin/sh";
	argv[1] = (char *)r->file;
	for (size_t i = 1; i <= argc; i++)
		argv[i + 1] = i < argc ? r->argv[i] : NULL;
	sh.file = "/bin/sh";
	sh.argv = argv;
	sh.search = sh.sh = false;
	return spawn_once(d, &sh, false);
}

int spawn_sandboxed(const struct divert *d, const struct spawn_req *r)
{
	bool bare = r->sh && r->search && !strchr(r->file, '/');
	int saved = errno, err;

	/* glibc's spawns count argv before anything else (spawni.c), so a
	 * NULL argv ends the host with SIGSEGV there: the same here, rather
	 * than a job glibc would never start. The volatile load keeps the
	 * compiler from turning the fault into a trap of another signal. */
	char *const *volatile argv = r->argv;
	(void)*(char *const volatile *)argv;

	/* The helper's --sh runs the resolved path: right for the compat
	 * posix_spawn, not for a bare name found by the compat spawnp. */
	err = spawn_once(d, r, !r->sh || bare);
	if (err == ENOEXEC && bare)
		err = spawn_script(d, r);
	errno = saved;
	return err;
}

/* The six exported spawns differ only in the real function, PATH search,
 * the ENOEXEC fallback and where the child's handle goes. */
typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

static int spawn_entry(const char *fn, const struct spawn_req *r, spawn_fn real_fn)
{
	const struct log_call lc = {fn, r->file, r->argv, r->envp, AT_FDCWD};
	struct divert d;

	switch (divert_decide(&d, &lc, r->file, r->envp)) {
	case PASS:
		if (!real_fn)
			return log_err(&d, ENOSYS);
		return log_err(&d, real_fn(r->pidfd ? (pid_t *)r->pidfd : r->pid, r->file,
					   r->fa, r->attr, r->argv, r->envp));
	case REFUSE:
		return EPERM;
	default:
		return spawn_sandboxed(&d, r);
	}
}

#define SPAWN_ARGS                                                                       \
	const char *file, const posix_spawn_file_actions_t *fa,                          \
	    const posix_spawnattr_t *attr, char *const argv[], char *const envp[]
#define REQ(pid_, pidfd_, search_, sh_)                                                  \
	(&(struct spawn_req){.pid = pid_,                                                \
			     .pidfd = pidfd_,                                            \
			     .file = file,                                               \
			     .fa = fa,                                                   \
			     .attr = attr,                                               \
			     .argv = argv,                                               \
			     .envp = envp,                                               \
			     .search = search_,                                          \
			     .sh = sh_})

SHIM_EXPORT int cordon_posix_spawn(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_posix_spawnp(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_posix_spawn_compat(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_posix_spawnp_compat(pid_t *pid, SPAWN_ARGS);
SHIM_EXPORT int cordon_pidfd_spawn(int *pidfd, SPAWN_ARGS);
SHIM_EXPORT int cordon_pidfd_spawnp(int *pidfd, SPAWN_ARGS);

SHIM_EXPORT int cordon_posix_spawn(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry("posix_spawn", REQ(pid, NULL, false, false), real.spawn);
}

SHIM_EXPORT int cordon_posix_spawnp(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry("posix_spawnp", REQ(pid, NULL, true, false), real.spawnp);
}

SHIM_EXPORT int cordon_posix_spawn_compat(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry("posix_spawn", REQ(pid, NULL, false, true), real.spawn_compat);
}

SHIM_EXPORT int cordon_posix_spawnp_compat(pid_t *pid, SPAWN_ARGS)
{
	return spawn_entry("posix_spawnp", REQ(pid, NULL, true, true),
			   real.spawnp_compat);
}

/* pid_t and int are the same size: the real pidfd_spawn is called through
 * the posix_spawn-shaped pointer with the int * it expects. */
SHIM_EXPORT int cordon_pidfd_spawn(int *pidfd, SPAWN_ARGS)
{
	return spawn_entry("pidfd_spawn", REQ(NULL, pidfd, false, false),
			   (spawn_fn)real.pidfd_spawn);
}

SHIM_EXPORT int cordon_pidfd_spawnp(int *pidfd, SPAWN_ARGS)
{
	return spawn_entry("pidfd_spawnp", REQ(NULL, pidfd, true, false),
			   (spawn_fn)real.pidfd_spawnp);
}

/* The versions glibc gives these symbols on x86_64 (shim/exports.map). */
__asm__(".symver cordon_posix_spawn, posix_spawn@@GLIBC_2.15");
__asm__(".symver cordon_posix_spawnp, posix_spawnp@@GLIBC_2.15");
__asm__(".symver cordon_posix_spawn_compat, posix_spawn@GLIBC_2.2.5");
__asm__(".symver cordon_posix_spawnp_compat, posix_spawnp@GLIBC_2.2.5");
__asm__(".symver cordon_pidfd_spawn, pidfd_spawn@@GLIBC_2.39");
__asm__(".symver cordon_pidfd_spawnp, pidfd_spawnp@@GLIBC_2.39");
