/* cordon-helper under valgrind memcheck, one log per process
 * (--log-file=...%p): the monitor, init and the target up to its exec
 * must end with "ERROR SUMMARY: 0 errors", and the job must behave as
 * without valgrind.
 *
 * What is covered: valgrind follows the helper's fork-like clone()s,
 * the namespace flags included (a clone sharing memory it would refuse,
 * and the helper makes none), so the monitor, init (id maps, lockdown's
 * mounts, lo) and the target's last steps run on memcheck's CPU.
 * seccomp(2) is not implemented by valgrind (ENOSYS): the helper then
 * attaches its filter through prctl, which valgrind passes on. The job
 * itself runs natively (--trace-children=no). The static musl helper has
 * no malloc valgrind can replace: heap block checks do not apply,
 * definedness and address checks on stack and static data do. */
#include "tests/lib/hcmd.h"
#include "tests/lib/tst.h"

#include <dirent.h>
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
	return true;
#endif
}

/* Checks every log of one run and removes it; returns how many processes
 * ended under valgrind. */
static int check_logs(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int summaries = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d))) {
		char path[4300], text[65536];
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
		text[n] = '\0';
		if (f)
			fclose(f);
		unlink(path);
		const char *s = strstr(text, "ERROR SUMMARY: ");
		if (!s)
			continue; /* the target's, ended by its exec */
		summaries++;
		bool clean = strncmp(s, "ERROR SUMMARY: 0 errors", 23) == 0;
		CU_ASSERT_TRUE(clean);
		if (!clean)
			printf("\n    memcheck (%s):\n%.3000s", e->d_name, text);
	}
	closedir(d);
	return summaries;
}

static void run(const char *tier, const char *file, const char *devino_of,
		char *const job[], int want_status, const char *want_out)
{
	static unsigned serial;
	char prefix[64], logopt[4400], supp[4400], helper[4200];
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(stat(devino_of, &st), 0);
	snprintf(prefix, sizeof(prefix), "vg-%d-%u.", (int)getpid(), serial++);
	snprintf(logopt, sizeof(logopt), "--log-file=%s/%s%%p", tst_scratch(), prefix);
	snprintf(supp, sizeof(supp), "--suppressions=%s",
		 tst_build("tests/valgrind/helper.supp"));
	snprintf(helper, sizeof(helper), "%s", tst_build("cordon-helper"));

	struct tst_hcmd c = {.helper = helper,
			     .dirfd = -1,
			     .cloexec = -1,
			     .tier = tier,
			     .dev = st.st_dev,
			     .ino = st.st_ino,
			     .path = file,
			     .argv = job};
	char **cmd = tst_hcmd_argv(&c);
	char *argv[32] = {"valgrind",
			  "--tool=memcheck",
			  "--trace-children=no",
			  "--track-origins=yes",
			  logopt,
			  supp};
	int n = 6;
	for (int i = 0; cmd[i] && n < 31; i++)
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
	CU_ASSERT(check_logs(tst_scratch(), prefix) >= 2);
	tst_proc_free(&r);
	tst_hcmd_free(cmd);
}

static void jobs_run(void)
{
	if (!valgrind_ok())
		return;
	run("hardened", "/bin/echo", "/bin/echo", (char *[]){"echo", "hi", NULL}, 0,
	    "hi\n");
	run("lockdown", "/bin/sh", "/bin/sh",
	    (char *[]){"sh", "-c", "echo in; exit 7", NULL}, 7 << 8, "in\n");
}

static void job_refused(void)
{
	if (!valgrind_ok())
		return;
	/* Not the inode resolved: the target refuses before its exec. */
	run("hardened", "/bin/echo", "/bin/sh", (char *[]){"echo", "no", NULL}, 126 << 8,
	    "");
}

static CU_TestInfo tests[] = {
    {"jobs at hardened and lockdown, memcheck clean", jobs_run},
    {"a refused job, memcheck clean", job_refused},
    CU_TEST_INFO_NULL,
};
TST_SUITE("valgrind.helper", tests)
