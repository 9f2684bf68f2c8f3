/* The shim-helper contract (docs/design.md): the one definition of the
 * helper's command line,
 *
 *	cordon-helper [OPTION...] TIER DEV:INO PATH ARGV0 [ARG...]
 *
 * built by the shim (req_build: no malloc, no stdio, no global written, so
 * it runs between vfork and exec) and parsed by the helper (req_parse), of
 * the tiers and of every value both ends check. A new option is one field
 * of struct helper_req and one line of the table in contract.c. Pure: both
 * the shim (glibc) and the static helper (musl) compile it. */
#ifndef CORDON_CONTRACT_H
#define CORDON_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tier { TIER_NONE, TIER_HARDENED, TIER_LOCKDOWN, TIER_BAD = -1 };

/* Exact lower-case words; TIER_BAD for anything else. */
enum tier tier_parse(const char *s);
/* "none", "hardened", "lockdown"; "?" for anything else. */
const char *tier_name(enum tier t);

/* One job, as one command line describes it. */
struct helper_req {
	bool sh;	      /* --sh: ENOEXEC runs /bin/sh PATH ARG... (exec*p) */
	int dirfd;	      /* --dirfd N: PATH is relative to fd N; -1: none */
	int cloexec;	      /* --cloexec N: the job must not inherit fd N; -1 */
	const char *tmp_size; /* --tmp-size SIZE: lockdown's tmpfs size=; NULL */
	int status_fd;	      /* --status-fd N: a setup failure's cause (below); -1 */
	const char *orphans;  /* --orphans kill: nothing outlives the job; NULL */
	const char *writable; /* --writable PATHS: the host read-only but these; NULL */
	const char *hidden;   /* --hidden PATHS: neither readable nor listable; NULL */
	const char *limits;   /* --limits LIST: the job's limits (limits.h); NULL */
	const char *cgroup;   /* --cgroup DIR: the job's cgroup is made in DIR; NULL */
	enum tier tier;	      /* hardened or lockdown */
	bool any_file;	      /* DEV:INO is "-": the file PATH names when it starts */
	uint64_t dev, ino;    /* the file the shim resolved */
	const char *path;     /* as the real call would exec it */
	char *const *argv;    /* ARGV0 ARG..., verbatim (build: NULL is argc 0) */
};

/* Options, and the slots a command line takes besides argv: the helper,
 * two per option, TIER DEV:INO PATH, the "" an argc-0 argv becomes, NULL. */
enum { REQ_NOPT = 10, REQ_ARGV_EXTRA = 1 + 2 * REQ_NOPT + 3 + 1 + 1, U64_DIGITS = 21 };

/* Where req_build writes the numbers it formats. */
struct req_num {
	char devino[2 * U64_DIGITS + 2];
	char fd[REQ_NOPT][U64_DIGITS];
};

/* The defaults: no option, no file. */
void req_init(struct helper_req *r);
/* The command line for r into out[cap] (NULL-terminated; argc 0 becomes
 * {""}, as the kernel makes it); 0, or E2BIG when it does not fit. */
int req_build(const struct helper_req *r, const char *helper, struct req_num *num,
	      char **out, size_t cap);
/* Parses argv[0..argc) (argv[0] is the helper); 0, or -EINVAL with *why set
 * to a static description. Strict: each option at most once, decimal
 * numbers only, exact tier names; r->argv points into argv. */
int req_parse(int argc, char **argv, struct helper_req *r, const char **why);

/* Whether VALUE is good for the option NAME (without "--", e.g.
 * "tmp-size"): 0, else -EINVAL (bad value) or -ENOENT (no such option
 * takes a value) with *why set. The launcher asks the helper this
 * (cordon-helper --validate NAME VALUE). */
int req_value_ok(const char *name, const char *value, const char **why);

/* A tmpfs size= for lockdown's /tmp, /var/tmp, /dev/shm: a number from 1
 * without leading zeros, then at most one of k, m, g (KiB, MiB, GiB, either
 * case) or % (of RAM); at most 2^63 - 1 bytes, at most 100%. */
enum { TMP_SIZE_MAX = 20 }; /* the longest valid value, without its NUL */
bool tmp_size_ok(const char *s);

/* What becomes of the processes a job leaves running (CORDON_ORPHANS):
 * only "kill" (they end with the job) is a value; without it they live on. */
bool orphans_ok(const char *s);

/* A list of paths for --writable and --hidden (CORDON_WRITABLE,
 * CORDON_HIDDEN): absolute canonical paths separated by ':', "" for none;
 * no empty element, no "." or ".." component, no "//", no trailing "/";
 * nothing under /proc (the job's /proc is its own); at most PATHS_MAX
 * paths and PATHS_LEN bytes. "/" is a writable path, never a hidden one. */
enum { PATHS_MAX = 64, PATHS_LEN = 16384 };
bool writable_ok(const char *s);
bool hidden_ok(const char *s);

/* A cgroup directory for --cgroup (CORDON_CGROUP): one absolute,
 * canonical path as PATHS above (no ':', not "/" alone), shorter than
 * CGROUP_LEN bytes (room for a job's cgroup and its files below it). */
enum { CGROUP_LEN = 3072 };
bool cgroup_ok(const char *s);
/* The paths of a list, one at a time:
 *	for (cur = paths_start(list); paths_next(&cur, &p, &n);) ...
 * p[0..n) is not NUL-terminated. */
static inline const char *paths_start(const char *list)
{
	return list && *list ? list : NULL;
}
bool paths_next(const char **cur, const char **path, size_t *len);
/* Whether the path p[0..n) is the directory d[0..m) or lies below it (both
 * canonical: a comparison of names, no file is looked at). */
bool path_within(const char *p, size_t n, const char *d, size_t m);

/* Decimal, no allocation; returns the end (the NUL) so callers can append. */
char *fmt_u64(char *buf, uint64_t v);

/* Why the helper could not build a sandbox: the line it writes to
 * --status-fd before it exits 125, "CAUSE[ DETAIL]\n" (docs/errors.md). The
 * words are stable: `cordon check` reads them.
 *   setup          anything not below (DETAIL: the reason, when there is one)
 *   userns-refused the kernel refused the namespaces (DETAIL: "clone: REASON")
 *   chroot         ... because the caller is chrooted
 *   ns-disabled    a namespace kind's limit is 0 (DETAIL: the sysctl's name)
 *   ns-limit       a per-user namespace limit is reached
 *   idmap          the uid/gid maps could not be written
 *   proc-mount     a fresh /proc could not be mounted (DETAIL: why)
 *   fs-policy      the read-only host, a writable or a hidden path could
 *                  not be set up (DETAIL: the call and why) */
#define CAUSE_SETUP	  "setup"
#define CAUSE_USERNS	  "userns-refused"
#define CAUSE_CHROOT	  "chroot"
#define CAUSE_NS_DISABLED "ns-disabled"
#define CAUSE_NS_LIMIT	  "ns-limit"
#define CAUSE_IDMAP	  "idmap"
#define CAUSE_PROC	  "proc-mount"
#define CAUSE_POLICY	  "fs-policy"
#define CAUSE_NPROC	  "nproc"

#endif
