/* Kernel surfaces the namespaces leave shared: one attempt per run, one
 * line out, "ok" when it worked, else the errno's name (a step's name
 * before it when the attempt has several). The tests run it plainly (the
 * control) and inside a sandbox.
 *
 *   cgroupns DIR        unshare a user, cgroup and mount namespace, then
 *                       mount cgroup2 on DIR: the mount's root would be the
 *                       cgroup the job shares with its host ("mount-ERRNO"
 *                       when only the mount failed)
 *   clone-cgroupns      clone(CLONE_NEWUSER|CLONE_NEWCGROUP); the child exits
 *   clone3              clone3() of a plain child, which exits
 *   socket F T [P]      socket(F, T, P); F is read as 64 bits (the kernel
 *                       keeps the low 32)
 *   socket-netns F T [P]  the same in a user and network namespace of its
 *                       own ("unshare-ERRNO" when those fail)
 *   socketpair F T      socketpair(F, T, 0)
 *   socket-i386 F T     the i386 socket call (int $0x80, 359) from this
 *                       64-bit process; "unavailable" where the kernel has
 *                       no i386 system calls
 *   socketcall-i386 F T the i386 socketcall(SYS_SOCKET, {F, T, 0}) (102)
 *   vsock-bind PORT     bind an AF_VSOCK stream socket to (any CID, PORT)
 *   uring-socket F T    a socket made by io_uring's IORING_OP_SOCKET (Linux
 *                       5.19) instead of socket(2) ("setup-ERRNO" when
 *                       io_uring_setup failed)
 */
#include <errno.h>
#include <linux/io_uring.h>
#include <linux/sched.h>
#include <linux/vm_sockets.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int say(const char *step, long rc)
{
	const char *name = rc < 0 ? strerrorname_np(errno) : "ok";

	printf("%s%s%s\n", rc < 0 && step ? step : "", rc < 0 && step ? "-" : "",
	       name ? name : "unknown-errno");
	return 0;
}

/* The child of a fork-like clone exits at once; 0 when it did. */
static long reaped(long pid)
{
	int st;

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -1;
	if (waitpid((pid_t)pid, &st, __WALL) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : (errno = ECHILD, -1);
}

static int cgroupns(const char *dir)
{
	char procs[4096];

	if (unshare(CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWNS) < 0)
		return say(NULL, -1);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	if (mount("none", dir, "cgroup2", 0, NULL) < 0 || access(procs, R_OK) < 0)
		return say("mount", -1);
	return say(NULL, 0);
}

static int clone3_child(void)
{
	struct clone_args a = {.exit_signal = SIGCHLD};

	fflush(stdout);
	return say(NULL, reaped(syscall(SYS_clone3, &a, sizeof(a))));
}

static long new_socket(const char *f, const char *t, const char *p)
{
	long fd = syscall(SYS_socket, strtoull(f, NULL, 0), atoi(t), p ? atoi(p) : 0);

	return fd < 0 ? -1 : close((int)fd);
}

#if defined(__x86_64__)
/* int $0x80 with i386 numbers; every pointer below 4 GiB. */
static long i386_call(long nr, long a, long b, long c)
{
	long rc;

	__asm__ volatile("int $0x80"
			 : "=a"(rc)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	if (rc < 0 && rc > -4096) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

/* A kernel without the i386 ABI kills the caller: try in a child. */
static int socket_i386(bool socketcall, int f, int t)
{
	uint32_t *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	int st;

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		args[0] = (uint32_t)f;
		args[1] = (uint32_t)t;
		args[2] = 0;
		long fd = socketcall ? i386_call(102, 1, (long)(uintptr_t)args, 0)
				     : i386_call(359, f, t, 0);
		say(NULL, fd < 0 ? -1 : close((int)fd));
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) == pid && WIFSIGNALED(st))
		printf("unavailable\n");
	return 0;
}
#else
static int socket_i386(bool socketcall, int f, int t)
{
	(void)socketcall, (void)f, (void)t;
	printf("unavailable\n");
	return 0;
}
#endif

static int vsock_bind(const char *port)
{
	struct sockaddr_vm a = {.svm_family = AF_VSOCK,
				.svm_cid = VMADDR_CID_ANY,
				.svm_port = (unsigned)atoi(port)};
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return say(NULL, -1);
	return say(NULL, bind(fd, (struct sockaddr *)&a, sizeof(a)));
}

/* One IORING_OP_SOCKET through a ring of one entry, without liburing. */
static int uring_socket(int f, int t)
{
	struct io_uring_params p = {0};
	int ring = (int)syscall(SYS_io_uring_setup, 1, &p);

	if (ring < 0)
		return say("setup", -1);
	size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned),
	       cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	size_t len = sq_len > cq_len ? sq_len : cq_len;
	/* One mapping for both rings (IORING_FEAT_SINGLE_MMAP, Linux 5.4). */
	char *rings = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			   ring, IORING_OFF_SQ_RING);
	struct io_uring_sqe *sqe = mmap(NULL, sizeof(*sqe), PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (rings == MAP_FAILED || sqe == MAP_FAILED)
		return say("mmap", -1);
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_SOCKET;
	sqe->fd = f;
	sqe->off = (uint64_t)t;
	unsigned *tail = (unsigned *)(rings + p.sq_off.tail);
	((unsigned *)(rings + p.sq_off.array))[*tail & (p.sq_entries - 1)] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(SYS_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return say("enter", -1);
	const struct io_uring_cqe *cqe = (void *)(rings + p.cq_off.cqes);
	if (cqe->res < 0) {
		errno = -cqe->res;
		return say(NULL, -1);
	}
	return say(NULL, close(cqe->res));
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "", *a = argc > 2 ? argv[2] : "0",
		   *b = argc > 3 ? argv[3] : "0", *c = argc > 4 ? argv[4] : NULL;

	if (!strcmp(what, "cgroupns") && argc > 2)
		return cgroupns(a);
	if (!strcmp(what, "clone-cgroupns")) {
		fflush(stdout);
		return say(NULL, reaped(syscall(SYS_clone,
						CLONE_NEWUSER | CLONE_NEWCGROUP | SIGCHLD,
						NULL, NULL, NULL, NULL)));
	}
	if (!strcmp(what, "clone3"))
		return clone3_child();
	if (!strcmp(what, "socket"))
		return say(NULL, new_socket(a, b, c));
	if (!strcmp(what, "socket-netns")) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
			return say("unshare", -1);
		return say(NULL, new_socket(a, b, c));
	}
	if (!strcmp(what, "socketpair")) {
		int sv[2];
		long rc = socketpair(atoi(a), atoi(b), 0, sv);
		return say(NULL, rc < 0 ? -1 : close(sv[0]) | close(sv[1]));
	}
	if (!strcmp(what, "socket-i386") || !strcmp(what, "socketcall-i386"))
		return socket_i386(!strcmp(what, "socketcall-i386"), atoi(a), atoi(b));
	if (!strcmp(what, "vsock-bind"))
		return vsock_bind(a);
	if (!strcmp(what, "uring-socket"))
		return uring_socket(atoi(a), atoi(b));
	fprintf(stderr, "usage: kernel ATTEMPT [ARG...] (see the source)\n");
	return 2;
}
