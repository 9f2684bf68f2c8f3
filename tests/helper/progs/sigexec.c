/* sigexec CMD...: execs CMD with SIGUSR1, SIGRTMIN+6 and signal 33 (one
 * glibc reserves) blocked and SIGCHLD, SIGHUP ignored, as a host might. */
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	/* The kernel's mask, set raw: glibc's sigaddset refuses signal 33. */
	unsigned long mask =
	    (1UL << (SIGUSR1 - 1)) | (1UL << (40 - 1)) | (1UL << (33 - 1));

	if (argc < 2)
		return 2;
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &mask, NULL, sizeof(mask)) < 0 ||
	    signal(SIGCHLD, SIG_IGN) == SIG_ERR || signal(SIGHUP, SIG_IGN) == SIG_ERR)
		return 2;
	execvp(argv[1], argv + 1);
	perror("sigexec");
	return 127;
}
