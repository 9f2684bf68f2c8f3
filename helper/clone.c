/* The raw fork-like clone every role uses to start the next one. */
#include "helper/helper.h"

#include <sys/syscall.h>
#include <unistd.h>

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
