/* Hidden paths (CORDON_HIDDEN, --hidden): neither readable nor listable at
 * both tiers, by their name, through "..", /proc/self/root or a symbolic
 * link, nor by undoing the cover from a nested namespace. Each attempt
 * runs plainly first (the control, which reads the secret). */
#include "tests/helper/hutil.h"
#include "tests/security/sec.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

/* A path under the scratch directory, one buffer per name (the tests use
 * a handful), so that one call never overwrites another's result. */
static const char *at(const char *name)
{
	static struct {
		char name[64], path[512];
	} seen[32];
	size_t i;

	for (i = 0; i < 32 && seen[i].name[0] && strcmp(seen[i].name, name); i++)
		;
	if (i == 32) {
		CU_FAIL_FATAL("more than 32 names");
		return "";
	}
	if (!seen[i].name[0]) {
		snprintf(seen[i].name, sizeof(seen[i].name), "%s", name);
		snprintf(seen[i].path, sizeof(seen[i].path), "%s/%s", tst_scratch(),
			 name);
	}
	return seen[i].path;
}

static void rm_rf(const char *path)
{
	char *argv[] = {"rm", "-rf", (char *)path, NULL};
	struct tst_proc r;

	if (tst_run(argv, NULL, &r) == 0)
		tst_proc_free(&r);
}

/* hid/ (key, sub/key), hidfile, and w/ for the job to write. */
static void fixture(void)
{
	rm_rf(at("hid"));
	rm_rf(at("w"));
	CU_ASSERT_EQUAL_FATAL(mkdir(at("hid"), 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(at("hid/sub"), 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(at("w"), 0755), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tst_write_file("hid/key", "topsecret\n", 0644));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tst_write_file("hid/sub/key", "topsecret\n", 0644));
	CU_ASSERT_PTR_NOT_NULL_FATAL(tst_write_file("hidfile", "topsecret\n", 0644));
}

/* By name, through "..", /proc/self/root, a link the job makes in its
 * writable path, the directory itself (listing), a hidden file. */
static void test_unreadable(void)
{
	char script[4096];
	struct sec_fs policy = {.writable = at("w")};
	char hidden[1100];

	if (!sec_sandbox_ok())
		return;
	fixture();
	snprintf(hidden, sizeof(hidden), "%s:%s", at("hid"), at("hidfile"));
	policy.hidden = hidden;
	snprintf(
	    script, sizeof(script),
	    "e=%s; $e read %s; $e read %s/../hid/sub/key; $e read /proc/self/root%s; "
	    "ln -s %s %s/link && $e read %s/link; rm -f %s/link; $e read %s; "
	    "$e read %s; cat %s/key 2>/dev/null || echo none",
	    sec_prog("escape"), at("hid/key"), at("hid"), at("hid/key"), at("hid/key"),
	    at("w"), at("w"), at("w"), at("hid"), at("hidfile"), at("hid"));
	char *argv[] = {"sh", "-c", script, NULL};
	sec_expect(NULL, NULL, argv, "ok\nok\nok\nok\nok\nok\ntopsecret\n");
	for (size_t t = 0; t < 2; t++)
		sec_assert_sandboxed(tiers[t], &policy);
	for (size_t t = 0; t < 2; t++)
		sec_expect_fs(tiers[t], &policy, NULL, argv,
			      "EACCES\nEACCES\nEACCES\nEACCES\nEACCES\nEACCES\nnone\n");
	rm_rf(at("hid"));
	rm_rf(at("w"));
	unlink(at("hidfile"));
}

/* mnt's attempts at the cover from a nested user and mount namespace:
 * unmount it, move it, bind or clone its parent without it. */
static void test_nested(void)
{
	static const char *const steps[] = {"umount", "move", "bind-root", "open-tree"};
	char script[1400];
	struct sec_fs policy = {.writable = at("w"), .hidden = at("hid")};

	if (!sec_sandbox_ok())
		return;
	fixture();
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		/* The control: a cover of the attacker's own over hid. */
		snprintf(script, sizeof(script),
			 "mount -t tmpfs -o mode=000 t '%s' && exec \"$@\"", at("hid"));
		const char *wrap[] = {"unshare", "-Urm", "sh", "-c", script, "sh", NULL};
		char *plain[] = {(char *)sec_prog("mnt"), (char *)steps[i],
				 (char *)at("hid"),	  (char *)at("hid/key"),
				 (char *)at("w"),	  NULL};
		sec_expect(NULL, wrap, plain, "ok seen\n");
		char *argv[] = {(char *)sec_prog("mnt"),
				"--nested",
				(char *)steps[i],
				(char *)at("hid"),
				(char *)at("hid/key"),
				(char *)at("w"),
				NULL};
		for (size_t t = 0; t < 2; t++) {
			char *out = sec_out_fs(tiers[t], &policy, NULL, argv);
			if (!out)
				continue;
			bool held = strncmp(out, "ok ", 3) && strstr(out, " hidden\n");
			CU_ASSERT_TRUE(held);
			if (!held)
				printf("\n    %s nested %s: %s", tiers[t], steps[i], out);
			free(out);
		}
	}
	rm_rf(at("hid"));
	rm_rf(at("w"));
	unlink(at("hidfile"));
}

/* A hidden path must exist (a cover needs a place, and none is made on the
 * host), and be reached without a symbolic link: else nothing runs. */
static void test_fail_closed(void)
{
	char link[600];
	struct sec_fs missing = {.hidden = at("no-such-secret")};
	struct sec_fs linked = {.hidden = link};
	char *argv[] = {"true", NULL};
	struct tst_proc r;

	if (!sec_sandbox_ok())
		return;
	fixture();
	unlink(at("hidlink"));
	CU_ASSERT_EQUAL_FATAL(symlink(at("hid"), at("hidlink")), 0);
	snprintf(link, sizeof(link), "%s/key", at("hidlink"));
	for (size_t t = 0; t < 2; t++) {
		CU_ASSERT_EQUAL_FATAL(sec_run(tiers[t], &missing, argv, &r), 0);
		CU_ASSERT_EQUAL(r.status, 125 << 8);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err,
					      "No such file or directory; a hidden "
					      "path must exist"));
		if (r.status != 125 << 8)
			printf("\n    %s: status %#x: %s", tiers[t], r.status, r.err);
		tst_proc_free(&r);
		CU_ASSERT_EQUAL_FATAL(sec_run(tiers[t], &linked, argv, &r), 0);
		CU_ASSERT_EQUAL(r.status, 125 << 8);
		CU_ASSERT_PTR_NOT_NULL(
		    strstr(r.err, "a component of it is a symbolic link"));
		tst_proc_free(&r);
	}
	unlink(at("hidlink"));
	rm_rf(at("hid"));
	rm_rf(at("w"));
	unlink(at("hidfile"));
}

/* Hidden inside writable: the job could rename an ancestor away and leave
 * the secret in plain view of the next job; the ancestors are pinned (a
 * mount point cannot be renamed: EBUSY). hardened without a writable path
 * (an ordinary caller's host stays writable): the same, from the first
 * directory the job may write. */
static void test_ancestors(void)
{
	char script[1400];
	struct sec_fs policy = {.writable = at("w"), .hidden = at("w/proj/secret")};
	struct sec_fs policy2 = {.hidden = at("w/proj/secret")};

	if (!sec_sandbox_ok())
		return;
	fixture();
	CU_ASSERT_EQUAL_FATAL(mkdir(at("w/proj"), 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(at("w/proj/secret"), 0755), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(
	    tst_write_file("w/proj/secret/key", "topsecret\n", 0644));
	snprintf(script, sizeof(script),
		 "cd '%s' && if mv proj proj2 2>/dev/null; then echo moved; "
		 "cat proj2/secret/key; mv proj2 proj; else echo refused; fi; "
		 "cat proj/secret/key 2>/dev/null || echo none",
		 at("w"));
	char *argv[] = {"sh", "-c", script, NULL};
	sec_expect(NULL, NULL, argv, "moved\ntopsecret\ntopsecret\n");
	sec_assert_sandboxed("hardened", &policy2);
	for (size_t t = 0; t < 2; t++)
		sec_expect_fs(tiers[t], &policy, NULL, argv, "refused\nnone\n");
	sec_expect_fs("hardened", &policy2, NULL, argv, "refused\nnone\n");
	rm_rf(at("hid"));
	rm_rf(at("w"));
	unlink(at("hidfile"));
}

/* A unix socket hidden: a read-only mount does not stop connect(2), a
 * cover does. */
static void test_socket(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	const char *path = at("hidsock");
	struct sec_fs policy = {.hidden = path};
	char *argv[] = {(char *)sec_prog("escape"), "unix", (char *)path, NULL};

	if (!sec_sandbox_ok())
		return;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	CU_ASSERT_EQUAL_FATAL(listen(fd, 4), 0);
	sec_expect(NULL, NULL, argv, "ok\n");
	for (size_t t = 0; t < 2; t++) {
		sec_expect(tiers[t], NULL, argv, "ok\n"); /* without the cover: reached */
		/* The cover's superblock is read-only. */
		sec_expect_fs(tiers[t], &policy, NULL, argv, "EROFS\n");
	}
	close(fd);
	unlink(path);
}

/* Under lockdown's private /tmp: a writable path of the host's shared into
 * it, a hidden path inside that covered; one outside it already hidden. */
static void test_private_tmp(void)
{
	char *dir = h_tmpdir(), w[300], h[320], other[320], script[2000], hl[700];
	struct sec_fs policy = {.writable = w, .hidden = hl};

	if (!sec_sandbox_ok() || !dir)
		return;
	snprintf(w, sizeof(w), "%s/w", dir);
	snprintf(h, sizeof(h), "%s/w/secret", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	snprintf(hl, sizeof(hl), "%s:%s", h, other);
	CU_ASSERT_EQUAL_FATAL(mkdir(w, 0755), 0);
	FILE *f = fopen(h, "w"), *g = fopen(other, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	fputs("topsecret\n", f);
	fclose(f);
	fclose(g);
	snprintf(
	    script, sizeof(script),
	    "echo made >'%s/new' && cat '%s/new'; cat '%s' 2>/dev/null || echo none; "
	    "test -e '%s' && echo seen || echo gone",
	    w, w, h, other);
	char *argv[] = {"sh", "-c", script, NULL};
	sec_expect(NULL, NULL, argv, "made\ntopsecret\nseen\n");
	unlink(h);
	f = fopen(h, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("topsecret\n", f);
	fclose(f);
	snprintf(other, sizeof(other), "%s/w/new", dir);
	unlink(other);
	sec_expect_fs("lockdown", &policy, NULL, argv, "made\nnone\ngone\n");
	CU_ASSERT_EQUAL(access(other, F_OK), 0); /* written to the host's, shared */
	h_tmpdir_remove(dir);
}

static CU_TestInfo tests[] = {
    {"unreadable by name, .., /proc/self/root, a link, listing", test_unreadable},
    {"nested namespaces: unmount, move, bind or clone around the cover", test_nested},
    {"missing or through a link: the job does not start", test_fail_closed},
    {"ancestors inside a writable path pinned", test_ancestors},
    {"a hidden unix socket cannot be reached", test_socket},
    {"lockdown's /tmp: a writable path shared in, hidden inside it", test_private_tmp},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.hidden", tests)
