/* The kernel floor: the least a launcher can do to run a job in a tier's
 * namespaces. One clone() with the tier's flags; the child maps its own
 * uid/gid, does lockdown's mounts and brings lo up, then execs the job as
 * PID 1; the parent waits and mirrors the exit code. No monitor, no signal
 * forwarding, no privilege drop: what cordon costs above this is its tax.
 *
 *   floor MODE JOB [ARG...]
 *   MODE: hardened | lockdown | user | user+pid | user+ipc | user+mnt | user+net
 */
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

static const struct mode {
	const char *name;
	unsigned long flags;
} modes[] = {
    {"hardened", CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC},
    {"lockdown",
     CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET},
    {"user", CLONE_NEWUSER},
    {"user+pid", CLONE_NEWUSER | CLONE_NEWPID},
    {"user+ipc", CLONE_NEWUSER | CLONE_NEWIPC},
    {"user+mnt", CLONE_NEWUSER | CLONE_NEWNS},
    {"user+net", CLONE_NEWUSER | CLONE_NEWNET},
};

static const struct tmpfs {
	const char *dir;
	const char *type;
	const char *data;
	unsigned long flags;
} mounts[] = {
    {"/tmp", "tmpfs", "mode=1777", MS_NOSUID | MS_NODEV},
    {"/var/tmp", "tmpfs", "mode=1777", MS_NOSUID | MS_NODEV},
    {"/dev/shm", "tmpfs", "mode=1777", MS_NOSUID | MS_NODEV},
    {"/dev/mqueue", "mqueue", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC},
};

static void fail(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(125);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		fail(path);
	close(fd);
}

static void map_ids(void)
{
	char buf[64];

	write_file("/proc/self/setgroups", "deny");
	snprintf(buf, sizeof(buf), "%u %u 1", (unsigned)geteuid(), (unsigned)geteuid());
	write_file("/proc/self/uid_map", buf);
	snprintf(buf, sizeof(buf), "%u %u 1", (unsigned)getegid(), (unsigned)getegid());
	write_file("/proc/self/gid_map", buf);
}

static void do_mounts(unsigned long flags)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("make / private");
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		/* An mqueue mount belongs to an ipc namespace of our own. */
		if (!(flags & CLONE_NEWIPC) && strcmp(mounts[i].type, "mqueue") == 0)
			continue;
		if (mount(mounts[i].type, mounts[i].dir, mounts[i].type, mounts[i].flags,
			  mounts[i].data) < 0 &&
		    errno != ENOENT)
			fail(mounts[i].dir);
	}
	/* A fresh /proc needs a pid namespace of our own. */
	if ((flags & CLONE_NEWPID) &&
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail("/proc");
}

static void lo_up(void)
{
	struct ifreq ifr = {0};
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		fail("lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		fail("lo up");
	close(s);
}

int main(int argc, char **argv)
{
	const struct mode *m = NULL;
	pid_t pid;
	int st;

	for (size_t i = 0; argc > 2 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			m = &modes[i];
	if (!m) {
		fprintf(stderr, "usage: floor MODE JOB [ARG...]\n");
		return 125;
	}
	pid = (pid_t)syscall(SYS_clone, m->flags | SIGCHLD, 0UL, NULL, NULL, 0UL);
	if (pid < 0)
		fail("clone");
	if (pid == 0) {
		map_ids();
		if (m->flags & CLONE_NEWNS)
			do_mounts(m->flags);
		if (m->flags & CLONE_NEWNET)
			lo_up();
		execv(argv[2], argv + 2);
		fail(argv[2]);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			fail("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
