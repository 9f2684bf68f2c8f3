/* cordon-helper: one static binary, three roles (see docs/helper.md).
 *   monitor  the pid the host knows; forwards signals, mirrors the status
 *   init     PID 1 of the sandbox; builds it, reaps, exits with the target
 *   target   last steps before the exec of the job itself
 * Internal functions return 0 or -errno; fatal setup errors go through die(). */
#ifndef CORDON_HELPER_H
#define CORDON_HELPER_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/contract.h"

/* Exit codes, as documented in docs/errors.md. */
enum {
	EXIT_SETUP = 125, /* the sandbox could not be built, or bad command line */
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

/* What every role needs; the monitor fills it before the clone and the other
 * roles get their copy through it. */
struct job {
	const struct helper_req *a;
	char **envp;		/* the target's env; two slots filled by the target */
	char *env_userns;	/* "CORDON_SANDBOX_USERNS=" buffer inside envp */
	sigset_t host_mask;	/* the mask the host handed to the exec */
	bool host_chld_ignored; /* SIGCHLD was SIG_IGN in the host */
	int tty;		/* /dev/tty or -1 */
	bool handover;		/* the target takes the terminal's foreground */
	int sock[2];		/* events: [0] monitor's end, [1] the inside's */
	int late[2];		/* the target's pid, then its status: read when needed */
	uid_t uid;		/* the job's ids, identity-mapped inside */
	gid_t gid;
	bool privileged; /* the monitor writes the full id maps */
	int pinned;	 /* lockdown: O_PATH fd of the target file, else -1 */
	/* hardened: /dev/mqueue is the host's mqueue fs, to be covered */
	bool cover_mqueue;
};

/* Messages inside -> monitor (and one monitor -> init). Stops, continues and
 * the maps go on sock, which the monitor polls; the target's pid and its end
 * go on late, which it reads only when it needs them (a signal to forward,
 * init's exit), so a job that just runs and exits wakes it once. */
enum msg_type {
	MSG_MAPS_DONE = 'M', /* monitor -> init: uid/gid maps written */
	MSG_TARGET = 'P',  /* target -> monitor: its host pid rides in SCM_CREDENTIALS */
	MSG_STOPPED = 'S', /* init: target stopped, status attached */
	MSG_CONTINUED = 'C', /* init: target continued */
	MSG_EXITED = 'X',    /* init: target exited or died, raw wait status */
};
struct msg {
	int32_t type;
	int32_t status;
};
/* channel.c */
int msg_send(int fd, enum msg_type type, int status);

/* fmt.c: snprintf for %s %d %u %lu %llu only (returns the length the full
 * text needs, as snprintf does), and strtoul for plain decimals. */
size_t fmt_vsn(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
size_t fmt_sn(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
unsigned long fmt_ul(const char *s, const char **end);

/* die.c: one "cordon: ..." line on stderr, then _exit(code). A setup
 * failure (EXIT_SETUP) also writes its cause (common/contract.h CAUSE_*,
 * die() says CAUSE_SETUP) to the --status-fd, when there is one. */
_Noreturn void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void die_cause(const char *cause, const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void die_status_fd(int fd);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* fds.c: closes every fd but those in keep (-1 entries ignored; sorted in
 * place). */
void close_all_but(int *keep, size_t n);

/* sig.c: kernel-sized signal sets (libc hides the signals it reserves). */
void ksig_fill(sigset_t *s);
void ksig_only(sigset_t *s, int sig);
int ksig_mask(int how, const sigset_t *set, sigset_t *old);
int ksig_fd(const sigset_t *set, int flags);
bool ksig_pending(int sig);

/* monitor.c */
_Noreturn void monitor_run(struct job *j, int argc, char **argv);
/* init.c: the child of the namespaces clone. */
_Noreturn void init_run(struct job *j);
/* idmap.c */
int idmap_write_self(uid_t uid, gid_t gid);
int idmap_write_child(pid_t pid);
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
/* hidden.c: the --hidden paths covered (a tmpfs staged on /proc first). */
void fs_hide(struct job *j);
/* rundir.c: the private /run: what it keeps of the host's, then the mount. */
void run_prepare(void);
void run_mount(const char *size, uid_t uid);
/* landlock.c: hardened's scopes (abstract unix sockets, signals) when the
 * kernel has them (ABI 6); landlock_abi: the ABI, or -errno. */
enum { LANDLOCK_SCOPES_ABI = 6 };
int landlock_abi(void);
void landlock_scope(void);
/* net.c */
int net_lo_up(void);
/* caps.c: drop every capability, no_new_privs, the tier's seccomp filter. */
int drop_privileges(enum tier tier);
bool caps_can_map_ids(void);
/* target.c */
struct stat;
size_t env_count(char **environ_);
void target_env_prepare(struct job *j, char **environ_, char **slots);
_Noreturn void target_run(struct job *j);

/* pinned.c: the job's file is DEV:INO or nothing runs. "cannot execute
 * PATH: ..." and exit 127 (not found) or 126. */
_Noreturn void cannot_execute(const struct helper_req *a, int e);
_Noreturn void die_not_resolved(const struct helper_req *a, const struct stat *st);
/* The file at PATH (or --dirfd) is still DEV:INO, else the job's end. */
void pinned_check(const struct helper_req *a);
/* Whether PATH, as this mount namespace shows it, is DEV:INO. */
bool pinned_shows(const struct helper_req *a);
/* An O_PATH fd of PATH, checked; -1 when PATH is relative to --dirfd. */
int pinned_open(const struct helper_req *a);

/* clone.c: raw fork-like clone, no cached-tid bookkeeping in the child. */
pid_t raw_clone(unsigned long flags);

#endif
