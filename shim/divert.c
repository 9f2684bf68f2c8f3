/* The path every intercepted call shares once it knows its tier: the
 * fail-closed messages, the helper's argv and env on the caller's stack,
 * the exec of the helper. Async-signal-safe throughout. */
#include "shim/shim.h"

#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

extern char **environ;

/* One write(2): lines from concurrent children do not interleave. */
void shim_say(const char *const *parts)
{
	char line[1024];
	size_t n;
	int saved = errno;

	memcpy(line, "cordon: ", 8);
	n = 8;
	for (; *parts; parts++) {
		size_t len = strnlen(*parts, sizeof(line) - 1 - n);
		memcpy(line + n, *parts, len);
		n += len;
	}
	line[n++] = '\n';
	while (write(STDERR_FILENO, line, n) < 0 && errno == EINTR)
		;
	errno = saved;
}

static const char *shown(const char *file)
{
	return file ? file : "(null)";
}

static enum verdict decide(struct divert *d, const char *file, char *const *envp)
{
	const char *bad = NULL;
	enum tier t;

	if (!cfg.active)
		return PASS;
	t = tier_decide(cfg.floor, envp, &bad);
	if (t == TIER_BAD && !bad && cfg.floor_unset) {
		shim_say(
		    (const char *[]){"CORDON_TIER was not set when libcordon.so loaded "
				     "(none, hardened, lockdown); refusing to run ",
				     shown(file), NULL});
		return REFUSE;
	}
	if (t == TIER_BAD) {
		shim_say((const char *[]){"CORDON_TIER='", bad ? bad : cfg.floor_bad,
					  "' is not a tier (none, hardened, lockdown); "
					  "refusing to run ",
					  shown(file), NULL});
		return REFUSE;
	}
	if (t <= cfg.inside)
		return PASS; /* none, or a sandbox at least as strict already */
	if (t == TIER_LOCKDOWN && cfg.tmp_size_bad[0]) {
		shim_say((const char *[]){"CORDON_TMP_SIZE='", cfg.tmp_size_bad,
					  "' is not a tmpfs size (N, Nk, Nm, Ng or N%, N "
					  "from 1); refusing to run ",
					  shown(file), NULL});
		return REFUSE;
	}
	d->tier = t;
	return DIVERT;
}

enum verdict divert_decide(struct divert *d, const struct log_call *call,
			   const char *file, char *const *envp)
{
	enum verdict v;

	d->call = call;
	d->tier = cfg.inside; /* what a job that passes through runs in */
	v = decide(d, file, envp);
	if (v == REFUSE)
		d->tier = TIER_BAD;
	if (v != DIVERT)
		log_event(d, v == PASS ? LOG_PASSTHROUGH : LOG_REFUSED, call->file,
			  v == PASS ? 0 : EPERM);
	return v;
}

int divert_helper_ok(const char *file)
{
	/* The effective ids, as the exec of the helper will check. */
	if (faccessat(AT_FDCWD, cfg.helper, X_OK, AT_EACCESS) == 0)
		return 0;
	shim_say((const char *[]){
	    "cannot run the helper ", cfg.helper, ": ", strerrordesc_np(errno),
	    " (install cordon, or set CORDON_HELPER); refusing to run ", shown(file),
	    NULL});
	return EPERM;
}

static size_t preload_bytes(char *const *envp)
{
	size_t n = 0;

	for (; envp && *envp; envp++)
		if (strncmp(*envp, "LD_PRELOAD=", 11) == 0)
			n += strlen(*envp) + 1;
	return n;
}

/* The top of the main thread's stack (ld.so's; the process's argv and env
 * strings lie above it). */
extern void *__libc_stack_end;

/* Bytes this call may still take from its stack. The main thread's stack
 * grows on demand to RLIMIT_STACK; the strings above its top take at most
 * a quarter of that (the kernel's own limit on them), so three quarters
 * less what is in use is free. No stack further below its top than that
 * is the main one (the kernel puts mmap, thread stacks included, at least
 * 128 MiB below the stack top, and MAIN_STACK_MAX is less): a thread's, or
 * a vfork child of a thread's, has a fixed size the shim cannot learn
 * without malloc or /proc, and counts as full. */
static size_t stack_room(void)
{
	char here;
	uintptr_t sp = (uintptr_t)&here, top = (uintptr_t)__libc_stack_end;
	struct rlimit rl;
	size_t lim = MAIN_STACK_MAX, margin = 256 * 1024;

	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur < lim)
		lim = rl.rlim_cur;
	lim = lim / 4 * 3;
	if (!top || sp > top || top - sp + margin >= lim)
		return 0;
	return lim - (top - sp) - margin;
}

/* The pid as the shim last saw it: at load, and in the child of every
 * fork() (pthread_atfork). A vfork() child, or the child of a raw clone(),
 * runs no atfork handler: getpid() then differs, and the shim knows that
 * it may share its parent's memory. */
static pid_t own_pid;

static void own_pid_refresh(void)
{
	own_pid = getpid();
}

__attribute__((constructor)) static void divert_load(void)
{
	own_pid_refresh();
	pthread_atfork(NULL, NULL, own_pid_refresh);
}

/* The helper's argv, its env and the rewritten LD_PRELOAD values, in mem. */
static int fill_and_call(const struct helper_cmd *h, char *const *argv, char *const *envp,
			 const size_t n[3], char *mem, divert_fn fn, void *ctx)
{
	char **hargv = (char **)mem, **henv = hargv + n[0] + HELPER_ARGV_EXTRA;
	char *buf = (char *)(henv + n[1] + 1);
	struct helper_num num;
	struct helper_cmd sized = *h;
	int err;

	if (sized.tier == TIER_LOCKDOWN && cfg.tmp_size[0])
		sized.tmp_size = cfg.tmp_size;
	err = helper_argv(&sized, argv, &num, hargv, n[0] + HELPER_ARGV_EXTRA);

	if (!err)
		err = env_rewrite(envp, &cfg.preload, henv, n[1] + 1, buf, n[2] + 1);
	if (err)
		return err;
	err = fn(hargv, henv, ctx);
	/* The probe found the job's own argv and env within the kernel's
	 * limit: only the helper's arguments tipped it over. Same errno as a
	 * real call that is too big, but the user must learn why. */
	if (err == E2BIG)
		shim_say((const char *[]){"cannot run ", h->path,
					  ": its arguments and environment fit the "
					  "kernel's limit only without the helper's "
					  "(Argument list too long); shorten them by a "
					  "few hundred bytes",
					  NULL});
	return err;
}

/* Bounded stack use: a vfork child runs on its parent's stack, and thread
 * stacks may be small. Up to SHIM_MAX_PTRS pointers anywhere; more on the
 * main thread's stack as far as it has room, which covers whatever the
 * kernel would accept; else in a mapping that the exec takes away or that
 * is unmapped after the spawn -- never in a vfork child, whose mapping
 * would stay behind in its parent: E2BIG there. */
int divert_with(const struct helper_cmd *h, char *const *argv, char *const *envp,
		divert_fn fn, void *ctx)
{
	size_t argc = argv ? vec_len(argv) : 0, envc = envp ? vec_len(envp) : 0;
	size_t pre = preload_bytes(envp);
	size_t n[3] = {argc, envc, pre};
	size_t need = (argc + HELPER_ARGV_EXTRA + envc + 1) * sizeof(char *) + pre + 1;
	char *mem;
	int err;

	if (pre > SHIM_PRELOAD_MAX)
		return E2BIG;
	if (argc + envc <= SHIM_MAX_PTRS || need <= stack_room()) {
		/* alloca, bounded above: -Wvla keeps VLAs out of the tree. */
		/* cppcheck-suppress allocaCalled */
		mem = alloca(need);
		return fill_and_call(h, argv, envp, n, mem, fn, ctx);
	}
	if (getpid() != own_pid)
		return E2BIG;
	mem =
	    mmap(NULL, need, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return ENOMEM;
	err = fill_and_call(h, argv, envp, n, mem, fn, ctx);
	munmap(mem, need);
	return err;
}

static int exec_helper(char *const *hargv, char *const *henv, void *ctx)
{
	(void)ctx;
	real.execve(hargv[0], hargv, henv);
	return errno;
}

int divert_exec(struct helper_cmd *h, char *const *argv, char *const *envp)
{
	int err = divert_with(h, argv, envp, exec_helper, NULL);

	if (err == E2BIG || err == ENOMEM)
		return err;
	shim_say((const char *[]){"cannot run the helper ", cfg.helper, ": ",
				  strerrordesc_np(err), "; refusing to run ", h->path,
				  NULL});
	return EPERM;
}

/* glibc's exec*p: the file itself when it has a slash, else each PATH
 * element in turn (PATH from environ, not from the job's env). */
static int search_path(struct helper_cmd *h, struct probe *p, const char *file, char *buf,
		       size_t size)
{
	const char *path = getenv("PATH");
	struct path_walk w;
	bool eacces = false, tried = false;
	int err = ENOENT;

	if (strnlen(file, NAME_MAX + 1) > NAME_MAX)
		return ENAMETOOLONG;
	/* confstr(_CS_PATH), without the call: glibc's CS_PATH. */
	path_walk_init(&w, path ? path : "/bin:/usr/bin");
	while (path_walk_next(&w, file, buf, size)) {
		tried = true;
		err = probe_file(p, buf);
		if (!err) {
			h->path = buf;
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

int resolve_exec(struct helper_cmd *h, struct probe *p, const char *file, bool search,
		 char *buf, size_t size)
{
	int err;

	if (search && !*file)
		return ENOENT;
	if (search && !strchr(file, '/'))
		err = search_path(h, p, file, buf, size);
	else
		err = probe_file(p, h->path = file);
	h->dev = p->dev;
	h->ino = p->ino;
	return err;
}
