/* The spawn harness: a host that starts N short jobs with posix_spawn +
 * waitpid, one after another (-p 1) or P at a time, and prints the mean wall
 * time per job in microseconds. The driver (scripts/bench) decides what the
 * harness is: plain, or with libcordon.so preloaded into it.
 *
 *   spawn [-p P] [-m MIB] [-e NAME=VALUE]... N JOB [ARG...]
 *   -m MIB   touch MIB of resident memory first (a big host)
 *   -e       add to the jobs' environment
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static char **job_env(char **add, int nadd)
{
	size_t n = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + (size_t)nadd + 1, sizeof(*env));
	if (!env)
		exit(2);
	memcpy(env, environ, n * sizeof(*env));
	memcpy(env + n, add, (size_t)nadd * sizeof(*env));
	return env;
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void start(char **argv, char **env)
{
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], NULL, NULL, argv, env);
	if (rc) {
		fprintf(stderr, "spawn: %s: %s\n", argv[0], strerror(rc));
		exit(2);
	}
}

static void reap(void)
{
	int st;
	while (wait(&st) < 0)
		if (errno != EINTR) {
			perror("spawn: wait");
			exit(2);
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "spawn: a job failed (status 0x%x)\n", st);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	char *add[16];
	int nadd = 0, par = 1, opt;
	long mib = 0, n, started = 0, running = 0;

	while ((opt = getopt(argc, argv, "+p:m:e:")) != -1) {
		if (opt == 'p')
			par = atoi(optarg);
		else if (opt == 'm')
			mib = atol(optarg);
		else if (opt == 'e' && nadd < 16)
			add[nadd++] = optarg;
		else
			return 2;
	}
	if (argc - optind < 2 || par < 1) {
		fprintf(
		    stderr,
		    "usage: spawn [-p P] [-m MIB] [-e NAME=VALUE]... N JOB [ARG...]\n");
		return 2;
	}
	n = atol(argv[optind]);
	if (mib > 0) {
		char *big = malloc((size_t)mib << 20);
		if (!big)
			return 2;
		memset(big, 1, (size_t)mib << 20);
	}
	char **env = job_env(add, nadd);
	char **job = argv + optind + 1;
	double t0 = now_us();
	while (started < n || running > 0) {
		if (started < n && running < par) {
			start(job, env);
			started++;
			running++;
			continue;
		}
		reap();
		running--;
	}
	printf("%.2f\n", (now_us() - t0) / (double)n);
	return 0;
}
