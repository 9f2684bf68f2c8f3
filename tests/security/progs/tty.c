/* Terminal input injection against the controlling terminal: a pty made
 * the controlling terminal of a new session. One line per attempt: "ok"
 * when the byte really arrived in the terminal's input, else the errno's
 * name the ioctl failed with.
 *   sti       ioctl(TIOCSTI)
 *   sti-high  the same request with its high 32 bits set: the kernel keeps
 *             only the low 32 bits (a filter comparing all 64 misses it)
 *   sti-i386  the i386 ioctl (int $0x80) from this 64-bit process, where the
 *             kernel has the i386 ABI ("unavailable" where it has not)
 *   linux     ioctl(TIOCLINUX, 3) (a pty answers EINVAL; only EPERM is
 *             the filter)
 *
 * "tty winsz" instead changes the size of the controlling terminal it was
 * given (/dev/tty) by one row: the kernel then sends SIGWINCH to the
 * terminal's foreground process group, whoever that is.
 *
 * "tty excl" and "tty nxcl": ioctl(TIOCEXCL) / ioctl(TIOCNXCL) on stdin, a
 * terminal the host shares; one line, "excl ok" or the errno's name. The
 * flag stays after the job: while set, only CAP_SYS_ADMIN opens the
 * terminal again (EBUSY).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int tty;

/* The byte injected must be readable from the terminal at once (raw mode). */
static const char *injected(long rc)
{
	struct pollfd p = {tty, POLLIN, 0};
	char c;

	if (rc < 0)
		return strerrorname_np(errno);
	if (poll(&p, 1, 2000) != 1 || read(tty, &c, 1) != 1 || c != 'x')
		return "returned-0-but-nothing-arrived";
	return "ok";
}

#if defined(__x86_64__)
/* int $0x80 with i386 numbers: ioctl is 54; every pointer below 4 GiB. */
static long ioctl_i386(int fd, unsigned long req, void *arg)
{
	long rc;
	__asm__ volatile("int $0x80"
			 : "=a"(rc)
			 : "a"(54L), "b"((long)fd), "c"((long)req), "d"(arg)
			 : "memory", "r8", "r9", "r10", "r11");
	if (rc < 0 && rc > -4096) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

static void sti_i386(void)
{
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	int st;

	fflush(stdout);
	/* A kernel without the i386 ABI kills the caller: try in a child. */
	pid_t pid = fork();
	if (pid == 0) {
		low[0] = 'x';
		printf("sti-i386 %s\n", injected(ioctl_i386(tty, TIOCSTI, low)));
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) == pid && WIFSIGNALED(st))
		printf("sti-i386 unavailable\n");
}
#else
static void sti_i386(void)
{
	printf("sti-i386 unavailable\n");
}
#endif

static int attempts(void)
{
	char c = 'x', sub = 3;
	struct termios t;
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 || setsid() < 0 ||
	    (tty = open(ptsname(master), O_RDWR | O_CLOEXEC)) < 0 ||
	    ioctl(tty, TIOCSCTTY, 0) < 0 || tcgetattr(tty, &t) < 0) {
		printf("pty setup: %s\n", strerror(errno));
		return 1;
	}
	cfmakeraw(&t);
	tcsetattr(tty, TCSANOW, &t);
	printf("sti %s\n", injected(ioctl(tty, TIOCSTI, &c)));
	printf("sti-high %s\n",
	       injected(syscall(SYS_ioctl, tty, 0xffffffff00000000UL | TIOCSTI, &c)));
	sti_i386();
	long rc = ioctl(tty, TIOCLINUX, &sub);
	printf("linux %s\n", rc < 0 ? strerrorname_np(errno) : "ok");
	return 0;
}

static int winsz(void)
{
	struct winsize w;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, TIOCGWINSZ, &w) < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 0;
	}
	w.ws_row++;
	printf("%s\n", ioctl(fd, TIOCSWINSZ, &w) < 0 ? strerrorname_np(errno) : "ok");
	return 0;
}

int main(int argc, char **argv)
{
	int st;

	if (argc > 1 && !strcmp(argv[1], "winsz"))
		return winsz();
	if (argc > 1 && (!strcmp(argv[1], "excl") || !strcmp(argv[1], "nxcl"))) {
		long rc = ioctl(0, argv[1][0] == 'e' ? TIOCEXCL : TIOCNXCL);
		printf("%s %s\n", argv[1], rc < 0 ? strerrorname_np(errno) : "ok");
		return 0;
	}
	/* A process group leader cannot setsid(): do it in a child. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int rc = attempts();
		fflush(stdout);
		_exit(rc);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
