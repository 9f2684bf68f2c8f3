/* A host under load: runs many jobs with posix_spawn and checks what a
 * host can see of them afterwards:
 *
 *	lhost seq N FILE ARGV0 [ARG...]		N jobs, one after another
 *	lhost par N FILE ARGV0 [ARG...]		N jobs alive at once
 *	lhost threads N FILE ARGV0 [ARG...]	N threads, 16 jobs each, all
 *						spawning at the same moment
 *	lhost idle N FILE ARGV0 [ARG...]	N long jobs alive at once; prints
 *						the memory of the processes
 *						between each and the host, then
 *						ends them with SIGTERM
 *
 * An argument "%" becomes the job's number modulo 100; job i must exit
 * with that number (idle: die of SIGTERM). The host is a subreaper, so
 * anything a job leaves behind becomes its child. It prints
 *
 *	jobs N wrong W		W statuses were not the expected one
 *	fds kept		(or "fds before A after B")
 *	leftover L		processes still around after the last job
 *
 * and, for idle, "idle N: per job, monitor+init PSS P KiB RSS R KiB (the
 * job itself: PSS J KiB)". Exit 0 when it could run at all. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { PER_THREAD = 16, MAX_JOBS = 4096 };

static const char *file;
static char **args;
static int nargs;
static int wrong;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static pid_t spawn_job(int i)
{
	char num[16], *argv[64];
	pid_t pid;
	int err;

	snprintf(num, sizeof(num), "%d", i % 100);
	for (int a = 0; a < nargs && a < 63; a++)
		argv[a] = strcmp(args[a], "%") == 0 ? num : args[a];
	argv[nargs < 63 ? nargs : 63] = NULL;
	err = posix_spawn(&pid, file, NULL, NULL, argv, environ);
	if (err) {
		fprintf(stderr, "lhost: job %d: posix_spawn: %s\n", i, strerror(err));
		return -1;
	}
	return pid;
}

static void check(int i, pid_t pid, int want_sig)
{
	int st;
	bool ok;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = -1;
			break;
		}
	ok = want_sig ? st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == want_sig
		      : st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == i % 100;
	if (!ok) {
		pthread_mutex_lock(&lock);
		if (wrong++ < 5)
			fprintf(stderr, "lhost: job %d: status %#x\n", i, st);
		pthread_mutex_unlock(&lock);
	}
}

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n - 1; /* the DIR's own */
}

/* Children left: zombies to reap and processes still running, all of which
 * a subreaper inherits. Reaps the zombies, kills and reaps the rest. */
static int leftover(void)
{
	char path[300], line[256];
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
		FILE *f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (strncmp(line, "PPid:", 5) == 0 &&
			    atoi(line + 5) == getpid()) {
				fprintf(stderr, "lhost: left over: pid %s\n", e->d_name);
				kill(atoi(e->d_name), SIGKILL);
				n++;
			}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return n;
}

static void run_seq(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = spawn_job(i);
		if (pid < 0)
			wrong++;
		else
			check(i, pid, 0);
	}
}

static pid_t pids[MAX_JOBS];

static int start_all(int n)
{
	int started = 0;

	for (int i = 0; i < n; i++) {
		pids[i] = spawn_job(i);
		started += pids[i] > 0;
		wrong += pids[i] <= 0;
	}
	return started;
}

static void run_par(int n)
{
	start_all(n);
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			check(i, pids[i], 0);
}

static pthread_barrier_t gate;

static void *spawner(void *arg)
{
	int base = (int)(long)arg * PER_THREAD;
	pid_t own[PER_THREAD];

	pthread_barrier_wait(&gate);
	for (int i = 0; i < PER_THREAD; i++)
		own[i] = spawn_job(base + i);
	for (int i = 0; i < PER_THREAD; i++) {
		if (own[i] > 0) {
			check(base + i, own[i], 0);
		} else {
			pthread_mutex_lock(&lock);
			wrong++;
			pthread_mutex_unlock(&lock);
		}
	}
	return NULL;
}

static void run_threads(int n)
{
	pthread_t t[64];

	if (n > 64 || pthread_barrier_init(&gate, NULL, (unsigned)n))
		exit(2);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, spawner, (void *)(long)i))
			exit(2);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("jobs %d ", n * PER_THREAD);
}

/* The first child of pid (its only one, for monitor and init), 0 if none. */
static pid_t child_of(pid_t pid)
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

/* "Pss:" or "Rss:" of smaps_rollup in KiB, -1 when unreadable. */
static long mem_kib(pid_t pid, const char *key)
{
	char path[64], line[256];
	long v = -1;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = atol(line + strlen(key));
	if (f)
		fclose(f);
	return v;
}

static bool is_comm(pid_t pid, const char *want)
{
	char path[64], comm[64] = "";

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	FILE *f = fopen(path, "r");
	if (f && !fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	if (f)
		fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, want) == 0;
}

/* The job of pids[i]: the grandchild (monitor, init, job), 0 until it runs
 * its program. Plainly the host's child is the job itself: nothing is in
 * between, and nothing is measured. */
static pid_t job_of(int i, const char *name, pid_t *init)
{
	*init = pids[i] > 0 ? child_of(pids[i]) : 0;
	pid_t job = *init > 0 ? child_of(*init) : 0;

	return job > 0 && is_comm(job, name) ? job : 0;
}

/* Waits (up to 60 s) until every job runs its program, then sums what
 * sits between each job and the host. */
static void measure(int n)
{
	const char *name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	long pss = 0, rss = 0, job_pss = 0;
	int ready = 0, counted = 0;
	pid_t init;

	for (int tries = 0; tries < 600 && ready < n; tries++) {
		ready = 0;
		for (int i = 0; i < n; i++)
			ready += job_of(i, name, &init) > 0;
		if (ready < n)
			usleep(100 * 1000);
	}
	for (int i = 0; i < n; i++) {
		pid_t job = job_of(i, name, &init);
		if (!job)
			continue;
		long p1 = mem_kib(pids[i], "Pss:"), p2 = mem_kib(init, "Pss:");
		long r1 = mem_kib(pids[i], "Rss:"), r2 = mem_kib(init, "Rss:");
		long pj = mem_kib(job, "Pss:");
		if (p1 < 0 || p2 < 0 || r1 < 0 || r2 < 0 || pj < 0)
			continue;
		pss += p1 + p2;
		rss += r1 + r2;
		job_pss += pj;
		counted++;
	}
	printf("idle %d running %d measured %d", n, ready, counted);
	if (counted)
		printf(": per job, monitor+init PSS %ld KiB RSS %ld KiB (the job "
		       "itself: PSS %ld KiB)",
		       pss / counted, rss / counted, job_pss / counted);
	printf("\n");
}

static void run_idle(int n)
{
	start_all(n);
	measure(n);
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			check(i, pids[i], SIGTERM);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 5 || atoi(argv[2]) < 1 || atoi(argv[2]) > MAX_JOBS) {
		fprintf(stderr,
			"usage: lhost seq|par|threads|idle N FILE ARGV0 [ARG...]\n");
		return 2;
	}
	const char *mode = argv[1];
	int n = atoi(argv[2]);
	file = argv[3];
	args = argv + 4;
	nargs = argc - 4;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return 2;
	int fds = count_fds();
	if (strcmp(mode, "seq") == 0)
		run_seq(n);
	else if (strcmp(mode, "par") == 0)
		run_par(n);
	else if (strcmp(mode, "threads") == 0)
		run_threads(n);
	else if (strcmp(mode, "idle") == 0)
		run_idle(n);
	else
		return 2;
	if (strcmp(mode, "threads") != 0)
		printf("jobs %d ", n);
	printf("wrong %d\n", wrong);
	int after = count_fds();
	if (after == fds)
		printf("fds kept\n");
	else
		printf("fds before %d after %d\n", fds, after);
	printf("leftover %d\n", leftover());
	return 0;
}
