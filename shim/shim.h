/* libcordon.so: the preloaded shim (docs/shim.md).
 *
 * One intercepted call is one struct call, and it takes one way, in
 * call.c: decide the tier (or pass through, or refuse) -> resolve the file
 * as the real call would -> pin the helper -> build the helper's argv and
 * env -> hand over (exec or spawn the helper) -> log. The entry points
 * (exec.c, spawn.c, system.c) only fill a struct call and translate the
 * result into their own return convention. The pipeline takes the
 * configuration and the table of real functions as parameters (struct
 * shim), so it runs in-process under test with fakes.
 *
 * Layout: pure logic with no side effects (tier.c, path.c, env.c,
 * logfmt.c, common/contract.c); the file probe (probe.c, syscalls only);
 * the per-call memory (mem.c) and the helper's pin (pin.c); the load-time
 * setup (config.c); the audit log's I/O (log.c).
 *
 * Everything reachable from an exec or spawn is a signal handler in
 * disguise: it may run in a vfork child, so no malloc, stdio, locks or
 * abort; buffers of more than a few hundred bytes come from a mapping made
 * for the call (mem.c), never from the caller's stack, which may be a small
 * thread's; no write to global state (system.c is the exception, as glibc's
 * system and popen are; and log.c's one pid of the process that said the
 * log fails, an aligned store). Internal functions return 0 or a positive
 * errno value (what the real call would leave in errno). */
#ifndef CORDON_SHIM_H
#define CORDON_SHIM_H

#include "common/contract.h"
#include "common/limits.h"
#include "shim/sys.h"

#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

/* The interposed entry points carry this; everything else is hidden by
 * -fvisibility=hidden and the version script (shim/exports.map). */
#define SHIM_EXPORT __attribute__((visibility("default")))

/* tier.c (pure): max(floor, every CORDON_TIER in envp); TIER_BAD with *bad
 * set to the offending value when one is not a tier. envp may be NULL. */
enum tier tier_decide(enum tier floor, char *const *envp, const char **bad);

/* path.c (pure): glibc's PATH walk (posix/execvpe.c). */
struct path_walk {
	const char *next; /* rest of PATH, NULL when done */
	size_t path_len;  /* glibc's bound: strnlen(PATH, PATH_MAX - 1) + 1 */
};
void path_walk_init(struct path_walk *w, const char *path);
/* Writes the next candidate for file into buf (size >= path_len + NAME_MAX
 * + 2); returns false when PATH is exhausted. An empty element yields the
 * bare file name (the cwd), as glibc does. */
bool path_walk_next(struct path_walk *w, const char *file, char *buf, size_t size);
/* glibc's verdict on a failed candidate: keep searching or stop. */
bool path_error_continues(int err);

/* env.c (pure): the target's env. */
struct preload_ids {
	const char *names[4]; /* LD_PRELOAD words that load this shim */
	size_t n;
};
bool env_is_cordon(const char *entry);
bool preload_is_ours(const struct preload_ids *ids, const char *word, size_t len);
/* envp minus CORDON_* and minus our LD_PRELOAD words (the variable is
 * dropped when nothing else is left), into out[cap] (NULL-terminated).
 * The rewritten LD_PRELOAD values go to buf[size]. Returns 0 or E2BIG. */
int env_rewrite(char *const *envp, const struct preload_ids *ids, char **out, size_t cap,
		char *buf, size_t size);
/* The bytes env_rewrite may need in buf: the LD_PRELOAD entries' sizes. */
size_t env_preload_bytes(char *const *envp);
size_t vec_len(char *const *v);

/* probe.c: would the kernel exec this file, and which one is it. */
struct probe {
	int dirfd;	 /* AT_FDCWD or the execveat/fexecve fd */
	int atflags;	 /* AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW */
	bool noexec;	 /* report ENOEXEC for files no binfmt handles */
	bool fd_cloexec; /* dirfd is close-on-exec: scripts cannot run through it */
	char *const *argv, *const *envp;
	uint64_t dev, ino; /* out */
};
int probe_file(struct probe *p, const char *path);
int probe_args_fit(const char *path, char *const *argv, char *const *envp);

/* config.c: what the load found, read-only afterwards. */
struct real_fns {
	int (*execve)(const char *, char *const[], char *const[]);
	int (*execv)(const char *, char *const[]);
	int (*execvp)(const char *, char *const[]);
	int (*execvpe)(const char *, char *const[], char *const[]);
	int (*fexecve)(int, char *const[], char *const[]);
	int (*execveat)(int, const char *, char *const[], char *const[], int);
	int (*spawn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
		     const posix_spawnattr_t *, char *const[], char *const[]);
	int (*spawnp)(pid_t *, const char *, const posix_spawn_file_actions_t *,
		      const posix_spawnattr_t *, char *const[], char *const[]);
	int (*spawn_compat)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			    const posix_spawnattr_t *, char *const[], char *const[]);
	int (*spawnp_compat)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			     const posix_spawnattr_t *, char *const[], char *const[]);
	int (*pidfd_spawn)(int *, const char *, const posix_spawn_file_actions_t *,
			   const posix_spawnattr_t *, char *const[], char *const[]);
	int (*pidfd_spawnp)(int *, const char *, const posix_spawn_file_actions_t *,
			    const posix_spawnattr_t *, char *const[], char *const[]);
	int (*system)(const char *);
	FILE *(*popen)(const char *, const char *);
	int (*pclose)(FILE *);
};
/* The most each string read at load may hold, its NUL included. */
enum {
	HELPER_LEN = 4096,
	LD_PRELOAD_LEN = 4096,
	LD_AUDIT_LEN = 1024,
	LD_LIBRARY_PATH_LEN = 4096,
	PRELOAD_IDS_LEN = 1024, /* the preload words that load us, together */
	SELF_REAL_LEN = 4096,
	STRS_LEN = HELPER_LEN + TMP_SIZE_MAX + 1 + CGROUP_LEN + LD_PRELOAD_LEN +
		   LD_AUDIT_LEN + LD_LIBRARY_PATH_LEN + PRELOAD_IDS_LEN + SELF_REAL_LEN,
};
/* Every process that loads the shim fills this at load (config.c), in its
 * bss: what every load writes comes first, so that the load touches as few
 * pages as it can (a page fault each, in every process); the large
 * buffers, each written only when its variable is bad or set, follow. */
struct config {
	bool active;	  /* false: setuid/setgid: pass through */
	enum tier floor;  /* CORDON_TIER at load; TIER_BAD: see floor_bad */
	bool floor_unset; /* CORDON_TIER was not in the env at load */
	enum tier inside; /* tier of the sandbox we run in (kernel-proved), or NONE */
	/* The helper next to this library, the installed one missing. */
	bool helper_fallback;
	const char *helper_installed;
	bool ld_too_long;  /* a loader variable did not fit (every walk fails) */
	bool orphans_kill; /* CORDON_ORPHANS=kill at load */
	bool limits_set;
	bool writable_set, hidden_set;
	struct preload_ids preload;
	struct limits limits; /* CORDON_LIMITS at load */
	/* The strings read at load, never NULL ("" when unset), each kept in
	 * strs after the one before (a fixed array each would spread the few
	 * bytes the usual load writes over pages of their own). */
	const char *helper;   /* absolute */
	const char *tmp_size; /* CORDON_TMP_SIZE at load, checked */
	const char *cgroup;   /* CORDON_CGROUP at load, checked */
	/* The loader's variables at load, what later hosts start with
	 * (layout.c). */
	const char *ld_preload, *ld_audit, *ld_library_path;
	/* This library's file, its symbolic links resolved: no writable
	 * path may hold it; "" when no job is sandboxed. */
	const char *self_real;
	size_t strs_used;
	char strs[STRS_LEN];
	/* A bad value of a variable: the value (its head) and why. */
	char floor_bad[64];
	char tmp_size_bad[64]; /* the value when it is not a size; "" otherwise */
	char orphans_bad[64];  /* the value when it is not "kill"; "" otherwise */
	char cgroup_bad[64];   /* the value (its head) when it is not a path */
	char limits_bad[LIMITS_LEN + 64]; /* the value and why, when not a list */
	/* policy_bad: the variable and its value when one is not a list. */
	char policy_bad[256];
	/* CORDON_WRITABLE, CORDON_HIDDEN at load, canonical (docs/shim.md). */
	char writable[PATHS_LEN + 1], hidden[PATHS_LEN + 1];
	/* ... as given: the job's env inherits them, which narrows nothing. */
	char writable_raw[PATHS_LEN + 1], hidden_raw[PATHS_LEN + 1];
};

/* layout.c: the names the helper and this library depend on (every
 * directory and symbolic link on the way, resolved one component at a
 * time), walked once per process. why: the file concerned; via, the name
 * that can be changed; err, why the walk failed (a failure fails closed);
 * relative: file is a preload word the loader searches for. */
struct layout_why {
	const char *file, *via;
	int err;
	bool relative;
};
/* Whether this process's uid may change one of them. */
bool layout_replaceable(const struct config *cfg, struct layout_why *why);
/* Whether one of them lies within a path of list (within[0..len)), or the
 * walk failed. */
bool layout_held(const struct config *cfg, const char *list, struct layout_why *why,
		 const char **within, size_t *len);

/* The configuration and the real functions one pipeline runs with. */
struct shim {
	const struct config *cfg;
	const struct real_fns *real;
};
/* The process's own, loaded on first use when a call comes before the
 * constructor (another library's constructor calling popen): that is
 * start-up, never an exec path of a loaded process. */
const struct shim *shim_get(void);

/* policy.c (pure): the job's filesystem policy from the host's lists and
 * the job's env (CORDON_WRITABLE narrows, CORDON_HIDDEN adds). */
struct fs_policy {
	const char *writable; /* NULL: the host's files stay writable */
	const char *hidden;   /* "": none */
	const char *dropped;  /* writable paths inside hidden ones, left out */
	const char *missing;  /* writable paths that do not exist (the log's) */
};
/* Whether envp asks for a policy: a CORDON_WRITABLE= or CORDON_HIDDEN=
 * entry other than the host's own at load. */
bool policy_env_has(const struct config *cfg, char *const *envp);
/* The first such entry whose value is not a list of paths
 * (common/contract.h), NULL if none. */
const char *policy_env_bad(const struct config *cfg, char *const *envp);
/* The bytes policy_make needs. */
size_t policy_bytes(const struct config *cfg, char *const *envp);
void policy_make(const struct config *cfg, enum tier t, bool root, char *const *envp,
		 char *buf, size_t size, struct fs_policy *out);
/* Whether the absolute file lies within a writable path (*path, *len). */
bool policy_holds(const struct fs_policy *pol, const char *file, const char **path,
		  size_t *len);

/* One intercepted call. */
struct call;
/* The real call, for a job that passes through: 0 or the errno it fails
 * with (an exec that works does not return). */
typedef int (*pass_fn)(const struct call *c, const struct real_fns *real);
enum call_kind { CALL_EXEC, CALL_SPAWN };
struct call {
	/* What the entry point was given (the adapters fill these). */
	const char *fn; /* the log's "function": "execvp", "posix_spawn", ... */
	enum call_kind kind;
	const char *file; /* as given (fexecve: "") */
	int dirfd;	  /* fexecve's fd, execveat's dirfd; else AT_FDCWD */
	int atflags;	  /* execveat's flags; fexecve: AT_EMPTY_PATH */
	char *const *argv, *const *envp;
	char *const *shown_argv; /* what the log shows, when not argv (system(NULL)) */
	bool search;		 /* the PATH search of exec*p and posix_spawnp */
	bool sh;       /* ENOEXEC: /bin/sh PATH ARG... (exec*p, the compat spawns) */
	bool sh_given; /* ... with a bare name as given, not the PATH candidate */
	int invalid;   /* an errno the sandboxed way fails with up front */
	pid_t *pid;    /* spawns: where the child's handle goes */
	int *pidfd;
	const posix_spawn_file_actions_t *fa;
	const posix_spawnattr_t *attr;
	pass_fn pass;
	/* The pipeline's. */
	enum tier tier;			/* effective; TIER_BAD when refused */
	const struct fs_policy *policy; /* the job's, once made; NULL before */
	struct limits limits;		/* the job's (CORDON_LIMITS), once decided */
};

/* mem.c: memory made for one call, safe in any thread and in a vfork
 * child, whose stack is its parent's. An exec that works leaves the
 * mapping in a vfork child's parent: it is then unmapped by that thread's
 * next call into the shim (mem_reclaim). */
struct call_mem {
	char *base;
	size_t size, used;
	bool on_stack; /* the kernel refused a mapping (RLIMIT_AS): the caller's */
};
/* A call that needs no more than this may use the caller's stack when the
 * kernel refuses it a mapping (its address space limit reached), as the
 * exec itself still may work then. */
enum { MEM_STACK_MAX = 32768 };
int mem_open(struct call_mem *m, size_t size);
/* size bytes of m, aligned for pointers; NULL when m is too small. */
void *mem_take(struct call_mem *m, size_t size);
void mem_close(struct call_mem *m);
/* Right before an exec: if it works, the mapping is left to mem_reclaim. */
void mem_before_exec(struct call_mem *m);
void mem_after_exec(struct call_mem *m);
void mem_reclaim(void);

/* calls.c (pure): what each entry point asks. */
enum entry {
	ENTRY_EXECVE,
	ENTRY_EXECV,
	ENTRY_EXECVP,
	ENTRY_EXECVPE,
	ENTRY_EXECL,
	ENTRY_EXECLE,
	ENTRY_EXECLP,
	ENTRY_FEXECVE,
	ENTRY_EXECVEAT,
	ENTRY_SPAWN,
	ENTRY_SPAWNP,
	ENTRY_SPAWN_COMPAT,
	ENTRY_SPAWNP_COMPAT,
	ENTRY_PIDFD_SPAWN,
	ENTRY_PIDFD_SPAWNP,
	ENTRY_SYSTEM,
	ENTRY_POPEN,
};
/* c as entry point e with these arguments makes it; dirfd AT_FDCWD, the
 * rest (fds, flags, spawn handles, file actions) for the caller to set. */
void call_init(struct call *c, enum entry e, const char *file, char *const *argv,
	       char *const *envp);

/* call.c: the pipeline. */
enum verdict { PASS, DIVERT, REFUSE };
/* The tier for c's job env; logs PASS (passthrough) and REFUSE (refused),
 * which has said why on stderr. */
enum verdict call_decide(const struct shim *s, struct call *c);
/* A call decide sent to the sandbox: resolve, pin the helper, hand over
 * (exec, or spawn into c->pid / c->pidfd); 0 or the errno, logged. */
int call_divert(const struct shim *s, struct call *c);
/* decide, then pass through, refuse (EPERM) or divert. */
int call_run(const struct shim *s, struct call *c);
/* The resolve step alone: the file c's real call would exec into r->path,
 * dev, ino (r->argv, r->sh as the helper must get them), with the memory it
 * needs from m; 0 or the errno the real call would fail with. */
int call_resolve(const struct call *c, struct helper_req *r, struct call_mem *m);
/* One "cordon: ..." line on stderr with a single write(2). The parts may
 * quote what a job chose (a file name, a variable's value): their control
 * bytes come out as '?', so that the line stays one line and carries no
 * terminal escape. */
void shim_say(const char *const *parts);

/* pin.c: the helper that runs is the one checked: opened once per call,
 * checked through the fd (a complete executable) and started through it.
 * PIN_HEAD: the bytes of its head read for that (ELF header and program
 * headers: a static helper has a handful). */
enum { PIN_HEAD = 1024 };
struct helper_pin {
	int fd;	       /* -1: no fd left (EMFILE): started by its path */
	char proc[32]; /* "/proc/self/fd/N", for the spawns */
};
/* 0, or EPERM after saying why (file: what was to run). */
int pin_helper(const struct config *cfg, const char *file, struct call_mem *m,
	       struct helper_pin *p);
void pin_release(struct helper_pin *p);
/* The path a spawn of the helper names: its fd's, unless a file action
 * could close or replace that fd before the exec. */
const char *pin_spawn_path(const struct config *cfg, const struct helper_pin *p,
			   const posix_spawn_file_actions_t *fa);

/* actions.c: where a relative file resolves after the chdir/fchdir file
 * actions; 0 with *cwd (AT_FDCWD or an O_PATH fd of ours), or the errno. */
int spawn_sim_cwd(const posix_spawn_file_actions_t *fa, int *cwd);
/* Whether a file action could close or replace fd before the exec. */
bool spawn_fa_touches(const posix_spawn_file_actions_t *fa, int fd);
/* A file actions object over mem, room for cap actions of FA_ACTION_SIZE
 * bytes each (glibc's layout; destroy it by dropping mem), and a dup2 of
 * fd onto newfd added to it (newfd -1: a close of fd); ENOMEM when full.
 * Without glibc's posix_spawn_file_actions_*: a symbol less to bind at
 * every load each. */
enum { FA_ACTION_SIZE = 32 };
void spawn_fa_own(posix_spawn_file_actions_t *fa, void *mem, int cap);
int spawn_fa_add(posix_spawn_file_actions_t *fa, int fd, int newfd);
/* fa's actions after a dup2 of from onto to, in out, with memory of m;
 * NULL when m is too small. */
const posix_spawn_file_actions_t *
spawn_fa_after_dup2(const posix_spawn_file_actions_t *fa, int from, int to,
		    posix_spawn_file_actions_t *out, struct call_mem *m);

/* report.c: a spawn that the caller's process limit may fail. The real
 * spawn fails with EAGAIN when its fork does; here the helper is that
 * fork, and the limit may refuse the sandbox's own two processes after
 * the spawn returned. So when the limit is that near, the helper gets a
 * pipe for --status-fd, and the spawn returns once the job started (the
 * pipe's end) or with EAGAIN, the helper reaped, when it said "nproc". */
struct spawn_report {
	int rfd, wfd; /* -1: no report asked for */
	posix_spawn_file_actions_t fa;
};
/* Asks for a report when the limit is near and fa leaves the pipe's read
 * end alone: r->status_fd and *fa (fa's actions after the pipe's). */
void report_open(struct spawn_report *rp, const posix_spawn_file_actions_t **fa,
		 struct helper_req *r, struct call_mem *m);
/* After the spawn (err: its result; pid or *pidfd: the helper): err, or
 * EAGAIN when the helper said the limit refused the sandbox. */
int report_wait(struct spawn_report *rp, int err, pid_t pid, const int *pidfd);

/* log.c: the audit log of CORDON_LOG (docs/shim.md). A record says the
 * decision before the call is made; a failed call adds a "failed" record.
 * Without CORDON_LOG each is a test of one byte: no syscall. */
enum log_decision { LOG_PASSTHROUGH, LOG_SANDBOXED, LOG_REFUSED, LOG_FAILED };
/* What config.c found at load: the log's path (absolute, its symlinks
 * resolved; empty: no log), why it cannot be used, and the "said it fails"
 * flag the host and its fork children share (a MAP_SHARED page), so that
 * the host says it once, not once per job. */
struct log_state {
	char path[4096];
	int load_err;
	volatile int *said;
};
extern struct log_state log_state;
/* One record of c; returns err, errno kept. path: the resolved file when
 * known, else as given (NULL: null). */
int log_event(const struct call *c, enum log_decision dec, const char *path, int err);
/* A "failed" record when err is not 0; returns it. */
int log_err(const struct call *c, int err);

/* logfmt.c (pure): one record as a JSON line, into buf[LOG_LINE_MAX]; its
 * length. */
enum { LOG_LINE_MAX = 8192 };
struct log_rec {
	const char *fn;
	enum log_decision dec;
	int err;
	const char *requested;		/* NULL: null */
	enum tier tier;			/* TIER_BAD: null */
	int fd;				/* AT_FDCWD: none */
	const char *path;		/* NULL: null */
	const struct fs_policy *policy; /* NULL: none made (not sandboxed) */
	const struct limits *limits;	/* the job's; NULL as policy */
	char *const *argv;
	pid_t pid;
	struct timespec time;
};
size_t log_format(char *buf, const struct log_rec *r);
/* The first CORDON_TIER of envp, NULL if none. */
const char *log_requested_tier(char *const *envp);

#endif
