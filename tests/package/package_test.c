/* make install / make uninstall, and the Debian package: its contents, and
 * a job sandboxed by the installed pieces alone. Everything comes from
 * $(B)/pkg/ (make package): the source tree as a tarball, and the .deb. */
#include "tests/lib/tst.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A make run by the suite must not inherit the make that runs the suite:
 * make exports its command-line variables (SANITIZE=1, the install paths
 * of a package build) and passes them on in MAKEFLAGS. */
static const char *const clean_env[] = {
    "MAKEFLAGS",  "MFLAGS",  "MAKELEVEL",  "MAKEOVERRIDES", "B",
    "SANITIZE",	  "DESTDIR", "PREFIX",	   "BINDIR",	    "LIBDIR",
    "LIBEXECDIR", "MANDIR",  "prefix",	   "bindir",	    "libdir",
    "libexecdir", "mandir",  "LD_PRELOAD", "CORDON_TIER",   "CORDON_HELPER",
    NULL,
};

enum { BUILD_TIMEOUT_MS = 180000 };

/* Runs script with sh -c, positional args after it; asserts exit 0 and
 * shows stderr when not. The caller frees r. */
static bool sh(const char *script, const char *const *args, int timeout_ms,
	       struct tst_proc *r)
{
	char *argv[16] = {"/bin/sh", "-c", (char *)script, "sh"};
	size_t n = 4;
	char **env = tst_env(NULL, clean_env);
	struct tst_opts o = {.envp = env, .timeout_ms = timeout_ms};

	for (; args && *args && n < 15; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	int rc = tst_run(argv, &o, r);
	tst_env_free(env);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	bool ok = r->status == 0;
	CU_ASSERT_TRUE(ok);
	if (!ok)
		printf("\n    %.200s\n    -> %#x%s: %.2000s\n", script, r->status,
		       r->timed_out ? " (timed out)" : "", r->err);
	return ok;
}

static bool sh_ok(const char *script, const char *const *args, int timeout_ms)
{
	struct tst_proc r;
	bool ok = sh(script, args, timeout_ms, &r);

	tst_proc_free(&r);
	return ok;
}

/* What make check-package builds before it runs this suite; without it
 * (the runner started by hand, or make check, which leaves the suite out)
 * the test says so. */
static bool built(void)
{
	const char *const files[] = {"pkg/cordon-src.tar", "pkg/cordon.deb"};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (access(tst_build(files[i]), R_OK) != 0) {
			tst_skip("no %s: make check-package builds the package, then "
				 "runs this suite",
				 tst_build(files[i]));
			return false;
		}
	return true;
}

/* A fresh directory under the scratch one. */
static const char *fresh_dir(const char *name)
{
	static char dir[4][4096];
	static int next;
	char *d = dir[next++ % 4];

	snprintf(d, sizeof(dir[0]), "%s/package-%s", tst_scratch(), name);
	CU_ASSERT_TRUE_FATAL(
	    sh_ok("rm -rf \"$1\" && mkdir -p \"$1\"", (const char *[]){d, NULL}, 0));
	return d;
}

/* Lines of "MODE PATH" (or any text), sorted and joined, as `LC_ALL=C sort`. */
struct lines {
	char *v[64];
	size_t n;
};

__attribute__((format(printf, 2, 3))) static void add(struct lines *l, const char *fmt,
						      ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	CU_ASSERT_FATAL(l->n < sizeof(l->v) / sizeof(l->v[0]));
	l->v[l->n++] = strdup(buf);
}

static int by_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The joined text; frees the lines. */
static char *joined(struct lines *l)
{
	size_t len = 1;
	char *s;

	qsort(l->v, l->n, sizeof(l->v[0]), by_bytes);
	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + 1;
	s = calloc(1, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (size_t i = 0; i < l->n; i++) {
		strcat(strcat(s, l->v[i]), "\n");
		free(l->v[i]);
	}
	l->n = 0;
	return s;
}

static void assert_text(const char *what, const char *got, char *want)
{
	bool same = strcmp(got, want) == 0;

	CU_ASSERT_TRUE(same);
	if (!same)
		printf("\n    %s:\n--- got\n%s--- expected\n%s", what, got, want);
	free(want);
}

/* The man/NAME.N pages of the source tarball: every one is installed, whatever the set.
 */
static void man_pages(struct lines *pages)
{
	struct tst_proc r;
	const char *tar = tst_build("pkg/cordon-src.tar");

	if (sh("tar -tf \"$1\" | sed -n 's|^\\./man/\\([^/]*\\.[0-9]\\)$|\\1|p'",
	       (const char *[]){tar, NULL}, 0, &r)) {
		for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n"))
			add(pages, "%s", line);
	}
	tst_proc_free(&r);
	CU_ASSERT_TRUE(pages->n > 0);
}

/* If the source's man/PAGE is a ".so manN/OTHER" include, OTHER's file
 * name into target. */
static bool so_target(const char *page, char *target, size_t size)
{
	const char *vars[] = {tst_build("pkg/cordon-src.tar"), page, NULL};
	struct tst_proc r;
	bool is_so = false;

	if (sh("tar -xOf \"$1\" \"./man/$2\" | sed -n '1s|^\\.so .*/||p'", vars, 0, &r)) {
		size_t n = strcspn(r.out, "\n");

		is_so = n > 0 && n < size;
		if (is_so)
			snprintf(target, size, "%.*s", (int)n, r.out);
	}
	tst_proc_free(&r);
	return is_so;
}

static const char *section(const char *page)
{
	return strrchr(page, '.') + 1;
}

/* Non-directories under root as "MODE PATH", sorted. */
static const char *const list_files =
    "cd \"$1\" && find . ! -type d -printf '%m %P\\n' | "
    "LC_ALL=C sort";

static bool file_has(const char *path, const char *needle, size_t len)
{
	FILE *f = fopen(path, "rb");
	static char buf[1 << 20];
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return memmem(buf, n, needle, len) != NULL;
}

/* `make` as a user would, then `make install PREFIX=/usr DESTDIR=...`:
 * exactly the expected files, modes, and the helper path of PREFIX compiled
 * into the shim (the install rebuilt it); `make uninstall` removes them all
 * and nothing else. Unprivileged too: DESTDIR is all it writes. */
static void test_install_uninstall(void)
{
	const char *src = fresh_dir("src"), *root = fresh_dir("root");
	const char *vars[] = {src, root, tst_build("pkg/cordon-src.tar"), NULL};
	static const char helper[] = "/usr/libexec/cordon/cordon-helper";
	struct lines want = {0}, pages = {0};
	struct tst_proc r;
	char path[4096];

	if (!built())
		return;
	/* A file install and uninstall must leave alone. */
	CU_ASSERT_TRUE_FATAL(
	    sh_ok("tar -xf \"$3\" -C \"$1\" && mkdir -p \"$2/usr/bin\" && "
		  "echo other >\"$2/usr/bin/other\" && "
		  "chmod 0700 \"$2/usr/bin/other\" && make -s -C \"$1\" all",
		  vars, BUILD_TIMEOUT_MS));
	CU_ASSERT_TRUE_FATAL(sh_ok("make -s -C \"$1\" install PREFIX=/usr DESTDIR=\"$2\"",
				   vars, BUILD_TIMEOUT_MS));

	man_pages(&pages);
	add(&want, "%s", "700 usr/bin/other");
	add(&want, "%s", "755 usr/bin/cordon");
	add(&want, "%s", "644 usr/lib/libcordon.so");
	add(&want, "%s", "755 usr/libexec/cordon/cordon-helper");
	for (size_t i = 0; i < pages.n; i++)
		add(&want, "644 usr/share/man/man%s/%s", section(pages.v[i]), pages.v[i]);
	free(joined(&pages));
	if (sh(list_files, (const char *[]){root, NULL}, 0, &r))
		assert_text("make install", r.out, joined(&want));
	tst_proc_free(&r);

	/* Built for where it went, not for the default /usr/local. */
	snprintf(path, sizeof(path), "%s/usr/lib/libcordon.so", root);
	CU_ASSERT_TRUE(file_has(path, helper, sizeof(helper)));
	CU_ASSERT_FALSE(file_has(path, "/usr/local/", 11));
	snprintf(path, sizeof(path), "%s/usr/bin/cordon", root);
	CU_ASSERT_TRUE(file_has(path, "\nLIBDIR=/usr/lib\n", 17));
	CU_ASSERT_TRUE(file_has(path, "\nLIBEXECDIR=/usr/libexec\n", 25));

	CU_ASSERT_TRUE_FATAL(
	    sh_ok("make -s -C \"$1\" uninstall PREFIX=/usr DESTDIR=\"$2\"", vars,
		  BUILD_TIMEOUT_MS));
	if (sh(list_files, (const char *[]){root, NULL}, 0, &r))
		CU_ASSERT_STRING_EQUAL(r.out, "700 usr/bin/other\n");
	tst_proc_free(&r);
	/* cordon's own directory goes; the shared ones stay. */
	CU_ASSERT_TRUE(
	    sh_ok("cd \"$2\" && test ! -e usr/libexec/cordon && "
		  "test -d usr/libexec && test -d usr/lib && test -d usr/share/man/man1",
		  vars, 0));
	free(joined(&want));
}

/* The lower-case GNU names work as the upper-case ones, down to the helper
 * path compiled into the shim (make -n: what install would run). */
static void test_lower_case_names(void)
{
	const char *src = fresh_dir("src-names");
	const char *vars[] = {src, tst_build("pkg/cordon-src.tar"), NULL};
	static const char *const want[] = {
	    "-DCORDON_HELPER_PATH='\"/opt/c/lib/x/cordon/cordon-helper\"'",
	    " /d/opt/c/lib/x/cordon/cordon-helper\n",
	    " /d/opt/c/lib64/libcordon.so\n",
	    "> /d/opt/c/sbin/cordon\n",
	    "LIBDIR=/opt/c/lib64|",
	    "/d/opt/c/man/man",
	};
	struct tst_proc r;

	if (!built())
		return;
	if (sh("tar -xf \"$2\" -C \"$1\" && make -n -C \"$1\" install DESTDIR=/d "
	       "prefix=/opt/c "
	       "bindir=/opt/c/sbin libdir=/opt/c/lib64 libexecdir=/opt/c/lib/x "
	       "mandir=/opt/c/man",
	       vars, BUILD_TIMEOUT_MS, &r))
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			CU_ASSERT_PTR_NOT_NULL(strstr(r.out, want[i]));
			if (!strstr(r.out, want[i]))
				printf("\n    no %s in:\n%s", want[i], r.out);
		}
	tst_proc_free(&r);
}

/* dpkg-deb --info and --contents: the package's fields, and exactly its
 * files with their modes and owners. */
static void test_deb_info_contents(void)
{
	const char *deb[] = {tst_build("pkg/cordon.deb"), NULL};
	struct lines want = {0}, pages = {0};
	struct tst_proc r, arch;

	if (!built())
		return;
	if (sh("dpkg-deb --info \"$1\"", deb, 0, &r) &&
	    sh("dpkg --print-architecture", NULL, 0, &arch)) {
		char line[128];
		snprintf(line, sizeof(line), "\n Architecture: %s", arch.out);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, line));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\n Package: cordon\n"));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\n Section: admin\n"));
		/* From dpkg-shlibdeps: the shim is linked against glibc. */
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\n Depends: libc6 (>= "));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\n Description: "));
		tst_proc_free(&arch);
	}
	tst_proc_free(&r);

	man_pages(&pages);
	add(&want, "%s", "-rwxr-xr-x root/root ./usr/bin/cordon");
	add(&want, "%s", "-rw-r--r-- root/root ./usr/lib/cordon/libcordon.so");
	add(&want, "%s", "-rwxr-xr-x root/root ./usr/libexec/cordon/cordon-helper");
	add(&want, "%s", "-rw-r--r-- root/root ./usr/share/doc/cordon/changelog.gz");
	add(&want, "%s", "-rw-r--r-- root/root ./usr/share/doc/cordon/copyright");
	add(&want, "%s", "-rw-r--r-- root/root ./usr/share/lintian/overrides/cordon");
	for (size_t i = 0; i < pages.n; i++) {
		char target[256];

		/* A ".so" page becomes a symbolic link (dh_installman). */
		if (so_target(pages.v[i], target, sizeof(target)))
			add(&want,
			    "lrwxrwxrwx root/root ./usr/share/man/man%s/%s.gz -> %s.gz",
			    section(pages.v[i]), pages.v[i], target);
		else
			add(&want, "-rw-r--r-- root/root ./usr/share/man/man%s/%s.gz",
			    section(pages.v[i]), pages.v[i]);
	}
	free(joined(&pages));
	if (sh("dpkg-deb --contents \"$1\" | "
	       "sed -n 's|^\\([^d][^ ]*\\) \\([^ ]*\\) .* \\(\\./[^ ]*\\( -> [^ "
	       "]*\\)\\{0,1\\}\\)$|"
	       "\\1 \\2 \\3|p' | "
	       "LC_ALL=C sort",
	       deb, 0, &r))
		assert_text("dpkg-deb --contents", r.out, joined(&want));
	tst_proc_free(&r);
	free(joined(&want));
}

/* Inside `unshare -r -m` (works unprivileged): the scratch root's
 * usr/libexec/cordon appears at /usr/libexec/cordon, over an empty tmpfs so
 * that no helper installed on this machine can stand in for it. The host (a
 * shell) gets the installed shim and the tier, no CORDON_HELPER: the shim
 * must find the helper at the path compiled into it. */
static const char run_installed[] =
    "set -e\n"
    "test -d /usr/libexec || { echo 'no /usr/libexec to mount over' >&2; exit 3; }\n"
    "mount -t tmpfs -o mode=0755 cordon-test /usr/libexec\n"
    "mkdir /usr/libexec/cordon\n"
    "mount --bind \"$1/usr/libexec/cordon\" /usr/libexec/cordon\n"
    "export LD_PRELOAD=\"$1/usr/lib/cordon/libcordon.so\" CORDON_TIER=lockdown\n"
    "exec /bin/sh -c '/bin/sh -c \"readlink /proc/self/ns/net /proc/self/ns/pid;"
    " echo sandbox=\\$CORDON_SANDBOX; exit 7\"; echo status=$?'\n";

static unsigned long long ns_ino(const char *ns)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/self/ns/%s", ns);
	return stat(p, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* The package unpacked into a scratch root: its launcher knows the
 * Debian paths, and its shim and helper sandbox a job under lockdown. */
static void test_installed_package_runs_a_job(void)
{
	const char *root = fresh_dir("deb-root");
	const char *vars[] = {root, tst_build("pkg/cordon.deb"), NULL};
	unsigned long long net = 0, pid = 0;
	char path[4096], sandbox[32] = "";
	int status = -1;
	struct tst_proc r;

	if (!built())
		return;
	CU_ASSERT_TRUE_FATAL(sh_ok("dpkg -x \"$2\" \"$1\"", vars, 0));
	snprintf(path, sizeof(path), "%s/usr/bin/cordon", root);
	CU_ASSERT_TRUE(file_has(path, "\nLIBDIR=/usr/lib/cordon\n", 24));
	CU_ASSERT_TRUE(file_has(path, "\nLIBEXECDIR=/usr/libexec\n", 25));

	char *probe[] = {"unshare", "-r", "-m", "true", NULL};
	CU_ASSERT_EQUAL_FATAL(tst_run(probe, NULL, &r), 0);
	if (r.status != 0) {
		tst_skip("unshare -r -m cannot create a user namespace here: %.300s",
			 r.err);
		tst_proc_free(&r);
		return;
	}
	tst_proc_free(&r);

	char *argv[] = {"unshare", "-r",	 "-m",
			"/bin/sh", "-c",	 (char *)run_installed,
			"sh",	   (char *)root, NULL};
	char **env = tst_env(NULL, clean_env);
	struct tst_opts o = {.envp = env};
	CU_ASSERT_EQUAL_FATAL(tst_run(argv, &o, &r), 0);
	tst_env_free(env);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(sscanf(r.out, "net:[%llu]\npid:[%llu]\nsandbox=%31s\nstatus=%d",
			       &net, &pid, sandbox, &status),
			4);
	CU_ASSERT_TRUE(net != 0 && net != ns_ino("net"));
	CU_ASSERT_TRUE(pid != 0 && pid != ns_ino("pid"));
	CU_ASSERT_STRING_EQUAL(sandbox, "lockdown");
	CU_ASSERT_EQUAL(status, 7);
	if (r.status != 0 || status != 7)
		printf("\n    -> %#x\n%s%s", r.status, r.out, r.err);
	tst_proc_free(&r);
}

static CU_TestInfo tests[] = {
    {"make install/uninstall: exact files and modes, paths compiled in",
     test_install_uninstall},
    {"lower-case prefix, bindir, libdir, libexecdir, mandir", test_lower_case_names},
    {"dpkg-deb --info/--contents: fields, files, modes", test_deb_info_contents},
    {"the unpacked package sandboxes a job with its compiled-in helper",
     test_installed_package_runs_a_job},
    CU_TEST_INFO_NULL,
};
TST_SUITE("package.deb", tests)
