/* Signal masks as the kernel sees them. libc's sigfillset/sigaddset leave out
 * the signals libc reserves for itself (32-34 in musl, 32-33 in glibc), yet a
 * host can send those too: the monitor must block and forward them like any
 * other, and the target must get the host's mask back bit for bit. So the
 * masks are built by hand and set with the raw syscall. */
#include "helper/helper.h"

#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's sigset_t: 64 signals on every architecture but MIPS. */
#define KSIGSET_SIZE ((_NSIG - 1) / 8)
#define LONG_BITS    (8 * sizeof(unsigned long))

void ksig_fill(sigset_t *s)
{
	memset(s, 0, sizeof(*s));
	memset(s, 0xff, KSIGSET_SIZE);
}

void ksig_only(sigset_t *s, int sig)
{
	memset(s, 0, sizeof(*s));
	((unsigned long *)(void *)s)[(unsigned)(sig - 1) / LONG_BITS] |=
	    1UL << ((unsigned)(sig - 1) % LONG_BITS);
}

int ksig_mask(int how, const sigset_t *set, sigset_t *old)
{
	if (old)
		memset(old, 0, sizeof(*old));
	return syscall(SYS_rt_sigprocmask, how, set, old, KSIGSET_SIZE) < 0 ? -1 : 0;
}

int ksig_fd(const sigset_t *set, int flags)
{
	return (int)syscall(SYS_signalfd4, -1, set, KSIGSET_SIZE, flags);
}

bool ksig_pending(int sig)
{
	sigset_t set;
	unsigned long word;
	unsigned bit = (unsigned)(sig - 1);

	memset(&set, 0, sizeof(set));
	if (syscall(SYS_rt_sigpending, &set, KSIGSET_SIZE) < 0)
		return false;
	memcpy(&word, (const char *)&set + bit / LONG_BITS * sizeof(word), sizeof(word));
	return (word >> (bit % LONG_BITS)) & 1;
}
