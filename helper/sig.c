/* Signal sets as the kernel sees them. libc's sigfillset/sigaddset leave out
 * the signals libc reserves for itself (32-34 in musl, 32-33 in glibc), yet a
 * host can send those too: the monitor must block and pass them on like any
 * other, and the target must get the host's mask back bit for bit. So the
 * sets are the kernel's 64-bit words, set with the raw system calls. */
#include "helper/helper.h"

#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int ksig_mask(int how, kset set, kset *old)
{
	if (old)
		*old = 0;
	return syscall(SYS_rt_sigprocmask, how, &set, old, KSET_SIZE) < 0 ? -1 : 0;
}

int ksig_fd(kset set, int flags)
{
	return (int)syscall(SYS_signalfd4, -1, &set, KSET_SIZE, flags);
}

kset ksig_pending(void)
{
	kset set = 0;

	syscall(SYS_rt_sigpending, &set, KSET_SIZE);
	return set;
}

int ksig_take(kset set, siginfo_t *si)
{
	struct {
		long sec, nsec;
	} zero = {0, 0};

	set &= ~KSET_FORCE;
	long r = SYS(SYS_rt_sigtimedwait, &set, si, &zero, KSET_SIZE);
	return r > 0 ? (int)r : 0;
}

/* A send to a process group (or to -1) walks its targets holding
 * tasklist_lock for reading, from the first to the last; setpgid() takes
 * it for writing before it looks the pid up, and fails here (no such
 * process): when it returns, every such send that had begun is complete.
 * About 2 us. */
void ksig_barrier(void)
{
	SYS(SYS_setpgid, 0x7fffffff, 0);
}
