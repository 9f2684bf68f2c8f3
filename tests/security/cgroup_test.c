/* The jobs' cgroups (CORDON_CGROUP, docs/helper.md): each sandboxed job
 * in DIR/job-PID from its start, PID the pid its host knows; the directory
 * gone when nothing of the job is left, else kept while what the job left
 * runs and removed by a later job's start; mem= and pids= through the
 * cgroup's controllers, refused with one line where DIR cannot enforce
 * them, and a DIR that is no cgroup directory refused. Hosts are dash
 * with the shim preloaded; each test works in a cgroup of its own under
 * $CORDON_TEST_CGROUP (scripts/check makes one as root, delegated to uid
 * 65534 for that run) and leaves it empty and removable. */
#include "tests/security/sec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

/* The file at path into buf (NUL-terminated); its length, -1 when it
 * cannot be read. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -1;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? -1 : (ssize_t)len;
}

/* value into the cgroup file dir/name; 0 or -errno. */
static int put(const char *dir, const char *name, const char *value)
{
	char p[PATH_MAX];
	int fd, rc = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Whether the word w is in the cgroup file dir/name (a controller in
 * cgroup.controllers, cgroup.subtree_control). */
static bool has_word(const char *dir, const char *name, const char *w)
{
	char p[PATH_MAX], buf[1024];
	size_t n = strlen(w);

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (slurp(p, buf, sizeof(buf)) < 0)
		return false;
	for (char *s = buf; (s = strstr(s, w)); s += n)
		if ((s == buf || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\n' || !s[n]))
			return true;
	return false;
}

/* The names of dir's job-* entries, " " before each, into buf; how many. */
static int jobs_in(const char *dir, char *buf, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t len = 0;
	int n = 0;

	buf[0] = '\0';
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, "job-", 4) == 0) {
			n++;
			if (len < size)
				len += (size_t)snprintf(buf + len, size - len, " %s",
							e->d_name);
		}
	closedir(d);
	return n;
}

/* A job's init outlives its monitor while what the job left runs, then
 * ends as a child of the nearest subreaper: the runner, while a test of
 * these runs (cg_begin). Reaped here, where pid 1 (which may reap late)
 * would leave a zombie that keeps the job's cgroup populated. */
static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Reaps, then waits ms. */
static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	reap();
	nanosleep(&ts, NULL);
}

/* Polls up to ms for dir to hold no job-*; how many are left (named in
 * buf). */
static int jobs_left(const char *dir, long ms, char *buf, size_t size)
{
	int n;

	for (long waited = 0; (n = jobs_in(dir, buf, size)) && waited < ms; waited += 50)
		pause_ms(50);
	return n;
}

/* Asserts dir holds no job-* (within 2 s: the last processes of a job may
 * still be exiting). */
static void assert_no_job(const char *dir, const char *what)
{
	char names[512];
	int n = jobs_left(dir, 2000, names, sizeof(names));

	CU_ASSERT_EQUAL(n, 0);
	if (n)
		printf("\n    %s: left in %s:%s", what, dir, names);
}

/* The sub-cgroup of $CORDON_TEST_CGROUP a test works in, made into dir;
 * false (the test skipped, or failed) without one. */
static bool cg_begin(const char *name, char *dir, size_t size)
{
	const char *top = getenv("CORDON_TEST_CGROUP");
	struct utsname u;
	int major = 0, minor = 0;

	if (!sec_sandbox_ok())
		return false;
	if (!top || !*top) {
		tst_skip("no delegated cgroup v2 directory: run make check as root (it "
			 "makes one), or set CORDON_TEST_CGROUP to one this user may "
			 "make cgroups in");
		return false;
	}
	if (uname(&u) == 0)
		sscanf(u.release, "%d.%d", &major, &minor);
	if (major < 5 || (major == 5 && minor < 7)) {
		tst_skip("clone3's CLONE_INTO_CGROUP needs Linux 5.7, this is %s",
			 u.release);
		return false;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		CU_FAIL("cannot become a subreaper");
		return false;
	}
	snprintf(dir, size, "%s/%s-%d", top, name, (int)getpid());
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		CU_FAIL("cannot make the test's cgroup");
		printf("\n    cannot make %s: %s", dir, strerror(errno));
		prctl(PR_SET_CHILD_SUBREAPER, 0);
		return false;
	}
	return true;
}

/* The no-leak property: dir holds no job-* and goes with rmdir. What a
 * failed test left there is killed first, so that the next tests start
 * clean. */
static void cg_end(const char *dir)
{
	char names[512], p[PATH_MAX];
	int rc = -1;

	assert_no_job(dir, "the end");
	for (int i = 0; i < 40 && rc < 0; i++) {
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (strncmp(e->d_name, "job-", 4) == 0) {
				snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
				if (i == 10)
					put(p, "cgroup.kill", "1");
				rmdir(p);
			}
		if (d)
			closedir(d);
		rc = rmdir(dir);
		if (rc < 0)
			pause_ms(50);
	}
	CU_ASSERT_EQUAL(rc, 0);
	if (rc < 0)
		printf("\n    cannot remove %s: %s (%d left:%s)", dir, strerror(errno),
		       jobs_in(dir, names, sizeof(names)), names);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	reap();
}

/* dir as /proc/PID/cgroup names it ("0::REL"): relative to the root of
 * the cgroup2 mount it lies on, that mount's own root before it. */
static bool cg_rel(const char *dir, char *rel, size_t size)
{
	char real[PATH_MAX], line[4096], best[PATH_MAX] = "", root[PATH_MAX] = "";
	FILE *f;
	size_t blen = 0;

	if (!realpath(dir, real) || !(f = fopen("/proc/self/mountinfo", "re")))
		return false;
	while (fgets(line, sizeof(line), f)) {
		char r[PATH_MAX], mp[PATH_MAX];
		const char *sep = strstr(line, " - ");
		size_t n;
		if (!sep || strncmp(sep, " - cgroup2 ", 11) != 0 ||
		    sscanf(line, "%*s %*s %*s %4095s %4095s", r, mp) != 2)
			continue;
		n = strcmp(mp, "/") == 0 ? 0 : strlen(mp);
		if (n >= blen && strncmp(real, mp, n) == 0 &&
		    (real[n] == '/' || real[n] == '\0')) {
			blen = n;
			snprintf(best, sizeof(best), "%s", mp);
			snprintf(root, sizeof(root), "%s", strcmp(r, "/") ? r : "");
		}
	}
	fclose(f);
	if (!best[0])
		return false;
	snprintf(rel, size, "%s%s", root, real + blen);
	if (!rel[0])
		snprintf(rel, size, "/");
	return true;
}

/* The runner's own cgroup v2 line of /proc/self/cgroup ("0::/..."). */
static void own_cgroup(char *buf, size_t size)
{
	char all[4096];
	const char *l = NULL;

	buf[0] = '\0';
	if (slurp("/proc/self/cgroup", all, sizeof(all)) < 0)
		return;
	for (char *s = all; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		if (strncmp(s, "0::", 3) == 0)
			l = s;
	if (l)
		snprintf(buf, size, "%.*s", (int)strcspn(l, "\n"), l);
}

/* The host's variables (each NULL: unset; writable NULL: the scratch). */
struct host_env {
	const char *cgroup, *limits, *orphans, *writable;
};

/* script through a dash host at tier (NULL: plainly) with e's variables. */
static void host_e(const char *tier, const struct host_env *e, const char *script,
		   struct tst_proc *r)
{
	char vars[4][PATH_MAX + 32];
	const char *extra[5] = {vars[0]};
	size_t n = 1;
	char *argv[] = {"dash", "-c", (char *)script, NULL};
	struct tst_how how = {.tier = tier, .env = extra, .timeout_ms = 60000};
	const char *const names[] = {"CORDON_CGROUP", "CORDON_LIMITS", "CORDON_ORPHANS"};
	const char *const values[] = {e->cgroup, e->limits, e->orphans};

	/* The jobs write in the scratch alone (a build tree of the caller's
	 * own would refuse their hardened jobs otherwise). */
	snprintf(vars[0], sizeof(vars[0]), "CORDON_WRITABLE=%s",
		 e->writable ? e->writable : tst_scratch());
	for (size_t i = 0; i < 3; i++)
		if (values[i]) {
			snprintf(vars[n], sizeof(vars[n]), "%s=%s", names[i], values[i]);
			extra[n] = vars[n];
			n++;
		}
	tst_ns_reset();
	CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, r), 0);
}

static void host(const char *tier, const char *cgroup, const char *limits,
		 const char *script, struct tst_proc *r)
{
	host_e(tier, &(struct host_env){.cgroup = cgroup, .limits = limits}, script, r);
}

static void expect(const struct tst_proc *r, const char *what, const char *want)
{
	CU_ASSERT_STRING_EQUAL(r->out, want);
	if (strcmp(r->out, want))
		printf("\n    %s: want %s    got %s|%s", what, want, r->out, r->err);
}

/* The number after "key " at the start of a line of out; -1 if none. */
static long field(const char *out, const char *key)
{
	size_t n = strlen(key);

	for (const char *s = out; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		if (strncmp(s, key, n) == 0 && s[n] == ' ')
			return strtol(s + n + 1, NULL, 10);
	return -1;
}

/* The first line of out that starts with prefix, into buf ("" if none). */
static void line_of(const char *out, const char *prefix, char *buf, size_t size)
{
	size_t n = strlen(prefix);

	buf[0] = '\0';
	for (const char *s = out; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		if (strncmp(s, prefix, n) == 0) {
			snprintf(buf, size, "%.*s", (int)strcspn(s, "\n"), s);
			return;
		}
}

/* Whether line names one of the words of what ('|' between them). */
static bool names(const char *line, const char *what)
{
	char w[256];

	for (const char *p = what; *p; p += strcspn(p, "|"), p += *p == '|') {
		snprintf(w, sizeof(w), "%.*s", (int)strcspn(p, "|"), p);
		if (strstr(line, w))
			return true;
	}
	return false;
}

/* A refusal: the job never ran (rc 125 from the host's shell), and
 * stderr is one line starting with prefix that names what (or one of its
 * words, '|' between them). */
static void expect_refusal(const struct tst_proc *r, const char *run, const char *prefix,
			   const char *what)
{
	bool one = r->err_len > 0 && strchr(r->err, '\n') == r->err + r->err_len - 1;
	bool start = strncmp(r->err, prefix, strlen(prefix)) == 0;

	expect(r, run, "rc 125\n");
	CU_ASSERT_TRUE(one);
	CU_ASSERT_TRUE(start);
	CU_ASSERT_TRUE(names(r->err, what));
	if (!one || !start || !names(r->err, what))
		printf("\n    %s: want one line %s... naming %s, got: %s", run, prefix,
		       what, r->err);
}

/* What a refusal for a controller DIR's children lack names: the file
 * that enables it (cgroup.subtree_control) where DIR has it; where not,
 * that or the file that shows DIR lacks it (cgroup.controllers). */
static const char *fix_of(const char *dir, const char *ctl)
{
	return has_word(dir, "cgroup.controllers", ctl)
		   ? "cgroup.subtree_control"
		   : "cgroup.subtree_control|cgroup.controllers";
}

/* What the job reports of itself: its namespaces (nsreport, which then
 * runs the shell in its place, so that $$ is the job's pid), its cgroup v2
 * line, whether DIR/job-$$ is there, its pid; the host says which pid its
 * fork returned. */
static void placement_script(const char *dir, char *buf, size_t size)
{
	snprintf(buf, size,
		 "%s sh -c 'while read -r l; do case $l in 0::*) echo \"$l\";; esac; "
		 "done < /proc/$$/cgroup; [ -d \"$1/job-$$\" ] && echo dir yes; "
		 "echo pid $$' sh '%s' & echo host $!; wait $!; echo rc $?",
		 tst_nsreport(), dir);
}

/* A job's cgroup is DIR/job-PID, PID the host's pid for it (and, by
 * clone3's set_tid, the job's $$). The control, and tier none, which
 * ignores CORDON_CGROUP, show the runner's own cgroup. */
static void test_placement(void)
{
	char dir[PATH_MAX], rel[PATH_MAX], own[PATH_MAX], script[3 * PATH_MAX];
	char want[2 * PATH_MAX], got[2 * PATH_MAX];
	struct tst_proc r;

	if (!cg_begin("placement", dir, sizeof(dir)))
		return;
	if (!cg_rel(dir, rel, sizeof(rel))) {
		CU_FAIL("no cgroup2 mount holds CORDON_TEST_CGROUP");
		cg_end(dir);
		return;
	}
	own_cgroup(own, sizeof(own));
	CU_ASSERT_PTR_NULL(strstr(own, "/job-"));
	placement_script(dir, script, sizeof(script));
	const char *plain[] = {NULL, "none"};
	for (int t = 0; t < 2; t++) {
		host(plain[t], dir, NULL, script, &r);
		line_of(r.out, "0::", got, sizeof(got));
		CU_ASSERT_STRING_EQUAL(got, own);
		CU_ASSERT_EQUAL(field(r.out, "rc"), 0);
		CU_ASSERT_EQUAL(field(r.out, "dir"), -1);
		CU_ASSERT_EQUAL(field(r.out, "pid"), field(r.out, "host"));
		CU_ASSERT_EQUAL(tst_ns_check(plain[t], plain[t] ? "none" : "plain"), 1);
		if (strcmp(got, own))
			printf("\n    %s: want %s, got %s|%s",
			       plain[t] ? "none" : "plain", own, r.out, r.err);
		tst_proc_free(&r);
		assert_no_job(dir, plain[t] ? "none" : "plain");
	}
	for (int t = 0; t < 2; t++) {
		host(tiers[t], dir, NULL, script, &r);
		long pid = field(r.out, "host");
		snprintf(want, sizeof(want), "0::%s/job-%ld", rel, pid);
		line_of(r.out, "0::", got, sizeof(got));
		CU_ASSERT(pid > 0);
		CU_ASSERT_STRING_EQUAL(got, want);
		CU_ASSERT_EQUAL(field(r.out, "pid"), pid);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "dir yes\n"));
		CU_ASSERT_EQUAL(field(r.out, "rc"), 0);
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		if (strcmp(got, want) || field(r.out, "pid") != pid)
			printf("\n    %s: want %s (pid %ld), got %s|%s", tiers[t], want,
			       pid, r.out, r.err);
		tst_proc_free(&r);
		assert_no_job(dir, tiers[t]);
	}
	cg_end(dir);
}

/* Jobs at once, each in a cgroup of its own (three job-* at the same time,
 * each job seeing its own); every one removed once its job ended however it
 * ended: an exit, death by a signal of its own or of the host's, the end of
 * its time limit (the sandbox killed), a program that is not there. */
static void test_removal(void)
{
	char dir[PATH_MAX], script[3 * PATH_MAX];
	struct tst_proc r;

	if (!cg_begin("removal", dir, sizeof(dir)))
		return;
	/* Each job looks for the others' directories until one of them saw
	 * all three (up to 4 s), and says the most it saw. */
	snprintf(
	    script, sizeof(script),
	    "m=%s/cgroup-three; rm -f $m; for i in 1 2 3; do %s sh -c 'n=0; max=0; "
	    "while [ ! -e \"$2\" ] && [ $n -lt 200 ]; do set -- \"$1\" \"$2\" "
	    "\"$1\"/job-*; [ $(($# - 2)) -gt $max ] && max=$(($# - 2)); "
	    "[ $max -ge 3 ] && : > \"$2\"; sleep 0.02; n=$((n + 1)); done; "
	    "[ -d \"$1/job-$$\" ] && echo own $$ saw $max' sh '%s' $m & done; wait; "
	    "sh -c 'exit 3'; echo exit $?; "
	    "sh -c 'kill -KILL $$'; echo killed $?; "
	    "sh -c 'exec sleep 5' & sleep 0.3; kill $!; wait $!; echo host-killed $?; "
	    "CORDON_LIMITS=time=1 sh -c 'sleep 5'; echo time $?; "
	    "%s/not-there 2>/dev/null; echo missing $?",
	    tst_scratch(), tst_nsreport(), dir, tst_scratch());
	for (int t = 0; t < 2; t++) {
		host(tiers[t], dir, NULL, script, &r);
		int own = 0, three = 0, saw;
		for (const char *s = r.out; (s = strstr(s, "own ")); s++)
			if (sscanf(s, "own %*d saw %d", &saw) == 1) {
				own++;
				three += saw == 3;
			}
		CU_ASSERT_EQUAL(own, 3);
		CU_ASSERT(three >= 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "exit 3\nkilled 137\nhost-killed "
						     "143\ntime 137\nmissing 127\n"));
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 3);
		if (own != 3 || !three || !strstr(r.out, "missing 127"))
			printf("\n    %s: got %s|%s", tiers[t], r.out, r.err);
		tst_proc_free(&r);
		assert_no_job(dir, tiers[t]);
	}
	cg_end(dir);
}

/* A job's start sweeps only the names cordon gives: an empty job-PID of
 * a pid that is gone goes, an operator's job-template (and names like
 * cordon's but not of its making) stays. */
static void test_sweep_names(void)
{
	static const char *const others[] = {"job-template", "job-12x", "job-0",
					     "job-5-9", "job-2147483648"};
	char dir[PATH_MAX], p[PATH_MAX + 64], gone[PATH_MAX + 64];
	struct tst_proc r;
	pid_t c;

	if (!cg_begin("names", dir, sizeof(dir)))
		return;
	c = fork();
	if (c == 0)
		_exit(0);
	CU_ASSERT_FATAL(c > 0 && waitpid(c, NULL, 0) == c);
	snprintf(gone, sizeof(gone), "%s/job-%d", dir, (int)c);
	CU_ASSERT_EQUAL(mkdir(gone, 0755), 0);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, others[i]);
		CU_ASSERT_EQUAL(mkdir(p, 0755), 0);
	}
	host("hardened", dir, NULL, "/bin/echo ran", &r);
	expect(&r, "hardened", "ran\n");
	tst_proc_free(&r);
	CU_ASSERT_EQUAL(access(gone, F_OK), -1);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, others[i]);
		int rc = rmdir(p);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc < 0)
			printf("\n    %s: %s", others[i], strerror(errno));
	}
	rmdir(gone);
	cg_end(dir);
}

/* Whether process pid runs cmd (its argv, NUL after each word). */
static bool runs(long pid, const char *cmd, size_t len)
{
	char p[64], buf[256];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%ld/cmdline", pid);
	n = slurp(p, buf, sizeof(buf));
	return n == (ssize_t)len && memcmp(buf, cmd, len) == 0;
}

/* Polls up to ms for the cgroup dir to hold no process. */
static bool emptied(const char *dir, long ms)
{
	char p[PATH_MAX + 64], buf[256];

	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	for (long waited = 0;; waited += 50) {
		if (slurp(p, buf, sizeof(buf)) <= 0)
			return true;
		if (waited >= ms)
			return false;
		pause_ms(50);
	}
}

/* What a job leaves running keeps its cgroup, the job's init with it;
 * once that ends too, a later job's start in DIR removes it: that job
 * sees its own directory alone, and none is left after it. With
 * CORDON_ORPHANS=kill nothing of the job is left, nor its cgroup. */
static void test_orphans(void)
{
	static const char sleeper[] = "sleep\0"
				      "1.61";
	char dir[PATH_MAX], script[2 * PATH_MAX], later[2 * PATH_MAX], job[PATH_MAX + 32];
	char procs[1024], p[PATH_MAX + 64];
	struct tst_proc r;

	if (!cg_begin("orphans", dir, sizeof(dir)))
		return;
	snprintf(script, sizeof(script),
		 "%s sh -c 'sleep 1.61 >/dev/null 2>&1 &' & p=$!; wait $p; "
		 "echo job $p rc $?",
		 tst_nsreport());
	snprintf(later, sizeof(later),
		 "%s sh -c 'for d in \"$1\"/job-*; do echo \"${d##*/}\"; done' sh '%s' & "
		 "p=$!; wait $p; echo host job-$p",
		 tst_nsreport(), dir);
	for (int t = 0; t < 2; t++) {
		host(tiers[t], dir, NULL, script, &r);
		long pid = field(r.out, "job");
		CU_ASSERT(pid > 0);
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		snprintf(job, sizeof(job), "%s/job-%ld", dir, pid);
		snprintf(p, sizeof(p), "%s/cgroup.procs", job);
		/* The sleeper may not have exec'd sleep yet: a second for it. */
		bool found = false;
		for (int i = 0; i < 20 && !found; i++) {
			if (i)
				pause_ms(50);
			if (slurp(p, procs, sizeof(procs)) <= 0)
				continue;
			for (char *s = procs, *end; *s; s = end) {
				long q = strtol(s, &end, 10);
				if (end == s)
					break;
				found |= runs(q, sleeper, sizeof(sleeper));
			}
		}
		CU_ASSERT_TRUE(found);
		if (!found)
			printf("\n    %s: no sleep 1.61 in %s: %s (host: %s|%s)",
			       tiers[t], p, procs, r.out, r.err);
		tst_proc_free(&r);
		CU_ASSERT_TRUE(emptied(job, 5000));

		host(tiers[t], dir, NULL, later, &r);
		char seen[64] = "", want[64];
		line_of(r.out, "host ", want, sizeof(want));
		line_of(r.out, "job-", seen, sizeof(seen));
		/* Its own directory alone: one job- line, the host's pid. */
		CU_ASSERT_STRING_EQUAL(seen, want + 5);
		CU_ASSERT_PTR_NULL(strstr(
		    strstr(r.out, "job-") ? strstr(r.out, "job-") + 4 : "", "\njob-"));
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		if (strcmp(seen, want + 5))
			printf("\n    %s: the later job: %s|%s", tiers[t], r.out, r.err);
		tst_proc_free(&r);
		assert_no_job(dir, tiers[t]);
	}
	for (int t = 0; t < 2; t++) {
		host_e(tiers[t], &(struct host_env){.cgroup = dir, .orphans = "kill"},
		       script, &r);
		CU_ASSERT(field(r.out, "job") > 0);
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		tst_proc_free(&r);
		assert_no_job(dir, "CORDON_ORPHANS=kill");
	}
	cg_end(dir);
}

static const char ran[] = "/bin/echo ran; echo rc $?";
static const char mem_refused[] = "cordon: cannot limit the job's memory (mem=)";

/* The refusals that need no cgroup, each with one line of cordon's, the
 * job never started: mem= without CORDON_CGROUP (exit 125); a CORDON_CGROUP
 * on no cgroup2 filesystem (the scratch, with the jobs' writable list
 * elsewhere: a writable path that holds CORDON_CGROUP is refused for
 * itself): 125; one under /proc, which the shim refuses at the call
 * (docs/shim.md: EPERM, dash's 126 and its own line after cordon's). Tier
 * none ignores CORDON_CGROUP and its limits. */
static void test_refusals(void)
{
	char w[PATH_MAX], pre[PATH_MAX + 64];
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	snprintf(w, sizeof(w), "%s/elsewhere", tst_scratch());
	snprintf(pre, sizeof(pre), "cordon: CORDON_CGROUP %s is not a cgroup directory",
		 tst_scratch());
	for (int t = 0; t < 2; t++) {
		host(tiers[t], NULL, "mem=64m", ran, &r);
		expect_refusal(&r, "mem= without CORDON_CGROUP", mem_refused,
			       "CORDON_CGROUP");
		tst_proc_free(&r);

		host_e(tiers[t],
		       &(struct host_env){.cgroup = tst_scratch(), .writable = w}, ran,
		       &r);
		expect_refusal(&r, "the scratch", pre, "CORDON_CGROUP");
		tst_proc_free(&r);

		host_e(tiers[t], &(struct host_env){.cgroup = "/proc", .writable = w},
		       ran, &r);
		expect(&r, "/proc", "rc 126\n");
		bool one =
		    strncmp(r.err, "cordon: CORDON_CGROUP", 21) == 0 &&
		    strstr(r.err, "cgroup directory") &&
		    !strstr(strchr(r.err, '\n') ? strchr(r.err, '\n') : "", "cordon: ");
		CU_ASSERT_TRUE(one);
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], "/proc"), 0);
		if (!one)
			printf("\n    /proc: want one line cordon: CORDON_CGROUP ... "
			       "cgroup directory, got: %s",
			       r.err);
		tst_proc_free(&r);
	}
	host("none", "/proc", "mem=64m", ran, &r);
	expect(&r, "none", "ran\nrc 0\n");
	tst_proc_free(&r);
}

/* The refusals in a cgroup v2 DIR, one line and exit 125 each, nothing
 * left in DIR: mem= where DIR's children do not get the memory
 * controller; a job's cgroup that cannot be made (DIR allows no more
 * descendants; for an ordinary caller, a DIR it may not write). */
static void test_refusals_in_dir(void)
{
	static const char make[] = "cordon: cannot make the job's cgroup";
	char dir[PATH_MAX], parent[PATH_MAX];
	struct tst_proc r;

	if (!cg_begin("refusals", dir, sizeof(dir)))
		return;
	snprintf(parent, sizeof(parent), "%s", getenv("CORDON_TEST_CGROUP"));
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	bool unwritable = strcmp(parent, getenv("CORDON_TEST_CGROUP")) != 0 &&
			  access(parent, W_OK) < 0 && errno == EACCES;
	for (int t = 0; t < 2; t++) {
		CU_ASSERT_FALSE(has_word(dir, "cgroup.subtree_control", "memory"));
		host(tiers[t], dir, "mem=64m", ran, &r);
		expect_refusal(&r, "mem= without the controller", mem_refused,
			       fix_of(dir, "memory"));
		tst_proc_free(&r);
		assert_no_job(dir, "mem= without the controller");

		CU_ASSERT_EQUAL(put(dir, "cgroup.max.descendants", "0"), 0);
		host(tiers[t], dir, NULL, ran, &r);
		expect_refusal(&r, "cgroup.max.descendants=0", make, dir);
		tst_proc_free(&r);
		CU_ASSERT_EQUAL(put(dir, "cgroup.max.descendants", "max"), 0);

		if (unwritable) {
			host(tiers[t], parent, NULL, ran, &r);
			expect_refusal(&r, parent, make, parent);
			tst_proc_free(&r);
		}
	}
	cg_end(dir);
}

/* A job cannot leave its cgroup nor change it: moving itself into DIR and
 * writing its own cgroup's files fail (EROFS: cgroupfs is read-only in
 * the sandbox). The control, the runner's own shell in the same delegated
 * DIR, does both. A writable path at or above DIR, which would hand the
 * job its cgroup, is refused before anything runs. */
static void test_escape(void)
{
	char dir[PATH_MAX], script[3 * PATH_MAX], sub[PATH_MAX + 16];
	struct tst_proc r;

	if (!cg_begin("escape", dir, sizeof(dir)))
		return;
	/* The control: a plain shell moves a process of its own into DIR's
	 * child and sets a limit there. */
	snprintf(sub, sizeof(sub), "%s/control", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0755), 0);
	snprintf(script, sizeof(script),
		 "sh -c 'echo 3 > \"$1/cgroup.max.descendants\" && echo set; "
		 "echo $$ > \"$1/cgroup.procs\" && echo moved' sh '%s'",
		 sub);
	host(NULL, dir, NULL, script, &r);
	expect(&r, "control", "set\nmoved\n");
	tst_proc_free(&r);
	pause_ms(100);
	CU_ASSERT_EQUAL(rmdir(sub), 0);
	snprintf(script, sizeof(script),
		 "%s sh -c 'echo 3 > \"$1/job-$$/cgroup.max.descendants\" 2>/dev/null && "
		 "echo set; echo $$ > \"$1/cgroup.procs\" 2>/dev/null && echo moved; "
		 "echo tried' sh '%s'",
		 tst_nsreport(), dir);
	for (int t = 0; t < 2; t++) {
		host(tiers[t], dir, NULL, script, &r);
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], "a job writing cgroupfs"), 1);
		expect(&r, tiers[t], "tried\n");
		tst_proc_free(&r);
		assert_no_job(dir, tiers[t]);
		/* DIR inside the writable list. */
		host_e(tiers[t], &(struct host_env){.cgroup = dir, .writable = dir}, ran,
		       &r);
		expect_refusal(&r, "writable DIR",
			       "cordon: cannot keep the job in its cgroup",
			       "CORDON_WRITABLE");
		tst_proc_free(&r);
	}
	cg_end(dir);
}

/* A job's writes to a cgroup the caller owns (its limit file, then its
 * cgroup.procs with the job's pid): "wrote", "moved" for each that worked,
 * then "tried". */
static void write_script(const char *cg, char *buf, size_t size)
{
	snprintf(
	    buf, size,
	    "%s sh -c 'echo 3 > \"$1/cgroup.max.descendants\" 2>/dev/null && echo wrote; "
	    "echo $$ > \"$1/cgroup.procs\" 2>/dev/null && echo moved; echo tried' sh "
	    "'%s'",
	    tst_nsreport(), cg);
}

/* cgroupfs is read-only to a job wherever it is mounted and whatever the
 * writable list holds: a writable path that is a cgroup (below DIR here),
 * at both tiers; and, in the run as root, a second mount of the cgroup2
 * hierarchy outside /sys: within the writable list of a root caller's
 * jobs, and in the shared host of an ordinary caller's hardened jobs
 * (uid 65534, no writable list). Each control, a plain shell of the same
 * uid, changes the same cgroup. */
static void test_cgroupfs_ro(void)
{
	char dir[PATH_MAX], sub[PATH_MAX + 16], script[3 * PATH_MAX], rel[PATH_MAX],
	    mnt[PATH_MAX], via[2 * PATH_MAX];
	struct tst_proc r;

	if (!cg_begin("ro", dir, sizeof(dir)))
		return;
	snprintf(sub, sizeof(sub), "%s/open", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0755), 0);
	snprintf(script, sizeof(script),
		 "echo 4 > '%s/cgroup.max.descendants' && echo wrote; echo tried", sub);
	host(NULL, NULL, NULL, script, &r);
	expect(&r, "control", "wrote\ntried\n");
	tst_proc_free(&r);
	write_script(sub, script, sizeof(script));
	for (int t = 0; t < 2; t++) {
		host_e(tiers[t], &(struct host_env){.cgroup = dir, .writable = sub},
		       script, &r);
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], "a job writing a writable cgroup"),
				1);
		expect(&r, tiers[t], "tried\n");
		tst_proc_free(&r);
		assert_no_job(dir, tiers[t]);
	}
	if (geteuid() != 0) {
		tst_skip(
		    "a second mount of cgroup2 outside /sys: mounting needs root (the "
		    "run as root covers it, an ordinary caller's jobs included)");
		goto out;
	}
	snprintf(mnt, sizeof(mnt), "%s/cg2-%d", tst_scratch(), (int)getpid());
	CU_ASSERT_EQUAL_FATAL(mkdir(mnt, 0755), 0);
	if (!cg_rel(sub, rel, sizeof(rel)) ||
	    mount("none", mnt, "cgroup2", 0, NULL) < 0) {
		CU_FAIL("cannot mount cgroup2 a second time");
		printf("\n    %s: %s", mnt, strerror(errno));
		rmdir(mnt);
		goto out;
	}
	snprintf(via, sizeof(via), "%s%s", mnt, rel);
	snprintf(script, sizeof(script), "%s/cgroup.max.descendants", via);
	CU_ASSERT_EQUAL(chown(script, 65534, 65534), 0);
	/* The control: a plain shell of uid 65534 writes through it. */
	snprintf(script, sizeof(script),
		 "cd / && echo 4 > '%s/cgroup.max.descendants' && echo wrote; echo tried",
		 via);
	char *argv[] = {"dash", "-c", script, NULL};
	struct tst_how plain = {.wrap = sec_as_65534, .timeout_ms = 60000};
	CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&plain, argv, &r), 0);
	expect(&r, "control as uid 65534", "wrote\ntried\n");
	tst_proc_free(&r);
	snprintf(
	    script, sizeof(script),
	    "cd / && %s sh -c 'echo 3 > \"$1/cgroup.max.descendants\" 2>/dev/null && "
	    "echo wrote; echo tried' sh '%s'",
	    tst_nsreport(), via);
	for (int t = 0; t < 3; t++) {
		/* Root's jobs with the mount in their writable list, at each
		 * tier; then an ordinary caller's at hardened, with no
		 * writable list: the host's files shared. */
		char w[PATH_MAX + 32];
		const char *env[] = {w, NULL};
		struct tst_how how = {
		    .tier = tiers[t % 2], .env = env, .timeout_ms = 60000};
		snprintf(w, sizeof(w), "CORDON_WRITABLE=%s", tst_scratch());
		tst_ns_reset();
		if (t == 2) {
			how.tier = "hardened";
			how.wrap = sec_as_65534;
			how.env = NULL;
			/* Its job's report, into the root run's FIFO. */
			CU_ASSERT_EQUAL(chmod(tst_ns_file(), 0622), 0);
		}
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, &r), 0);
		CU_ASSERT_EQUAL(
		    tst_ns_check(how.tier, "a job writing a second cgroup2 mount"), 1);
		expect(&r, t == 2 ? "uid 65534, hardened" : tiers[t], "tried\n");
		tst_proc_free(&r);
	}
	/* A writable tmpfs over that mount point: the cgroupfs below is out
	 * of reach, and the tmpfs is left as it is (the walk acts on the
	 * mount its line names, not on whatever is at its path now). */
	CU_ASSERT_EQUAL_FATAL(mount("none", mnt, "tmpfs", 0, "mode=1777"), 0);
	snprintf(script, sizeof(script),
		 "cd / && %s sh -c 'echo x > \"$1/f\" && echo wrote; echo tried' sh '%s'",
		 tst_nsreport(), mnt);
	{
		struct tst_how how = {
		    .tier = "hardened", .wrap = sec_as_65534, .timeout_ms = 60000};
		tst_ns_reset();
		CU_ASSERT_EQUAL(chmod(tst_ns_file(), 0622), 0);
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, &r), 0);
		CU_ASSERT_EQUAL(
		    tst_ns_check("hardened", "a job writing a tmpfs over cgroupfs"), 1);
		expect(&r, "tmpfs over cgroupfs", "wrote\ntried\n");
		tst_proc_free(&r);
	}
	CU_ASSERT_EQUAL(umount(mnt), 0);
	CU_ASSERT_EQUAL(chmod(tst_ns_file(), 0644), 0);
	CU_ASSERT_EQUAL(umount(mnt), 0);
	CU_ASSERT_EQUAL(rmdir(mnt), 0);
out:
	pause_ms(100);
	CU_ASSERT_EQUAL(rmdir(sub), 0);
	cg_end(dir);
}

/* A controller for DIR's children (memory, pids): enabled if DIR's parent
 * offers it; false, with the test's SKIPPED line for its enforcement,
 * where it cannot be. */
static bool controller(const char *dir, const char *ctl, const char *limit)
{
	char plus[32], offered[256], p[PATH_MAX];

	snprintf(plus, sizeof(plus), "+%s", ctl);
	put(dir, "cgroup.subtree_control", plus);
	if (has_word(dir, "cgroup.subtree_control", ctl))
		return true;
	snprintf(p, sizeof(p), "%s/cgroup.controllers", dir);
	if (slurp(p, offered, sizeof(offered)) < 0)
		offered[0] = '\0';
	offered[strcspn(offered, "\n")] = '\0';
	tst_skip("%s= is not enforced here: the %s controller is not available to "
		 "cgroup v2 children of %s (it offers: %s; on this machine it may be "
		 "bound to cgroup v1); only its refusal is checked",
		 limit, ctl, dir, offered[0] ? offered : "none");
	return false;
}

/* mem=64m with the memory controller: the job sees memory.max 64 MiB (and
 * no swap), and one that fills 128 MiB is killed (SIGKILL: 137), as the
 * control (no cordon) is not. Without it: refused (test_refusals). */
static void test_mem(void)
{
	char dir[PATH_MAX], script[3 * PATH_MAX], big[256];
	struct tst_proc r;

	if (!cg_begin("mem", dir, sizeof(dir)))
		return;
	snprintf(big, sizeof(big),
		 "python3 -c 'import os; b = os.urandom(1) * (128 << 20); "
		 "print(len(b))'");
	host(NULL, dir, "mem=64m", big, &r);
	expect(&r, "plain", "134217728\n");
	tst_proc_free(&r);
	if (controller(dir, "memory", "mem")) {
		snprintf(script, sizeof(script),
			 "%s sh -c 'cat \"$1/job-$$/memory.max\"; cat "
			 "\"$1/job-$$/memory.swap.max\" 2>/dev/null || echo 0' sh '%s'; "
			 "%s; echo rc $?",
			 tst_nsreport(), dir, big);
		for (int t = 0; t < 2; t++) {
			host(tiers[t], dir, "mem=64m", script, &r);
			expect(&r, tiers[t], "67108864\n0\nrc 137\n");
			CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
			tst_proc_free(&r);
			assert_no_job(dir, tiers[t]);
		}
	} else {
		for (int t = 0; t < 2; t++) {
			host(tiers[t], dir, "mem=64m", ran, &r);
			expect_refusal(&r, tiers[t], mem_refused, fix_of(dir, "memory"));
			tst_proc_free(&r);
		}
	}
	cg_end(dir);
}

/* pids=8 with CORDON_CGROUP, a root caller's too (the kernel exempts uid 0
 * from RLIMIT_NPROC, not from pids.max): pids.max is 9 (init is one of
 * the cgroup's tasks) and a job forking 40 gets 7 (python3 is one of the
 * 8). The control forks all 40. Without the pids controller for DIR's
 * children: refused naming cgroup.subtree_control. */
/* A job that prints its cgroup's pids.max (DIR/job-$$: its pid is the
 * host's), then tries 40 forks and says how many it got. */
static void pids_script(const char *dir, char *script, size_t size)
{
	const char *py = tst_write_file(
	    "cgroup-forks.py",
	    "import os, signal, time\nkids = []\nfor i in range(40):\n    try:\n"
	    "        p = os.fork()\n    except OSError:\n        break\n"
	    "    if p == 0:\n        time.sleep(30)\n        os._exit(0)\n"
	    "    kids.append(p)\nprint(\"started\", len(kids), flush=True)\n"
	    "for p in kids:\n    os.kill(p, signal.SIGKILL)\n    os.waitpid(p, 0)\n",
	    0644);

	snprintf(
	    script, size,
	    "%s sh -c 'cat \"$1/job-$$/pids.max\"; exec python3 \"$2\"' sh '%s' '%s'; "
	    "echo rc $?",
	    tst_nsreport(), dir, py);
}

static void test_pids(void)
{
	char dir[PATH_MAX], script[3 * PATH_MAX];
	struct tst_proc r;

	if (!cg_begin("pids", dir, sizeof(dir)))
		return;
	pids_script(dir, script, sizeof(script));
	host(NULL, dir, "pids=8", script, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "started 40\nrc 0\n"));
	tst_proc_free(&r);
	bool on = controller(dir, "pids", "pids");
	for (int t = 0; t < 2; t++) {
		host(tiers[t], dir, "pids=8", script, &r);
		if (on) {
			expect(&r, tiers[t], "9\nstarted 7\nrc 0\n");
			CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		} else {
			expect_refusal(&r, tiers[t],
				       "cordon: cannot limit the job's processes (pids=)",
				       fix_of(dir, "pids"));
		}
		tst_proc_free(&r);
		assert_no_job(dir, tiers[t]);
	}
	cg_end(dir);
}

/* Whether a cgroup v1 hierarchy with the pids controller is mounted. */
static bool pids_v1_mounted(void)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && !found && fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - cgroup ");
		const char *opts = sep ? strchr(sep + 10, ' ') : NULL;
		found = opts && (strstr(opts, ",pids,") || strstr(opts, ",pids\n") ||
				 strstr(opts, " pids,") || strstr(opts, " pids\n"));
	}
	if (f)
		fclose(f);
	return found;
}

/* Where the pids controller is bound to cgroup v1 (this machine's kind
 * of hierarchy), CORDON_CGROUP may name a directory of its hierarchy:
 * there is no CLONE_INTO_CGROUP, so init is moved in before it makes
 * anything. $CORDON_TEST_PIDS_V1 is one of scripts/check's (as root),
 * delegated to uid 65534 for that run. pids=8 is its pids.max 9 and 7 of
 * 40 forks, a root caller's job's too, at both tiers; mem= is refused
 * there (cgroup v2 only), before anything is made; nothing is left. The
 * control forks 40. */
static void test_pids_v1(void)
{
	const char *top = getenv("CORDON_TEST_PIDS_V1");
	char dir[PATH_MAX], script[3 * PATH_MAX];
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	if (!top || !*top) {
		tst_skip(pids_v1_mounted()
			     ? "no directory of the cgroup v1 pids hierarchy to try "
			       "pids= in: run make check as root (it makes one), or set "
			       "CORDON_TEST_PIDS_V1 to one this user may make cgroups in"
			     : "no cgroup v1 hierarchy with the pids controller on this "
			       "machine (it is cgroup v2's here: test_pids covers it)");
		return;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		CU_FAIL("cannot become a subreaper");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/pids-v1-%d", top, (int)getpid());
	if (mkdir(dir, 0755) < 0) {
		CU_FAIL("cannot make the test's cgroup");
		printf("\n    cannot make %s: %s", dir, strerror(errno));
		prctl(PR_SET_CHILD_SUBREAPER, 0);
		return;
	}
	pids_script(dir, script, sizeof(script));
	host(NULL, dir, "pids=8", script, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "started 40\nrc 0\n"));
	tst_proc_free(&r);
	for (int t = 0; t < 2; t++) {
		host(tiers[t], dir, "pids=8", script, &r);
		expect(&r, tiers[t], "9\nstarted 7\nrc 0\n");
		CU_ASSERT_EQUAL(tst_ns_check(tiers[t], tiers[t]), 1);
		tst_proc_free(&r);
		assert_no_job(dir, tiers[t]);
		host(tiers[t], dir, "mem=64m", ran, &r);
		expect_refusal(&r, tiers[t], mem_refused, "cgroup v1");
		tst_proc_free(&r);
		assert_no_job(dir, "mem=");
	}
	cg_end(dir);
}

static CU_TestInfo tests[] = {
    {"a job in DIR/job-PID, PID the host's; none and the control outside",
     test_placement},
    {"jobs at once, each its own; removed however the job ended", test_removal},
    {"what a job leaves keeps its cgroup; a later job removes it", test_orphans},
    {"a job's start sweeps only the names cordon gives", test_sweep_names},
    {"mem= without CORDON_CGROUP, a DIR not of cgroup2: refused", test_refusals},
    {"in DIR: mem= without its controller, no cgroup made: refused",
     test_refusals_in_dir},
    {"a job cannot leave its cgroup nor change it; DIR writable refused", test_escape},
    {"cgroupfs read-only to jobs wherever mounted, writable list or not",
     test_cgroupfs_ro},
    {"mem: memory.max seen, the job killed past it", test_mem},
    {"pids: pids.max seen, the job bounded (a root caller's too)", test_pids},
    {"pids in cgroup v1's pids hierarchy: bounded; mem= refused", test_pids_v1},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.cgroup", tests)
