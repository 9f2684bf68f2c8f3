/* libcordon.so: the preloaded shim (docs/shim.md).
 *
 * Layout: pure logic with no side effects (tier.c, path.c, env.c, argv.c,
 * logfmt.c); the file probe (probe.c, syscalls on the stack only); all of
 * these are linked into the sanitized test runner. The load-time setup
 * (config.c), the diversion core (divert.c), the audit log's I/O (log.c)
 * and one file per family of intercepted calls (exec.c, spawn.c,
 * system.c).
 *
 * Everything reachable from an exec or spawn is a signal handler in
 * disguise: it may run in a vfork child, so no malloc, stdio, locks or
 * abort, only bounded stack buffers, and no write to global state (system.c
 * is the exception, as glibc's system and popen are; and log.c's one pid
 * of the process that said the log fails, an aligned store). Internal functions
 * return 0 or a positive errno value (what the real call would leave in
 * errno). */
#ifndef CORDON_SHIM_H
#define CORDON_SHIM_H

#include "helper/tmpsize.h"

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

enum tier { TIER_NONE, TIER_HARDENED, TIER_LOCKDOWN, TIER_BAD = -1 };

/* tier.c (pure) */
enum tier tier_parse(const char *s);
const char *tier_str(enum tier t);
/* max(floor, every CORDON_TIER in envp); TIER_BAD with *bad set to the
 * offending value when one is not a tier. envp may be NULL. */
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
size_t vec_len(char *const *v);

/* argv.c (pure): the helper's command line of docs/design.md. */
struct helper_cmd {
	const char *helper;
	bool sh;
	int dirfd;   /* -1: none */
	int cloexec; /* -1: none */
	enum tier tier;
	uint64_t dev, ino;
	const char *path;
	const char *tmp_size; /* lockdown: CORDON_TMP_SIZE (helper/tmpsize.h), or NULL */
};
/* Slots besides argv: the helper, 7 for options, TIER DEV:INO PATH, the ""
 * an argc-0 argv becomes, the NULL. */
enum { HELPER_ARGV_EXTRA = 13, U64_DIGITS = 21 };
struct helper_num {
	char devino[2 * U64_DIGITS + 2];
	char dirfd[U64_DIGITS];
	char cloexec[U64_DIGITS];
};
/* Fills out[cap] with the helper's argv for argv (argc 0 becomes ""
 * as the kernel does); returns 0 or E2BIG. */
int helper_argv(const struct helper_cmd *h, char *const *argv, struct helper_num *num,
		char **out, size_t cap);
char *fmt_u64(char *buf, uint64_t v);

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

/* config.c: what the constructor found, read-only afterwards. */
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
struct config {
	bool active;	 /* false: setuid/setgid, or not yet loaded: pass through */
	enum tier floor; /* CORDON_TIER at load; TIER_BAD: see floor_bad */
	char floor_bad[64];
	bool floor_unset; /* CORDON_TIER was not in the env at load */
	enum tier inside; /* tier of the sandbox we run in (kernel-proved), or NONE */
	char helper[4096];
	char tmp_size[TMP_SIZE_MAX +
		      1];      /* CORDON_TMP_SIZE at load, checked; "" when unset */
	char tmp_size_bad[64]; /* the value when it is not a size; "" otherwise */
	struct preload_ids preload;
	char preload_buf[1024];
};
extern struct real_fns real;
extern struct config cfg;

/* What the audit log (log.c) says of one intercepted call. */
struct log_call {
	const char *fn;	  /* the entry point: "execve", "popen", ... */
	const char *file; /* as given */
	char *const *argv, *const *envp;
	int fd; /* fexecve's fd, execveat's dirfd; else AT_FDCWD */
};

/* divert.c: the common path of every entry point. */
enum verdict { PASS, DIVERT, REFUSE };
struct divert {
	enum tier tier; /* effective: the sandbox's, TIER_BAD when refused */
	const struct log_call *call;
};
/* Decides the tier for a job env; REFUSE has already said why on stderr.
 * Logs PASS (passthrough) and REFUSE (refused). */
enum verdict divert_decide(struct divert *d, const struct log_call *call,
			   const char *file, char *const *envp);
/* One "cordon: ..." line on stderr with a single write(2). */
void shim_say(const char *const *parts);
/* Checks the helper before it is exec'd; 0 or EPERM after saying why. */
int divert_helper_ok(const char *file);
/* The helper's argv and env on the caller's stack, handed to fn. */
typedef int (*divert_fn)(char *const *hargv, char *const *henv, void *ctx);
int divert_with(const struct helper_cmd *h, char *const *argv, char *const *envp,
		divert_fn fn, void *ctx);
/* The exec of a resolved file through the helper; returns the errno. */
int divert_exec(struct helper_cmd *h, char *const *argv, char *const *envp);
/* The exec family's file resolution: 0 with h->path/dev/ino set, or the
 * errno the real call would fail with. buf holds a PATH candidate. */
int resolve_exec(struct helper_cmd *h, struct probe *p, const char *file, bool search,
		 char *buf, size_t size);

/* spawn.c: one posix_spawn-like request (pidfd set for pidfd_spawn). */
struct spawn_req {
	pid_t *pid;
	int *pidfd;
	const char *file;
	const posix_spawn_file_actions_t *fa;
	const posix_spawnattr_t *attr;
	char *const *argv, *const *envp;
	bool search, sh;
};
/* The request through the helper; returns 0 or the error posix_spawn
 * returns. errno is left as it was. */
int spawn_sandboxed(const struct divert *d, const struct spawn_req *r);

/* log.c: the audit log of CORDON_LOG (docs/shim.md). A record says the
 * decision before the call is made; a failed call adds a "failed" record.
 * Without CORDON_LOG each is a test of one byte: no syscall. */
enum log_decision { LOG_PASSTHROUGH, LOG_SANDBOXED, LOG_REFUSED, LOG_FAILED };
/* At load, with CORDON_LOG from the host's env (NULL: no log). */
void log_load(const char *path);
/* One record of d->call; returns err, errno kept. path: the resolved file
 * when known, else as given (NULL: null). */
int log_event(const struct divert *d, enum log_decision dec, const char *path, int err);
/* A "failed" record when ret is -1 (errno) / err is not 0; returns it. */
int log_ret(const struct divert *d, int ret);
int log_err(const struct divert *d, int err);

/* logfmt.c (pure): one record as a JSON line, into buf[LOG_LINE_MAX]; its
 * length. Big enough for a long command line, small enough for the stack
 * of a vfork child or of a thread with a small stack. */
enum { LOG_LINE_MAX = 8192 };
struct log_rec {
	const char *fn;
	enum log_decision dec;
	int err;
	const char *requested; /* NULL: null */
	enum tier tier;	       /* TIER_BAD: null */
	int fd;		       /* AT_FDCWD: none */
	const char *path;      /* NULL: null */
	char *const *argv;
	pid_t pid;
	struct timespec time;
};
size_t log_format(char *buf, const struct log_rec *r);
/* The first CORDON_TIER of envp, NULL if none. */
const char *log_requested_tier(char *const *envp);

/* argv + env pointers the shim copies onto any stack; more only onto the
 * main thread's, as far as it has room (shim/divert.c). The main stack is
 * taken to grow to RLIMIT_STACK, or MAIN_STACK_MAX when that is larger or
 * unlimited. */
enum { SHIM_MAX_PTRS = 16384, SHIM_PRELOAD_MAX = 131072 };
#define MAIN_STACK_MAX ((size_t)64 << 20)

#endif
