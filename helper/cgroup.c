/* The job's cgroup (--cgroup DIR, CORDON_CGROUP; docs/helper.md "The
 * job's cgroup"): DIR/job-PID, made by the monitor before init's clone,
 * which starts init in it (clone3's CLONE_INTO_CGROUP: nothing of the job
 * is ever outside it), with the limits that need a cgroup (mem, and pids
 * where RLIMIT_NPROC cannot count the job); removed by the monitor at its
 * end when nothing of the job is left, else by a later job's start in the
 * same DIR once it is empty. A DIR of a cgroup v1 hierarchy (where the
 * pids controller is bound to v1: pids= only) has no CLONE_INTO_CGROUP:
 * init is cloned outside and moved in by the monitor before it makes
 * anything (cgroup_enter; init waits for it). */
#include "helper/helper.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

/* The job's cgroup, for the monitor's end: its path; "" when none. */
static char made[CGROUP_LEN + 32];
static pid_t maker;
/* cgroup v1: the job's cgroup (locked) and its cgroup.procs, open until
 * init is in it. */
static int v1_dir = -1, v1_procs = -1;

/* The pid in a name cordon gives a job's cgroup (job-PID, job-PID-K with
 * K from 2 to 8), or 0 for any other name (an operator's job-template is
 * not ours to remove). */
static long job_pid(const char *name)
{
	const char *p = name + 4;
	long pid = 0;

	if (strncmp(name, "job-", 4) != 0 || *p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((pid = pid * 10 + (*p - '0')) > INT32_MAX)
			return 0;
	if (*p == '-' && p[1] >= '2' && p[1] <= '8' && !p[2])
		return pid;
	return *p ? 0 : pid;
}

/* The job-* cgroups of monitors gone, left by jobs whose processes
 * outlived them: removed when empty (rmdir fails while one is populated).
 * One of a live monitor in its set-up (made, init not in it yet) is
 * locked; a monitor of this pid namespace that still runs is passed by
 * its pid first, without opening anything. */
static void sweep(int d, const char *own)
{
	int fd = fcntl(d, F_DUPFD_CLOEXEC, 0);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(dir))) {
		long pid = job_pid(e->d_name);
		if (!pid || strcmp(e->d_name, own) == 0 || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		int c = openat(d, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (c < 0)
			continue;
		if (flock(c, LOCK_EX | LOCK_NB) == 0)
			unlinkat(d, e->d_name, AT_REMOVEDIR);
		close(c);
	}
	closedir(dir);
}

/* value into the cgroup file name of fd; false when the file is missing
 * (its controller is not enabled for DIR's children). */
static bool put(int fd, const char *name, const char *value)
{
	int rc = file_write(fd, name, value, strlen(value));

	if (rc == -ENOENT)
		return false;
	if (rc < 0)
		die(EXIT_SETUP, "cannot set %s of the job's cgroup %s: %s", name, made,
		    strerror(-rc));
	return true;
}

/* The start of dir/name (a cgroup file) into buf[size], NUL-terminated;
 * false when it cannot be read or is empty. */
static bool read_text(const char *dir, const char *name, char *buf, size_t size)
{
	char path[sizeof(made) + 32];

	fmt_sn(path, sizeof(path), "%s/%s", dir, name);
	return file_read(AT_FDCWD, path, buf, size) > 0;
}

/* Whether word is one of the words of DIR's file name. */
static bool has_word(const char *dir, const char *name, const char *word)
{
	char buf[512];
	size_t w = strlen(word);

	if (!read_text(dir, name, buf, sizeof(buf)))
		return false;
	for (const char *p = buf; (p = strstr(p, word)); p += w)
		if ((p == buf || p[-1] == ' ') && (p[w] == ' ' || p[w] == '\n' || !p[w]))
			return true;
	return false;
}

static _Noreturn void no_controller(const struct job *j, const char *what,
				    const char *limit, const char *ctl)
{
	if (j->cgroup_v1)
		die(EXIT_SETUP,
		    "cannot limit %s (%s=): CORDON_CGROUP %s is of a cgroup v1 "
		    "hierarchy without the %s controller; name a directory of the "
		    "one that has it (e.g. under /sys/fs/cgroup/%s), or remove %s=",
		    what, limit, j->a->cgroup, ctl, ctl, limit);
	if (!has_word(j->a->cgroup, "cgroup.controllers", ctl))
		die(EXIT_SETUP,
		    "cannot limit %s (%s=): the %s controller is not available in "
		    "%s (CORDON_CGROUP; its cgroup.controllers: on a machine with "
		    "cgroup v1 the controller may be bound to v1); delegate a "
		    "cgroup v2 subtree that has it, or remove %s=",
		    what, limit, ctl, j->a->cgroup, limit);
	die(EXIT_SETUP,
	    "cannot limit %s (%s=): the %s controller is not enabled for the "
	    "children of %s (CORDON_CGROUP); enable it with echo +%s > "
	    "%s/cgroup.subtree_control, or remove %s=",
	    what, limit, ctl, j->a->cgroup, ctl, j->a->cgroup, limit);
}

static void put_limits(const struct job *j, int fd)
{
	char num[U64_DIGITS];

	if (j->lim.set[LIMIT_MEM]) {
		fmt_u64(num, j->lim.v[LIMIT_MEM]);
		if (!put(fd, "memory.max", num))
			no_controller(j, "the job's memory", "mem", "memory");
		/* Swap would let the job use more than the limit in all. */
		put(fd, "memory.swap.max", "0");
	}
	if (j->lim.set[LIMIT_PIDS] && j->pids_cgroup) {
		/* init is one of the cgroup's tasks. */
		fmt_u64(num, j->lim.v[LIMIT_PIDS] + 1);
		if (!put(fd, "pids.max", num))
			no_controller(j, "the job's processes", "pids", "pids");
	}
}

int cgroup_make(struct job *j)
{
	const char *dir = j->a->cgroup;
	struct statfs fs;
	char name[32];
	int d, fd = -1;

	if (!dir)
		return -1;
	/* A writable path at or above DIR would hand the job its own
	 * cgroup's files (its limits, cgroup.procs of the cgroups around). */
	const char *p, *cur = paths_start(j->a->writable);
	size_t n;
	while (paths_next(&cur, &p, &n))
		if (path_within(dir, strlen(dir), p, n)) {
			char w[PATH_MAX];
			fmt_sn(w, sizeof(w), "%s", p);
			w[n < sizeof(w) ? n : sizeof(w) - 1] = '\0';
			die(EXIT_SETUP,
			    "cannot keep the job in its cgroup: the writable path %s "
			    "holds CORDON_CGROUP %s, so the job could raise its limits "
			    "or leave its cgroup; take it out of CORDON_WRITABLE",
			    w, dir);
		}
	d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		die(EXIT_SETUP, "cannot open CORDON_CGROUP %s: %s", dir, strerror(errno));
	if (fstatfs(d, &fs) < 0 ||
	    (fs.f_type != CGROUP2_SUPER_MAGIC && fs.f_type != CGROUP_SUPER_MAGIC))
		die(EXIT_SETUP,
		    "CORDON_CGROUP %s is not a cgroup directory: name one of the "
		    "cgroup2 hierarchy (e.g. under /sys/fs/cgroup), or of cgroup v1's "
		    "pids hierarchy where the pids controller is there (e.g. under "
		    "/sys/fs/cgroup/pids), in which this user may make cgroups, or "
		    "unset CORDON_CGROUP",
		    dir);
	j->cgroup_v1 = fs.f_type == CGROUP_SUPER_MAGIC;
	if (j->cgroup_v1 && j->lim.set[LIMIT_MEM])
		die(EXIT_SETUP,
		    "cannot limit the job's memory (mem=): CORDON_CGROUP %s is of "
		    "cgroup v1, and cordon enforces mem= through cgroup v2's memory "
		    "controller; name a cgroup v2 directory, or remove mem=",
		    dir);
	/* job-PID, else (taken by a cgroup that still holds what an earlier
	 * job of this pid left) job-PID-2 ... job-PID-8. */
	for (int k = 1, tries = 0; fd < 0; tries++) {
		struct stat a, b;
		if (k > 8 || tries > 32)
			die(EXIT_SETUP,
			    "cannot make the job's cgroup in %s: job-%d and 7 more "
			    "names are taken by cgroups that still hold processes",
			    dir, (int)j->p);
		fmt_sn(name, sizeof(name), k == 1 ? "job-%d" : "job-%d-%d", (int)j->p, k);
		if (tries == 0)
			sweep(d, name);
		if (mkdirat(d, name, 0755) < 0) {
			if (errno != EEXIST)
				die(EXIT_SETUP,
				    "cannot make the job's cgroup %s/%s: %s (this user "
				    "must be able to make cgroups in CORDON_CGROUP: "
				    "delegate it, as systemd's Delegate=yes does)",
				    dir, name, strerror(errno));
			/* A leftover: removed when empty and nobody's, else
			 * the next name. */
			int c = openat(d, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (c < 0 || flock(c, LOCK_EX | LOCK_NB) < 0 ||
			    unlinkat(d, name, AT_REMOVEDIR) < 0)
				k++;
			if (c >= 0)
				close(c);
			continue;
		}
		fd = openat(d, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT)
			die(EXIT_SETUP, "cannot open the job's cgroup %s/%s: %s", dir,
			    name, strerror(errno));
		/* A sweeper of another pid namespace removes only what it could
		 * lock: ours is the cgroup still under this name once locked. */
		if (fd >= 0 && (flock(fd, LOCK_EX) < 0 || fstat(fd, &a) < 0 ||
				fstatat(d, name, &b, AT_SYMLINK_NOFOLLOW) < 0 ||
				a.st_ino != b.st_ino)) {
			close(fd);
			fd = -1;
		}
	}
	close(d);
	fmt_sn(made, sizeof(made), "%s/%s", dir, name);
	maker = j->p;
	put_limits(j, fd);
	if (!j->cgroup_v1)
		return fd;
	v1_procs = openat(fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (v1_procs < 0)
		die(EXIT_SETUP, "cannot open cgroup.procs of the job's cgroup %s: %s",
		    made, strerror(errno));
	v1_dir = fd;
	return -1;
}

void cgroup_enter(struct job *j, pid_t init)
{
	char num[U64_DIGITS];
	size_t n;

	if (v1_procs < 0)
		return;
	n = (size_t)(fmt_u64(num, (uint64_t)init) - num);
	if (write(v1_procs, num, n) != (ssize_t)n) {
		int e = errno;
		fut_set(&j->pg->moved, 2);
		die(EXIT_SETUP,
		    "cannot move the sandbox's init into the job's cgroup %s: %s "
		    "(moving a process there takes write access to its "
		    "cgroup.procs)",
		    made, strerror(e));
	}
	close(v1_procs);
	close(v1_dir);
	v1_procs = v1_dir = -1;
	fut_set(&j->pg->moved, 1);
}

void cgroup_remove(void)
{
	/* Ours alone: init and the target have copies of this memory. */
	if (made[0] && maker == getpid())
		rmdir(made);
}

void cgroup_killed_at_birth(void)
{
	if (made[0])
		say("init was killed (SIGKILL) before its first step in the job's cgroup "
		    "%s; if nothing here sent it, the kernel did: after a cgroup.kill of "
		    "the host's cgroup or one above it, Linux kills what is cloned from "
		    "there into another cgroup; start the host in a cgroup never killed",
		    made);
}

bool cgroup_oom(void)
{
	char buf[512];
	const char *p;

	if (!made[0] || !read_text(made, "memory.events", buf, sizeof(buf)))
		return false;
	p = strstr(buf, "oom_kill ");
	return p && (p == buf || p[-1] == '\n') && p[9] != '0';
}
