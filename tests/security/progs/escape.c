/* One escape attempt per run, against a host resource named on the command
 * line; prints one line: "ok" when the attempt worked, else the errno's
 * name (EPERM, ESRCH, ...). The tests run it plainly (the control, which
 * must say ok) and inside a sandbox.
 *
 *   signal PID      kill(PID, SIGCONT)
 *   pgrp PGID       kill(-PGID, SIGCONT)
 *   ptrace PID      PTRACE_SEIZE (the tracer's exit detaches)
 *   pidfd PID       pidfd_open(PID) and pidfd_send_signal(SIGCONT)
 *   procfd PID      open /proc/PID as a pidfd and pidfd_send_signal(SIGCONT)
 *   environ PID STR /proc/PID/environ read and holds STR
 *   mem PID         /proc/PID/mem opened
 *   cmdline PID     /proc/PID/cmdline read
 *   tcp PORT        connect to 127.0.0.1:PORT
 *   abstract NAME   connect to the abstract unix socket NAME
 *   unix PATH       connect to the unix socket at PATH
 *   shm|sem|msg KEY SysV shmget/semget/msgget of an existing KEY
 *   mq NAME         mq_open(NAME, O_RDONLY)
 *   posix-shm NAME  shm_open(NAME, O_RDONLY)
 *   mqfile PATH     a queue opened by path in an mqueue filesystem (open(2),
 *                   then mq_getattr on the fd: the kernel takes it as a queue)
 *   mq-create NAME  (not an attempt) creates the POSIX queue NAME
 *   key DESC STR    the "user" key DESC found in the session keyring and
 *                   read, holding STR
 *   request-key DESC request_key("user", DESC) without a callout: finds the
 *                   key in the session keyring (never an upcall)
 *   add-key DESC    add_key("user", DESC) to the session keyring
 *   keyring-id      keyctl(KEYCTL_GET_KEYRING_ID) of the session keyring
 *   keyring-host DESC STR CMD...  (not an attempt) a host with a secret in
 *                   its keyring: joins a new session keyring, adds the user
 *                   key DESC = STR to it, execs CMD
 *   read PATH       open PATH for reading
 *   has PATH STR    PATH read and holds STR
 *   create PATH     create PATH (O_EXCL)
 *   writable PATH   open PATH for writing, without truncating it, and close
 *                   it: the permission check, nothing written
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/ptrace.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static int result(long rc)
{
	const char *name = rc < 0 ? strerrorname_np(errno) : "ok";
	printf("%s\n", name ? name : "unknown-errno");
	return 0;
}

static long file_has(const char *path, const char *needle)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = '\n';
	buf[n] = '\0';
	if (needle && !strstr(buf, needle)) {
		errno = ENODATA;
		return -1;
	}
	return n > 0 ? 0 : (errno = ENODATA, -1);
}

static long send_pidfd(int fd)
{
	if (fd < 0)
		return -1;
	long rc = syscall(SYS_pidfd_send_signal, fd, SIGCONT, NULL, 0);
	close(fd);
	return rc;
}

static long connect_to(int family, const void *addr, socklen_t len)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	long rc = fd < 0 ? -1 : connect(fd, addr, len);
	int e = errno;

	if (fd >= 0)
		close(fd);
	errno = e;
	return rc;
}

static long net(const char *what, const char *arg)
{
	if (!strcmp(what, "tcp")) {
		struct sockaddr_in in = {.sin_family = AF_INET,
					 .sin_port = htons((uint16_t)atoi(arg)),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		return connect_to(AF_INET, &in, sizeof(in));
	}
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	size_t n = strlen(arg);
	bool abstract = !strcmp(what, "abstract");

	if (n + 1 >= sizeof(un.sun_path))
		return errno = ENAMETOOLONG, -1;
	memcpy(un.sun_path + abstract, arg, n);
	return connect_to(AF_UNIX, &un,
			  (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract +
				      n + !abstract));
}

static long ipc(const char *what, const char *arg)
{
	key_t key = (key_t)strtol(arg, NULL, 0);

	if (!strcmp(what, "shm"))
		return shmget(key, 0, 0);
	if (!strcmp(what, "sem"))
		return semget(key, 0, 0);
	if (!strcmp(what, "msg"))
		return msgget(key, 0);
	if (!strcmp(what, "mqfile")) {
		struct mq_attr at;
		int fd = open(arg, O_RDONLY | O_CLOEXEC);
		long rc = fd < 0 ? -1 : mq_getattr(fd, &at);
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return rc;
	}
	if (!strcmp(what, "mq-create")) {
		mqd_t q = mq_open(arg, O_CREAT | O_RDWR | O_CLOEXEC, 0600, NULL);
		return q == (mqd_t)-1 ? -1 : mq_close(q);
	}
	if (!strcmp(what, "mq")) {
		mqd_t q = mq_open(arg, O_RDONLY);
		return q == (mqd_t)-1 ? -1 : mq_close(q);
	}
	int fd = shm_open(arg, O_RDONLY, 0);
	return fd < 0 ? -1 : close(fd);
}

#define KEY_SPEC_SESSION_KEYRING    (-3)
#define KEYCTL_GET_KEYRING_ID	    0
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_SEARCH		    10
#define KEYCTL_READ		    11

static long key_read(const char *desc, const char *want)
{
	char buf[256];
	long id =
	    syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user", desc, 0);
	long n = id < 0 ? -1 : syscall(SYS_keyctl, KEYCTL_READ, id, buf, sizeof(buf) - 1);

	if (n < 0)
		return -1;
	buf[n < (long)sizeof(buf) ? n : (long)sizeof(buf) - 1] = '\0';
	return strcmp(buf, want) ? (errno = ENODATA, -1) : 0;
}

static long keys(const char *what, const char *desc)
{
	if (!strcmp(what, "request-key"))
		return syscall(SYS_request_key, "user", desc, NULL,
			       KEY_SPEC_SESSION_KEYRING);
	if (!strcmp(what, "add-key"))
		return syscall(SYS_add_key, "user", desc, "x", (size_t)1,
			       KEY_SPEC_SESSION_KEYRING);
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
}

static int keyring_host(char **argv)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 ||
	    syscall(SYS_add_key, "user", argv[0], argv[1], strlen(argv[1]),
		    KEY_SPEC_SESSION_KEYRING) < 0) {
		perror("escape: keyring");
		return 2;
	}
	execvp(argv[2], argv + 2);
	perror("escape: exec");
	return 127;
}

static long proc_attempt(const char *what, pid_t pid, const char *arg)
{
	char path[64];

	if (!strcmp(what, "signal"))
		return kill(pid, SIGCONT);
	if (!strcmp(what, "pgrp"))
		return kill(-pid, SIGCONT);
	if (!strcmp(what, "ptrace"))
		return ptrace(PTRACE_SEIZE, pid, NULL, NULL);
	if (!strcmp(what, "pidfd"))
		return send_pidfd((int)syscall(SYS_pidfd_open, pid, 0));
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (!strcmp(what, "procfd"))
		return send_pidfd(open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!strcmp(what, "mem")) {
		strcat(path, "/mem");
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		return fd < 0 ? -1 : close(fd);
	}
	strcat(path, !strcmp(what, "environ") ? "/environ" : "/cmdline");
	return file_has(path, arg);
}

int main(int argc, char **argv)
{
	static const char *const procs[] = {"signal", "pgrp",	 "ptrace", "pidfd",
					    "procfd", "environ", "mem",	   "cmdline"};
	const char *what = argc > 2 ? argv[1] : "", *arg = argc > 2 ? argv[2] : "";

	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++)
		if (!strcmp(what, procs[i]))
			return result(proc_attempt(what, (pid_t)atoi(arg),
						   argc > 3 ? argv[3] : NULL));
	if (!strcmp(what, "tcp") || !strcmp(what, "abstract") || !strcmp(what, "unix"))
		return result(net(what, arg));
	if (!strcmp(what, "shm") || !strcmp(what, "sem") || !strcmp(what, "msg") ||
	    !strcmp(what, "mq") || !strcmp(what, "posix-shm") ||
	    !strcmp(what, "mqfile") || !strcmp(what, "mq-create"))
		return result(ipc(what, arg));
	if (!strcmp(what, "keyring-host") && argc > 4)
		return keyring_host(argv + 2);
	if (!strcmp(what, "key") && argc > 3)
		return result(key_read(arg, argv[3]));
	if (!strcmp(argc > 1 ? argv[1] : "", "keyring-id") ||
	    !strcmp(what, "request-key") || !strcmp(what, "add-key"))
		return result(keys(argv[1], arg));
	if (!strcmp(what, "has") && argc > 3)
		return result(file_has(arg, argv[3]));
	if (!strcmp(what, "read")) {
		int fd = open(arg, O_RDONLY | O_CLOEXEC);
		return result(fd < 0 ? -1 : close(fd));
	}
	if (!strcmp(what, "writable")) {
		int fd = open(arg, O_WRONLY | O_CLOEXEC);
		return result(fd < 0 ? -1 : close(fd));
	}
	if (!strcmp(what, "create")) {
		int fd = open(arg, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		return result(fd < 0 ? -1 : close(fd));
	}
	fprintf(stderr, "usage: escape ATTEMPT ARG (see the source)\n");
	return 2;
}
