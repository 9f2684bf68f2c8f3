/* The way every intercepted call takes (shim.h):
 *
 *	decide -> resolve -> pin the helper -> build its argv and env
 *	       -> hand over (exec or spawn) -> log
 *
 * Async-signal-safe throughout: it runs between vfork and exec. */
#include "shim/shim.h"

#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

extern char **environ;

/* A line's pieces, for one writev(2). */
struct say {
	struct iovec iov[24];
	size_t n;
};

static void say_flush(struct say *s)
{
	while (s->n && sys_writev(STDERR_FILENO, s->iov, (int)s->n) < 0 && errno == EINTR)
		;
	s->n = 0;
}

static void say_add(struct say *s, const char *p, size_t len)
{
	if (s->n == sizeof(s->iov) / sizeof(s->iov[0]))
		say_flush(s); /* only a part full of control bytes gets here */
	s->iov[s->n++] = (struct iovec){(void *)p, len};
}

/* One writev(2): lines from concurrent children do not interleave, and no
 * line buffer sits on the caller's stack (only a part with more control
 * bytes than the iovec holds takes more than one). */
void shim_say(const char *const *parts)
{
	struct say s = {.n = 0};
	int saved = errno;

	say_add(&s, "cordon: ", 8);
	for (; *parts; parts++)
		for (const char *p = *parts; *p;) {
			size_t len = 0;
			while (p[len] && (unsigned char)p[len] >= 0x20 && p[len] != 0x7f)
				len++;
			if (len)
				say_add(&s, p, len);
			if (p[len])
				say_add(&s, "?", 1);
			p += len + (p[len] != '\0');
		}
	say_add(&s, "\n", 1);
	say_flush(&s);
	errno = saved;
}

static const char *shown(const char *file)
{
	return file ? file : "(null)";
}

static const char *shown_call(const struct call *c)
{
	return c->kind == CALL_EXEC && c->dirfd != AT_FDCWD && c->file && !*c->file
		   ? "(fexecve fd)"
		   : shown(c->file);
}

/* ---- decide --------------------------------------------------------- */

static enum verdict refuse_tier(const struct config *cfg, const struct call *c,
				const char *bad)
{
	if (!bad && cfg->floor_unset) {
		shim_say(
		    (const char *[]){"CORDON_TIER was not set when libcordon.so loaded "
				     "(none, hardened, lockdown); refusing to run ",
				     shown_call(c), NULL});
		return REFUSE;
	}
	shim_say((const char *[]){"CORDON_TIER='", bad ? bad : cfg->floor_bad,
				  "' is not a tier (none, hardened, lockdown); refusing "
				  "to run ",
				  shown_call(c), NULL});
	return REFUSE;
}

#define PATHS_RULE                                                                       \
	" is not a list of absolute paths separated by ':' (no empty one, no '.', "      \
	"'..' or '//' in a path, nothing under /proc, / not hidden; at most 64 "         \
	"paths, 16384 bytes); refusing to run "

/* A policy variable that is not a list: the host's at load, or the job's. */
static enum verdict refuse_policy(const struct config *cfg, const struct call *c)
{
	const char *bad = policy_env_bad(cfg, c->envp);

	if (cfg->policy_bad[0])
		shim_say(
		    (const char *[]){cfg->policy_bad, PATHS_RULE, shown_call(c), NULL});
	else
		shim_say((const char *[]){"the job's env holds ", bad, ", which",
					  PATHS_RULE, shown_call(c), NULL});
	return REFUSE;
}

/* The job's own CORDON_LIMITS (the last one), or NULL. */
static const char *job_limits(char *const *envp)
{
	const char *v = NULL;

	for (; envp && *envp; envp++)
		if (strncmp(*envp, "CORDON_LIMITS=", 14) == 0)
			v = *envp + 14;
	return v;
}

/* A sandbox we run in satisfies a request up to its tier, unless the
 * request brings a policy, limits or a cgroup: what the sandbox has of
 * them, nothing here knows, so such a job gets a sandbox of its own. */
static bool satisfied(const struct config *cfg, const struct call *c, enum tier t)
{
	return t == TIER_NONE ||
	       (t <= cfg->inside && !cfg->writable_set && !cfg->hidden_set &&
		!policy_env_has(cfg, c->envp) && !cfg->limits_set &&
		!job_limits(c->envp) && !cfg->cgroup[0] && !cfg->cgroup_bad[0]);
}

#define LIMITS_RULE                                                                      \
	"; a list is NAME=VALUE[,NAME=VALUE...] of pids, time, cpu, nofile, fsize, "     \
	"core, mem, userns, inotify, tmp (docs/shim.md); refusing to run "

/* The limits the job gets: the host's, lowered by the job's own (never
 * raised), into c->limits; true after saying why when either is not a
 * list. */
static bool refuse_limits(const struct config *cfg, struct call *c)
{
	const char *v = job_limits(c->envp), *why;
	struct limits job;

	if (cfg->limits_bad[0]) {
		shim_say((const char *[]){cfg->limits_bad, " is not a list of limits",
					  LIMITS_RULE, shown_call(c), NULL});
		return true;
	}
	c->limits = cfg->limits;
	if (!v)
		return false;
	if (limits_parse(v, &job, &why) < 0) {
		shim_say((const char *[]){"the job's env holds CORDON_LIMITS=", v,
					  ", which is not a list of limits (", why, ")",
					  LIMITS_RULE, shown_call(c), NULL});
		return true;
	}
	limits_lower(&c->limits, &job);
	return false;
}

static enum verdict decide(const struct config *cfg, struct call *c)
{
	const char *bad = NULL;
	enum tier t;

	if (!cfg->active)
		return PASS;
	t = tier_decide(cfg->floor, c->envp, &bad);
	if (t == TIER_BAD)
		return refuse_tier(cfg, c, bad);
	if (satisfied(cfg, c, t))
		return PASS; /* none, or a sandbox at least as strict already */
	if (cfg->policy_bad[0] || policy_env_bad(cfg, c->envp))
		return refuse_policy(cfg, c);
	if (t == TIER_LOCKDOWN && cfg->tmp_size_bad[0]) {
		shim_say(
		    (const char *[]){"CORDON_TMP_SIZE='", cfg->tmp_size_bad,
				     "' is not a tmpfs size (N, Nk, Nm, Ng or N%, N "
				     "from 1, at most 2^63 - 1 bytes or 100%); refusing "
				     "to run ",
				     shown_call(c), NULL});
		return REFUSE;
	}
	if (cfg->orphans_bad[0]) {
		shim_say(
		    (const char *[]){"CORDON_ORPHANS='", cfg->orphans_bad,
				     "' is not a value (kill, or unset); refusing to "
				     "run ",
				     shown_call(c), NULL});
		return REFUSE;
	}
	if (cfg->cgroup_bad[0]) {
		shim_say((const char *[]){"CORDON_CGROUP='", cfg->cgroup_bad,
					  "' is not an absolute path of a cgroup "
					  "directory (no '.', '..', '//' or ':', no "
					  "trailing '/'); refusing to run ",
					  shown_call(c), NULL});
		return REFUSE;
	}
	if (refuse_limits(cfg, c))
		return REFUSE;
	c->tier = t;
	return DIVERT;
}

enum verdict call_decide(const struct shim *s, struct call *c)
{
	enum verdict v;

	mem_reclaim();
	c->tier = s->cfg->inside; /* what a job that passes through runs in */
	v = decide(s->cfg, c);
	if (v == REFUSE)
		c->tier = TIER_BAD;
	if (v != DIVERT)
		log_event(c, v == PASS ? LOG_PASSTHROUGH : LOG_REFUSED, c->file,
			  v == PASS ? 0 : EPERM);
	return v;
}

/* ---- resolve -------------------------------------------------------- */

/* glibc's exec*p: each PATH element in turn (PATH from environ, not from
 * the job's env). buf holds the candidate that r->path then names. */
static int search_path(struct helper_req *r, struct probe *p, const char *file, char *buf,
		       size_t size)
{
	const char *path = NULL;
	struct path_walk w;
	bool eacces = false, tried = false;
	int err = ENOENT;

	if (strnlen(file, NAME_MAX + 1) > NAME_MAX)
		return ENAMETOOLONG;
	/* getenv() without its locale and lock machinery: a scan of environ,
	 * async-signal-safe as long as the caller does not change it
	 * meanwhile (glibc's execvp reads it the same way). */
	for (char **e = environ; e && *e && !path; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	/* confstr(_CS_PATH), without the call: glibc's CS_PATH. */
	path_walk_init(&w, path ? path : "/bin:/usr/bin");
	while (path_walk_next(&w, file, buf, size)) {
		tried = true;
		err = probe_file(p, buf);
		if (!err) {
			r->path = buf;
			return 0;
		}
		if (!path_error_continues(err))
			return err;
		eacces |= err == EACCES;
	}
	/* No candidate at all (a lone element past glibc's bound): glibc
	 * tries nothing and fails with errno as the caller had it. */
	if (!tried)
		return errno ? errno : ENOENT;
	return eacces ? EACCES : err;
}

/* The file the real call would exec: 0 with r->path, dev and ino set, or
 * the errno the real call would fail with. */
static int resolve_file(struct helper_req *r, struct probe *p, const char *file,
			bool search, char *buf, size_t size)
{
	int err;

	if (search && !*file)
		return ENOENT;
	if (search && !strchr(file, '/'))
		err = search_path(r, p, file, buf, size);
	else
		err = probe_file(p, r->path = file);
	r->dev = p->dev;
	r->ino = p->ino;
	return err;
}

/* glibc's compat posix_spawnp retries ENOEXEC with /bin/sh and the file
 * name as the caller gave it, not the PATH candidate it found (spawni.c
 * maybe_script_execute): so "/bin/sh FILE ARG..." it is. */
static char **script_argv(const struct call *c, struct call_mem *m)
{
	size_t argc = c->argv && c->argv[0] ? vec_len(c->argv) : 1;
	char **argv = mem_take(m, (argc + 2) * sizeof(*argv));

	if (!argv)
		return NULL;
	argv[0] = (char *)"/bin/sh";
	argv[1] = (char *)c->file;
	for (size_t i = 1; i <= argc; i++)
		argv[i + 1] = i < argc ? c->argv[i] : NULL;
	return argv;
}

/* file with argv, as the real call would find it (from the cwd the spawn's
 * file actions leave). */
static int resolve_as(const struct call *c, struct helper_req *r, const char *file,
		      bool search, bool noexec, char *buf, size_t size)
{
	struct probe p = {.dirfd = c->dirfd,
			  .atflags = c->atflags,
			  .noexec = noexec,
			  .argv = r->argv,
			  .envp = c->envp};
	int err, fdflags;

	if (c->kind == CALL_SPAWN && (err = spawn_sim_cwd(c->fa, &p.dirfd)))
		return err;
	if (c->kind == CALL_EXEC && c->dirfd != AT_FDCWD) {
		fdflags = sys_fcntl(c->dirfd, F_GETFD, 0);
		p.fd_cloexec = fdflags > 0 && (fdflags & FD_CLOEXEC);
	}
	err = resolve_file(r, &p, file, search, buf, size);
	if (c->kind == CALL_SPAWN && p.dirfd != AT_FDCWD)
		sys_close(p.dirfd);
	return err;
}

int call_resolve(const struct call *c, struct helper_req *r, struct call_mem *m)
{
	/* A bare name the compat spawnp found: its ENOEXEC is its own retry. */
	bool given = c->sh_given && c->search && c->file && !strchr(c->file, '/');
	size_t size = PATH_MAX + NAME_MAX + 2;
	char *buf = mem_take(m, size);
	int err;

	if (!buf)
		return ENOMEM;
	r->argv = c->argv;
	r->sh = c->sh && !given;
	err = resolve_as(c, r, c->file, c->search, !c->sh || given, buf, size);
	if (err != ENOEXEC || !given)
		return err;
	if (!(r->argv = script_argv(c, m)))
		return E2BIG;
	return resolve_as(c, r, "/bin/sh", false, false, buf, size);
}

/* ---- hand over ------------------------------------------------------ */

/* The E2BIG that only the helper's arguments cause: the probe found the
 * job's own argv and env within the kernel's limit. Same errno as a real
 * call that is too big, but the user must learn why. */
static int too_big(const char *path)
{
	shim_say((const char *[]){"cannot run ", path,
				  ": its arguments and environment fit the "
				  "kernel's limit only without the helper's "
				  "(Argument list too long); shorten them by a "
				  "few hundred bytes",
				  NULL});
	return E2BIG;
}

/* What the host gets when the helper itself could not be started: the
 * call's own errno where the real call could fail the same way (E2BIG,
 * and a spawn's fork failing: EAGAIN, ENOMEM), else EPERM with a line. */
static int helper_failed(const struct config *cfg, const struct helper_req *r, int err)
{
	if (err == E2BIG)
		return too_big(r->path);
	if (err == EAGAIN || err == ENOMEM)
		return err;
	shim_say((const char *[]){"cannot run the helper ", cfg->helper, ": ",
				  strerrordesc_np(err), "; refusing to run ", r->path,
				  NULL});
	return EPERM;
}

static int exec_helper(const struct shim *s, const struct helper_pin *pin,
		       char *const *hargv, char *const *henv)
{
	if (pin->fd < 0)
		s->real->execve(s->cfg->helper, hargv, henv);
	else if (s->real->execveat)
		s->real->execveat(pin->fd, "", hargv, henv, AT_EMPTY_PATH);
	else
		syscall(SYS_execveat, pin->fd, "", hargv, henv, AT_EMPTY_PATH);
	return errno;
}

/* fexecve/execveat: the helper needs the fd, so a close-on-exec one is
 * handed over open and named with --cloexec (the target must not get it).
 * Only the exec'ing process's fd table changes, and back on failure. */
static int exec_at(const struct shim *s, const struct helper_req *r,
		   const struct helper_pin *pin, char *const *hargv, char *const *henv)
{
	int err;

	if (r->cloexec >= 0 && sys_fcntl(r->dirfd, F_SETFD, 0) < 0)
		return errno;
	err = exec_helper(s, pin, hargv, henv);
	/* Back as the host had it; this fd was just valid, nothing to fail. */
	if (r->cloexec >= 0)
		(void)sys_fcntl(r->dirfd, F_SETFD, FD_CLOEXEC);
	return err;
}

/* The helper spawned with the host's attributes and fa (the host's file
 * actions, or those after the report's): its handle in *pid, or in
 * *pidfd for the pidfd spawns. */
static int spawn_helper(const struct shim *s, const struct call *c,
			const posix_spawn_file_actions_t *fa, const char *path,
			pid_t *pid, int *pidfd, char *const *hargv, char *const *henv)
{
	if (c->pidfd)
		return s->real->pidfd_spawn
			   ? s->real->pidfd_spawn(pidfd, path, fa, c->attr, hargv, henv)
			   : ENOSYS;
	return s->real->spawn(pid, path, fa, c->attr, hargv, henv);
}

/* The helper's argv (the request) and env (the job's, rewritten) in m. */
static int build(const struct shim *s, const struct call *c, const struct helper_req *r,
		 struct call_mem *m, char ***hargv, char ***henv)
{
	size_t argc = r->argv ? vec_len(r->argv) : 0,
	       envc = c->envp ? vec_len(c->envp) : 0;
	size_t pre = env_preload_bytes(c->envp) + 1;
	struct req_num *num = mem_take(m, sizeof(*num));
	char *buf;
	int err;

	*hargv = mem_take(m, (argc + REQ_ARGV_EXTRA) * sizeof(char *));
	*henv = mem_take(m, (envc + 1) * sizeof(char *));
	buf = mem_take(m, pre);
	if (!num || !*hargv || !*henv || !buf)
		return E2BIG;
	err = req_build(r, s->cfg->helper, num, *hargv, argc + REQ_ARGV_EXTRA);
	return err ? err
		   : env_rewrite(c->envp, &s->cfg->preload, *henv, envc + 1, buf, pre);
}

static int hand_over(const struct shim *s, const struct call *c, struct helper_req *r,
		     const struct helper_pin *pin, struct call_mem *m)
{
	struct spawn_report rp = {.rfd = -1, .wfd = -1};
	const posix_spawn_file_actions_t *fa = c->fa;
	char **hargv, **henv;
	pid_t pid = 0;
	int pidfd = -1, err;

	/* An absolute path or the cwd needs no fd (execveat ignores it). */
	if (c->kind == CALL_EXEC && c->dirfd != AT_FDCWD && *r->path != '/') {
		int flags = sys_fcntl(c->dirfd, F_GETFD, 0);
		if (flags < 0)
			return errno;
		r->dirfd = c->dirfd;
		r->cloexec = flags & FD_CLOEXEC ? c->dirfd : -1;
	}
	if (c->kind == CALL_SPAWN)
		report_open(&rp, &fa, r, m);
	err = build(s, c, r, m, &hargv, &henv);
	if (err)
		return report_wait(&rp, err, 0, NULL);
	if (c->kind == CALL_SPAWN) {
		err = spawn_helper(s, c, fa, pin_spawn_path(s->cfg, pin, fa), &pid,
				   &pidfd, hargv, henv);
		if (err)
			return helper_failed(s->cfg, r, report_wait(&rp, err, 0, NULL));
		/* 0, or EAGAIN: the helper said why, as the line it wrote. The
		 * caller's handle is written only for a spawn that stands. */
		err = report_wait(&rp, 0, pid, c->pidfd ? &pidfd : NULL);
		if (!err && c->pidfd)
			*c->pidfd = pidfd;
		else if (!err && c->pid)
			*c->pid = pid;
		return err;
	}
	mem_before_exec(m);
	err = r->dirfd >= 0 ? exec_at(s, r, pin, hargv, henv)
			    : exec_helper(s, pin, hargv, henv);
	mem_after_exec(m);
	return err ? helper_failed(s->cfg, r, err) : 0;
}

/* ---- policy -------------------------------------------------------- */

/* The writable paths that do not exist now, for the log: the helper
 * skips them (docs/shim.md). Only with a log: a stat per path. */
static void find_missing(struct fs_policy *pol, struct call_mem *m)
{
	const char *cur = paths_start(pol->writable), *p;
	char *path = mem_take(m, PATH_MAX), *out = mem_take(m, strlen(pol->writable) + 1),
	     *end = out;
	struct stat st;
	size_t n;

	if (!path || !out)
		return;
	*out = '\0';
	while (paths_next(&cur, &p, &n)) {
		memcpy(path, p, n);
		path[n] = '\0';
		if (sys_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
		    errno == ENOENT) {
			if (end != out)
				*end++ = ':';
			memcpy(end, p, n + 1);
			end += n;
		}
	}
	pol->missing = out;
}

/* A name the helper or this library depends on (layout.c) within a path
 * the job may change: a job could replace what every later job runs. With
 * a writable list: within it (hardened: the host's /tmp, /var/tmp and
 * /dev/shm too, which stay writable). Without one, at hardened, an
 * ordinary caller's job shares the host's files: no such name may be one
 * its uid can change. A walk that fails refuses the job too. After the
 * helper's own checks, which say more. */
static int refuse_layout(const struct shim *s, const struct call *c,
			 const struct fs_policy *pol, struct call_mem *m)
{
	static const char scratch[] = "/tmp:/var/tmp:/dev/shm";
	const char *within = NULL;
	struct layout_why why;
	char uid[U64_DIGITS];
	size_t n = 0;
	bool bad;

	if (pol->writable)
		bad = layout_held(s->cfg, pol->writable, &why, &within, &n) ||
		      (c->tier == TIER_HARDENED &&
		       layout_held(s->cfg, scratch, &why, &within, &n));
	else if (s->cfg->inside == TIER_NONE)
		bad = layout_replaceable(s->cfg, &why);
	else
		bad = false; /* the outer host's check, for the same names; inside,
				the ids it does not map show as the overflow uid */
	if (!bad)
		return 0;
	fmt_u64(uid, (uint64_t)sys_geteuid());
	if (why.relative) {
		shim_say((const char *[]){
		    "the loader's '", why.file,
		    "' (LD_PRELOAD, LD_AUDIT or LD_LIBRARY_PATH) is not an absolute "
		    "path: "
		    "the loader looks it up where a job could put another library for "
		    "every later host; give absolute paths; refusing to run ",
		    shown_call(c), NULL});
	} else if (why.err && why.file == s->cfg->helper) {
		shim_say((const char *[]){
		    "cannot run the helper ", why.file, ": ", strerrordesc_np(why.err),
		    " (install cordon, or set CORDON_HELPER); refusing "
		    "to run ",
		    shown_call(c), NULL});
	} else if (why.err) {
		shim_say((const char *[]){"cannot tell which names ", why.file,
					  " depends on (", strerrordesc_np(why.err),
					  "), so whether a job could replace it for "
					  "every later job; refusing to run ",
					  shown_call(c), NULL});
	} else if (within) {
		bool helper =
		    why.file == s->cfg->helper || why.file == s->cfg->helper_installed;
		char *w = mem_take(m, n + 1);
		if (w) {
			memcpy(w, within, n);
			w[n] = '\0';
		}
		shim_say((const char *[]){
		    "the job's writable paths hold ",
		    helper ? "the helper " : "libcordon.so ", why.file, " (through ",
		    why.via, ", within ", w ? w : "?",
		    "): a job could replace it for every later job; take that path "
		    "out of CORDON_WRITABLE, or install cordon elsewhere; refusing "
		    "to run ",
		    shown_call(c), NULL});
	} else {
		bool same = strcmp(why.via, why.file) == 0;
		shim_say((const char *[]){
		    "uid ", uid, " may change ", why.via, same ? "" : ", and with it ",
		    same ? "" : why.file,
		    ", which a hardened job shares with its host: it could replace "
		    "cordon for every later job; install cordon where this user cannot "
		    "write (make install as root), or give the host CORDON_WRITABLE "
		    "(its jobs then get a read-only host); refusing to run ",
		    shown_call(c), NULL});
	}
	return EPERM;
}

/* The job's filesystem policy into r (--writable, --hidden), from memory
 * of m; 0, or EPERM after saying why. */
static int make_policy(const struct shim *s, struct call *c, struct fs_policy *pol,
		       struct helper_req *r, struct call_mem *m)
{
	size_t size = policy_bytes(s->cfg, c->envp);
	char *buf = mem_take(m, size);
	bool root = sys_geteuid() == 0;

	if (!buf)
		return E2BIG;
	policy_make(s->cfg, c->tier, root, c->envp, buf, size, pol);
	c->policy = pol;
	if ((pol->writable && !writable_ok(pol->writable)) || !hidden_ok(pol->hidden)) {
		shim_say(
		    (const char *[]){"the job's writable or hidden paths are more than "
				     "64, or 16384 bytes (CORDON_WRITABLE, "
				     "CORDON_HIDDEN, the host's and the job's); "
				     "refusing to run ",
				     shown_call(c), NULL});
		return EPERM;
	}
	/* lockdown's host is read-only whatever is given, and a root
	 * caller's at hardened too (the helper knows its caller); an
	 * ordinary caller's at hardened when a list is given, empty or not. */
	if (pol->writable && (*pol->writable || (c->tier == TIER_HARDENED && !root)))
		r->writable = pol->writable;
	if (*pol->hidden)
		r->hidden = pol->hidden;
	if (log_state.path[0] && pol->writable)
		find_missing(pol, m);
	return 0;
}

/* Memory for one call: a PATH candidate, the pinned helper's head, the
 * helper's argv and env, the compat spawnp's script argv, the policy (and
 * for the log, its missing paths and a path to look at; the layout's
 * refusal, the writable path it names). */
static size_t call_size(const struct shim *s, const struct call *c)
{
	size_t argc = c->argv ? vec_len(c->argv) : 0,
	       envc = c->envp ? vec_len(c->envp) : 0;

	return PATH_MAX + NAME_MAX + 2 + PIN_HEAD + sizeof(struct req_num) + 64 +
	       (2 * argc + REQ_ARGV_EXTRA + 2 + envc + 1) * sizeof(char *) +
	       env_preload_bytes(c->envp) + 2 * policy_bytes(s->cfg, c->envp) +
	       3 * PATH_MAX;
}

int call_divert(const struct shim *s, struct call *c)
{
	struct helper_pin pin = {.fd = -1};
	struct fs_policy pol;
	struct helper_req r;
	struct call_mem m;
	int err;

	if (c->invalid)
		return log_event(c, LOG_FAILED, c->file, c->invalid);
	if ((err = mem_open(&m, call_size(s, c)))) {
		if (err != ENOMEM || m.size > MEM_STACK_MAX)
			return log_event(c, LOG_FAILED, c->file, err);
		/* cppcheck-suppress allocaCalled */
		m.base = alloca(m.size);
		m.on_stack = true;
	}
	req_init(&r);
	r.tier = c->tier;
	if (c->tier == TIER_LOCKDOWN && s->cfg->tmp_size[0])
		r.tmp_size = s->cfg->tmp_size;
	if (s->cfg->orphans_kill)
		r.orphans = "kill";
	if (s->cfg->cgroup[0])
		r.cgroup = s->cfg->cgroup;
	char lim[LIMITS_LEN + 1];
	if (limits_format(&c->limits, lim, sizeof(lim)))
		r.limits = lim;
	err = call_resolve(c, &r, &m);
	if (err) {
		log_event(c, LOG_FAILED, c->file, err);
	} else if ((err = make_policy(s, c, &pol, &r, &m))) {
		log_event(c, LOG_REFUSED, r.path, err);
	} else if ((err = pin_helper(s->cfg, shown_call(c), &m, &pin)) ||
		   (err = refuse_layout(s, c, &pol, &m))) {
		log_event(c, LOG_REFUSED, r.path, err);
	} else {
		log_event(c, LOG_SANDBOXED, r.path, 0);
		err = log_err(c, hand_over(s, c, &r, &pin, &m));
	}
	pin_release(&pin);
	mem_close(&m);
	return err;
}

int call_run(const struct shim *s, struct call *c)
{
	switch (call_decide(s, c)) {
	case PASS:
		return log_err(c, c->pass(c, s->real));
	case REFUSE:
		return EPERM;
	default:
		return call_divert(s, c);
	}
}
