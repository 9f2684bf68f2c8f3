/* Probes the TIOCSTI/TIOCLINUX filter. Prints one word per probe: the errno
 * name the ioctl failed with, or "ok".
 *   fd-1    ioctl(-1, TIOCSTI): the kernel says EBADF, the filter EPERM first
 *   high    the same with the request's high 32 bits set (CVE-2019-10063)
 *   linux   ioctl(-1, TIOCLINUX)
 *   tcgets  ioctl(-1, TCGETS): not filtered, EBADF in both cases
 *   pty     TIOCSTI on a pty made our controlling terminal
 *   pty-high the same with the request's high bits set */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const char *result(long rc)
{
	if (rc == 0)
		return "ok";
	return errno == EPERM ? "EPERM" : errno == EBADF ? "EBADF" : strerror(errno);
}

int main(void)
{
	char c = 'x';
	int m, s;

	printf("fd-1 %s\n", result(syscall(SYS_ioctl, -1, (unsigned long)TIOCSTI, &c)));
	printf("high %s\n",
	       result(syscall(SYS_ioctl, -1, 0xffffffff00000000UL | TIOCSTI, &c)));
	printf("linux %s\n",
	       result(syscall(SYS_ioctl, -1, (unsigned long)TIOCLINUX, &c)));
	printf("tcgets %s\n", result(syscall(SYS_ioctl, -1, (unsigned long)TCGETS, &c)));
	/* A process group leader cannot setsid(): do it in a child. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid > 0) {
		int st;
		waitpid(pid, &st, 0);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	if (setsid() < 0 || openpty(&m, &s, NULL, NULL, NULL) < 0 ||
	    ioctl(s, TIOCSCTTY, 0) < 0) {
		printf("pty setup %s\n", strerror(errno));
		return 1;
	}
	printf("pty %s\n", result(ioctl(s, TIOCSTI, &c)));
	printf("pty-high %s\n",
	       result(syscall(SYS_ioctl, s, 0xffffffff00000000UL | TIOCSTI, &c)));
	return 0;
}
