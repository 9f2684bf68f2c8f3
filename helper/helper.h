/* cordon-helper: one static binary, three roles (see docs/helper.md).
 *   monitor  the pid P and process group G the host knows, outside the
 *            namespaces; passes on what was sent to P alone, mirrors the
 *            job's stops and end
 *   init     PID 1 of the sandbox, in G while the job runs (the sentinel:
 *            what G receives stays pending here); builds the sandbox,
 *            reaps, lives while anything of the job lives
 *   target   the job's process before its exec: pid P inside, still in G
 * Internal functions return 0 or -errno; fatal setup errors go through die(). */
#ifndef CORDON_HELPER_H
#define CORDON_HELPER_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/contract.h"
#include "common/limits.h"

/* Exit codes, as documented in docs/errors.md. */
enum {
	EXIT_SETUP = 125, /* the sandbox could not be built, or bad command line */
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

/* sys.c: system calls that leave errno alone: the kernel's result, or
 * -errno. Where SYS_RAW is 1 the target shares init's memory (CLONE_VM),
 * errno and all, until its exec, while init goes on: the target then calls
 * nothing else that could fail (no libc wrapper), and init's own failures
 * cannot change what the target sees. Elsewhere (other architectures, the
 * sanitized build) the target is a fork-like copy and these are libc's
 * syscall(). */
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define SYS_RAW 1
#else
#define SYS_RAW 0
#endif
long sys6(long nr, long a, long b, long c, long d, long e, long f);
#define SYS_N(nr, a, b, c, d, e, f, ...)                                                 \
	sys6((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define SYS(...) SYS_N(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)

/* The kernel's sigset_t (sig.c): 64 signals on every architecture but MIPS. */
typedef uint64_t kset;
#define KSET_SIZE  8
#define KBIT(s)	   ((kset)1 << ((s)-1))
#define KSET_STD   ((kset)0x7fffffff) /* 1..31: one pending instance each */
#define KSET_ALL   (~(kset)0)
#define KSET_FORCE (KBIT(SIGKILL) | KBIT(SIGSTOP)) /* never blocked, never taken */

/* page.c: the memory the three roles share (MAP_SHARED, no fd), made by
 * the monitor before its first clone. Words are futexes; see docs/helper.md
 * for who writes which. */
enum { REC_MAX = 4096 };
struct sigrec {
	int32_t sig;
	int32_t pad;
	siginfo_t si;
};
enum q_made { Q_PENDING, Q_MADE, Q_FAILED };
enum { CUT_GO = 0x40000000 };
struct page {
	uint32_t alive;	     /* the monitor's robust futex word: its pid, then
				FUTEX_OWNER_DIED once it is gone */
	uint32_t q_made;     /* init -> monitor: enum q_made */
	int32_t q_errno;     /* ... the clone's errno when Q_FAILED */
	uint32_t fds_closed; /* init -> monitor: the host's fds are out of the
				shared table */
	uint32_t maps;	     /* monitor -> init (root): 1 written, 2 failed */
	uint32_t moved;	     /* monitor -> init (cgroup v1): 1 in the job's
				cgroup, 2 failed */
	int32_t sv_p, qpfd;  /* init -> monitor: its end of the channel, the
				job's pidfd, in the shared table */
	uint32_t n_i;	     /* init -> monitor: signals flushed at the cut */
	uint32_t ready;	     /* init -> target: 1 go on, 2 give up */
	uint32_t nested;     /* target -> init 1: unshared; init -> target 2 */
	uint32_t q_waiting;  /* target -> monitor: the cut's first drain done */
	uint32_t q_ended;    /* init: the job ended before the channel carried
				it (q_status: its wait status) */
	int32_t q_status;
	int32_t nest_errno;	  /* target: its own namespaces refused (errno) */
	uint32_t cut_req;	  /* monitor -> target: round number, CUT_GO last */
	uint32_t cut_ans;	  /* target -> monitor: the round it drained */
	uint32_t q_new;		  /* target: how many it drained in that round */
	uint32_t nq, nx;	  /* records in q[] and x[] */
	char env_userns[48];	  /* "CORDON_SANDBOX_USERNS=N", filled by init */
	struct sigrec q[REC_MAX]; /* what the target drained from itself */
	struct sigrec x[REC_MAX]; /* what it missed: queued to it before its exec */
};
struct page *page_make(void);
/* Whether the monitor is gone (its robust word marked by the kernel). */
bool page_monitor_gone(const struct page *pg);
/* Futex wait on a word of the page while it holds v (ms < 0: no timeout),
 * and wake every waiter. Raw system calls: safe in the target. */
void fut_wait(uint32_t *w, uint32_t v, int ms);
void fut_set(uint32_t *w, uint32_t v); /* store (release), then wake */
uint32_t fut_get(const uint32_t *w);   /* load (acquire) */

/* What every role needs; the monitor fills it before the clone and the other
 * roles get their copy through it. */
struct job {
	const struct helper_req *a;
	struct page *pg;
	char **envp;		/* the target's env, "CORDON_SANDBOX_USERNS" in pg */
	kset host_mask;		/* the mask the host handed to the exec */
	bool host_chld_ignored; /* SIGCHLD was SIG_IGN in the host */
	pid_t p;		/* the monitor: the pid the host knows */
	int argc;		/* the helper's own command line (hide_args) */
	char **argv;
	uid_t uid; /* the job's ids, identity-mapped inside */
	gid_t gid;
	bool root;	   /* a root caller: every id mapped, capabilities kept */
	bool nested;	   /* root with a mount namespace: the job gets its own
			      user namespace below the one owning the mounts */
	bool orphans_kill; /* --orphans kill: nothing outlives the job */
	int cookie;	   /* marks the SIGCONT with which the monitor wakes a
			      stopped init */
	int pinned;	   /* lockdown: O_PATH fd of the target file, else -1 */
	/* hardened: /dev/mqueue is the host's mqueue fs, to be covered */
	bool cover_mqueue;
	/* No Landlock signal scope (landlock.c): the job has a process group
	 * of its own and the monitor passes every signal on to it. */
	bool own_group;
	pid_t q_host;	       /* own_group: the job's host pid, its group's number */
	int tty;	       /* own_group: the controlling terminal, or -1 */
	struct limits lim;     /* --limits */
	long long deadline_ms; /* time=: CLOCK_MONOTONIC ms; 0: none */
	bool pids_cgroup;      /* pids= is the cgroup's pids.max, not RLIMIT_NPROC */
	bool cgroup_v1;	       /* --cgroup names a cgroup v1 directory */
};

/* cgroup.c: the job's cgroup. cgroup_make (monitor, after limits_check,
 * before init's clone): makes DIR/job-PID with the limits that need it and
 * returns its fd, locked, for CLONE_INTO_CGROUP (-1 without --cgroup, and
 * for a cgroup v1 one, kept for cgroup_enter). cgroup_remove: the
 * monitor's end, the cgroup removed when nothing of the job is left in it.
 * cgroup_oom: whether the kernel's OOM killer killed in it. */
int cgroup_make(struct job *j);
void cgroup_remove(void);
bool cgroup_oom(void);
/* cgroup v1 (no CLONE_INTO_CGROUP): moves init, cloned outside, into the
 * job's cgroup and lets it go on (page's moved); else nothing. */
void cgroup_enter(struct job *j, pid_t init);
/* init died of SIGKILL before its first word: with a cgroup, the line on
 * what may have done it (the kernel, after a cgroup.kill above the host). */
void cgroup_killed_at_birth(void);

/* limits.c: the job's limits. limits_check (monitor, first): parses them,
 * refuses what cannot be enforced, starts the clock. limits_counts (init,
 * in the sandbox's user namespace, its fresh /proc mounted): namespaces
 * and inotify instances.
 * limits_rlimits (target, last before the exec). limits_poll_ms: poll's
 * timeout until late ms past the deadline (-1: none, 0: passed). */
void limits_check(struct job *j);
void limits_counts(const struct job *j);
void limits_rlimits(const struct job *j);
long long limits_now_ms(void);
/* lockdown's tmpfs size=: --tmp-size or the limit tmp= (bytes), the
 * smaller of the two when both are given; NULL: neither. */
const char *limits_tmp_size(const struct job *j);
int limits_poll_ms(const struct job *j, int late);

/* channel.c: the monitor <-> init messages, one fixed-size record per send
 * on a SOCK_SEQPACKET pair that init makes once the job exists. */
enum msg_type {
	R_CONSUME = 1, /* monitor: take your standard evidence, and up to n[s]
			  instances of each real-time s */
	R_FLUSH,       /* monitor, at the start-up cut: take everything */
	R_QSTATE,      /* monitor: is the job stopped? */
	A_ANSWER = 100,
	N_STOPPED,   /* init: the job stopped, a = the signal */
	N_CONTINUED, /* init: the job continued */
	N_EXITED,    /* init: the job ended, a = wait status, b = nothing left */
};
struct msg {
	int32_t type;
	int32_t a, b;
	uint32_t pad;
	kset mask;
	uint32_t n[65]; /* real-time counts by signal number */
};
/* 0 sent, -1 not (errno); flags MSG_DONTWAIT: -1 EAGAIN when full. */
int msg_send(int fd, const struct msg *m, int flags);
/* 1 a message, 0 the end of the stream (or a short one), -1 none there
 * (MSG_DONTWAIT). */
int msg_recv(int fd, struct msg *m, int flags);

/* fmt.c: snprintf for %s %d %u %lu %llu only (returns the length the full
 * text needs, as snprintf does), and strtoul for plain decimals. */
size_t fmt_vsn(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
size_t fmt_sn(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
unsigned long fmt_ul(const char *s, const char **end);

/* file.c: a small file read or written whole (path relative to dirfd, or
 * AT_FDCWD). file_read: one read into buf[size], NUL-terminated; the
 * bytes read or -errno. file_write: one write of s[len]; 0, -errno, or
 * -EIO when cut short. file_lines: fn on each line of the file (its '\n'
 * replaced by NUL), read through buf[size], until fn returns non-zero;
 * that value, 0 or -errno. A line longer than buf reaches fn cut to its
 * first size - 1 bytes. */
ssize_t file_read(int dirfd, const char *path, char *buf, size_t size);
int file_write(int dirfd, const char *path, const char *s, size_t len);
int file_lines(const char *path, char *buf, size_t size, int (*fn)(char *line, void *arg),
	       void *arg);

/* die.c: one "cordon: ..." line on stderr, then _exit(code). A setup
 * failure (EXIT_SETUP) also writes its cause (common/contract.h CAUSE_*,
 * die() says CAUSE_SETUP) to the --status-fd, when there is one. Safe in
 * the target: raw writes, no errno. */
_Noreturn void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void die_cause(const char *cause, const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void die_status_fd(int fd);
/* Closes it: the job started, nothing more goes there. */
void die_status_close(void);
/* The monitor waits on this word of the shared page while the sandbox is
 * built: a failure sets it to 2, so the monitor learns at once. */
void die_notify(uint32_t *word);
/* fn runs in die before the exit (the monitor's: its job's cgroup). */
void die_cleanup(void (*fn)(void));
/* EAGAIN from a clone where RLIMIT_NPROC is finite: the limit, named
 * (docs/errors.md); else nothing. */
void die_if_nproc(int e);
/* A "cordon: " line about a job that ran (the monitor's time= and OOM
 * lines): never blocks. A stderr that cannot take it now (a pipe the host
 * fills and reads only after its wait) loses it, rather than hold the pid
 * the host waits on. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* fds.c: closes every fd but those in keep (-1 entries ignored; sorted in
 * place). */
void close_all_but(int *keep, size_t n);

/* sig.c: kernel-sized signal sets (libc hides the signals it reserves). */
int ksig_mask(int how, kset set, kset *old);
int ksig_fd(kset set, int flags);
kset ksig_pending(void);
/* Dequeues one pending signal of set without waiting: its number, or 0. */
int ksig_take(kset set, siginfo_t *si);
/* Waits until every signal sent to a process group, or to -1, that was on
 * its way has reached all its targets. */
void ksig_barrier(void);

/* monitor.c */
_Noreturn void monitor_run(struct job *j, int argc, char **argv);
/* Our command line in /proc/PID/cmdline, but argv[0], zeroed: pkill -f
 * PATTERN must find the job alone. */
void hide_args(int argc, char **argv);
/* round.c: the monitor's side of the signals (docs/helper.md, "Signals"). */
struct rounds;
struct rounds *rounds_start(struct job *j, pid_t init, int sv, int qpfd);
/* The start-up cut: what reached the monitor before the job could have it. */
void rounds_cut(struct rounds *r);
/* One round over everything pending: passes on what was sent to P alone. */
void rounds_run(struct rounds *r);
/* A question to init; notes it sends meanwhile are kept for rounds_note. */
void rounds_ask(struct rounds *r, struct msg *req, struct msg *ans);
/* A note kept while waiting for an answer, if any: 1 and *m, else 0. */
int rounds_note(struct rounds *r, struct msg *m);
/* init has ended: its wait status, and the job's note if one came. */
bool rounds_init_gone(struct rounds *r, int *st);
pid_t rounds_init(const struct rounds *r);
int rounds_sv(const struct rounds *r); /* the channel's end */
struct job *rounds_job(const struct rounds *r);
/* The job in a group of its own (no signal scope): every signal pending is
 * passed on to that group; on_cont runs before a SIGCONT is. */
void rounds_forward(struct rounds *r, pid_t group);
void rounds_on_cont(struct rounds *r, void (*f)(struct job *j));

/* init.c: the child of the namespaces clone. */
_Noreturn void init_run(struct job *j);
/* idmap.c */
int idmap_write_self(uid_t uid, gid_t gid);
/* The identity of our own maps into child pid's (its number in /proc);
 * spare_top: all but our highest uid and gid, which idmap_top gives: what
 * they own is out of reach of the child namespace's capabilities (a root
 * caller's job and the covers of its hidden paths: hidden.c). */
int idmap_write_child(pid_t pid, bool spare_top);
int idmap_top(uid_t *uid, gid_t *gid);
/* The number /proc gives the process of pidfd (another pid namespace's
 * numbers where the host's /proc stays); fallback when it cannot tell. */
pid_t idmap_proc_pid(int pidfd, pid_t fallback);
/* mounts.c: the job's mount namespace (both tiers), built by init. */
void mounts_build(struct job *j);
bool mounts_host_mqueue(void);
/* mkdir -p of path up to (not including) its last len bytes; 0 or -errno. */
int mkdir_parents(const char *path, size_t len);

/* mountapi.c: the newer mount calls (0 or -errno). fs_open: an O_PATH fd of
 * path reached without a symbolic link (-ELOOP else), its stat in st.
 * fs_clone: a detached copy of the mount at fd (open_tree). fs_move: a
 * detached tree onto the place of fd. fs_setattr: mount_setattr of path
 * relative to dfd ("": dfd itself), -ENOSYS where it is missing or refused;
 * fs_remount, fs_remount_all: what stands in for it there, one mount point,
 * or every one within under. fs_set:
 * fs_setattr by path, else the remounts. flags: MS_RDONLY, MS_NOSUID,
 * MS_NODEV, MS_NOEXEC. */
struct stat;
int fs_open(const char *path, struct stat *st);
int fs_clone(int fd, bool recursive);
int fs_move(int tree, int target);
int fs_setattr(int dfd, const char *path, bool recursive, unsigned long set,
	       unsigned long clr, unsigned long propagation);
int fs_remount(const char *path, unsigned long set, unsigned long clr);
int fs_remount_all(const char *under, unsigned long set, unsigned long clr);
/* Field n (from 0) of a /proc/self/mountinfo line (ID PARENT MAJ:MIN ROOT
 * MOUNTPOINT OPTIONS ...), running to the line's end; NULL when short. */
char *mountinfo_field(const char *line, int n);
/* Every writable mount of the kernel's file systems in our mount namespace
 * (proc, sysfs, cgroupfs, ...: mountapi.c) made read-only, and every
 * procfs but ours covered by our /proc; own_mqueue: the mount ID of the
 * job's own /dev/mqueue, which stays as it is, or -1; 0 or -errno (fs_failed()
 * names where; -EAGAIN: its mount point kept moving, or lies below a
 * directory of the job's that init cannot pass). fs_mount_id: the mount
 * ID at path, or -1. */
int fs_kernelfs_ro(long own_mqueue);
long fs_mount_id(const char *path);
int fs_set(const char *path, bool recursive, unsigned long set, unsigned long clr);
/* Where the last failure of fs_set or fs_remount_all was: a mount point. */
const char *fs_failed(void);
enum { FS_HAS_SETATTR = 1, FS_HAS_CLONE = 2, FS_HAS_OPENAT2 = 4 };
int fs_features(void);

/* fspolicy.c: the read-only host with its writable paths (docs/helper.md),
 * in init, in the order mounts_build calls them. fs_private: a private
 * mount made at path (a writable path under it is shared into it). */
void fs_prepare(struct job *j);
bool fs_ro(void);
void fs_readonly(struct job *j);
void fs_private(const char *path);
bool fs_is_private(const char *path);
void fs_attach(struct job *j);
/* The writable path put back that holds p (the longest), or NULL. */
const char *fs_writable_root(const char *p);
int fs_put(int tree, int target, const char *path, bool rec, unsigned long set);
/* A list's paths into buf, NUL-separated, pointers in out, sorted; how many. */
size_t fs_split(const char *list, char *buf, const char **out);
void fs_proc_ro(struct job *j);
void fs_sys_ro(void);
void fs_kernelfs(bool own_mqueue);
/* hidden.c: the --hidden paths covered (a tmpfs staged on /proc first). */
void fs_hide(struct job *j);
/* rundir.c: the private /run: what it keeps of the host's, then the mount. */
void run_prepare(void);
void run_mount(const char *size, uid_t uid);
/* landlock.c: the job's scopes (ABI 6, Linux 6.12): signals at both tiers,
 * abstract unix sockets at hardened. A kernel without them: nothing done,
 * and the job has a process group of its own (job.own_group). Safe in the
 * target. landlock_abi: the ABI, or -errno. */
enum { LANDLOCK_SCOPES_ABI = 6 };
int landlock_abi(void);
void landlock_scope(enum tier tier);
/* net.c */
int net_lo_up(void);
/* caps.c: the target's privileges, every tier: drop every capability and
 * set no_new_privs (not for a root caller, whose job keeps root's
 * capabilities inside its own user namespace), the tier's seccomp filter.
 * Safe in the target. */
int drop_privileges(enum tier tier, bool keep_caps);
/* The same in two steps (not for a root caller): the bounding and ambient
 * sets, no_new_privs and the filter first, then every capability. */
int drop_privileges_early(enum tier tier);
int drop_capabilities(void);
bool caps_can_map_ids(void);
/* target.c */
size_t env_count(char **environ_);
void target_env_prepare(struct job *j, char **environ_, char **slots);
int target_entry(void *job);

/* pinned.c: the job's file is DEV:INO or nothing runs. "cannot execute
 * PATH: ..." and exit 127 (not found) or 126. Safe in the target. */
_Noreturn void cannot_execute(const struct helper_req *a, int e);
_Noreturn void die_not_resolved(const struct helper_req *a, uint64_t dev, uint64_t ino);
/* The file at PATH (or --dirfd) is still DEV:INO, else the job's end. */
void pinned_check(const struct helper_req *a);
/* Whether PATH, as this mount namespace shows it, is DEV:INO. */
bool pinned_shows(const struct helper_req *a);
/* An O_PATH fd of PATH, checked; -1 when PATH is relative to --dirfd. */
int pinned_open(const struct helper_req *a);

/* clone.c: raw fork-like clone, no cached-tid bookkeeping in the child. */
pid_t raw_clone(unsigned long flags);
/* raw_clone's child started in the cgroup of fd cgroup (clone3's
 * CLONE_INTO_CGROUP, Linux 5.7); -1 with errno. */
pid_t clone_into(unsigned long flags, int cgroup);
/* The job: fn(arg) in a child whose pid in our pid namespace is want
 * (clone3's set_tid; 0: any), sharing our memory on the given stack where
 * SYS_RAW, else a fork-like copy. -errno on failure. */
pid_t clone_job(pid_t want, void *stack, size_t size, int (*fn)(void *), void *arg);

#endif
