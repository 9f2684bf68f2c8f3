/* System calls that leave errno alone (helper.h, SYS_RAW): the target runs
 * them while init, whose memory and errno it shares, goes on. */
#include "helper/helper.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#if SYS_RAW
long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#else
/* The target is a copy here: its errno is its own. */
long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(nr, a, b, c, d, e, f);

	return r < 0 ? -errno : r;
}
#endif
