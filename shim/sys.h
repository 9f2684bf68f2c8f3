/* The system calls the shim makes, through libc's one syscall(2).
 *
 * Every import of libcordon.so is bound when a process loads it, in every
 * process, sandboxed or not (BIND_NOW: nothing may be resolved later, in a
 * vfork child): each costs the loader one symbol lookup, some 650
 * instructions. The plain calls below go through one import instead of
 * thirty. Each returns and sets errno as libc's wrapper of the same name;
 * none is a cancellation point (none of them is where an entry point must
 * be one: those wait with libc's waitpid). The signal sets are glibc's
 * sigset_t (signal n at bit n - 1 of its words); the kernel reads and
 * writes the first _NSIG / 8 bytes of one. libc keeps the calls whose
 * wrappers do more than the system call: faccessat (AT_EACCESS on kernels
 * without faccessat2), getcwd, sigaction, sigprocmask, clone, waitpid and
 * clock_gettime (the vDSO). */
#ifndef CORDON_SHIM_SYS_H
#define CORDON_SHIM_SYS_H

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static inline int sys_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

static inline int sys_open(const char *path, int flags, mode_t mode)
{
	return sys_openat(AT_FDCWD, path, flags, mode);
}

static inline int sys_close(int fd)
{
	return (int)syscall(SYS_close, fd);
}

static inline int sys_fcntl(int fd, int cmd, long arg)
{
	return (int)syscall(SYS_fcntl, fd, cmd, arg);
}

static inline int sys_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return (int)syscall(SYS_newfstatat, dirfd, path, st, flags);
}

static inline int sys_stat(const char *path, struct stat *st)
{
	return sys_fstatat(AT_FDCWD, path, st, 0);
}

static inline int sys_fstat(int fd, struct stat *st)
{
	return sys_fstatat(fd, "", st, AT_EMPTY_PATH);
}

static inline int sys_access(const char *path, int mode)
{
	return (int)syscall(SYS_faccessat, AT_FDCWD, path, mode);
}

static inline ssize_t sys_readlink(const char *path, char *buf, size_t size)
{
	return syscall(SYS_readlinkat, AT_FDCWD, path, buf, size);
}

static inline ssize_t sys_getdents64(int fd, void *buf, size_t size)
{
	return syscall(SYS_getdents64, fd, buf, size);
}

static inline ssize_t sys_write(int fd, const void *buf, size_t n)
{
	return syscall(SYS_write, fd, buf, n);
}

static inline ssize_t sys_writev(int fd, const struct iovec *iov, int n)
{
	return syscall(SYS_writev, fd, iov, n);
}

static inline ssize_t sys_read(int fd, void *buf, size_t n)
{
	return syscall(SYS_read, fd, buf, n);
}

static inline ssize_t sys_pread(int fd, void *buf, size_t n, off_t at)
{
	return syscall(SYS_pread64, fd, buf, n, at);
}

static inline ssize_t sys_pwrite(int fd, const void *buf, size_t n, off_t at)
{
	return syscall(SYS_pwrite64, fd, buf, n, at);
}

static inline off_t sys_lseek(int fd, off_t at, int whence)
{
	return (off_t)syscall(SYS_lseek, fd, at, whence);
}

static inline int sys_pipe2(int fds[2], int flags)
{
	return (int)syscall(SYS_pipe2, fds, flags);
}

static inline void *sys_mmap(void *at, size_t size, int prot, int flags, int fd,
			     off_t off)
{
	return (void *)syscall(SYS_mmap, at, size, prot, flags, fd, off);
}

static inline int sys_munmap(void *at, size_t size)
{
	return (int)syscall(SYS_munmap, at, size);
}

static inline int sys_prctl(int option, unsigned long a2)
{
	return (int)syscall(SYS_prctl, option, a2, 0UL, 0UL, 0UL);
}

static inline int sys_getrlimit(int resource, struct rlimit *rl)
{
	return (int)syscall(SYS_prlimit64, 0, resource, NULL, rl);
}

static inline pid_t sys_getpid(void)
{
	return (pid_t)syscall(SYS_getpid);
}

static inline uid_t sys_geteuid(void)
{
	return (uid_t)syscall(SYS_geteuid);
}

static inline gid_t sys_getegid(void)
{
	return (gid_t)syscall(SYS_getegid);
}

static inline int sys_getgroups(int n, gid_t *groups)
{
	return (int)syscall(SYS_getgroups, n, groups);
}

static inline int sys_kill(pid_t pid, int sig)
{
	return (int)syscall(SYS_kill, pid, sig);
}

static inline int sys_sched_yield(void)
{
	return (int)syscall(SYS_sched_yield);
}

enum { SYS_SIGSET_WORD_BITS = 8 * sizeof(unsigned long) };

static inline void sys_sigemptyset(sigset_t *s)
{
	memset(s, 0, sizeof(*s));
}

static inline void sys_sigaddset(sigset_t *s, int sig)
{
	s->__val[(sig - 1) / SYS_SIGSET_WORD_BITS] |=
	    1UL << ((sig - 1) % SYS_SIGSET_WORD_BITS);
}

static inline int sys_sigismember(const sigset_t *s, int sig)
{
	return (int)(s->__val[(sig - 1) / SYS_SIGSET_WORD_BITS] >>
		     ((sig - 1) % SYS_SIGSET_WORD_BITS)) &
	       1;
}

static inline int sys_sigpending(sigset_t *s)
{
	sys_sigemptyset(s);
	return (int)syscall(SYS_rt_sigpending, s, _NSIG / 8);
}

/* The signal of set pending, taken; -1 (EAGAIN) when none is by then. */
static inline int sys_sigtimedwait(const sigset_t *set, const struct timespec *t)
{
	return (int)syscall(SYS_rt_sigtimedwait, set, NULL, t, _NSIG / 8);
}

#endif
