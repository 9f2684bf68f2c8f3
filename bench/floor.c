/* The kernel floor: the least a launcher can do to run a job in a tier's
 * namespaces. One clone() with the tier's flags; the child maps its own
 * uid/gid, sets up what the tier promises, and execs the job; the parent
 * waits and mirrors the job's status. No init process, no signal
 * forwarding, no checks beyond the syscalls' own: whatever cordon spends
 * above this is its tax over the kernel's.
 *
 *   floor MODE PROG [ARG...]
 *
 * MODE: hardened, lockdown, or one namespace alone on top of the user
 * namespace: user, user+pid, user+ipc, user+mnt, user+net. hardened+init
 * and lockdown+init put the least possible init between: PID 1 vforks the
 * job and waits for it, as a sandbox must when the job is not to be PID 1
 * (PID 1 ignores signals it has no handler for). hardened+drop and
 * lockdown+drop add what the contract requires of the job's privileges,
 * with the helper's own code (helper/caps.c: bounding set, ambient set,
 * no_new_privs, the tier's seccomp filter, capabilities): the least any launcher
 * meeting cordon's contract can do. hardened+mq is hardened on a host whose
 * mqueue filesystem is on /dev/mqueue (systemd's): a mount namespace, and a
 * fresh mqueue fs over /dev/mqueue, nothing else. hardened+proc is what
 * hardened's fresh /proc takes: a mount namespace and a proc mount. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper/helper.h"

struct mode {
	const char *name;
	unsigned long flags;
	int init, drop;
	int only; /* ONLY_MQ, ONLY_PROC: that mount alone in a mount namespace */
};
enum { ONLY_MQ = 1, ONLY_PROC = 2 };

static const struct mode modes[] = {
    {"hardened", CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC, 0, 0, 0},
    {"lockdown", CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET,
     0, 0, 0},
    {"user", CLONE_NEWUSER, 0, 0, 0},
    {"user+pid", CLONE_NEWUSER | CLONE_NEWPID, 0, 0, 0},
    {"user+ipc", CLONE_NEWUSER | CLONE_NEWIPC, 0, 0, 0},
    {"user+mnt", CLONE_NEWUSER | CLONE_NEWNS, 0, 0, 0},
    {"user+net", CLONE_NEWUSER | CLONE_NEWNET, 0, 0, 0},
    {"hardened+init", CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC, 1, 0, 0},
    {"lockdown+init",
     CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET, 1, 0, 0},
    {"hardened+drop", CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC, 1, 1, 0},
    {"lockdown+drop",
     CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET, 1, 1, 0},
    {"hardened+mq", CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS, 0, 0,
     ONLY_MQ},
    {"hardened+proc", CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS, 0, 0,
     ONLY_PROC},
};

static const char *const tmpfs_dirs[] = {"/tmp", "/var/tmp", "/dev/shm"};

static void __attribute__((noreturn)) fail(const char *what)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "floor: %s: %s\n", what, strerror(errno));

	if (n > 0)
		(void)!write(2, buf,
			     (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	_exit(125);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		fail(path);
	close(fd);
}

/* An unprivileged process may map only its own ids, and the gid map only
 * once setgroups is denied (user_namespaces(7)). */
static void map_ids(unsigned uid, unsigned gid)
{
	char line[64];

	write_file("/proc/self/setgroups", "deny");
	snprintf(line, sizeof(line), "%u %u 1", uid, uid);
	write_file("/proc/self/uid_map", line);
	snprintf(line, sizeof(line), "%u %u 1", gid, gid);
	write_file("/proc/self/gid_map", line);
}

/* A fresh /proc needs the pid namespace it shows, and mqueue the ipc
 * namespace: user+mnt alone does the mounts it can. */
static void mount_all(unsigned long flags)
{
	size_t i;

	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("make / private");
	for (i = 0; i < sizeof(tmpfs_dirs) / sizeof(tmpfs_dirs[0]); i++)
		if (mount("tmpfs", tmpfs_dirs[i], "tmpfs", MS_NOSUID | MS_NODEV, NULL) <
		    0)
			fail(tmpfs_dirs[i]);
	if ((flags & CLONE_NEWPID) &&
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail("/proc");
	if ((flags & CLONE_NEWIPC) && access("/dev/mqueue", F_OK) == 0 &&
	    mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		fail("/dev/mqueue");
}

static void lo_up(void)
{
	struct ifreq r;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&r, 0, sizeof(r));
	memcpy(r.ifr_name, "lo", 3);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &r) < 0)
		fail("lo");
	r.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &r) < 0)
		fail("lo up");
	close(fd);
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void __attribute__((noreturn))
child(const struct mode *m, unsigned uid, unsigned gid, char **argv)
{
	pid_t job;

	map_ids(uid, gid);
	if (m->only == ONLY_MQ) {
		if (mount("mqueue", "/dev/mqueue", "mqueue",
			  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			fail("/dev/mqueue");
	} else if (m->only == ONLY_PROC) {
		if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL) < 0)
			fail("/proc");
	} else if (m->flags & CLONE_NEWNS) {
		mount_all(m->flags);
	}
	if (m->flags & CLONE_NEWNET)
		lo_up();
	if (m->init) {
		job = vfork();
		if (job < 0)
			fail("vfork");
		if (job > 0)
			_exit(wait_status(job));
	}
	if (m->drop &&
	    drop_privileges(m->flags & CLONE_NEWNET ? TIER_LOCKDOWN : TIER_HARDENED,
			    false) < 0)
		fail("drop_privileges");
	execv(argv[0], argv);
	fail(argv[0]);
}

int main(int argc, char **argv)
{
	const struct mode *m = NULL;
	unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();
	size_t i;
	long pid;

	for (i = 0; argc > 2 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			m = &modes[i];
	if (!m) {
		fputs("usage: floor "
		      "hardened[+init|+drop|+mq|+proc]|lockdown[+init|+drop]|\n"
		      "             user|user+pid|user+ipc|user+mnt|user+net PROG "
		      "[ARG...]\n",
		      stderr);
		return 125;
	}
	/* fork-like: no stack argument, the child runs on a copy of ours. */
	pid = syscall(SYS_clone, m->flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0)
		fail("clone");
	if (pid == 0)
		child(m, uid, gid, argv + 2);
	return wait_status((pid_t)pid);
}
