/* cordon-helper under valgrind memcheck, every process logging to one fd:
 * the monitor, init and the target up to its exec must each end with
 * "ERROR SUMMARY: 0 errors", and the job must behave as without valgrind.
 * The log is an fd opened before the helper (--log-fd): a file valgrind
 * opened for writing in init, after the clone, would hold the job's copy of
 * its mount busy, which the read-only host then cannot be made (EBUSY).
 *
 * What is covered: valgrind follows the helper's fork-like clone()s,
 * the namespace flags included (a clone sharing memory it would refuse,
 * and the helper makes none), so the monitor, init (id maps, lockdown's
 * mounts, lo) and the target's last steps run on memcheck's CPU.
 * seccomp(2) is not implemented by valgrind (ENOSYS): the helper then
 * attaches its filter through prctl, which valgrind passes on. Nor are
 * open_tree, move_mount, openat2, mount_setattr: lockdown's read-only host
 * then takes the remounts of Linux 5.10, and where clones are needed (a
 * root caller's device nodes, hardened's writable /tmp) the helper fails
 * closed, checked up to there. The job
 * itself runs natively (--trace-children=no). The static musl helper has
 * no malloc valgrind can replace: heap block checks do not apply,
 * definedness and address checks on stack and static data do. */
#include "tests/lib/hcmd.h"
#include "tests/lib/tst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static bool valgrind_ok(void)
{
#if defined(__SANITIZE_ADDRESS__)
	tst_skip("this build's helper is ASan-instrumented (SANITIZE=1); valgrind cannot "
		 "run it: the plain build's suite covers it");
	return false;
#else
	if (system("valgrind --version >/dev/null 2>&1") != 0) {
		tst_skip("valgrind is not installed (scripts/install-deps check)");
		return false;
	}
	/* The monitor starts init sharing its fd table (CLONE_FILES, so
	 * that nothing is opened in the host's table before the job has its
	 * copy); valgrind follows only the clones of fork, vfork and threads,
	 * and exits on this one. */
	char probe[4400];
	snprintf(probe, sizeof(probe),
		 "valgrind -q --tool=none %s hardened - /bin/true true 2>&1 | "
		 "grep -q 'Unsupported clone() flags'",
		 tst_build("cordon-helper"));
	if (system(probe) == 0) {
		tst_skip("valgrind cannot follow the monitor's clone of init "
			 "(CLONE_FILES with new namespaces: \"Unsupported clone() "
			 "flags\"); the helper's memory is checked by the SANITIZE=1 "
			 "build's suites");
		return false;
	}
	return true;
#endif
}

/* Checks the log of one run and removes it; returns how many processes
 * ended under valgrind. */
static int check_log(const char *path)
{
	static char text[262144];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	int summaries = 0;

	text[n] = '\0';
	if (f)
		fclose(f);
	unlink(path);
	/* The target's ends with its exec: no summary. */
	for (const char *s = text; (s = strstr(s, "ERROR SUMMARY: ")); s++) {
		summaries++;
		bool clean = strncmp(s, "ERROR SUMMARY: 0 errors", 23) == 0;
		CU_ASSERT_TRUE(clean);
		if (!clean)
			printf("\n    memcheck:\n%.3000s", text);
	}
	return summaries;
}

static void run(const char *tier, const char *file, const char *devino_of,
		char *const job[], int want_status, const char *want_out)
{
	static unsigned serial;
	char log[4400], supp[4400], helper[4200], script[4500];
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(stat(devino_of, &st), 0);
	snprintf(log, sizeof(log), "%s/vg-%d-%u.log", tst_scratch(), (int)getpid(),
		 serial++);
	snprintf(supp, sizeof(supp), "--suppressions=%s",
		 tst_build("tests/valgrind/helper.supp"));
	snprintf(helper, sizeof(helper), "%s", tst_build("cordon-helper"));
	snprintf(script, sizeof(script), "exec \"$@\" 9>>'%s'", log);

	struct tst_hcmd c = {.helper = helper,
			     .dirfd = -1,
			     .cloexec = -1,
			     .tier = tier,
			     .dev = st.st_dev,
			     .ino = st.st_ino,
			     .path = file,
			     .argv = job};
	char **cmd = tst_hcmd_argv(&c);
	char *argv[40] = {"sh",
			  "-c",
			  script,
			  "sh",
			  "valgrind",
			  "--tool=memcheck",
			  "--trace-children=no",
			  "--track-origins=yes",
			  "--vgdb=no",
			  "--log-fd=9",
			  supp};
	int n = 11;
	CU_ASSERT_PTR_NOT_NULL_FATAL(cmd);
	for (int i = 0; cmd[i] && n < 39; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;

	struct tst_proc r;
	struct tst_opts o = {.timeout_ms = 120000};
	CU_ASSERT_EQUAL_FATAL(tst_run(argv, &o, &r), 0);
	CU_ASSERT_EQUAL(r.status, want_status);
	CU_ASSERT_STRING_EQUAL(r.out, want_out);
	if (r.status != want_status || strcmp(r.out, want_out) != 0)
		printf("\n    %s %s: status %#x, out \"%.200s\", err:\n%.1500s", tier,
		       file, r.status, r.out, r.err);
	/* The monitor and init at least; the target's log ends at its exec. */
	CU_ASSERT(check_log(log) >= 2);
	tst_proc_free(&r);
	tst_hcmd_free(cmd);
}

/* A root caller's sandbox needs clones (its device nodes), which valgrind
 * cannot make: there both tiers fail closed (125), checked up to there. */
static void jobs_run(void)
{
	bool root = getuid() == 0;

	if (!valgrind_ok())
		return;
	run("hardened", "/bin/echo", "/bin/echo", (char *[]){"echo", "hi", NULL},
	    root ? 125 << 8 : 0, root ? "" : "hi\n");
	run("lockdown", "/bin/sh", "/bin/sh",
	    (char *[]){"sh", "-c", "echo in; exit 7", NULL}, root ? 125 << 8 : 7 << 8,
	    root ? "" : "in\n");
}

static void job_refused(void)
{
	if (!valgrind_ok())
		return;
	/* Not the inode resolved: the target refuses before its exec. */
	run("hardened", "/bin/echo", "/bin/sh", (char *[]){"echo", "no", NULL},
	    getuid() == 0 ? 125 << 8 : 126 << 8, "");
}

static CU_TestInfo tests[] = {
    {"jobs at hardened and lockdown, memcheck clean", jobs_run},
    {"a refused job, memcheck clean", job_refused},
    CU_TEST_INFO_NULL,
};
TST_SUITE("valgrind.helper", tests)
