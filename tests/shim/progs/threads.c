/* Test host: 8 threads posix_spawn FILE at once, 8 times each, and wait
 * for their own children. Reports how many jobs exited 0. */
#include "tests/shim/progs/host.h"

#include <pthread.h>
#include <spawn.h>

enum { THREADS = 8, ROUNDS = 8 };
static const char *job_file;
static char **job_argv;

static void *worker(void *arg)
{
	long ok = 0;

	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid;
		int status;
		if (posix_spawn(&pid, job_file, NULL, NULL, job_argv, environ) == 0 &&
		    waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			ok++;
	}
	return (void *)ok;
}

static int call(const char *file, char **argv)
{
	pthread_t t[THREADS];
	long total = 0;

	job_file = file;
	job_argv = argv;
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, NULL))
			return -EAGAIN;
	for (int i = 0; i < THREADS; i++) {
		void *ok;
		pthread_join(t[i], &ok);
		total += (long)ok;
	}
	printf("%ld of %d jobs exited 0\n", total, THREADS * ROUNDS);
	return 0;
}
