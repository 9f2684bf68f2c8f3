/* The read-only host (CORDON_WRITABLE, --writable): every kind of change
 * outside the writable paths refused, inside them allowed; also through
 * /proc/self, openat2, O_PATH fds and from a nested user and mount
 * namespace; and a root caller's job at both tiers. Each attempt runs
 * plainly first (the control, which must change the file). */
#include "tests/helper/hutil.h"
#include "tests/security/sec.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

/* fsprobe change's attempts, in its order. */
static const char *const kinds[] = {
    "write",	    "open-trunc",  "truncate",	  "create",	    "mkdir",
    "mknod-fifo",   "mknod-char",  "symlink",	  "link",	    "rename",
    "rename-dir",   "unlink",	   "rmdir",	  "chmod",	    "chown",
    "setxattr",	    "removexattr", "utimes",	  "proc-self-root", "reopen-rdonly",
    "reopen-opath", "openat2",	   "opath-chmod", "opath-chown",    "fchmod-rdonly"};
enum { NKINDS = sizeof(kinds) / sizeof(kinds[0]) };

/* Every kind with result, but mknod-char with chr, and openat2 with o2
 * when it is not NULL. */
static const char *expect_o2(const char *result, const char *chr, const char *o2)
{
	static char buf[1024];
	size_t n = 0;

	for (size_t i = 0; i < NKINDS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s %s\n", kinds[i],
				      !strcmp(kinds[i], "mknod-char")	   ? chr
				      : o2 && !strcmp(kinds[i], "openat2") ? o2
									   : result);
	return buf;
}

static const char *expect(const char *result, const char *chr)
{
	return expect_o2(result, chr, NULL);
}

static void rm_rf(const char *path)
{
	char *argv[] = {"rm", "-rf", (char *)path, NULL};
	struct tst_proc r;

	if (tst_run(argv, NULL, &r) == 0)
		tst_proc_free(&r);
}

/* A fresh set of fsprobe's files at path, made by the caller. */
static void fixture(const char *path)
{
	char *argv[] = {(char *)sec_prog("fsprobe"), "make", (char *)path, NULL};
	struct tst_proc r;

	rm_rf(path);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(tst_run(argv, NULL, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.status, 0);
	tst_proc_free(&r);
}

static const char *scratch_path(const char *name)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tst_scratch(), name);
	return buf[k];
}

/* Outside the writable path: each change EROFS; inside: each made, but a
 * device node (no capability in the sandbox). The control makes all
 * (a device node as root only). */
static void test_change_kinds(void)
{
	const char *out = scratch_path("ro"), *w = scratch_path("w"),
		   *in = scratch_path("w/in");
	struct sec_fs policy = {.writable = w};
	const char *chr = tst_is_root() ? "ok" : "EPERM";

	if (!sec_sandbox_ok())
		return;
	rm_rf(w);
	CU_ASSERT_EQUAL_FATAL(mkdir(w, 0755), 0);
	fixture(out);
	char *probe_out[] = {(char *)sec_prog("fsprobe"), "change", (char *)out, NULL};
	char *probe_in[] = {(char *)sec_prog("fsprobe"), "change", (char *)in, NULL};
	sec_expect(NULL, NULL, probe_out, expect("ok", chr));
	for (size_t t = 0; t < 2; t++) {
		sec_assert_sandboxed(tiers[t], &policy);
		fixture(out);
		fixture(in);
		sec_expect_fs(tiers[t], &policy, NULL, probe_out,
			      expect("EROFS", "EROFS"));
		sec_expect_fs(tiers[t], &policy, NULL, probe_in, expect("ok", "EPERM"));
	}
	rm_rf(out);
	rm_rf(w);
}

/* hardened without CORDON_WRITABLE leaves an ordinary caller's files as
 * they are (the transparent tier); a root caller's are read-only. */
static void test_hardened_default(void)
{
	const char *dir = scratch_path("hd");
	char *probe[] = {(char *)sec_prog("fsprobe"), "change", (char *)dir, NULL};

	if (!sec_sandbox_ok())
		return;
	fixture(dir);
	sec_assert_sandboxed("hardened", NULL);
	sec_expect("hardened", NULL, probe,
		   tst_is_root() ? expect("EROFS", "EROFS") : expect("ok", "EPERM"));
	rm_rf(dir);
}

/* A read-only bind of the attacker's own (in a user and mount namespace it
 * made), the control's target: remounting it read-write works there. */
static void own_ro_bind(char *script, size_t size, const char *dir, const char *then)
{
	snprintf(script, size,
		 "mount --bind '%s' '%s' && mount -o remount,bind,ro '%s' && %s", dir,
		 dir, dir, then);
}

/* From a nested user and mount namespace, where the job has every
 * capability: remounting / read-write (mount(2), mount_setattr) and a
 * new bind of a read-only directory remounted read-write are refused
 * (the kernel locked the flags when it copied the mounts), and the file
 * stays read-only. */
static void test_nested(void)
{
	const char *dir = scratch_path("nest"), *w = scratch_path("nw"),
		   *alt = scratch_path("nw/alt");
	char file[600], script[2400];
	struct sec_fs policy = {.writable = w};

	if (!sec_sandbox_ok())
		return;
	fixture(dir);
	rm_rf(w);
	CU_ASSERT_EQUAL_FATAL(mkdir(w, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(alt, 0755), 0);
	snprintf(file, sizeof(file), "%s/write", dir);
	/* Controls: against the attacker's own read-only bind. */
	own_ro_bind(script, sizeof(script), dir, "exec \"$@\"");
	const char *wrap[] = {"unshare", "-Urm", "sh", "-c", script, "sh", NULL};
	char *remount[] = {(char *)sec_prog("fsprobe"), "remount", (char *)dir, file,
			   NULL};
	char *bind[] = {
	    (char *)sec_prog("fsprobe"), "bind", (char *)dir, (char *)alt, "write", NULL};
	sec_expect(NULL, wrap, remount, "remount-rw ok\nsetattr-rw ok\nwrite ok\n");
	sec_expect(NULL, wrap, bind, "bind ok\nremount-rw ok\nwrite ok\n");
	char *nremount[] = {
	    (char *)sec_prog("fsprobe"), "--nested", "remount", "/", file, NULL};
	char *nbind[] = {(char *)sec_prog("fsprobe"),
			 "--nested",
			 "bind",
			 (char *)dir,
			 (char *)alt,
			 "write",
			 NULL};
	for (size_t t = 0; t < 2; t++) {
		sec_assert_sandboxed(tiers[t], &policy);
		sec_expect_fs(tiers[t], &policy, NULL, nremount,
			      "remount-rw EPERM\nsetattr-rw EPERM\nwrite EROFS\n");
		sec_expect_fs(tiers[t], &policy, NULL, nbind,
			      "bind ok\nremount-rw EPERM\nwrite EROFS\n");
	}
	rm_rf(dir);
	rm_rf(w);
}

/* The same with util-linux, as a user would try it: unshare -U -r -m, then
 * mount -o remount,rw; a root caller's job too (it maps itself from its
 * own user namespace, where it holds root's capabilities). */
static void test_nested_tools(void)
{
	const char *dir = scratch_path("tools");
	char file[600], script[2400], attempt[1400];

	if (!sec_sandbox_ok())
		return;
	fixture(dir);
	snprintf(file, sizeof(file), "%s/write", dir);
	snprintf(attempt, sizeof(attempt),
		 "mount -o remount,rw,bind '%s' 2>/dev/null; mount -o remount,rw,bind / "
		 "2>/dev/null; echo x >>'%s' 2>/dev/null && echo written || echo refused",
		 dir, file);
	own_ro_bind(script, sizeof(script), dir, attempt);
	char *control[] = {"unshare", "-U", "-r", "-m", "sh", "-c", script, NULL};
	sec_expect(NULL, NULL, control, "written\n");
	char nested[1600];
	snprintf(nested, sizeof(nested), "unshare -U -r -m sh -c \"%s\"", attempt);
	char *argv[] = {"sh", "-c", nested, NULL};
	struct sec_fs policy = {.writable = scratch_path("elsewhere")};
	for (size_t t = 0; t < 2; t++)
		sec_expect_fs(tiers[t], &policy, NULL, argv, "refused\n");
	rm_rf(dir);
}

/* Inside a writable path a build works as without cordon: a rename of a
 * file and of a directory across directories (mv), and make writing
 * objects. */
static void test_build_inside(void)
{
	const char *w = scratch_path("build");
	struct sec_fs policy = {.writable = w};
	char script[1024];

	if (!sec_sandbox_ok())
		return;
	snprintf(script, sizeof(script),
		 "cd '%s' && rm -rf t && mkdir -p t/a/b t/c && cd t && echo 1 >a/b/f && "
		 "mv a/b/f c/ && mv c a/b/ && ls a/b/c && "
		 "printf 'obj/x.o: x.c\\n\\tmkdir -p obj && $(CC) -c x.c -o obj/x.o\\n' "
		 ">Makefile && echo 'int x;' >x.c && make -s && ls obj && rm -rf ../t",
		 w);
	char *argv[] = {"sh", "-c", script, NULL};
	rm_rf(w);
	CU_ASSERT_EQUAL_FATAL(mkdir(w, 0755), 0);
	sec_expect(NULL, NULL, argv, "f\nx.o\n");
	for (size_t t = 0; t < 2; t++) {
		sec_assert_sandboxed(tiers[t], &policy);
		sec_expect_fs(tiers[t], &policy, NULL, argv, "f\nx.o\n");
	}
	rm_rf(w);
}

/* A writable path that does not exist when the job starts is skipped: the
 * job runs, and cannot make it (its parent is read-only). */
static void test_missing_writable(void)
{
	const char *w = scratch_path("not-there");
	struct sec_fs policy = {.writable = w};
	char *argv[] = {(char *)sec_prog("escape"), "create", (char *)w, NULL};

	if (!sec_sandbox_ok())
		return;
	rm_rf(w);
	sec_expect(NULL, NULL, argv, "ok\n");
	unlink(w);
	for (size_t t = 0; t < 2; t++)
		sec_expect_fs(tiers[t], &policy, NULL, argv, "EROFS\n");
	CU_ASSERT_NOT_EQUAL(access(w, F_OK), 0);
}

/* A writable path that is a symbolic link, or has one in it: the job does
 * not start (a job could have swapped a name for a link to /etc). */
static void test_writable_symlink(void)
{
	const char *w = scratch_path("wlink"), *real = scratch_path("wreal");
	char sub[600];
	struct sec_fs policy = {.writable = w}, policy_sub = {.writable = sub};

	if (!sec_sandbox_ok())
		return;
	rm_rf(w);
	rm_rf(real);
	CU_ASSERT_EQUAL_FATAL(mkdir(real, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(real, w), 0);
	snprintf(sub, sizeof(sub), "%s/sub", w);
	char *argv[] = {"true", NULL};
	for (size_t t = 0; t < 2; t++)
		for (int k = 0; k < 2; k++) {
			struct tst_proc r;
			CU_ASSERT_EQUAL_FATAL(
			    sec_run(tiers[t], k ? &policy_sub : &policy, argv, &r), 0);
			CU_ASSERT_EQUAL(r.status, 125 << 8);
			CU_ASSERT_PTR_NOT_NULL(strstr(r.err,
						      "is a symbolic link; give the "
						      "path it points to"));
			tst_proc_free(&r);
		}
	rm_rf(w);
	rm_rf(real);
}

/* A root caller's job at both tiers, no writable path: it cannot append
 * to a root-owned file, create one in a root-owned directory, or make a
 * root-owned program setuid (staged files, never the host's /etc). The
 * control, plainly as root, does all three. */
static void test_root_files(void)
{
	static const char *const attempts[][2] = {
	    {"append", "victim"}, {"create", "rootdir/new"}, {"chmod-suid", "prog"}};
	const char *dir = scratch_path("rootfiles");
	char path[700], victim[700];

	if (!sec_sandbox_ok())
		return;
	if (!tst_is_root()) {
		tst_skip("needs a root caller: the run as root checks it");
		return;
	}
	for (size_t t = 0; t < 2; t++)
		sec_assert_sandboxed(tiers[t], NULL);
	for (size_t run = 0; run < 3; run++) {
		rm_rf(dir);
		CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
		snprintf(path, sizeof(path), "%s/rootdir", dir);
		CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
		snprintf(victim, sizeof(victim), "%s/victim", dir);
		CU_ASSERT_PTR_NOT_NULL_FATAL(
		    tst_write_file("rootfiles/victim", "v\n", 0644));
		CU_ASSERT_PTR_NOT_NULL_FATAL(
		    tst_write_file("rootfiles/prog", "#!/bin/sh\n", 0755));
		for (size_t i = 0; i < 3; i++) {
			char want[64];
			snprintf(path, sizeof(path), "%s/%s", dir, attempts[i][1]);
			char *argv[] = {(char *)sec_prog("fsprobe"), "one",
					(char *)attempts[i][0], path, NULL};
			snprintf(want, sizeof(want), "%s %s\n", attempts[i][0],
				 run == 0 ? "ok" : "EROFS");
			sec_expect(run == 0 ? NULL : tiers[run - 1], NULL, argv, want);
		}
		struct stat st;
		CU_ASSERT_EQUAL(stat(victim, &st), 0);
		CU_ASSERT_EQUAL(st.st_size, run == 0 ? 3 : 2);
	}
	rm_rf(dir);
}

/* A root caller's job opens the device nodes every program writes
 * (/dev/null, /dev/zero, /dev/full, /dev/urandom) and no other: every other
 * mount is nodev. The control, plainly as root, opens a disk. */
static void test_root_devices(void)
{
	static const char *const disks[] = {"/dev/loop0",   "/dev/loop-control",
					    "/dev/vda",	    "/dev/sda",
					    "/dev/nvme0n1", "/dev/xvda"};
	const char *disk = NULL;

	if (!sec_sandbox_ok())
		return;
	if (!tst_is_root()) {
		tst_skip("needs a root caller: an ordinary one opens devices as its uid "
			 "allows, as without cordon");
		return;
	}
	for (size_t i = 0; i < sizeof(disks) / sizeof(disks[0]) && !disk; i++) {
		int fd = open(disks[i], O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			disk = disks[i];
		}
	}
	if (!disk) {
		tst_skip("no disk or loop device here to try");
		return;
	}
	char *argv[] = {(char *)sec_prog("escape"), "read", (char *)disk, NULL};
	sec_expect(NULL, NULL, argv, "ok\n");
	char script[256];
	snprintf(script, sizeof(script),
		 "for d in null zero full urandom; do %s writable /dev/$d; done",
		 sec_prog("escape"));
	char *usable[] = {"sh", "-c", script, NULL};
	for (size_t t = 0; t < 2; t++) {
		sec_assert_sandboxed(tiers[t], NULL);
		sec_expect(tiers[t], NULL, argv, "EACCES\n");
		sec_expect(tiers[t], NULL, usable, "ok\nok\nok\nok\n");
	}
}

/* Linux 5.10 and 5.11 have no mount_setattr (nor does a seccomp policy that
 * refuses it): a remount of every mount stands in, with the same result.
 * openat2 refused too (a walk one component at a time stands in). Made
 * here with a seccomp filter around the helper; the job inherits it, so
 * its own openat2 attempt fails with ENOSYS. */
static void test_old_kernel(void)
{
	const char *out = scratch_path("ro510"), *w = scratch_path("w510"),
		   *in = scratch_path("w510/in");
	struct sec_fs policy = {.writable = w};
	const char *wrap[] = {tst_build("tests/helper/nosyscall"), "38", "442,437", NULL};
	char want_out[1024], want_in[1024];
	char *probe_out[] = {(char *)sec_prog("fsprobe"), "change", (char *)out, NULL};
	char *probe_in[] = {(char *)sec_prog("fsprobe"), "change", (char *)in, NULL};

	if (!sec_sandbox_ok())
		return;
	rm_rf(w);
	CU_ASSERT_EQUAL_FATAL(mkdir(w, 0755), 0);
	snprintf(want_out, sizeof(want_out), "%s", expect_o2("EROFS", "EROFS", "ENOSYS"));
	snprintf(want_in, sizeof(want_in), "%s", expect_o2("ok", "EPERM", "ENOSYS"));
	for (size_t t = 0; t < 2; t++) {
		fixture(out);
		fixture(in);
		sec_expect_fs(tiers[t], &policy, wrap, probe_out, want_out);
		sec_expect_fs(tiers[t], &policy, wrap, probe_in, want_in);
	}
	rm_rf(out);
	rm_rf(w);
}

/* The kernel file systems' tests: a sandbox here, a run as root (mounting
 * proc and sysfs needs it; that run tries uid 65534's jobs too) and a
 * fresh dir to mount them below. */
static bool kfs_begin(const char *dir)
{
	if (!sec_sandbox_ok())
		return false;
	if (!tst_is_root()) {
		tst_skip("mounting proc and sysfs needs root: the run as root covers "
			 "both callers");
		return false;
	}
	rm_rf(dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
	return true;
}

/* The kernel's file systems are read-only to a job wherever they are
 * mounted, a writable path included: a build chroot's proc and sysfs below
 * DIR (sbuild, mock and debootstrap mount them there). Through them a root
 * caller's job would open /proc/sys/kernel/core_pattern (the program the
 * kernel runs as root on a crash) or a /sys knob for writing: EROFS at
 * both tiers, also where mount_setattr is refused (Linux 5.10). The
 * chroot's proc shows the job's own processes (the job's /proc is put over
 * it), so an ordinary caller's job finds no host process of its uid there
 * to raise the oom_score_adj of (ENOENT), and no job sees the test runner
 * there, not even with the host read-only at lockdown without a list.
 * Each control, a plain process of the same uid, opens the same file for
 * writing (nothing is written), or sees the runner.
 * Mounting needs root: the run as root tries both callers. */
static void test_kernel_fs(void)
{
	static const char *const knobs[] = {"kernel/mm/transparent_hugepage/enabled",
					    "kernel/uevent_helper", "kernel/profiling",
					    "power/state"};
	const char *dir = scratch_path("kfs"), *proc = scratch_path("kfs/proc"),
		   *sys = scratch_path("kfs/sys");
	const char *old[] = {tst_build("tests/helper/nosyscall"), "38", "442,437", NULL};
	struct sec_fs policy = {.writable = dir};
	char core[600], knob[600] = "", self[600];

	if (!kfs_begin(dir))
		return;
	CU_ASSERT_EQUAL_FATAL(mkdir(proc, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(sys, 0755), 0);
	if (mount("proc", proc, "proc", 0, NULL) < 0 ||
	    mount("sysfs", sys, "sysfs", 0, NULL) < 0) {
		CU_FAIL("cannot mount proc and sysfs below the scratch");
		umount2(proc, MNT_DETACH);
		rm_rf(dir);
		return;
	}
	snprintf(core, sizeof(core), "%s/sys/kernel/core_pattern", proc);
	/* A host process of uid 65534's. */
	pid_t host = fork();
	if (host == 0) {
		if (setgid(65534) == 0 && setuid(65534) == 0)
			execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	CU_ASSERT_TRUE_FATAL(host > 0);
	snprintf(self, sizeof(self), "%s/%d/oom_score_adj", proc, (int)host);
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]) && !*knob; i++) {
		snprintf(knob, sizeof(knob), "%s/%s", sys, knobs[i]);
		if (access(knob, W_OK) < 0)
			*knob = '\0';
	}
	char *root_argv[] = {"sh", "-c", NULL, NULL};
	char script[2048];
	snprintf(script, sizeof(script), "%s one open-rw %s; %s one open-rw %s",
		 sec_prog("fsprobe"), core, sec_prog("fsprobe"), *knob ? knob : core);
	root_argv[2] = script;
	char *own[] = {(char *)sec_prog("fsprobe"), "one", "open-rw", self, NULL};
	if (!*knob)
		tst_skip("no writable /sys knob here to try (sysfs: core_pattern twice)");
	sec_expect(NULL, NULL, root_argv, "open-rw ok\nopen-rw ok\n");
	sec_expect(NULL, sec_as_65534, own, "open-rw ok\n");
	char look[700];
	snprintf(look, sizeof(look), "test -e %s/%d/status && echo seen || echo unseen",
		 proc, (int)getpid());
	char *seen[] = {"sh", "-c", look, NULL};
	sec_expect(NULL, NULL, seen, "seen\n");
	/* uid 65534's jobs report into the root run's FIFO. */
	tst_ns_reset();
	CU_ASSERT_EQUAL(chmod(tst_ns_file(), 0622), 0);
	for (size_t t = 0; t < 2; t++) {
		sec_expect_fs(tiers[t], &policy, NULL, root_argv,
			      "open-rw EROFS\nopen-rw EROFS\n");
		/* An ordinary caller: at hardened without a list (the host's
		 * files shared), at lockdown with the same one. */
		sec_expect_fs(tiers[t], t ? &policy : NULL, sec_as_65534, own,
			      "open-rw ENOENT\n");
		sec_expect_fs(tiers[t], NULL, NULL, seen, "unseen\n");
		sec_expect_fs(tiers[t], NULL, sec_as_65534, seen, "unseen\n");
	}
	sec_expect_fs("hardened", &policy, old, root_argv,
		      "open-rw EROFS\nopen-rw EROFS\n");
	CU_ASSERT_EQUAL(chmod(tst_ns_file(), 0644), 0);
	kill(host, SIGKILL);
	waitpid(host, NULL, 0);
	CU_ASSERT_EQUAL(umount2(proc, MNT_DETACH), 0);
	CU_ASSERT_EQUAL(umount2(sys, MNT_DETACH), 0);
	rm_rf(dir);
}

/* The walk that makes those mounts read-only finds them by name: a job
 * renaming directories above them in a loop (the writable path is shared by
 * every job of the host) while others start must never leave such a mount
 * in reach. Two chroots' procs, a/p and c/p, below the writable path: a host
 * (dash) runs a job that renames a away and back (perl), then one that
 * exchanges a and c (renameat2's RENAME_EXCHANGE: each name finds the
 * other's proc), and 30 more jobs each time that try to open the test
 * runner's oom_score_adj (a host process of root's) through either proc,
 * for writing (nothing is written). Each that runs is proven sandboxed, and
 * one refused (the walk looked 16 times in vain) is all right. The
 * control, the same host without cordon, opens it (most of its jobs do). */
static void test_kernel_fs_race(void)
{
	static const char *const flippers[] = {
	    "perl -e 'for (;;) { rename \"a\", \"b\"; rename \"b\", \"a\" }'",
	    "/usr/bin/python3 -c 'import ctypes\n"
	    "s = ctypes.CDLL(None, use_errno=True).syscall\n"
	    "while True: s(316, -100, b\"a\", -100, b\"c\", 2)'"};
	const char *dir = scratch_path("kfsrace");
	const char *procs[] = {scratch_path("kfsrace/a/p"), scratch_path("kfsrace/c/p")};
	char script[4096], w[600], path[700];
	const char *env[] = {w, NULL};
	struct tst_proc r;

	if (!kfs_begin(dir))
		return;
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%c", dir, "ac"[i]);
		CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
		CU_ASSERT_EQUAL_FATAL(mkdir(procs[i], 0755), 0);
		if (mount("proc", procs[i], "proc", 0, NULL) < 0) {
			CU_FAIL("cannot mount proc below the scratch");
			goto out;
		}
	}
	snprintf(w, sizeof(w), "CORDON_WRITABLE=%s", dir);
	for (size_t f = 0; f < 2; f++) {
		snprintf(
		    script, sizeof(script),
		    "cd %s && timeout 30 %s & f=$!; sleep 0.3; i=0; won=0; "
		    "while [ $i -lt 30 ]; do i=$((i + 1)); "
		    "%s sh -c 'for d in a b c a b c a b c; do "
		    "true 2>/dev/null >> %s/$d/p/%d/oom_score_adj && { echo won; exit 0; "
		    "}; "
		    "done; exit 1' && won=$((won + 1)); done; "
		    "kill $f; wait $f 2>/dev/null; [ -e a ] || mv b a; echo won $won",
		    dir, flippers[f], tst_nsreport(), dir, (int)getpid());
		char *argv[] = {"dash", "-c", script, NULL};
		struct tst_how plain = {.timeout_ms = 120000};
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&plain, argv, &r), 0);
		const char *won = strstr(r.out, "won ");
		CU_ASSERT_TRUE(won && atoi(won + 4) > 0);
		if (!won || atoi(won + 4) <= 0)
			printf("\n    plain, %s: %s%s", f ? "exchange" : "rename", r.out,
			       r.err);
		tst_proc_free(&r);
		struct tst_how how = {
		    .tier = "lockdown", .env = env, .timeout_ms = 120000};
		tst_ns_reset();
		CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, &r), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "won 0\n"));
		if (!strstr(r.out, "won 0\n"))
			printf("\n    lockdown, %s: %s", f ? "exchange" : "rename",
			       r.out);
		int jobs = tst_ns_check("lockdown", "an attempt during the renames");
		CU_ASSERT_TRUE(jobs >= 20);
		if (jobs < 20)
			printf("\n    lockdown, %s: %d jobs ran: %s%.600s",
			       f ? "exchange" : "rename", jobs, r.out, r.err);
		tst_proc_free(&r);
	}
out:
	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), "%s/%c/p", dir, "abc"[i]);
			umount2(path, MNT_DETACH);
		}
	}
	rm_rf(dir);
}

/* A directory the walk cannot enter: init has every capability the
 * sandbox grants, so one the job could not enter either (another uid's,
 * mode 000, outside the writable paths) keeps what lies below it out of
 * reach and the job runs; in a writable path, one the job owns, whose group
 * the sandbox does not map (a setgid directory's), at mode 000, the job
 * would chmod and reach a proc below it: that job is refused (exit 125)
 * rather than left the mount. The control, a plain process of uid 65534,
 * chmods its own and finds the test runner there. */
static void test_kernel_fs_unenterable(void)
{
	const char *dir = scratch_path("kfsdeny"), *w = scratch_path("kfsdeny/w"),
		   *mine = scratch_path("kfsdeny/w/mine"),
		   *theirs = scratch_path("kfsdeny/theirs");
	struct sec_fs policy = {.writable = w};
	char p1[700], p2[700], script[2048];
	struct tst_proc r;

	if (!kfs_begin(dir))
		return;
	CU_ASSERT_EQUAL_FATAL(mkdir(w, 0777), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(mine, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(theirs, 0755), 0);
	snprintf(p1, sizeof(p1), "%s/p", mine);
	snprintf(p2, sizeof(p2), "%s/p", theirs);
	CU_ASSERT_EQUAL_FATAL(mkdir(p1, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(p2, 0755), 0);
	if (mount("proc", p1, "proc", 0, NULL) < 0 ||
	    mount("proc", p2, "proc", 0, NULL) < 0) {
		CU_FAIL("cannot mount proc below the scratch");
		goto out;
	}
	CU_ASSERT_EQUAL(chown(mine, 65534, 100), 0);
	CU_ASSERT_EQUAL(chmod(mine, 0), 0);
	CU_ASSERT_EQUAL(chmod(theirs, 0), 0);
	snprintf(script, sizeof(script),
		 "chmod 755 %s && test -e %s/%d/status && echo reached", mine, p1,
		 (int)getpid());
	char *argv[] = {"sh", "-c", script, NULL};
	sec_expect(NULL, sec_as_65534, argv, "reached\n");
	CU_ASSERT_EQUAL(chmod(mine, 0), 0);
	for (int t = 0; t < 2; t++) {
		struct tst_how how = {.via = TST_HELPER,
				      .tier = tiers[t],
				      .wrap = sec_as_65534,
				      .writable = w,
				      .timeout_ms = 60000};
		CU_ASSERT_EQUAL(tst_cordon_run(&how, argv, &r), 0);
		CU_ASSERT_EQUAL(r.status, 125 << 8);
		CU_ASSERT_PTR_NOT_NULL(
		    strstr(r.err, "cannot make the kernel's file systems"));
		CU_ASSERT_PTR_NULL(strstr(r.out, "reached"));
		tst_proc_free(&r);
	}
	/* Only the other uid's at mode 000: the job runs. */
	CU_ASSERT_EQUAL(umount2(p1, MNT_DETACH), 0);
	char *ran[] = {"echo", "ran", NULL};
	tst_ns_reset();
	CU_ASSERT_EQUAL(chmod(tst_ns_file(), 0622), 0);
	for (int t = 0; t < 2; t++)
		sec_expect_fs(tiers[t], &policy, sec_as_65534, ran, "ran\n");
	CU_ASSERT_EQUAL(chmod(tst_ns_file(), 0644), 0);
out:
	chmod(mine, 0755);
	chmod(theirs, 0755);
	umount2(p1, MNT_DETACH);
	umount2(p2, MNT_DETACH);
	rm_rf(dir);
}

/* A mount point so deep that its mountinfo line outgrows what the walk
 * reads (64 KiB: 70 directories of 255 backslashes, each written as four
 * bytes there): its file system's type is cut off with the rest of the
 * line, so the walk cannot tell what it is, and the job is refused (exit
 * 125, ENAMETOOLONG) rather than given a writable proc. */
static void test_kernel_fs_long_line(void)
{
	const char *dir = scratch_path("kfslong");
	char name[256], at[64];
	struct sec_fs policy = {.writable = dir};
	char *argv[] = {"true", NULL};
	struct tst_proc r;
	int fd;

	if (!kfs_begin(dir))
		return;
	memset(name, '\\', 255);
	name[255] = '\0';
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < 70 && fd >= 0; i++) {
		int next = -1;
		if (mkdirat(fd, name, 0755) == 0)
			next = openat(fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	snprintf(at, sizeof(at), "/proc/self/fd/%d", fd);
	CU_ASSERT_EQUAL_FATAL(mount("proc", at, "proc", 0, NULL), 0);
	for (int t = 0; t < 2; t++) {
		CU_ASSERT_EQUAL(sec_run(tiers[t], &policy, argv, &r), 0);
		CU_ASSERT_EQUAL(r.status, 125 << 8);
		/* ENAMETOOLONG, in the words of the helper's libc. */
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "read-only for the job: File"));
		CU_ASSERT_PTR_NOT_NULL(
		    strstr(r.err, "too long (at /proc/self/mountinfo)"));
		tst_proc_free(&r);
	}
	CU_ASSERT_EQUAL(umount2(at, MNT_DETACH), 0);
	close(fd);
	rm_rf(dir);
}

static CU_TestInfo tests[] = {
    {"every change outside the writable path refused, inside made", test_change_kinds},
    {"hardened: an ordinary caller's files as they are, root's read-only",
     test_hardened_default},
    {"nested namespaces: remount read-write, a new bind", test_nested},
    {"nested namespaces: unshare -U -r -m, mount -o remount,rw", test_nested_tools},
    {"a cross-directory mv and make inside a writable path", test_build_inside},
    {"a writable path that does not exist is skipped", test_missing_writable},
    {"a writable path through a symbolic link: the job does not start",
     test_writable_symlink},
    {"a root caller's job: no append, no new file, no setuid bit", test_root_files},
    {"a root caller's job: the usual device nodes, no disk", test_root_devices},
    {"Linux 5.10 (no mount_setattr, no openat2): the same", test_old_kernel},
    {"a chroot's proc and sysfs in a writable path: the kernel's files read-only",
     test_kernel_fs},
    {"a job renaming a directory above such a mount while others start",
     test_kernel_fs_race},
    {"such a mount below a directory init cannot enter: the job's own refused",
     test_kernel_fs_unenterable},
    {"such a mount whose mountinfo line is too long to read: the job refused",
     test_kernel_fs_long_line},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.readonly", tests)
