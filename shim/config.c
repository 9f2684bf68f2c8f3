/* Load time: the only place that reads the host's environment for settings,
 * resolves the real symbols and looks at the filesystem for the helper.
 * Everything found here is read-only afterwards. */
#include "shim/shim.h"

#include <dlfcn.h>
#include <stddef.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sched.h>
#include <unistd.h>

/* $(LIBEXECDIR)/cordon/cordon-helper, from shim/rules.mk. Without it the
 * build stops at an undeclared identifier (not #error: make lint runs
 * cppcheck without the build's flags). */
#ifndef CORDON_HELPER_PATH
#define CORDON_HELPER_PATH cordon_helper_path_needs_LIBEXECDIR_from_shim_rules_mk
#endif

enum { PROC_USER_INIT_INO = 0xEFFFFFFDU };

/* link.h's, for make lint: cppcheck reads no system header. */
#ifndef ElfW
#define ElfW(type) Elf64_##type
#endif

/* Defined in this order, GCC lays out real first, then cfg: real, cfg's
 * first fields and its strings, which every load writes, share a page with
 * the variables defined below them (shim.h). */
static struct config cfg;
static struct real_fns real;
static const struct shim the_shim = {&cfg, &real};

struct sym {
	const char *name, *version; /* version NULL: the default one */
	void **slot;
};

/* posix_spawn and posix_spawnp exist twice: the compat GLIBC_2.2.5 ones
 * still retry ENOEXEC through /bin/sh, the GLIBC_2.15 ones do not.
 * pidfd_spawn* (glibc >= 2.39) may be absent. */
static const struct sym syms[] = {
    {"execve", NULL, (void **)&real.execve},
    {"execv", NULL, (void **)&real.execv},
    {"execvp", NULL, (void **)&real.execvp},
    {"execvpe", NULL, (void **)&real.execvpe},
    {"fexecve", NULL, (void **)&real.fexecve},
    {"execveat", NULL, (void **)&real.execveat},
    {"posix_spawn", "GLIBC_2.15", (void **)&real.spawn},
    {"posix_spawnp", "GLIBC_2.15", (void **)&real.spawnp},
    {"posix_spawn", "GLIBC_2.2.5", (void **)&real.spawn_compat},
    {"posix_spawnp", "GLIBC_2.2.5", (void **)&real.spawnp_compat},
    {"pidfd_spawn", "GLIBC_2.39", (void **)&real.pidfd_spawn},
    {"pidfd_spawnp", "GLIBC_2.39", (void **)&real.pidfd_spawnp},
    {"system", NULL, (void **)&real.system},
    {"popen", NULL, (void **)&real.popen},
    {"pclose", NULL, (void **)&real.pclose},
};

/* snprintf(dst, size, "%s", src) without stdio's machinery, which every
 * load would run: src cut to fit, its whole length returned. */
static size_t put(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	size_t k = n < size ? n : size - 1;

	memcpy(dst, src, k);
	dst[k] = '\0';
	return n;
}

/* The strings read at load go one after another into cfg.strs, each
 * within its own size (shim.h: the sizes add up to it). */
static char *room(void)
{
	return cfg.strs + cfg.strs_used;
}

static const char *take(char *s)
{
	cfg.strs_used += strlen(s) + 1;
	return s;
}

/* src, cut to size - 1 bytes, into cfg.strs; its whole length into *len. */
static const char *keep(const char *src, size_t size, size_t *len)
{
	size_t n = put(room(), size, src);

	if (len)
		*len = n;
	return take(room());
}

static void strs_init(void)
{
	cfg.helper = cfg.tmp_size = cfg.cgroup = "";
	cfg.ld_preload = cfg.ld_audit = cfg.ld_library_path = cfg.self_real = "";
}

enum { NSYMS = sizeof(syms) / sizeof(syms[0]) };

/* What one pass over the loaded objects finds: this library's file name
 * as the loader opened it, and which of the symbol versions looked up
 * below another object defines. Read from memory the loader has already
 * touched (dynamic sections, version definitions, their names), where
 * gnu_get_libc_version and dladdr would each fault in a page of libc's in
 * every process. */
static struct {
	const char *self;
	bool any_defined; /* some object defines one of them */
	struct version {
		const char *name;
		size_t len; /* its NUL included */
		ElfW(Word) hash;
		bool defined;
	} want[NSYMS]; /* each version of syms once */
	size_t nwant;
} objs;

/* The ELF hash (System V ABI), which a version definition carries. */
static ElfW(Word) elf_hash(const char *s)
{
	ElfW(Word) h = 0;

	while (*s) {
		h = (h << 4) + (unsigned char)*s++;
		h = (h ^ ((h & 0xf0000000U) >> 24)) & 0x0fffffffU;
	}
	return h;
}

static struct version *version_of(const char *name)
{
	for (size_t i = 0; i < objs.nwant; i++)
		if (strcmp(objs.want[i].name, name) == 0)
			return &objs.want[i];
	return NULL;
}

/* One loaded object: its load bias and program headers. */
struct object {
	ElfW(Addr) base;
	const ElfW(Phdr) * ph;
	ElfW(Half) n;
};

/* Whether len bytes at p lie within the object's segment ph. */
static bool in_segment(const struct object *o, const ElfW(Phdr) * ph, ElfW(Addr) p,
		       size_t len)
{
	ElfW(Addr) start = o->base + ph->p_vaddr;

	return ph->p_type == PT_LOAD && (ph->p_flags & PF_R) && p >= start &&
	       p - start <= ph->p_memsz && len <= ph->p_memsz - (p - start);
}

/* The readable segment of the object that holds len bytes at p, or NULL. */
static const ElfW(Phdr) * segment(const struct object *o, ElfW(Addr) p, size_t len)
{
	for (ElfW(Half) i = 0; i < o->n; i++)
		if (in_segment(o, &o->ph[i], p, len))
			return &o->ph[i];
	return NULL;
}

static bool within(const struct object *o, ElfW(Addr) p, size_t len)
{
	return segment(o, p, len) != NULL;
}

/* An address in a dynamic entry: glibc makes some absolute in place
 * (DT_STRTAB), leaves others relative to the object (DT_VERDEF). */
static ElfW(Addr) dyn_addr(const struct object *o, ElfW(Addr) a)
{
	return within(o, a, 1) ? a : a + o->base;
}

/* Whether the version definition whose auxiliary entry is at aux names w;
 * nothing that does not lie within the object's segments is read. */
static bool names(const struct object *o, ElfW(Addr) strtab, ElfW(Addr) aux,
		  const struct version *w)
{
	ElfW(Addr) name;

	if (!within(o, aux, sizeof(ElfW(Verdaux))))
		return false;
	name = strtab + ((const ElfW(Verdaux) *)aux)->vda_name;
	return within(o, name, w->len) &&
	       memcmp((const char *)name, w->name, w->len) == 0;
}

/* The wanted versions one object defines. */
static void see_versions(const struct object *o, const ElfW(Dyn) * dyn)
{
	ElfW(Addr) strtab = 0, d = 0;
	ElfW(Xword) n = 0;

	for (; dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_STRTAB)
			strtab = dyn->d_un.d_ptr;
		else if (dyn->d_tag == DT_VERDEF)
			d = dyn->d_un.d_ptr;
		else if (dyn->d_tag == DT_VERDEFNUM)
			n = dyn->d_un.d_val;
	}
	if (!strtab || !d)
		return;
	strtab = dyn_addr(o, strtab);
	d = dyn_addr(o, d);
	/* The definitions follow one another in one segment. */
	const ElfW(Phdr) *seg = segment(o, d, sizeof(ElfW(Verdef)));
	for (; seg && n-- > 0 && in_segment(o, seg, d, sizeof(ElfW(Verdef)));) {
		const ElfW(Verdef) *v = (const ElfW(Verdef) *)d;
		for (size_t i = 0; i < objs.nwant; i++)
			if (v->vd_hash == objs.want[i].hash &&
			    names(o, strtab, d + v->vd_aux, &objs.want[i]))
				objs.want[i].defined = objs.any_defined = true;
		if (!v->vd_next)
			return;
		d += v->vd_next;
	}
}

static int see_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct object o = {info->dlpi_addr, info->dlpi_phdr, info->dlpi_phnum};
	const ElfW(Dyn) *dyn = NULL;

	(void)size;
	if (within(&o, (ElfW(Addr))data, 1)) {
		objs.self = info->dlpi_name;
		return 0;
	}
	for (ElfW(Half) i = 0; i < o.n; i++)
		if (o.ph[i].p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(o.base + o.ph[i].p_vaddr);
	if (dyn)
		see_versions(&o, dyn);
	return 0;
}

static void see_objects(void)
{
	for (size_t i = 0; i < NSYMS; i++)
		if (syms[i].version && !version_of(syms[i].version)) {
			struct version *v = &objs.want[objs.nwant++];
			v->name = syms[i].version;
			v->len = strlen(v->name) + 1;
			v->hash = elf_hash(v->name);
		}
	dl_iterate_phdr(see_object, (void *)see_objects);
}

/* A failed lookup costs ld.so an error message (malloc, ~8 us here) in
 * every process: a symbol of a version no other object defines (glibc
 * 2.39's pidfd_spawn on an older glibc) is not looked up at all. Where
 * none of the versions was found (an object not read as expected),
 * everything is asked all the same. */
static void resolve_real(void)
{
	for (size_t i = 0; i < NSYMS; i++)
		if (!syms[i].version)
			*syms[i].slot = dlsym(RTLD_NEXT, syms[i].name);
		else if (version_of(syms[i].version)->defined || !objs.any_defined)
			*syms[i].slot = dlvsym(RTLD_NEXT, syms[i].name, syms[i].version);
}

/* The host's CORDON_* and LD_* variables, found in one pass over environ at
 * load: getenv would pass it once for each of the fifteen names read here.
 * In environ's order, so the first of a name wins, as with getenv; a host
 * with more of them than fit has environ scanned for each. */
extern char **environ;
static struct {
	const char *var[32];
	size_t n;
	bool all;
} load_env;

static void scan_env(void)
{
	load_env.all = true;
	for (char **e = environ; e && *e; e++) {
		const char *s = *e;
		if (!(s[0] == 'C' && strncmp(s, "CORDON_", 7) == 0) &&
		    !(s[0] == 'L' && s[1] == 'D' && s[2] == '_'))
			continue;
		if (load_env.n == sizeof(load_env.var) / sizeof(load_env.var[0])) {
			load_env.all = false;
			return;
		}
		load_env.var[load_env.n++] = *e;
	}
}

static const char *env_get(const char *name)
{
	size_t len = strlen(name);
	const char *const *all =
	    load_env.all ? load_env.var : (const char *const *)environ;
	size_t n = load_env.all ? load_env.n : (size_t)-1;

	for (size_t i = 0; i < n && all && all[i]; i++)
		if (strncmp(all[i], name, len) == 0 && all[i][len] == '=')
			return all[i] + len + 1;
	return NULL;
}

static void read_floor(void)
{
	const char *v = env_get("CORDON_TIER");

	/* Unset is not "none": preloading the shim asks for a sandbox, and
	 * nothing runs unsandboxed unless the tier says none. */
	cfg.floor = v ? tier_parse(v) : TIER_BAD;
	cfg.floor_unset = !v;
	if (cfg.floor == TIER_BAD) {
		size_t n = strnlen(v ? v : "", sizeof(cfg.floor_bad) - 1);
		memcpy(cfg.floor_bad, v ? v : "", n);
		cfg.floor_bad[n] = '\0';
	}
}

/* CORDON_TMP_SIZE: kept only when it is a tmpfs size; a bad one refuses
 * lockdown jobs (divert.c) rather than run them without the limit. */
static void read_tmp_size(void)
{
	const char *v = env_get("CORDON_TMP_SIZE");

	if (!v || !*v)
		return; /* empty: unset, the kernel's default */
	if (tmp_size_ok(v) && strlen(v) <= TMP_SIZE_MAX)
		cfg.tmp_size = keep(v, TMP_SIZE_MAX + 1, NULL);
	else
		put(cfg.tmp_size_bad, sizeof(cfg.tmp_size_bad), v);
}

/* CORDON_ORPHANS: "kill", or unset/empty; anything else refuses every job
 * (call.c) rather than let what it leaves outlive it. */
static void read_orphans(void)
{
	const char *v = env_get("CORDON_ORPHANS");

	if (!v || !*v)
		return;
	if (orphans_ok(v))
		cfg.orphans_kill = true;
	else
		put(cfg.orphans_bad, sizeof(cfg.orphans_bad), v);
}

/* CORDON_CGROUP: an absolute canonical path, or unset/empty; anything
 * else refuses every job (call.c) rather than run it outside its cgroup
 * and without the limits that need one. */
static void read_cgroup(void)
{
	const char *v = env_get("CORDON_CGROUP");

	if (!v || !*v)
		return;
	if (cgroup_ok(v))
		cfg.cgroup = keep(v, CGROUP_LEN, NULL);
	else
		put(cfg.cgroup_bad, sizeof(cfg.cgroup_bad), v);
}

/* realpath(3) of a path that may not exist yet: the longest part that
 * exists resolved, the rest appended as it is. A path realpath cannot
 * take for another reason (EACCES, ENOTDIR) stays as given: the helper,
 * which resolves it for each job, then says why. 0, or -1 when the result
 * does not fit out[PATH_MAX]. */
static int canonical(const char *path, char *out)
{
	char head[PATH_MAX];
	size_t n = strlen(path), cut = n;

	if (n >= sizeof(head))
		return -1;
	memcpy(head, path, n + 1);
	for (;;) {
		if (realpath(cut ? head : "/", out))
			break;
		if (errno != ENOENT) {
			memcpy(out, path, n + 1);
			return 0;
		}
		while (cut > 0 && head[cut] != '/')
			cut--;
		head[cut] = '\0';
	}
	size_t len = strlen(out);
	if (len == 1 && cut < n)
		len = 0; /* "/" + "/rest" */
	if (len + (n - cut) >= PATH_MAX)
		return -1;
	memcpy(out + len, path + cut, n - cut + 1);
	return 0;
}

/* One element of a host list as given: absolute, with no empty, "." or
 * ".." component (realpath would take them, but a job's list is compared
 * by name: both follow the same rule). */
static bool raw_path_ok(const char *p, size_t n)
{
	char buf[PATH_MAX];

	if (n == 0 || n >= sizeof(buf) || *p != '/')
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0'; /* "/srv/" is "/srv" */
	return strstr(buf, "//") == NULL && strstr(buf, "/./") == NULL &&
	       strstr(buf, "/../") == NULL &&
	       !(n >= 2 && strcmp(buf + n - 2, "/.") == 0) &&
	       !(n >= 3 && strcmp(buf + n - 3, "/..") == 0);
}

/* CORDON_WRITABLE or CORDON_HIDDEN into out (canonical, joined by ':');
 * false when the value is not a list the helper would take. */
static bool read_paths(const char *v, char *out, bool (*ok)(const char *))
{
	const char *cur = paths_start(v), *p;
	char path[PATH_MAX], canon[PATH_MAX];
	size_t n, len = 0;

	out[0] = '\0';
	while (paths_next(&cur, &p, &n)) {
		if (!raw_path_ok(p, n))
			return false;
		memcpy(path, p, n);
		path[n] = '\0';
		if (n > 1 && path[n - 1] == '/')
			path[n - 1] = '\0';
		if (canonical(path, canon) < 0 || len + strlen(canon) + 1 > PATHS_LEN)
			return false;
		len += (size_t)snprintf(out + len, PATHS_LEN + 1 - len, "%s%s",
					len ? ":" : "", canon);
	}
	return ok(out);
}

/* The two policy variables; the first bad one refuses every sandboxed
 * call (call.c), as a bad tier does. */
static void read_policy(void)
{
	static const struct {
		const char *name;
		size_t off, raw, set;
		bool (*ok)(const char *);
	} vars[] = {
	    {"CORDON_WRITABLE", offsetof(struct config, writable),
	     offsetof(struct config, writable_raw), offsetof(struct config, writable_set),
	     writable_ok},
	    {"CORDON_HIDDEN", offsetof(struct config, hidden),
	     offsetof(struct config, hidden_raw), offsetof(struct config, hidden_set),
	     hidden_ok},
	};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = env_get(vars[i].name);
		if (!v)
			continue;
		*(bool *)((char *)&cfg + vars[i].set) = true;
		put((char *)&cfg + vars[i].raw, PATHS_LEN + 1, v);
		if (!read_paths(v, (char *)&cfg + vars[i].off, vars[i].ok) &&
		    !cfg.policy_bad[0])
			snprintf(cfg.policy_bad, sizeof(cfg.policy_bad), "%s='%.200s'",
				 vars[i].name, v);
	}
}

/* The file no writable path may hold: needed only where jobs are
 * sandboxed (realpath costs a readlink per component, at load). */
static void find_real(const char *self)
{
	char *dst = room(); /* SELF_REAL_LEN is PATH_MAX, realpath's most */

	if (!self)
		return;
	if (!realpath(self, dst))
		put(dst, SELF_REAL_LEN, self);
	cfg.self_real = take(dst);
}

/* CORDON_LIMITS: a list of limits (common/limits.h); one that is not
 * refuses every sandboxed job (call.c), never runs it without them. */
static void read_limits(void)
{
	const char *v = env_get("CORDON_LIMITS"), *why;

	if (!v)
		return;
	cfg.limits_set = true;
	if (limits_parse(v, &cfg.limits, &why) < 0)
		snprintf(cfg.limits_bad, sizeof(cfg.limits_bad),
			 "CORDON_LIMITS='%.256s' (%s)", v, why);
}

/* The loader's variables: what later hosts load (layout.c walks them). */
static void read_loader(void)
{
	static const struct {
		const char *name;
		size_t off, size;
	} v[] = {
	    {"LD_PRELOAD", offsetof(struct config, ld_preload), LD_PRELOAD_LEN},
	    {"LD_AUDIT", offsetof(struct config, ld_audit), LD_AUDIT_LEN},
	    {"LD_LIBRARY_PATH", offsetof(struct config, ld_library_path),
	     LD_LIBRARY_PATH_LEN},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const char *s = env_get(v[i].name);
		size_t len;
		if (!s)
			continue;
		*(const char **)((char *)&cfg + v[i].off) = keep(s, v[i].size, &len);
		if (len >= v[i].size)
			cfg.ld_too_long = true;
	}
}

/* Every process that loads the shim runs what follows: the PATH_MAX
 * buffers of the rare cases sit in functions of their own (noinline), so
 * that the usual load calls nothing below a frame of a few KiB that would
 * cost it a page of stack. */

/* realpath into caller storage: realpath(p, NULL) would set up malloc's
 * heap in every process the shim is loaded into (getrandom, brk: load
 * cost at tier none). */
__attribute__((noinline)) static void set_helper_relative(const char *path)
{
	char abs[PATH_MAX];

	cfg.helper = keep(realpath(path, abs) ? abs : path, HELPER_LEN, NULL);
}

static void set_helper(const char *path)
{
	/* Absolute, so a host's later chdir cannot move it; realpath's
	 * readlink per component only when it is relative (load cost). */
	if (*path != '/')
		set_helper_relative(path);
	else
		cfg.helper = keep(path, HELPER_LEN, NULL);
}

/* The one next to the file itself, not to a symlink that named it. */
__attribute__((noinline)) static void set_helper_near(const char *self)
{
	char near[PATH_MAX];

	if (!realpath(self, near))
		put(near, sizeof(near), self);
	char *slash = strrchr(near, '/'), *base = slash ? slash + 1 : near;
	put(base, sizeof(near) - (size_t)(base - near), "cordon-helper");
	set_helper(near);
}

/* CORDON_HELPER from the host's env, else the installed helper, else the
 * one next to libcordon.so (the build tree, a staged copy of it). */
static void find_helper(const char *self)
{
	const char *env = env_get("CORDON_HELPER");

	if (env && *env) {
		set_helper(env);
		return;
	}
	if (sys_access(CORDON_HELPER_PATH, F_OK) == 0 || !self) {
		set_helper(CORDON_HELPER_PATH);
		return;
	}
	cfg.helper_fallback = true;
	cfg.helper_installed = CORDON_HELPER_PATH;
	set_helper_near(self);
}

static void add_preload_id(const char *w, size_t len, size_t *used)
{
	if (cfg.preload.n == sizeof(cfg.preload.names) / sizeof(cfg.preload.names[0]) ||
	    *used + len + 1 > PRELOAD_IDS_LEN || preload_is_ours(&cfg.preload, w, len))
		return;
	char *dst = room();
	memcpy(dst, w, len);
	dst[len] = '\0';
	cfg.preload.names[cfg.preload.n++] = take(dst);
	*used += len + 1;
}

/* Whether the path w[len] is our file. Our own stat only when needed
 * (load cost). */
__attribute__((noinline)) static bool same_file(const char *w, size_t len,
						const char *self, struct stat *me)
{
	char path[PATH_MAX];
	struct stat st;

	memcpy(path, w, len);
	path[len] = '\0';
	if (!me->st_ino && sys_stat(self, me) < 0)
		return false;
	return sys_stat(path, &st) == 0 && st.st_dev == me->st_dev &&
	       st.st_ino == me->st_ino;
}

static bool is(const char *w, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(w, s, len) == 0;
}

/* Whether ld.so loaded us for this LD_PRELOAD word (w[len]): our own
 * name, the same file under another path, or a bare name it found in its
 * search path with our file name. */
static bool word_loads_us(const char *w, size_t len, const char *self, struct stat *me)
{
	const char *base = strrchr(self, '/') ? strrchr(self, '/') + 1 : self;

	if (is(w, len, self))
		return true;
	if (!memchr(w, '/', len))
		return is(w, len, base);
	return same_file(w, len, self, me);
}

static void find_preload_ids(const char *self)
{
	const char *v = env_get("LD_PRELOAD");
	struct stat me = {0};
	size_t used = 0;

	if (!self)
		return;
	add_preload_id(self, strlen(self), &used);
	for (const char *p = v ? v : ""; *p;) {
		p += strspn(p, " :");
		size_t len = strcspn(p, " :");
		if (len && len < PATH_MAX && word_loads_us(p, len, self, &me))
			add_preload_id(p, len, &used);
		p += len;
	}
}

/* Inside a cordon sandbox only when the marker names the user namespace
 * we are in: an env variable alone proves nothing. */
static void find_inside(void)
{
	const char *t = env_get("CORDON_SANDBOX"), *ns = env_get("CORDON_SANDBOX_USERNS");
	struct stat st;
	char ino[U64_DIGITS];

	cfg.inside = TIER_NONE;
	if (!t || !ns || sys_stat("/proc/self/ns/user", &st) < 0)
		return;
	/* A marker leaked into the initial namespaces is stale: no sandbox
	 * runs there (include/linux/proc_ns.h PROC_USER_INIT_INO). */
	if (st.st_ino == PROC_USER_INIT_INO)
		return;
	fmt_u64(ino, st.st_ino);
	if (strcmp(ino, ns) == 0 && tier_parse(t) != TIER_BAD)
		cfg.inside = tier_parse(t);
}

/* CORDON_LOG: absolute, its symbolic links resolved now, so that later
 * records go to the file it names at load and not to wherever a swapped
 * symlink points (log.c opens it O_NOFOLLOW). */
static void log_load(const char *path)
{
	struct log_state *l = &log_state;
	size_t n = 0, len;
	char resolved[PATH_MAX];
	void *page;

	if (!path || !*path)
		return;
	if (realpath(path, resolved))
		path = resolved;
	len = strlen(path);
	/* Relative when the cwd cannot be known: better than no log. */
	if (*path != '/' && getcwd(l->path, sizeof(l->path) - 1)) {
		n = strlen(l->path);
		if (l->path[n - 1] != '/')
			l->path[n++] = '/';
	}
	if (n + len >= sizeof(l->path)) {
		/* Kept, cut, for the message the host then says once. */
		l->load_err = ENAMETOOLONG;
		len = sizeof(l->path) - 1 - n;
	}
	memcpy(l->path + n, path, len);
	l->path[n + len] = '\0';
	page = sys_mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	l->said = page == MAP_FAILED ? NULL : page;
}

static void load(void)
{
	const char *self;

	/* The always-on parent hardening: programs the host starts (same uid)
	 * cannot ptrace it or read its /proc/PID/mem. */
	if (sys_prctl(PR_SET_DUMPABLE, 0) < 0)
		shim_say((const char *[]){"cannot make the host non-dumpable", NULL});
	strs_init();
	see_objects();
	resolve_real();
	/* setuid/setgid: ld.so already restricts preloading; stay inert. */
	if (getauxval(AT_SECURE))
		return;
	self = objs.self && *objs.self ? objs.self : NULL;
	scan_env();
	read_floor();
	read_tmp_size();
	read_orphans();
	read_cgroup();
	read_limits();
	read_loader();
	find_helper(self);
	read_policy();
	if (cfg.floor != TIER_NONE || cfg.writable_set || cfg.hidden_set)
		find_real(self);
	find_preload_ids(self);
	find_inside();
	/* Never in setuid/setgid processes (above): the caller names the file. */
	log_load(env_get("CORDON_LOG"));
	cfg.active = true;
}

/* 0: not loaded, 1: loading, 2: loaded. A call before our constructor (from
 * another library's constructor) loads first; a second thread meanwhile
 * waits for it (start-up: no exec path of a loaded process gets here). */
static int state;

const struct shim *shim_get(void)
{
	int expected = 0;

	if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) == 2)
		return &the_shim;
	if (__atomic_compare_exchange_n(&state, &expected, 1, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		load();
		__atomic_store_n(&state, 2, __ATOMIC_RELEASE);
	}
	while (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != 2)
		sys_sched_yield();
	return &the_shim;
}

__attribute__((constructor)) static void shim_load(void)
{
	shim_get();
}
