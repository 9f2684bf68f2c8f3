/* See hutil.h. Test code: plain libc, no shortcuts needed. */
#include "tests/helper/hutil.h"
#include "tests/lib/hcmd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

bool h_sanitized(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return true;
#else
	return false;
#endif
#else
	return false;
#endif
}

int h_run(const char *tier, char *const argv[], struct tst_proc *res)
{
	struct tst_how how = {.via = TST_HELPER, .tier = tier, .timeout_ms = 10000};

	return tst_cordon_run(&how, argv, res);
}

int h_sh(const char *tier, const char *script, struct tst_proc *res)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	return h_run(tier, argv, res);
}

pid_t h_spawn_v(char *const v[], pid_t pg, int *out)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, pg);
		dup2(p[1], 1);
		int null = open("/dev/null", O_RDONLY);
		dup2(null, 0);
		execvp(v[0], v);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

pid_t h_spawn(const char *tier, char *const argv[], int *out)
{
	char **v = tier ? tst_helper_cmdline(tier, argv) : NULL;
	pid_t pid = h_spawn_v(v ? v : argv, 0, out);

	tst_hcmd_free(v);
	return pid;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int h_read_line(int fd, char *buf, size_t size, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	size_t n = 0;

	while (n + 1 < size) {
		struct pollfd p = {fd, POLLIN, 0};
		long left = deadline - now_ms();
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		ssize_t r = read(fd, buf + n, 1);
		if (r <= 0)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return (int)n;
}

char *h_tmpdir(void)
{
	char *d = strdup("/tmp/cordon-test.XXXXXX");

	if (!mkdtemp(d) || chmod(d, 0755) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

void h_tmpdir_remove(char *dir)
{
	if (!dir)
		return;
	char *argv[] = {"rm", "-rf", dir, NULL};
	struct tst_proc r;
	if (tst_run(argv, NULL, &r) == 0)
		tst_proc_free(&r);
	free(dir);
}

void h_assert_transparent(const char *tier, char *const argv[])
{
	const char *tiers[] = {tier, NULL};
	struct tst_cmp c = {.how = {.via = TST_HELPER, .timeout_ms = 10000},
			    .tiers = tiers};

	tst_assert_same(&c, argv);
}
