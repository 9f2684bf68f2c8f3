/* See hutil.h. Test code: plain libc, no shortcuts needed. */
#include "tests/helper/hutil.h"

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

bool h_devpts_closed(void)
{
	struct stat st;

	return stat("/dev/pts/ptmx", &st) == 0 && (st.st_mode & 0777) == 0;
}

int h_resolve(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return 0; /* as execve: no search, whatever the file is */
	}
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(out, size, "%.*s/%s", (int)n, p, name);
		if (access(out, X_OK) == 0)
			return 0;
		p += n + (p[n] == ':');
	}
	return -ENOENT;
}

char **h_cmdline(const char *tier, const char *const *hopts, char *const argv[])
{
	size_t n = 0, k = 0, nopts = 0;
	char path[PATH_MAX], devino[64];
	struct stat st;

	while (argv[n])
		n++;
	while (hopts && hopts[nopts])
		nopts++;
	if (h_resolve(argv[0], path, sizeof(path)) < 0 || stat(path, &st) < 0)
		snprintf(devino, sizeof(devino), "0:0");
	else
		snprintf(devino, sizeof(devino), "%llu:%llu",
			 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	char **v = calloc(n + nopts + 5, sizeof(*v));
	v[k++] = strdup(tst_build("cordon-helper"));
	for (size_t i = 0; hopts && i < nopts; i++)
		v[k++] = strdup(hopts[i]);
	v[k++] = strdup(tier);
	v[k++] = strdup(devino);
	v[k++] = strdup(path);
	for (size_t i = 0; i < n; i++)
		v[k++] = strdup(argv[i]);
	return v;
}

void h_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

int h_run(const char *tier, const char *const *hopts, char *const argv[],
	  const struct tst_opts *o, struct tst_proc *res)
{
	struct tst_opts def = {.timeout_ms = 10000};
	int rc;

	if (!o)
		o = &def;
	if (!tier)
		return tst_run(argv, o, res);
	char **v = h_cmdline(tier, hopts, argv);
	rc = tst_run(v, o, res);
	h_free(v);
	return rc;
}

int h_sh(const char *tier, const char *script, struct tst_proc *res)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	return h_run(tier, NULL, argv, NULL, res);
}

pid_t h_spawn(const char *tier, char *const argv[], int *out)
{
	int p[2];
	pid_t pid;
	char **v = tier ? h_cmdline(tier, NULL, argv) : NULL;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);
		dup2(p[1], 1);
		int null = open("/dev/null", O_RDONLY);
		dup2(null, 0);
		execvp(v ? v[0] : argv[0], v ? v : argv);
		_exit(127);
	}
	h_free(v);
	close(p[1]);
	*out = p[0];
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
	struct tst_proc plain, boxed;

	CU_ASSERT_EQUAL_FATAL(h_run(NULL, NULL, argv, NULL, &plain), 0);
	CU_ASSERT_EQUAL_FATAL(h_run(tier, NULL, argv, NULL, &boxed), 0);
	CU_ASSERT_EQUAL(plain.status, boxed.status);
	CU_ASSERT_STRING_EQUAL(plain.out, boxed.out);
	CU_ASSERT_STRING_EQUAL(plain.err, boxed.err);
	if (plain.status != boxed.status || strcmp(plain.out, boxed.out) ||
	    strcmp(plain.err, boxed.err))
		printf("\n    %s: plain %#x [%s|%s] vs cordon %#x [%s|%s]\n", tier,
		       plain.status, plain.out, plain.err, boxed.status, boxed.out,
		       boxed.err);
	tst_proc_free(&plain);
	tst_proc_free(&boxed);
}
