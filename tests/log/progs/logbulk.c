/* Test host for the audit log under load:
 *
 *	logbulk bulk CALLS   2 processes of 2 threads each make CALLS calls in
 *	                     all: every 50th a posix_spawn of /bin/true (and
 *	                     its wait), the others a failing execve whose
 *	                     argv is {"bulk", "P-T-I", FILLER}, FILLER one
 *	                     letter per thread repeated I*7 % 2000 times
 *	logbulk loop N       N failing execve calls in one thread
 *
 * Exits 0 when every call did what it should. */
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { PROCS = 2, THREADS = 2, SPAWN_EVERY = 50, FILLER_MAX = 2000 };

static long per_thread;
static int proc_no;

static int one_exec(int thread, long i)
{
	static __thread char filler[FILLER_MAX + 1];
	char id[64];
	size_t len = (size_t)(i * 7 % FILLER_MAX);
	char *argv[] = {"bulk", id, filler, NULL};

	snprintf(id, sizeof(id), "%d-%d-%ld", proc_no, thread, i);
	memset(filler, 'a' + proc_no * THREADS + thread, len);
	filler[len] = '\0';
	return execve("/nonexistent/cordon-bulk", argv, environ) == -1 && errno == ENOENT;
}

static int one_spawn(void)
{
	char *argv[] = {"true", NULL};
	pid_t pid;
	int status;

	return posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) == 0 &&
	       waitpid(pid, &status, 0) == pid && status == 0;
}

static void *worker(void *arg)
{
	int thread = (int)(long)arg;
	long bad = 0;

	for (long i = 0; i < per_thread; i++)
		bad += !(i % SPAWN_EVERY == SPAWN_EVERY - 1 ? one_spawn()
							    : one_exec(thread, i));
	return (void *)bad;
}

static int run_threads(void)
{
	pthread_t t[THREADS];
	long bad = 0;

	for (long i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i))
			return 1;
	for (int i = 0; i < THREADS; i++) {
		void *b;
		pthread_join(t[i], &b);
		bad += (long)b;
	}
	if (bad)
		fprintf(stderr, "logbulk: process %d: %ld calls went wrong\n", proc_no,
			bad);
	return bad != 0;
}

static int bulk(long calls)
{
	pid_t pid;
	int status;

	per_thread = calls / (PROCS * THREADS);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 1;
	proc_no = pid == 0;
	int rc = run_threads();
	if (pid == 0)
		_exit(rc);
	if (waitpid(pid, &status, 0) != pid || status != 0)
		rc = 1;
	return rc;
}

int main(int argc, char **argv)
{
	char *eargv[] = {"loop", NULL};

	if (argc != 3)
		return 2;
	if (strcmp(argv[1], "bulk") == 0)
		return bulk(atol(argv[2]));
	for (long i = atol(argv[2]); i > 0; i--)
		if (execve("/nonexistent/cordon-loop", eargv, environ) != -1 ||
		    errno != ENOENT)
			return 1;
	return 0;
}
