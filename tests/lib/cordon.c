/* See cordon.h. Test code: plain libc. */
#include "tests/lib/cordon.h"
#include "tests/lib/hcmd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Nothing of an outer cordon (or of the runner's caller) reaches a run. */
static const char *const cordon_vars[] = {"CORDON_TIER",     "CORDON_HELPER",
					  "CORDON_LOG",	     "CORDON_TMP_SIZE",
					  "CORDON_SANDBOX",  "CORDON_SANDBOX_USERNS",
					  "CORDON_WRITABLE", "CORDON_HIDDEN",
					  "LD_PRELOAD",	     NULL};

/* Paths that must outlive tst_build()'s ring. */
static const char *kept(char *buf, size_t size, const char *rel)
{
	if (!buf[0])
		snprintf(buf, size, "%s", tst_build(rel));
	return buf;
}

static const char *helper_path(void)
{
	static char p[PATH_MAX];
	return kept(p, sizeof(p), "cordon-helper");
}

static const char *lib_path(void)
{
	static char p[PATH_MAX];
	return kept(p, sizeof(p), "libcordon.so");
}

static const char *launcher_path(void)
{
	static char p[PATH_MAX];
	return kept(p, sizeof(p), "cordon");
}

int tst_resolve(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return 0; /* as execve: no search, whatever the file is */
	}
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(out, size, "%.*s/%s", (int)n, p, name);
		if (access(out, X_OK) == 0)
			return 0;
		p += n + (p[n] == ':');
	}
	return -ENOENT;
}

static char **helper_cmdline(const char *tier, const struct tst_how *how,
			     char *const argv[])
{
	char path[PATH_MAX];
	struct stat st;
	struct tst_hcmd c = {.helper = helper_path(),
			     .sh = how && how->sh,
			     .dirfd = -1,
			     .cloexec = -1,
			     .writable = how ? how->writable : NULL,
			     .hidden = how ? how->hidden : NULL,
			     .tier = tier,
			     .path = path,
			     .argv = argv};

	if (tst_resolve(argv[0], path, sizeof(path)) == 0 && stat(path, &st) == 0) {
		c.dev = st.st_dev;
		c.ino = st.st_ino;
	}
	return tst_hcmd_argv(&c);
}

char **tst_helper_cmdline(const char *tier, char *const argv[])
{
	return helper_cmdline(tier, NULL, argv);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		abort();
	return p;
}

static size_t count(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* The shim's variables for how, then how->env, into add (room for 8 more
 * than how->env holds). */
static size_t shim_vars(const struct tst_how *how, char *buf, size_t size,
			const char **add)
{
	size_t n = 0;
	bool own_helper = false;
	int len = 0;

	if (how->via == TST_SHIM && how->tier) {
		add[n++] = buf;
		len = snprintf(buf, size, "LD_PRELOAD=%s", lib_path()) + 1;
		add[n++] = buf + len;
		len +=
		    snprintf(buf + len, size - (size_t)len, "CORDON_TIER=%s", how->tier) +
		    1;
	}
	for (const char *const *e = how->env; e && *e; e++) {
		own_helper |= strncmp(*e, "CORDON_HELPER=", 14) == 0;
		add[n++] = *e;
	}
	/* This build's helper, even where another one is installed at the
	 * compiled-in path (shim.tier covers the lookup without it). */
	if (how->via == TST_SHIM && how->tier && !own_helper) {
		add[n++] = buf + len;
		snprintf(buf + len, size - (size_t)len, "CORDON_HELPER=%s",
			 helper_path());
	}
	add[n] = NULL;
	return n;
}

int tst_cordon_run(const struct tst_how *how, char *const argv[], struct tst_proc *res)
{
	static const struct tst_how plain;
	char vars[3 * PATH_MAX + 64];
	char **cmd = NULL;
	char *const *inner = argv;

	if (!how)
		how = &plain;
	const char **add = xcalloc(count((char *const *)how->env) + 8, sizeof(*add));
	size_t nadd = shim_vars(how, vars, sizeof(vars), add);
	bool through_env = how->wrap && how->via == TST_SHIM && how->tier;

	if (how->tier && how->via == TST_HELPER) {
		inner = cmd = helper_cmdline(how->tier, how, argv);
		if (!cmd)
			abort();
	} else if (how->tier && how->via == TST_LAUNCHER) {
		size_t n = count(argv);
		cmd = xcalloc(n + 5, sizeof(*cmd));
		cmd[0] = strdup(launcher_path());
		cmd[1] = strdup("--tier");
		cmd[2] = strdup(how->tier);
		cmd[3] = strdup("--");
		for (size_t i = 0; i < n; i++)
			cmd[4 + i] = strdup(argv[i]);
		inner = cmd;
	}
	size_t nw = count((char *const *)how->wrap), ni = count(inner);
	char **v = xcalloc(nw + ni + nadd + 2, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < nw; i++)
		v[k++] = (char *)how->wrap[i];
	if (through_env) {
		v[k++] = "env";
		for (size_t i = 0; i < nadd; i++)
			v[k++] = (char *)add[i];
	}
	for (size_t i = 0; i < ni; i++)
		v[k++] = inner[i];
	char **env = tst_env(through_env ? NULL : add, cordon_vars);
	struct tst_opts o = {
	    .envp = env, .input = how->input, .timeout_ms = how->timeout_ms};
	int rc = tst_run(v, &o, res);
	tst_env_free(env);
	free(v);
	tst_hcmd_free(cmd);
	free(add);
	return rc;
}

bool tst_sandbox_ok(void)
{
	static int ok = -1;
	static char why[PATH_MAX + 512];
	static CU_pTest skipped;

	if (ok < 0) {
		struct tst_proc r;
		char *argv[] = {"/bin/true", NULL};
		int rc = tst_cordon_run(
		    &(struct tst_how){.via = TST_HELPER, .tier = "hardened"}, argv, &r);
		ok = rc == 0 && r.status == 0;
		if (!ok)
			snprintf(why, sizeof(why),
				 "the helper cannot build a sandbox here (%s): %.300s",
				 helper_path(), rc ? strerror(-rc) : r.err);
		if (rc == 0)
			tst_proc_free(&r);
	}
	/* One SKIPPED per test, however many runs it makes. */
	if (!ok && CU_get_current_test() != skipped) {
		skipped = CU_get_current_test();
		tst_skip("%s", why);
	}
	return ok;
}

const char *tst_ns_file(void)
{
	static char p[PATH_MAX];

	if (!p[0])
		snprintf(p, sizeof(p), "%s/ns-reports", tst_scratch());
	return p;
}

const char *tst_nsreport(void)
{
	static char p[PATH_MAX];
	return kept(p, sizeof(p), "tests/lib/nsreport");
}

const char *tst_nsreport_sh(void)
{
	static char cmd[PATH_MAX + 200];

	if (!cmd[0])
		snprintf(cmd, sizeof(cmd),
			 "'%s' --fds 3</proc/self/ns/user 4</proc/self/ns/pid "
			 "5</proc/self/ns/ipc 6</proc/self/ns/mnt 7</proc/self/ns/net",
			 tst_nsreport());
	return cmd;
}

/* The reports come through a FIFO, not a regular file: a job writes to a
 * FIFO also where the host is read-only to it (a read-only mount refuses
 * writes to regular files, not to FIFOs), so the proof does not depend on
 * the filesystem policy under test. The runner holds it open for reading
 * and writing from the first reset on: a job's open never blocks, and
 * what it wrote waits in the pipe until tst_ns_check reads it. */
static int ns_fd = -1;

static void ns_fail(const char *what)
{
	fprintf(stderr, "tests: cannot %s %s: %s\n", what, tst_ns_file(),
		strerror(errno));
	exit(2);
}

/* Everything written since the last call (a NUL-terminated malloc'd
 * string, possibly empty). */
static char *ns_drain(void)
{
	size_t len = 0, cap = 4096;
	char *buf = xcalloc(1, cap);
	ssize_t n;

	if (ns_fd < 0) {
		if (unlink(tst_ns_file()) < 0 && errno != ENOENT)
			ns_fail("remove");
		/* Jobs in a sandbox write it as the runner's uid, mapped. */
		if (mkfifo(tst_ns_file(), 0644) < 0 || chmod(tst_ns_file(), 0644) < 0)
			ns_fail("make the FIFO");
		ns_fd = open(tst_ns_file(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (ns_fd < 0)
			ns_fail("open");
		/* Room for the reports of many jobs before a writer would wait. */
		(void)fcntl(ns_fd, F_SETPIPE_SZ, 1 << 20);
	}
	while ((n = read(ns_fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 1024) {
			char *more = realloc(buf, cap *= 2);
			if (!more)
				abort();
			buf = more;
		}
	}
	if (n < 0 && errno != EAGAIN)
		ns_fail("read");
	buf[len] = '\0';
	return buf;
}

void tst_ns_reset(void)
{
	free(ns_drain());
}

static const char *const ns_kinds[] = {"user", "pid", "ipc", "mnt", "net"};
enum { NS_KINDS = sizeof(ns_kinds) / sizeof(ns_kinds[0]) };

/* "pid:[4026531836]" of the runner. */
static const char *own_ns(int kind)
{
	static char ns[NS_KINDS][64];

	if (!ns[kind][0]) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/ns/%s", ns_kinds[kind]);
		ssize_t n = readlink(p, ns[kind], sizeof(ns[kind]) - 1);
		ns[kind][n < 0 ? 0 : n] = '\0';
	}
	return ns[kind];
}

/* Whether the job's namespace of kind must be the runner's (1), must not
 * (0), or may be either (-1), at tier. */
static int shared(const char *tier, int kind)
{
	const char *k = ns_kinds[kind];
	bool lockdown = tier && strcmp(tier, "lockdown") == 0;

	if (!tier || strcmp(tier, "none") == 0)
		return 1;
	if (strcmp(k, "net") == 0)
		return lockdown ? 0 : 1;
	return 0;
}

static bool report_ok(const char *line, const char *tier, const char *run)
{
	bool ok = true;

	for (int k = 0; k < NS_KINDS; k++) {
		char key[16];
		snprintf(key, sizeof(key), " %s:[", ns_kinds[k]);
		const char *p = strstr(line, key);
		size_t len = p ? strcspn(p + 1, " \n") : 0;
		int want = shared(tier, k);
		bool same =
		    p && strlen(own_ns(k)) == len && strncmp(p + 1, own_ns(k), len) == 0;
		if (!p || (want == 1 && !same) || (want == 0 && same)) {
			printf("\n    %s: a job's %s namespace is %.*s, the runner's %s: "
			       "it must %sbe the same",
			       run, ns_kinds[k], p ? (int)len : 9,
			       p ? p + 1 : "not known", own_ns(k),
			       want == 1 ? "" : "not ");
			ok = false;
		}
	}
	return ok;
}

/* One line of s from *p (NULL once s ends), its length in *len. */
static const char *next_line(const char **p, size_t *len)
{
	const char *line = *p;

	if (!line || !*line)
		return NULL;
	*len = strcspn(line, "\n");
	*p = line[*len] ? line + *len + 1 : NULL;
	return line;
}

int tst_ns_check(const char *tier, const char *run)
{
	char *all = ns_drain();
	const char *p = all, *line;
	size_t len;
	int jobs = 0;
	bool ok = true;

	while ((line = next_line(&p, &len))) {
		char one[512];
		snprintf(one, sizeof(one), "%.*s", (int)(len < 511 ? len : 511), line);
		bool good = strncmp(one, "ns ", 3) == 0 && report_ok(one, tier, run);
		if (strncmp(one, "ns ", 3) != 0)
			printf("\n    %s: not a report in %s: %.200s", run, tst_ns_file(),
			       one);
		ok &= good;
		jobs++;
	}
	free(all);
	CU_ASSERT_TRUE(ok);
	return ok ? jobs : -1;
}

static void first_diff(const char *stream, const char *a, const char *b)
{
	const char *pa = a, *pb = b;
	size_t la = 0, lb = 0;

	for (int n = 1;; n++) {
		const char *x = next_line(&pa, &la), *y = next_line(&pb, &lb);
		if (!x && !y)
			return;
		if (x && y && la == lb && memcmp(x, y, la) == 0)
			continue;
		printf(
		    "\n    %s line %d differs:\n      plain:  %s%.*s%s%s\n      cordon: "
		    "%s%.*s%s%s",
		    stream, n, x ? "\"" : "(none)", x ? (int)(la > 300 ? 300 : la) : 0,
		    x ? x : "", x ? "\"" : "", x && la > 300 ? " (cut)" : "",
		    y ? "\"" : "(none)", y ? (int)(lb > 300 ? 300 : lb) : 0, y ? y : "",
		    y ? "\"" : "", y && lb > 300 ? " (cut)" : "");
		return;
	}
}

bool tst_assert_same_run(const char *what, const struct tst_proc *a,
			 const struct tst_proc *b)
{
	bool same = a->status == b->status && strcmp(a->out, b->out) == 0 &&
		    strcmp(a->err, b->err) == 0 && !a->timed_out && !b->timed_out;

	CU_ASSERT_TRUE(same);
	if (same)
		return true;
	printf("\n    differs: %s", what);
	if (a->status != b->status || a->timed_out || b->timed_out)
		printf("\n    status: plain %#x%s, cordon %#x%s", a->status,
		       a->timed_out ? " (timed out)" : "", b->status,
		       b->timed_out ? " (timed out)" : "");
	first_diff("stdout", a->out, b->out);
	first_diff("stderr", a->err, b->err);
	return false;
}

/* "TIER: ARGV0 ARGV1 ARGV2" for messages. */
static const char *describe(const char *tier, char *const argv[])
{
	static char buf[600];
	int n = snprintf(buf, sizeof(buf), "%s:", tier ? tier : "plain");

	for (size_t i = 0; i < 4 && argv[i] && n < (int)sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " %.120s", argv[i]);
	return buf;
}

void tst_assert_same(const struct tst_cmp *c, char *const argv[])
{
	static const char *const shim_tiers[] = {"none", "hardened", "lockdown", NULL};
	static const char *const sandbox_tiers[] = {"hardened", "lockdown", NULL};
	const char *const *tiers = c->tiers		    ? c->tiers
				   : c->how.via == TST_SHIM ? shim_tiers
							    : sandbox_tiers;
	struct tst_how how = c->how;
	struct tst_proc plain;

	how.tier = NULL;
	tst_ns_reset();
	CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, &plain), 0);
	int jobs = tst_ns_check(NULL, describe(NULL, argv));
	if (c->jobs == TST_JOBS && jobs == 0) {
		CU_FAIL(
		    "no job reported its namespaces: the comparison would prove nothing");
		printf("\n    %s: no job reported its namespaces (to %s): make the job "
		       "report (tst_nsreport()), or say none runs (TST_NO_JOB)",
		       describe(NULL, argv), tst_ns_file());
	}
	if (c->plain_shows && !strstr(plain.out, c->plain_shows)) {
		CU_FAIL("the plain run does not show what the case is about");
		printf("\n    %s: no \"%s\" in\n%.800s%.300s", describe(NULL, argv),
		       c->plain_shows, plain.out, plain.err);
	}
	if (c->jobs == TST_NO_JOB && jobs > 0) {
		CU_FAIL("a job ran where none should");
		printf("\n    %s: %d jobs reported, none should run",
		       describe(NULL, argv), jobs);
	}
	for (const char *const *t = tiers; *t; t++) {
		struct tst_proc r;
		if (strcmp(*t, "none") != 0 && !tst_sandbox_ok())
			break;
		how.tier = *t;
		tst_ns_reset();
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, &r), 0);
		const char *what = describe(*t, argv);
		tst_assert_same_run(what, &plain, &r);
		int n = tst_ns_check(*t, what);
		if (jobs >= 0 && n >= 0 && n != jobs) {
			CU_FAIL("not as many jobs reported as plainly");
			printf("\n    %s: %d jobs reported, %d plainly", what, n, jobs);
		}
		tst_proc_free(&r);
	}
	tst_proc_free(&plain);
}
