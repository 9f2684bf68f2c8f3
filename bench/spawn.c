/* The benchmark's host: starts short jobs the way a job runner does
 * (posix_spawn + waitpid) and reports the wall time per job. Run with
 * LD_PRELOAD=libcordon.so in its own environment, its posix_spawn is the
 * shim's; run plainly with a wrapper argv prefix (floor, bwrap, unshare),
 * it measures that wrapper. One run is one round of one configuration:
 * scripts/bench interleaves the configurations round by round.
 *
 *   spawn [-n JOBS] [-j 1|2] [-H MIB] [-f] [-e VAR=VALUE]... -- PROG [ARG...]
 *     prints the mean wall time per job of this round, in nanoseconds
 *   spawn -r [-H MIB] -- PROG [ARG...]
 *     starts one job (PROG should sleep), prints the VmRSS and the Pss in
 *     KiB of the spawned process (the monitor) and of its child when that
 *     has a child of its own (an init between the monitor and the job;
 *     else 0): "RSS_MONITOR RSS_INIT PSS_MONITOR PSS_INIT"
 *
 * -j 2 keeps two jobs in flight; -H touches MIB MiB of memory first (a big
 * host); -f uses fork + execve instead of posix_spawn (the reference for a
 * fork-based launcher); -e adds VAR=VALUE to the jobs' environment only. */
#include <dirent.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { MAX_EXTRA_ENV = 8 };

struct opts {
	long jobs;
	int parallel;
	long host_mib;
	int use_fork;
	int rss;
	char **argv;
	char **envp;
};

static void __attribute__((noreturn)) die(const char *what, int err)
{
	fprintf(stderr, "spawn: %s: %s\n", what, strerror(err));
	exit(1);
}

static long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

static pid_t start(const struct opts *o)
{
	pid_t pid;
	int rc;

	if (!o->use_fork) {
		rc = posix_spawn(&pid, o->argv[0], NULL, NULL, o->argv, o->envp);
		if (rc != 0)
			die(o->argv[0], rc);
		return pid;
	}
	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (pid == 0) {
		execve(o->argv[0], o->argv, o->envp);
		_exit(127);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid", errno);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "spawn: a job failed: status 0x%x\n", status);
		exit(1);
	}
}

/* Jobs one after another, or two in flight: a new one starts as soon as
 * either finishes. */
static long run_jobs(const struct opts *o)
{
	long started = 0, done = 0, t0;
	int in_flight = 0;

	reap(start(o)); /* warm the page cache and the shim's first call */
	t0 = now_ns();
	while (done < o->jobs) {
		while (in_flight < o->parallel && started < o->jobs) {
			start(o);
			started++;
			in_flight++;
		}
		reap(-1);
		in_flight--;
		done++;
	}
	return (now_ns() - t0) / o->jobs;
}

/* The first number after KEY in /proc/PID/FILE, or -1. */
static long proc_field(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	size_t len = strlen(key);
	long value = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, len) == 0 &&
		    sscanf(line + len, "%ld", &value) == 1)
			break;
	fclose(f);
	return value;
}

/* The first child of pid: /proc/PID/task/PID/children when the kernel has
 * it (CONFIG_PROC_CHILDREN), else a scan of /proc for the PPid. */
static pid_t child_of(pid_t pid)
{
	char path[64];
	int child = 0;
	struct dirent *d;
	FILE *f;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%d", &child) != 1)
			child = 0;
		fclose(f);
		return (pid_t)child;
	}
	dir = opendir("/proc");
	if (!dir)
		die("/proc", errno);
	while (child == 0 && (d = readdir(dir)))
		if (atoi(d->d_name) > 0 &&
		    proc_field(atoi(d->d_name), "status", "PPid:") == pid)
			child = atoi(d->d_name);
	closedir(dir);
	return (pid_t)child;
}

/* Read beside the live job, once the launcher has had ample time to build
 * the sandbox and exec it (the job sleeps for half a second). VmRSS counts
 * every resident page mapped, the static binary's shared text included;
 * Pss (smaps_rollup, Linux >= 4.14) splits each shared page among its users:
 * both are printed, -1 where the kernel would not tell. */
static int run_rss(const struct opts *o)
{
	struct timespec settle = {0, 250 * 1000 * 1000};
	pid_t pid = start(o), init;
	long rss[2] = {-1, 0}, pss[2] = {-1, 0};

	nanosleep(&settle, NULL);
	rss[0] = proc_field(pid, "status", "VmRSS:");
	pss[0] = proc_field(pid, "smaps_rollup", "Pss:");
	init = child_of(pid);
	if (init > 0 && child_of(init) > 0) {
		rss[1] = proc_field(init, "status", "VmRSS:");
		pss[1] = proc_field(init, "smaps_rollup", "Pss:");
	}
	printf("%ld %ld %ld %ld\n", rss[0], rss[1], pss[0], pss[1]);
	reap(pid);
	return 0;
}

static char **job_env(char **extra, int n_extra)
{
	size_t n = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + (size_t)n_extra + 1, sizeof(*env));
	if (!env)
		die("calloc", errno);
	memcpy(env, extra, (size_t)n_extra * sizeof(*env));
	memcpy(env + n_extra, environ, n * sizeof(*env));
	return env;
}

static void __attribute__((noreturn)) usage(void)
{
	fputs("usage: spawn [-n JOBS] [-j 1|2] [-H MIB] [-f] [-e VAR=VALUE]... -- PROG "
	      "[ARG...]\n"
	      "       spawn -r [-H MIB] -- PROG [ARG...]\n",
	      stderr);
	exit(2);
}

static void parse(int argc, char **argv, struct opts *o)
{
	static char *extra[MAX_EXTRA_ENV];
	int c, n_extra = 0;

	*o = (struct opts){.jobs = 100, .parallel = 1};
	while ((c = getopt(argc, argv, "+n:j:H:fre:")) != -1) {
		switch (c) {
		case 'n':
			o->jobs = atol(optarg);
			break;
		case 'j':
			o->parallel = atoi(optarg);
			break;
		case 'H':
			o->host_mib = atol(optarg);
			break;
		case 'f':
			o->use_fork = 1;
			break;
		case 'r':
			o->rss = 1;
			break;
		case 'e':
			if (n_extra == MAX_EXTRA_ENV)
				usage();
			extra[n_extra++] = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || o->jobs < 1 || o->parallel < 1 || o->parallel > 2 ||
	    o->host_mib < 0)
		usage();
	o->argv = argv + optind;
	o->envp = job_env(extra, n_extra);
}

int main(int argc, char **argv)
{
	struct opts o;
	char *host = NULL;

	parse(argc, argv, &o);
	if (o.host_mib > 0) {
		/* Resident, not just reserved: a fork-based launcher copies the
		 * page tables of every touched page. */
		host = malloc((size_t)o.host_mib << 20);
		if (!host)
			die("malloc", errno);
		memset(host, 1, (size_t)o.host_mib << 20);
	}
	if (o.rss)
		return run_rss(&o);
	printf("%ld\n", run_jobs(&o));
	free(host);
	return 0;
}
