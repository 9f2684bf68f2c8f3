/* See futil.h. */
#include "tests/faults/futil.h"
#include "tests/helper/hutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void f_assert_one_line(const char *err, const char *prefix)
{
	const char *nl = strchr(err, '\n');
	bool ok = strncmp(err, prefix, strlen(prefix)) == 0 && nl && nl[1] == '\0';

	CU_ASSERT_TRUE(ok);
	if (!ok)
		printf("\n    want one line starting %s\n    got: %.600s", prefix, err);
}

int f_run_unshared(const char *setup, const char *tier, char *const argv[],
		   struct tst_proc *res)
{
	char script[8192];

	/* The shim's variables reach argv alone: setup runs without them. */
	snprintf(script, sizeof(script), "%s || exit 111; exec \"$@\"", setup);
	const char *const wrap[] = {"unshare", "-U",   "-r", "-m", "sh",
				    "-c",      script, "sh", NULL};
	struct tst_how how = {.tier = tier, .wrap = wrap, .timeout_ms = 60000};
	CU_ASSERT_EQUAL_FATAL(tst_cordon_run(&how, argv, res), 0);
	if (WIFEXITED(res->status) && WEXITSTATUS(res->status) != 0 && !res->out[0]) {
		tst_skip("unshare -U -r -m (then: %s) is refused here: %.200s", setup,
			 res->err);
		tst_proc_free(res);
		return -1;
	}
	return 0;
}

int f_run_long(const char *tier, char *const argv[], struct tst_proc *res)
{
	/* These runs check outcomes, not speed: an ASan helper on a busy
	 * machine takes several times as long. */
	struct tst_how how = {.tier = tier,
			      .timeout_ms = h_sanitized() ? 900000 : 120000};

	return tst_cordon_run(&how, argv, res);
}

static pid_t parent_of(pid_t pid)
{
	char path[64], line[256];
	pid_t pp = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "PPid:", 5) == 0)
			pp = atoi(line + 5);
	if (f)
		fclose(f);
	return pp;
}

pid_t f_child(pid_t pid)
{
	char path[64];
	long c = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	FILE *f = fopen(path, "r");
	if (f && fscanf(f, "%ld", &c) != 1)
		c = 0;
	if (f)
		fclose(f);
	return (pid_t)c;
}

int f_descendants(pid_t pid, pid_t *out, int max)
{
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d)) && n < max) {
		pid_t p = atoi(e->d_name), up = p;
		if (p <= 0 || p == pid)
			continue;
		for (int depth = 0; up > 1 && up != pid && depth < 64; depth++)
			up = parent_of(up);
		if (up == pid)
			out[n++] = p;
	}
	if (d)
		closedir(d);
	return n;
}

static bool runs(pid_t pid)
{
	char path[64], buf[512];
	size_t len = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (f) {
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[len] = '\0';
	/* "pid (comm) S ...": the state follows the last ')' */
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

long f_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000L;
}

long f_wait_gone(const pid_t *pids, int n, int timeout_ms)
{
	long deadline = f_now_us() + timeout_ms * 1000L;

	for (;;) {
		int left = 0;
		for (int i = 0; i < n; i++)
			left += runs(pids[i]);
		long now = f_now_us();
		if (!left)
			return now;
		if (now > deadline)
			return -1;
		usleep(500);
	}
}
