/* The audit log where a job can write: the job swaps it for a symbolic
 * link, a hard link or a FIFO, the host's file size limit is reached, the
 * disk fills. Each time the host goes on as without the log (never blocks,
 * never dies, never appends to another file), says so once, and every line
 * the log keeps is JSON. */
#include "tests/log/lutil.h"
#include "tests/shim/sutil.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The host's list of calls (tests/lib/progs/host.c: do ACTION...). */
static const char *logcalls(void)
{
	return s_host("do");
}

/* A job of the host (system: sh -c at hardened, the log's directory in its
 * writable list: a root caller's job, or one given a list, finds the rest
 * of the host read-only) replaces the log by what `swap VICTIM LOG` makes (swap: "ln -s",
 * "ln", or "mkfifo", which takes the log alone); the host's next calls must not write
 * through it, and go on exactly as without the log. */
static void swapped(const char *swap, const char *why)
{
	const char *log = l_log("swapped.log"), *victim = l_log("victim");
	char made[3 * PATH_MAX], cmd[4 * PATH_MAX], want[PATH_MAX + 256];
	char writable[PATH_MAX + 32];
	const char *extra[] = {writable, NULL};
	struct tst_proc plain, r;
	struct stat st;

	if (!tst_sandbox_ok())
		return;
	snprintf(writable, sizeof(writable), "CORDON_WRITABLE=%s", log);
	*strrchr(writable, '/') = '\0';
	if (strcmp(swap, "mkfifo") == 0)
		snprintf(made, sizeof(made), "mkfifo -m 600 '%s'", log);
	else
		snprintf(made, sizeof(made), "%s '%s' '%s'", swap, victim, log);
	snprintf(cmd, sizeof(cmd), "system:rm -f '%s' && %s", log, made);
	char *argv[] = {(char *)logcalls(), cmd, "exec:/nonexistent/a", "spawn:/bin/true",
			NULL};
	int fd = open(victim, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(l_run(NULL, NULL, NULL, argv, &plain), 0);
	unlink(log);
	unlink(victim);
	fd = open(victim, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(l_run("hardened", log, extra, argv, &r), 0);
	CU_ASSERT_FALSE(r.timed_out);
	CU_ASSERT_EQUAL(r.status, plain.status);
	CU_ASSERT_STRING_EQUAL(r.out, plain.out);
	snprintf(want, sizeof(want), "cordon: cannot write the audit log %s: %s;", log,
		 why);
	CU_ASSERT_NSTRING_EQUAL(r.err, want, strlen(want));
	CU_ASSERT_PTR_NULL(strchr(r.err, '\n') ? strchr(strchr(r.err, '\n') + 1, '\n')
					       : "");
	if (strncmp(r.err, want, strlen(want)) != 0)
		printf("\n    want %s\n    got  %s", want, r.err);
	/* Nothing reached the other file. */
	CU_ASSERT_EQUAL(stat(victim, &st), 0);
	CU_ASSERT_EQUAL(st.st_size, 0);
	tst_proc_free(&plain);
	tst_proc_free(&r);
	unlink(log);
	unlink(victim);
}

static void test_symlink(void)
{
	swapped("ln -s", "a symbolic link is on its path");
}

static void test_hard_link(void)
{
	swapped("ln", "it has other names (hard links)");
}

/* A FIFO with no reader: the host's next exec must not block in open(). */
static void test_fifo(void)
{
	swapped("mkfifo", "it is a FIFO with no reader");
}

/* The host's RLIMIT_FSIZE below the log's size: without care the log's
 * write would end the host with SIGXFSZ. */
static void test_file_size_limit(void)
{
	const char *log = l_log("fsize.log");
	char cmd[PATH_MAX + 200];
	struct tst_proc plain, r;

	/* 2 KiB of earlier records; a limit of 1 KiB (ulimit -f counts 512). */
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	static const char rec[] = "{\"earlier\":\"record........................\"}\n";
	for (int i = 0; i < 32; i++)
		CU_ASSERT_EQUAL(write(fd, rec, strlen(rec)), (ssize_t)strlen(rec));
	close(fd);
	snprintf(cmd, sizeof(cmd), "ulimit -f 2 && exec '%s' exec:/nonexistent/a pid",
		 logcalls());
	char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	CU_ASSERT_EQUAL_FATAL(l_run(NULL, NULL, NULL, argv, &plain), 0);
	CU_ASSERT_EQUAL_FATAL(l_run("none", log, NULL, argv, &r), 0);
	CU_ASSERT_EQUAL(r.status, plain.status);
	CU_ASSERT_TRUE(WIFEXITED(r.status));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "exec errno=ENOENT\npid="));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "file size limit (RLIMIT_FSIZE)"));
	tst_proc_free(&plain);
	tst_proc_free(&r);
}

/* A full disk cuts a record short; space comes back later. Every line of
 * the log stays JSON: the cut record is mended in place, the next one
 * starts its own line. A tmpfs of two pages in a mount namespace of our
 * own (any uid may: a user namespace), a filler file in one of them. */
static void test_full_disk(void)
{
	const char *log = l_log("full/x.log");
	char dir[PATH_MAX], script[8 * PATH_MAX], calls[4096] = "", copy[PATH_MAX + 8];
	struct tst_proc r;

	snprintf(dir, sizeof(dir), "%s", log);
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0755);
	snprintf(copy, sizeof(copy), "%s.copy", dir);
	for (int i = 0; i < 40; i++)
		strcat(calls, " exec:/nonexistent/a-longer-name-to-fill-the-page-sooner");
	/* The shim only for the host: unshare itself must write its uid_map,
	 * which a non-dumpable process may not. */
	snprintf(
	    script, sizeof(script),
	    "mount -t tmpfs -o size=8k none '%s' || exit 99; "
	    "head -c 100 /dev/zero > '%s/filler' || exit 98; "
	    "LD_PRELOAD='%s' CORDON_TIER=none CORDON_LOG='%s' "
	    "'%s'%s 'system:rm \"%s/filler\"' exec:/nonexistent/b exec:/nonexistent/c "
	    ">/dev/null; cat '%s' > '%s'",
	    dir, dir, tst_build("libcordon.so"), log, logcalls(), calls, dir, log, copy);
	char *argv[] = {"unshare", "-U", "-r", "-m", "sh", "-c", script, NULL};
	CU_ASSERT_EQUAL_FATAL(l_run(NULL, NULL, NULL, argv, &r), 0);
	if (tst_shell_status(r.status) == 99) {
		tst_skip("cannot mount a tmpfs in a user and mount namespace: %.200s",
			 r.err);
		tst_proc_free(&r);
		return;
	}
	CU_ASSERT_EQUAL(tst_shell_status(r.status), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "a record was cut short (disk full?)"));
	tst_proc_free(&r);
	char *raw = l_slurp(copy, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	/* The cut one, mended, and the records after the space came back. */
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "{\"torn\":true}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "/nonexistent/c"));
	free(raw);
	char *out = l_check(copy, false);
	free(out);
	unlink(copy);
	rmdir(dir);
}

static CU_TestInfo tests[] = {
    {"a job swaps the log for a symbolic link", test_symlink},
    {"a job swaps the log for a hard link", test_hard_link},
    {"a job swaps the log for a FIFO", test_fifo},
    {"the host's file size limit", test_file_size_limit},
    {"a full disk cuts a record: every line stays JSON", test_full_disk},
    CU_TEST_INFO_NULL,
};
TST_SUITE("log.hostile", tests)
