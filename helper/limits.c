/* The job's limits (--limits, common/limits.h; docs/helper.md "The job's
 * limits"): checked by the monitor before the first clone, the namespace
 * and inotify counts written by init into the sandbox's user namespace,
 * the rlimits set by the target just before its exec, the clock kept by
 * the monitor (and by init: for what the job leaves once the monitor is
 * gone, and a moment late when the monitor is stopped). */
#include "helper/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* Whether the running kernel is at least major.minor. */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int a = 0, b = 0;
	const char *p;

	if (uname(&u) < 0)
		return false;
	for (p = u.release; *p >= '0' && *p <= '9'; p++)
		a = a * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			b = b * 10 + (*p - '0');
	return a > major || (a == major && b >= minor);
}

void limits_check(struct job *j)
{
	const char *why;

	j->deadline_ms = 0;
	if (!j->a->limits)
		return;
	if (limits_parse(j->a->limits, &j->lim, &why) < 0)
		die(EXIT_SETUP, "bad --limits '%s': %s", j->a->limits, why);
	if (j->lim.set[LIMIT_MEM] && !j->a->cgroup)
		die(EXIT_SETUP,
		    "cannot limit the job's memory (mem=): cordon enforces it "
		    "through the memory controller of a cgroup v2 directory "
		    "delegated to this user, and CORDON_CGROUP names none; set it, "
		    "or remove mem= from CORDON_LIMITS");
	/* With a cgroup, its pids.max counts the job's tasks exactly. */
	j->pids_cgroup = j->lim.set[LIMIT_PIDS] && j->a->cgroup;
	/* The kernel exempts uid 0 (INIT_USER) from RLIMIT_NPROC in every
	 * user namespace (kernel/fork.c). */
	if (j->lim.set[LIMIT_PIDS] && !j->pids_cgroup && (j->uid == 0 || getuid() == 0))
		die(EXIT_SETUP,
		    "cannot limit a root caller's processes (pids=): the kernel "
		    "exempts uid 0 from RLIMIT_NPROC, so it takes a pids cgroup, and "
		    "CORDON_CGROUP names none; set it, or remove pids=");
	/* Before 5.14 RLIMIT_NPROC counts every process of the uid, the
	 * host's too: not the job's limit. */
	if (j->lim.set[LIMIT_PIDS] && !j->pids_cgroup && !kernel_at_least(5, 14))
		die(EXIT_SETUP,
		    "cannot limit the job's processes (pids=): Linux 5.14 or later "
		    "counts them per user namespace, this kernel counts every process "
		    "of the uid, so it takes a pids cgroup, and CORDON_CGROUP names "
		    "none; set it, or remove pids=");
	/* Beyond a century: no deadline worth a clock. */
	if (j->lim.set[LIMIT_TIME] && j->lim.v[LIMIT_TIME] < 3155760000ULL)
		j->deadline_ms = limits_now_ms() + (long long)j->lim.v[LIMIT_TIME] * 1000;
}

/* A --tmp-size in bytes (contract.h's grammar: checked already); N% as
 * tmpfs reckons it, of the machine's RAM. */
static uint64_t tmp_bytes(const char *s)
{
	uint64_t n = 0;
	struct sysinfo si;

	for (; *s >= '0' && *s <= '9'; s++)
		n = n * 10 + (uint64_t)(*s - '0');
	switch (*s | 0x20) {
	case 'k':
		return n << 10;
	case 'm':
		return n << 20;
	case 'g':
		return n << 30;
	case '%' | 0x20:
		if (sysinfo(&si) < 0)
			return UINT64_MAX;
		return (uint64_t)((unsigned __int128)si.totalram * si.mem_unit * n / 100);
	default:
		return n;
	}
}

const char *limits_tmp_size(const struct job *j)
{
	static char bytes[U64_DIGITS];
	const char *size = j->a->tmp_size;

	if (!j->lim.set[LIMIT_TMP] || (size && tmp_bytes(size) <= j->lim.v[LIMIT_TMP]))
		return size;
	fmt_u64(bytes, j->lim.v[LIMIT_TMP]);
	return bytes;
}

long long limits_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int limits_poll_ms(const struct job *j, int late)
{
	long long left;

	if (!j->deadline_ms)
		return -1;
	left = j->deadline_ms + late - limits_now_ms();
	return left <= 0 ? 0 : left > 1000000000 ? 1000000000 : (int)left;
}

/* The counts, each a /proc/sys/user file of our user namespace: written
 * once the mounts are built (building them takes mount namespaces of its
 * own for a moment: open_tree's clones), into the fresh /proc before its
 * /proc/sys is made read-only (mounts.c). */
static const char *const counts[] = {
    "max_user_namespaces",   "max_pid_namespaces",  "max_mnt_namespaces",
    "max_ipc_namespaces",    "max_net_namespaces",  "max_uts_namespaces",
    "max_cgroup_namespaces", "max_time_namespaces", "max_inotify_instances"};
enum { NCOUNTS = sizeof(counts) / sizeof(counts[0]) };
void limits_counts(const struct job *j)
{
	/* What the sandbox itself holds in its user namespace: init's pid,
	 * mount and ipc namespaces (lockdown: network), and a root caller's
	 * job's own user and mount namespaces (and its network). */
	bool lock = j->a->tier == TIER_LOCKDOWN;
	const uint64_t own[NCOUNTS] = {j->nested, 1, 1 + j->nested, 1, lock, 0, 0, 0, 0};

	if (!j->lim.set[LIMIT_INOTIFY] && !j->lim.set[LIMIT_USERNS])
		return;
	/* One walk to the directory; raw openat: musl's adds an fcntl. */
	long dir =
	    SYS(SYS_openat, AT_FDCWD, "/proc/sys/user", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		die(EXIT_SETUP, "cannot limit the job's namespaces (/proc/sys/user): %s",
		    strerror((int)-dir));
	for (size_t i = 0; i < NCOUNTS; i++) {
		char num[24];
		bool inotify = i == NCOUNTS - 1;
		if (!j->lim.set[inotify ? LIMIT_INOTIFY : LIMIT_USERNS])
			continue;
		long fd = SYS(SYS_openat, dir, counts[i], O_WRONLY | O_CLOEXEC);
		if (fd == -ENOENT)
			continue; /* a kind this kernel does not count (time: 5.6) */
		uint64_t v =
		    inotify ? j->lim.v[LIMIT_INOTIFY] : j->lim.v[LIMIT_USERNS] + own[i];
		size_t n = fmt_sn(num, sizeof(num), "%llu", (unsigned long long)v);
		long w = fd < 0 ? fd : SYS(SYS_write, fd, num, n);
		if (w != (long)n)
			die(EXIT_SETUP,
			    "cannot limit the job's namespaces (/proc/sys/user/%s): %s",
			    counts[i], strerror(w < 0 ? (int)-w : EIO));
		SYS(SYS_close, fd);
	}
	SYS(SYS_close, dir);
}

struct rlimit64_k {
	uint64_t cur, max;
};

/* Soft and hard to v, or to the hard limit the job has when that is lower:
 * a limit only lowers. One call when it lowers (the usual case); raising a
 * hard limit takes CAP_SYS_RESOURCE in the initial user namespace, so it
 * fails (EPERM) and the old hard limit is set instead; were it ever to
 * succeed, the old one is put back. */
static void set_rlimit(int res, uint64_t v)
{
	struct rlimit64_k old, now = {v, v};
	long r = SYS(SYS_prlimit64, 0, res, &now, &old);

	if (r == -EPERM) {
		r = SYS(SYS_prlimit64, 0, res, NULL, &old);
		if (r == 0 && old.max >= v)
			r = -EPERM; /* not a raise: the refusal stands */
	}
	if (r == 0 && old.max < v) {
		now.cur = now.max = old.max;
		r = SYS(SYS_prlimit64, 0, res, &now, NULL);
	}
	if (r < 0)
		die(EXIT_SETUP, "cannot set the job's rlimit %d: %s", res,
		    strerror((int)-r));
}

void limits_rlimits(const struct job *j)
{
	static const struct {
		enum limit l;
		int res;
	} map[] = {{LIMIT_CPU, RLIMIT_CPU},
		   {LIMIT_NOFILE, RLIMIT_NOFILE},
		   {LIMIT_FSIZE, RLIMIT_FSIZE},
		   {LIMIT_CORE, RLIMIT_CORE}};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (j->lim.set[map[i].l])
			set_rlimit(map[i].res, j->lim.v[map[i].l]);
	/* RLIMIT_NPROC counts the tasks of our uid in the sandbox's user
	 * namespace (Linux 5.14+): init's one, then the job's. */
	if (j->lim.set[LIMIT_PIDS] && !j->pids_cgroup)
		set_rlimit(RLIMIT_NPROC, j->lim.v[LIMIT_PIDS] + 1);
}
