/* The clones every role uses to start the next one. */
#include "helper/helper.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

pid_t raw_clone(unsigned long flags)
{
	/* The raw syscall, not fork(): libc's fork bookkeeping (atfork handlers,
	 * cached tids) has no meaning for a child in new namespaces. The child
	 * runs on a copy of our stack, so only raw syscalls and simple wrappers
	 * follow it (no raise(): musl's uses the cached tid). */
#if defined(__s390__) || defined(__CRIS__)
	return (pid_t)syscall(SYS_clone, 0UL, flags, NULL, NULL, 0UL);
#else
	return (pid_t)syscall(SYS_clone, flags, 0UL, NULL, NULL, 0UL);
#endif
}

/* The kernel's struct clone_args (linux/sched.h; Debian's libc headers of
 * musl have none), up to set_tid: Linux 5.5. */
struct clone_args_k {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
	    set_tid, set_tid_size;
};

/* struct clone_args up to cgroup: Linux 5.7 (CLONE_ARGS_SIZE_VER2). */
struct clone_args_cg {
	struct clone_args_k a;
	uint64_t cgroup;
};
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

pid_t clone_into(unsigned long flags, int cgroup)
{
	struct clone_args_cg c;
	long r;

	memset(&c, 0, sizeof(c));
	c.a.flags = (flags & ~(unsigned long)CSIGNAL) | CLONE_INTO_CGROUP;
	c.a.exit_signal = flags & CSIGNAL;
	c.cgroup = (uint64_t)cgroup;
	/* Fork-like (no stack): the child returns here, as raw_clone's. */
	r = SYS(SYS_clone3, &c, sizeof(c));
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (pid_t)r;
}

#if SYS_RAW
/* clone3 of a child that starts on its own stack and calls fn(arg), then
 * exits with its return: the child cannot return into our frames. */
static long clone3_fn(struct clone_args_k *a, int (*fn)(void *), void *arg)
{
	register long r12 __asm__("r12") = (long)fn;
	register long r13 __asm__("r13") = (long)arg;
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "mov %%r13, %%rdi\n\t"
			 "call *%%r12\n\t"
			 "mov %%eax, %%edi\n\t"
			 "mov %[exit], %%eax\n\t"
			 "syscall\n\t"
			 "hlt\n\t"
			 "1:"
			 : "=a"(ret)
			 : "a"((long)SYS_clone3), "D"(a), "S"(sizeof(*a)), "r"(r12),
			   "r"(r13), [exit] "i"(SYS_exit)
			 : "rcx", "r11", "rdx", "memory");
	return ret;
}
#endif

pid_t clone_job(pid_t want, void *stack, size_t size, int (*fn)(void *), void *arg)
{
	struct clone_args_k a;
	pid_t tid = want;
	long r;

	memset(&a, 0, sizeof(a));
	/* Our cwd and root, shared until the child takes its own copy: the
	 * sandbox's mounts are made after the clone, and our chdir into them
	 * (mounts.c, keep_cwd) must be the job's too. */
	a.flags = CLONE_FS;
	a.exit_signal = SIGCHLD;
	if (want > 0) {
		a.set_tid = (uint64_t)(uintptr_t)&tid;
		a.set_tid_size = 1;
	}
#if SYS_RAW
	/* Sharing our memory spares the copy of an address space the exec
	 * throws away at once: the costliest part of a fork. */
	a.flags |= CLONE_VM;
	a.stack = (uint64_t)(uintptr_t)stack;
	a.stack_size = size;
	r = clone3_fn(&a, fn, arg);
#else
	(void)stack;
	(void)size;
	r = SYS(SYS_clone3, &a, sizeof(a));
	if (r == 0)
		_exit(fn(arg));
#endif
	/* No clone3 (a seccomp policy answering ENOSYS, as container runtimes'
	 * do so that libc falls back to clone): a fork-like copy, without the
	 * choice of pid. */
	if (r == -ENOSYS && want <= 0) {
		r = raw_clone(CLONE_FS | SIGCHLD);
		if (r == 0)
			_exit(fn(arg));
		if (r < 0)
			r = -errno;
	}
	return (pid_t)r;
}
