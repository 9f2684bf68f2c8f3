/* posix_spawn file actions, read (never performed) before the helper is
 * spawned with them: where a relative file resolves after the chdir/fchdir
 * actions, and which fds the actions close or replace. Syscalls only on
 * O_PATH fds of ours; nothing the child will see changes. */
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* glibc's private posix/spawn_int.h layout, read only to learn which
 * directory a relative file resolves in after chdir/fchdir actions, and
 * which fds the actions close or replace. The tags (2.36) run close, dup2,
 * open, chdir, fchdir, closefrom, tcsetpgrp. */
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
		struct {
			int from;
		} closefrom;
	} u;
};
_Static_assert(sizeof(struct fa_action) == FA_ACTION_SIZE,
	       "glibc's struct __spawn_action");
enum { FA_CLOSE, FA_DUP2, FA_OPEN, FA_CHDIR, FA_FCHDIR, FA_CLOSEFROM, FA_TCSETPGRP };

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
		sys_close(fd);
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
	if (sys_fstat(dir, &st) < 0)
		err = errno;
	else if (!S_ISDIR(st.st_mode))
		err = ENOTDIR;
	else if (faccessat(dir, "", X_OK, AT_EACCESS | AT_EMPTY_PATH) < 0)
		err = errno;
	if (err) {
		sys_close(dir);
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
	return sys_fcntl(v ? v->ours : fd, F_DUPFD_CLOEXEC, 0);
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
		fd = sys_openat(s->cwd, a->u.chdir.path, O_PATH | O_DIRECTORY | O_CLOEXEC,
				0);
		return fd < 0 ? errno : set_cwd(s, fd);
	case FA_FCHDIR:
		return sim_fchdir(s, a->u.fchdir.fd);
	case FA_OPEN:
		if (!(v = vfd_slot(s, a->u.open.fd)))
			return -1;
		close_ours(v->ours);
		v->ours = sys_openat(s->cwd, a->u.open.path, O_PATH | O_CLOEXEC, 0);
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
int spawn_sim_cwd(const posix_spawn_file_actions_t *fa, int *cwd)
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

void spawn_fa_own(posix_spawn_file_actions_t *fa, void *mem, int cap)
{
	memset(fa, 0, sizeof(*fa));
	fa->__allocated = cap;
	fa->__actions = mem;
}

int spawn_fa_add(posix_spawn_file_actions_t *fa, int fd, int newfd)
{
	struct fa_action *a = (struct fa_action *)fa->__actions;

	if (fa->__used == fa->__allocated)
		return ENOMEM;
	a[fa->__used++] = newfd < 0
			      ? (struct fa_action){.tag = FA_CLOSE, .u.close = {fd}}
			      : (struct fa_action){.tag = FA_DUP2, .u.dup2 = {fd, newfd}};
	return 0;
}

const posix_spawn_file_actions_t *
spawn_fa_after_dup2(const posix_spawn_file_actions_t *fa, int from, int to,
		    posix_spawn_file_actions_t *out, struct call_mem *m)
{
	int n = fa ? fa->__used : 0;
	struct fa_action *a = mem_take(m, (size_t)(n + 1) * sizeof(*a));

	if (!a)
		return NULL;
	spawn_fa_own(out, a, n + 1);
	spawn_fa_add(out, from, to);
	if (n)
		memcpy(a + 1, fa->__actions, (size_t)n * sizeof(*a));
	out->__used = n + 1;
	return out;
}

bool spawn_fa_touches(const posix_spawn_file_actions_t *fa, int fd)
{
	const struct fa_action *a = fa ? (const struct fa_action *)fa->__actions : NULL;

	for (int i = 0; a && i < fa->__used; i++)
		switch (a[i].tag) {
		case FA_CLOSE:
		case FA_OPEN:
			if (a[i].u.close.fd == fd)
				return true;
			break;
		case FA_DUP2:
			if (a[i].u.dup2.newfd == fd)
				return true;
			break;
		case FA_CLOSEFROM:
			if (a[i].u.closefrom.from <= fd)
				return true;
			break;
		case FA_CHDIR:
		case FA_FCHDIR:
		case FA_TCSETPGRP:
			break;
		default:
			return true; /* an action of a newer glibc: assume it does */
		}
	return false;
}
