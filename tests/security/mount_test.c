/* Undoing lockdown's mounts to see what they cover: the host's /tmp,
 * /var/tmp, /dev/shm, /proc. The job has no capability in the sandbox's
 * namespaces (EPERM); in a user namespace of its own it has every one, but
 * the kernel locks the mounts it inherited from a more privileged one
 * (MNT_LOCKED, and their nosuid/nodev/noexec flags). */
#include "tests/helper/hutil.h"
#include "tests/security/sec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const steps[] = {"umount",	 "move",	 "bind-root",
				    "open-tree", "remount-suid", "remount-rw"};
enum { NSTEPS = sizeof(steps) / sizeof(steps[0]) };

/* What each step reports when it worked: the covered files show. */
static const char *worked(const char *step)
{
	return !strcmp(step, "remount-suid") ? "ok suid\n"
	       : !strcmp(step, "remount-rw") ? "ok hidden\n"
					     : "ok seen\n";
}

static char *alt_dir(void)
{
	static char alt[256];

	snprintf(alt, sizeof(alt), "%s/alt", tst_scratch());
	mkdir(alt, 0755);
	return alt;
}

/* Inside lockdown, directly and from a nested user+mount namespace: the
 * attempt fails and the host's files stay hidden. */
static void inside(const char *step, const char *dir, const char *marker)
{
	for (int nested = 0; nested < 2; nested++) {
		char *argv[] = {(char *)sec_prog("mnt"),
				nested ? "--nested" : (char *)step,
				nested ? (char *)step : (char *)dir,
				nested ? (char *)dir : (char *)marker,
				nested ? (char *)marker : alt_dir(),
				nested ? alt_dir() : NULL,
				NULL};
		char *out = sec_out("lockdown", NULL, argv);
		if (!out)
			continue;
		bool held = strncmp(out, "ok ", 3) && strncmp(out, "unshare ", 8) &&
			    (strstr(out, " hidden\n") || strstr(out, " nosuid\n"));
		CU_ASSERT_TRUE(held);
		if (!held)
			printf("\n    lockdown%s %s %s: %s", nested ? " nested" : "",
			       step, dir, out);
		free(out);
	}
}

/* The control: the same step against a tmpfs (nosuid, nodev) that the
 * attacker's own user namespace mounted over a directory with a file in it
 * works and shows the file. */
static void control_tmpfs(const char *step)
{
	char s[200], script[1400], dir[220], marker[240];

	snprintf(s, sizeof(s), "%s/ctl", tst_scratch());
	mkdir(s, 0755);
	snprintf(dir, sizeof(dir), "%s/tmp", s);
	snprintf(marker, sizeof(marker), "%s/marker", dir);
	snprintf(script, sizeof(script),
		 "mount -t tmpfs t '%s' && mkdir '%s' && touch '%s' && "
		 "mount -t tmpfs -o nosuid,nodev t '%s' && exec \"$@\"",
		 s, dir, marker, dir);
	const char *wrap[] = {"unshare", "-Urm", "sh", "-c", script, "sh", NULL};
	char *argv[] = {
	    (char *)sec_prog("mnt"), (char *)step, dir, marker, alt_dir(), NULL};
	sec_expect(NULL, wrap, argv, worked(step));
}

static void test_scratch_dirs(void)
{
	static const char *const dirs[] = {"/tmp", "/var/tmp", "/dev/shm"};
	char marker[256];

	if (!sec_sandbox_ok())
		return;
	char *host = h_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(host);
	snprintf(marker, sizeof(marker), "%s/marker", host);
	FILE *f = fopen(marker, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	for (size_t i = 0; i < NSTEPS; i++) {
		control_tmpfs(steps[i]);
		inside(steps[i], "/tmp", marker);
	}
	/* The other two: unmounted or moved away, they would show the host's. */
	for (size_t d = 1; d < 3; d++) {
		char m[128];
		snprintf(m, sizeof(m), "%s/cordon-escape-%d", dirs[d], (int)getpid());
		FILE *g = fopen(m, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(g);
		fclose(g);
		inside("umount", dirs[d], m);
		inside("move", dirs[d], m);
		unlink(m);
	}
	h_tmpdir_remove(host);
}

/* /proc: the control is a proc of the attacker's own pid namespace over the
 * host's; unmounted or moved, the host's /proc shows (the runner's pid). */
static void test_proc(void)
{
	static const char *const proc_steps[] = {"umount", "move", "remount-suid",
						 "remount-rw"};
	const char *wrap[] = {"unshare", "-Urmpf", "--mount-proc", NULL};
	char marker[64];

	if (!sec_sandbox_ok())
		return;
	snprintf(marker, sizeof(marker), "/proc/%d/status", (int)getpid());
	for (size_t i = 0; i < sizeof(proc_steps) / sizeof(proc_steps[0]); i++) {
		char *argv[] = {(char *)sec_prog("mnt"),
				(char *)proc_steps[i],
				"/proc",
				marker,
				alt_dir(),
				NULL};
		sec_expect(NULL, wrap, argv, worked(proc_steps[i]));
		inside(proc_steps[i], "/proc", marker);
	}
}

/* The same with util-linux's tools, as a user would try: unshare -U -r -m,
 * then umount -l and mount --move. A root caller's job cannot even map uid
 * 0 into the nested namespace (no CAP_SETFCAP, Linux 5.12+). */
static void test_tools(void)
{
	char marker[256], script[1024], control[1100];

	if (!sec_sandbox_ok())
		return;
	char *host = h_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(host);
	snprintf(marker, sizeof(marker), "%s/marker", host);
	FILE *f = fopen(marker, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	snprintf(script, sizeof(script),
		 "umount -l /tmp 2>/dev/null && echo umounted; "
		 "mount --move /tmp '%s' 2>/dev/null && echo moved; "
		 "test -e '%s' && echo seen; echo done",
		 alt_dir(), marker);
	snprintf(control, sizeof(control), "mount -t tmpfs t /tmp && { %s; }", script);
	char *plain[] = {"unshare", "-U", "-r", "-m", "sh", "-c", control, NULL};
	sec_expect(NULL, NULL, plain, "umounted\nseen\ndone\n");

	char nested[1200];
	snprintf(nested, sizeof(nested),
		 "unshare -U -r -m sh -c \"%s\" 2>/dev/null || echo refused", script);
	char *argv[] = {"sh", "-c", nested, NULL};
	char *out = sec_out("lockdown", NULL, argv);
	if (out) {
		bool held = !strcmp(out, "done\n") ||
			    (tst_is_root() && !strcmp(out, "refused\n"));
		CU_ASSERT_TRUE(held);
		if (!held)
			printf("\n    lockdown: %s -> %s", nested, out);
		free(out);
	}
	h_tmpdir_remove(host);
}

static CU_TestInfo tests[] = {
    {"lockdown: /tmp, /var/tmp, /dev/shm cannot be unmounted or moved",
     test_scratch_dirs},
    {"lockdown: /proc cannot be unmounted, moved or remounted", test_proc},
    {"lockdown: unshare -U -r -m, umount -l, mount --move", test_tools},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.mount", tests)
