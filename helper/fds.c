/* The fds the host gave are the job's: once the job has its copies, the
 * monitor and init drop theirs, so a reader of the job's stdout sees the end
 * when the job closes it, as without cordon, not when the sandbox ends. */
#include "helper/helper.h"

#include <sys/syscall.h>
#include <unistd.h>

void close_all_but(int *keep, size_t n)
{
	unsigned lo = 0;

	/* A handful of fds: insertion sort. */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && keep[k - 1] > keep[k]; k--) {
			int t = keep[k];
			keep[k] = keep[k - 1];
			keep[k - 1] = t;
		}
	/* close_range() is Linux 5.9+, older than any kernel cordon supports;
	 * on failure the fds simply stay open. */
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < lo)
			continue;
		if ((unsigned)keep[i] > lo)
			syscall(SYS_close_range, lo, (unsigned)keep[i] - 1, 0U);
		lo = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, lo, ~0U, 0U);
}
