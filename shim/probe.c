/* Would the kernel exec this file, and with which error would it refuse?
 * Checked before the helper runs, so the host gets the errno the real call
 * would return, from the same function. Syscalls only, small buffers: this
 * runs in vfork children. What cannot be foreseen here (ETXTBSY, an ELF
 * the kernel rejects, a missing ELF interpreter) surfaces as the helper's
 * exit 126/127 instead (docs/shim.md). */
#include "shim/shim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* include/uapi/linux/binfmts.h and fs/exec.c */
enum {
	BINPRM_BUF = 256,
	MAX_ARG_STRLEN = 32 * 4096,
	ARG_MAX_FLOOR = 32 * 4096,
	STK_LIM = 8 * 1024 * 1024,
	MAX_RECURSION = 5,
	NEED_FD = -1, /* check_format_fd: no fd left to read a head with */
};

static int sum_strings(char *const *v, size_t *count, size_t *total)
{
	for (; v && *v; v++, ++*count) {
		size_t len = strlen(*v) + 1;
		if (len > MAX_ARG_STRLEN)
			return E2BIG;
		*total += len;
	}
	return 0;
}

/* fs/exec.c bprm_stack_limits(): the strings (file name included) and one
 * pointer per string must fit in a quarter of the stack rlimit, capped at
 * 3/4 of _STK_LIM and at least ARG_MAX. */
int probe_args_fit(const char *path, char *const *argv, char *const *envp)
{
	size_t argc = 0, envc = 0, total = strlen(path) + 1;
	struct rlimit rl;
	size_t limit = STK_LIM / 4 * 3;

	if (sum_strings(argv, &argc, &total) || sum_strings(envp, &envc, &total))
		return E2BIG;
	if (sys_getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur / 4 < limit)
		limit = rl.rlim_cur / 4;
	if (limit < ARG_MAX_FLOOR)
		limit = ARG_MAX_FLOOR;
	size_t ptrs = ((argc ? argc : 1) + envc) * sizeof(void *);
	if (limit <= ptrs || total > limit - ptrs)
		return E2BIG;
	return 0;
}

/* The first bytes, as the kernel's binfmt handlers see them; 0 bytes when
 * the file cannot be read (execute-only): then nothing is claimed. */
static ssize_t read_head(int dirfd, const char *path, int atflags, char *buf)
{
	char link[32] = "/proc/self/fd/";
	ssize_t n;
	int fd;

	if (atflags & AT_EMPTY_PATH && !*path) {
		n = sys_pread(dirfd, buf, BINPRM_BUF, 0);
		if (n >= 0 || errno != EBADF)
			return n;
		/* An O_PATH fd (or a write-only one): read it anew through its
		 * magic link, which needs read permission like any open. */
		fmt_u64(link + 14, (uint64_t)dirfd);
		dirfd = AT_FDCWD;
		path = link;
	}
	fd = sys_openat(dirfd, path,
			O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
			    (atflags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0),
			0);
	if (fd < 0)
		return -1;
	n = sys_pread(fd, buf, BINPRM_BUF, 0);
	sys_close(fd);
	return n;
}

static int check_file(int dirfd, const char *path, int atflags, struct stat *st)
{
	int sflags = atflags & (AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);

	if (sys_fstatat(dirfd, path, st, sflags) < 0)
		return errno;
	if (S_ISLNK(st->st_mode))
		return ELOOP; /* AT_SYMLINK_NOFOLLOW: the kernel's O_NOFOLLOW */
	if (!S_ISREG(st->st_mode))
		return EACCES;
	/* X_OK with the effective ids is the exec permission check, noexec
	 * mounts included (fs/open.c do_faccessat). */
	if (faccessat(dirfd, path, X_OK, AT_EACCESS | sflags) < 0)
		return errno;
	return 0;
}

/* A registered binfmt_misc handler may run what ELF and #! do not, so
 * ENOEXEC is never claimed then. Asked only for such files (rare), with
 * syscalls on the stack: not at load, where every process would pay. */
static __attribute__((noinline)) bool binfmt_misc_used(void)
{
	char buf[512];
	bool used = false;
	ssize_t n;
	int fd =
	    sys_open("/proc/sys/fs/binfmt_misc", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

	if (fd < 0)
		return false;
	while (!used && (n = sys_getdents64(fd, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < n && !used;) {
			const struct dirent64 *d = (const void *)(buf + off);
			used = d->d_name[0] != '.' &&
			       strcmp(d->d_name, "register") != 0 &&
			       strcmp(d->d_name, "status") != 0;
			off += d->d_reclen;
		}
	sys_close(fd);
	return used;
}

static int check_format(int dirfd, const char *path, int atflags, bool noexec, int depth);
static int check_format_fd(int dirfd, const char *path, int atflags, bool noexec,
			   bool fd_cloexec, int depth);

/* fs/binfmt_script.c: "#!" then blanks, the interpreter up to a blank or
 * the end of the line; a name running past the buffer is ENOEXEC. */
static int check_interpreter(char *buf, ssize_t n, bool noexec, int depth)
{
	char *p = buf + 2, *end = buf + n, *name;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	name = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\0')
		p++;
	if (p == name || p == end)
		return ENOEXEC;
	*p = '\0';
	struct stat st;
	int err = check_file(AT_FDCWD, name, 0, &st);
	return err ? err : check_format(AT_FDCWD, name, 0, noexec, depth + 1);
}

static int check_format(int dirfd, const char *path, int atflags, bool noexec, int depth)
{
	return check_format_fd(dirfd, path, atflags, noexec, false, depth);
}

static int check_format_fd(int dirfd, const char *path, int atflags, bool noexec,
			   bool fd_cloexec, int depth)
{
	char buf[BINPRM_BUF];
	ssize_t n;

	if (depth > MAX_RECURSION)
		return ELOOP;
	n = read_head(dirfd, path, atflags, buf);
	if (n < 0)
		return errno == EMFILE ? NEED_FD : 0;
	if (n >= 4 && memcmp(buf, "\177ELF", 4) == 0)
		return 0;
	/* fs/exec.c: a script reached through a close-on-exec fd would be
	 * handed to its interpreter as /dev/fd/N, which is gone by then. */
	if (n >= 2 && memcmp(buf, "#!", 2) == 0 && fd_cloexec && dirfd != AT_FDCWD &&
	    *path != '/')
		return ENOENT;
	if (n >= 2 && memcmp(buf, "#!", 2) == 0)
		return check_interpreter(buf, n, noexec, depth);
	return noexec && !binfmt_misc_used() ? ENOEXEC : 0;
}

/* EMFILE: every fd the host may have is in use, so its file cannot be read
 * here. A child that shares our memory but has a copy of our fd table
 * (clone without CLONE_FILES) closes one fd of its copy and checks the
 * format there; the host's table stays as it is (a close in the copy ends
 * no lock or registration: those belong to the host's own table). No exit
 * signal: the host's SIGCHLD handler and its waits do not see the child. */
struct format_req {
	const struct probe *p;
	const char *path;
	int err;
};

static int format_child(void *arg)
{
	struct format_req *q = arg;

	for (int fd = 0; fd < 4096; fd++)
		if (fd != q->p->dirfd && sys_close(fd) == 0)
			break;
	q->err = check_format_fd(q->p->dirfd, q->path, q->p->atflags, q->p->noexec,
				 q->p->fd_cloexec, 0);
	return 0;
}

/* The child's stack is a mapping of its own: the caller's may be small. */
static int check_format_spare_fd(const struct probe *p, const char *path)
{
	enum { STACK_SIZE = 16384 };
	struct format_req q = {p, path, 0};
	int saved = errno;
	pid_t pid = -1;
	struct call_mem m;

	if (mem_open(&m, STACK_SIZE) == 0) {
		pid =
		    clone(format_child, m.base + STACK_SIZE, CLONE_VM | CLONE_VFORK, &q);
		if (pid > 0)
			while (waitpid(pid, NULL, __WCLONE) < 0 && errno == EINTR)
				;
		mem_close(&m);
	}
	errno = saved;
	/* Still no fd, or no child: claim nothing, the helper's exit tells. */
	return pid > 0 && q.err != NEED_FD ? q.err : 0;
}

int probe_file(struct probe *p, const char *path)
{
	struct stat st;
	int err = check_file(p->dirfd, path, p->atflags, &st);

	if (err)
		return err;
	p->dev = st.st_dev;
	p->ino = st.st_ino;
	err = probe_args_fit(path, p->argv, p->envp);
	if (err)
		return err;
	err = check_format_fd(p->dirfd, path, p->atflags, p->noexec, p->fd_cloexec, 0);
	return err == NEED_FD ? check_format_spare_fd(p, path) : err;
}
