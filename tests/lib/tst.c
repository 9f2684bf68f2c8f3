/* cordon test library; see tst.h. Tests are not the exec path: plain libc. */
#include "tests/lib/tst.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
unsigned tst_skipped;

void tst_skip(const char *fmt, ...)
{
	va_list ap;
	CU_pTest t = CU_get_current_test();

	printf("\n    SKIPPED: %s: ", t ? t->pName : "?");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	tst_skipped++;
}

static char *ring_slot(void)
{
	static char ring[16][PATH_MAX];
	static unsigned next;
	return ring[next++ % 16];
}

const char *tst_build(const char *rel)
{
	static char dir[PATH_MAX];
	char *p = ring_slot();

	if (!dir[0]) {
		/* The runner is $(B)/tests/cordon-tests. */
		ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		if (n < 0) {
			perror("tests: readlink /proc/self/exe");
			exit(2);
		}
		dir[n] = '\0';
		for (int up = 0; up < 2; up++)
			*strrchr(dir, '/') = '\0';
	}
	if (snprintf(p, PATH_MAX, "%s/%s", dir, rel) >= PATH_MAX)
		abort();
	return p;
}

const char *tst_scratch(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("CORDON_TEST_SCRATCH");

	if (dir[0])
		return dir;
	if (env && *env)
		snprintf(dir, sizeof(dir), "%s", env);
	else
		snprintf(dir, sizeof(dir), "%s", tst_build("tests/scratch"));
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "tests: cannot create %s: %s\n", dir, strerror(errno));
		exit(2);
	}
	return dir;
}

const char *tst_write_file(const char *name, const char *content, mode_t mode)
{
	char *p = ring_slot();
	int fd;

	if (snprintf(p, PATH_MAX, "%s/%s", tst_scratch(), name) >= PATH_MAX)
		abort();
	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content) ||
	    fchmod(fd, mode) < 0 || close(fd) < 0) {
		fprintf(stderr, "tests: cannot write %s: %s\n", p, strerror(errno));
		exit(2);
	}
	return p;
}

bool tst_is_root(void)
{
	return geteuid() == 0;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int append(char **buf, size_t *len, int fd)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n <= 0)
		return n < 0 && errno == EINTR ? 1 : 0;
	char *nb = realloc(*buf, *len + (size_t)n + 1);
	if (!nb)
		abort();
	memcpy(nb + *len, chunk, (size_t)n);
	*len += (size_t)n;
	nb[*len] = '\0';
	*buf = nb;
	return 1;
}

static void collect(int out, int err, int in, const char *input, pid_t pid,
		    int timeout_ms, struct tst_proc *res)
{
	long deadline = now_ms() + (timeout_ms ? timeout_ms : 20000);
	size_t input_left = input ? strlen(input) : 0;
	struct pollfd p[3] = {{out, POLLIN, 0}, {err, POLLIN, 0}, {in, POLLOUT, 0}};

	if (in >= 0 && !input_left) {
		close(in);
		p[2].fd = -1;
	}
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		long left = deadline - now_ms();
		if (left <= 0) {
			res->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		if (poll(p, 3, (int)left) < 0)
			continue;
		if (p[0].revents && !append(&res->out, &res->out_len, out))
			p[0].fd = -1;
		if (p[1].revents && !append(&res->err, &res->err_len, err))
			p[1].fd = -1;
		if (p[2].fd >= 0 && p[2].revents) {
			ssize_t n = write(in, input, input_left);
			if (n > 0) {
				input += n;
				input_left -= (size_t)n;
			}
			if (n <= 0 || !input_left) {
				close(in);
				p[2].fd = -1;
			}
		}
	}
	if (p[2].fd >= 0)
		close(in);
}

int tst_run(char *const argv[], const struct tst_opts *opts, struct tst_proc *res)
{
	static const struct tst_opts none;
	int o[2], e[2], i[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid;
	int rc;

	if (!opts)
		opts = &none;
	memset(res, 0, sizeof(*res));
	res->out = calloc(1, 1);
	res->err = calloc(1, 1);
	if (pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0)
		return -errno;
	if (opts->input && pipe2(i, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	if (opts->input)
		posix_spawn_file_actions_adddup2(&fa, i[0], 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	if (!opts->keep_stderr)
		posix_spawn_file_actions_adddup2(&fa, e[1], 2);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					  POSIX_SPAWN_SETSIGDEF);
	sigset_t all, empty;
	sigfillset(&all);
	sigemptyset(&empty);
	posix_spawnattr_setsigmask(&at, &empty);
	posix_spawnattr_setsigdefault(&at, &all);
	rc = posix_spawnp(&pid, argv[0], &fa, &at, argv,
			  opts->envp ? opts->envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(o[1]);
	close(e[1]);
	if (opts->input)
		close(i[0]);
	if (rc) {
		close(o[0]);
		close(e[0]);
		if (opts->input)
			close(i[1]);
		return -rc;
	}
	collect(o[0], e[0], i[1], opts->input, pid, opts->timeout_ms, res);
	close(o[0]);
	close(e[0]);
	while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

void tst_proc_free(struct tst_proc *res)
{
	free(res->out);
	free(res->err);
	memset(res, 0, sizeof(*res));
}

static bool named(const char *entry, const char *name)
{
	size_t n = strcspn(name, "=");
	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

static bool in_list(const char *entry, const char *const *list)
{
	for (; list && *list; list++)
		if (named(entry, *list))
			return true;
	return false;
}

char **tst_env(const char *const *add, const char *const *drop)
{
	size_t n = 0, k = 0;
	for (char **e = environ; *e; e++)
		n++;
	for (const char *const *a = add; a && *a; a++)
		n++;
	char **env = calloc(n + 1, sizeof(*env));
	for (char **e = environ; *e; e++)
		if (!in_list(*e, drop) && !in_list(*e, add))
			env[k++] = strdup(*e);
	for (const char *const *a = add; a && *a; a++)
		env[k++] = strdup(*a);
	return env;
}

void tst_env_free(char **env)
{
	for (char **e = env; e && *e; e++)
		free(*e);
	free(env);
}

int tst_shell_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}
