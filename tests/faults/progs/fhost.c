/* A host under stress: makes one entry point's call after using up a
 * resource, and reports what the caller sees (the same with and without
 * libcordon.so, or a defined refusal):
 *
 *	fhost [-n|-N] [-m BYTES] [-s BYTES] [-b BYTES] CALL FILE ARGV0 [ARG...]
 *
 * CALL is execve, spawn, spawnp, system or popen (FILE is then the shell
 * command). -n: every fd up to RLIMIT_NOFILE (soft limit lowered to 64) is
 * in use when the call is made, all close-on-exec (-N: inherited by the
 * job); -m: RLIMIT_AS is the host's address space plus BYTES; -s: RLIMIT_STACK is
 * BYTES (the kernel bounds argv+env by a quarter of it, at least 128 KiB);
 * -b: one more argument of BYTES 'x's; -e: the job's env is empty (the
 * host's own, with cordon's variables, stays the host's).
 *
 * Output: "errno=NAME" when the call failed, else the job's output and
 * "exit N" / "signal N"; "free fds N" after the call (-n). Also:
 *
 *	fhost edge FILE	the largest -b for which posix_spawn(FILE, "true", ...)
 *			still succeeds with RLIMIT_STACK 256 KiB ("edge N")
 *	fhost orphan FILE ARGV0 [ARG...]
 *			a subreaper forks a host that spawns the job and dies
 *			of SIGKILL at once; reports the job's parent after
 *			that and its status (it is ours to reap then). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
/* The job's env: environ, or (-e) an empty one. */
static char **job_env;
static char *no_env[] = {NULL};

static void report(int status)
{
	if (WIFEXITED(status))
		printf("exit %d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("signal %d\n", WTERMSIG(status));
	else
		printf("status %#x\n", status);
}

static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

static void limit(int res, rlim_t v)
{
	struct rlimit rl = {v, v};

	if (setrlimit(res, &rl) < 0) {
		perror("fhost: setrlimit");
		exit(2);
	}
}

/* Leaves no fd free below RLIMIT_NOFILE: close-on-exec ones (a host's own
 * files), or (inherit) ones the job gets too. */
static void fill_fds(bool inherit)
{
	struct rlimit rl = {64, 64};
	int flags = O_RDONLY | (inherit ? 0 : O_CLOEXEC);

	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		exit(2);
	while (open("/dev/null", flags) >= 0)
		;
	if (errno != EMFILE)
		exit(2);
}

/* The host's address space now, in bytes. */
static rlim_t vm_size(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmSize:", 7) == 0)
			kib = atol(line + 7);
	if (!f || kib < 0)
		exit(2);
	fclose(f);
	return (rlim_t)kib * 1024;
}

static int free_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 64; fd++)
		n += fcntl(fd, F_GETFD) < 0;
	return n;
}

static int call_spawn(int p, const char *file, char **argv)
{
	pid_t pid = 0;
	int err = (p ? posix_spawnp : posix_spawn)(&pid, file, NULL, NULL, argv, job_env);

	return err ? -err : pid;
}

/* The exec happens in a child, as a host would do it; the child reports a
 * failure itself (its stdout is ours). */
static int call_execve(const char *file, char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		execve(file, argv, job_env);
		printf("errno=%s\n", strerrorname_np(errno));
		fflush(stdout);
		_exit(99);
	}
	return pid < 0 ? -errno : pid;
}

static int call_system(const char *cmd)
{
	int st;

	errno = 0;
	st = system(cmd);
	if (st == -1) {
		printf("system=-1 errno=%s\n", strerrorname_np(errno));
		return 0;
	}
	report(st);
	return 0;
}

static int call_popen(const char *cmd)
{
	char buf[4096];
	size_t n;
	FILE *fp = popen(cmd, "r");

	if (!fp)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		fwrite(buf, 1, n, stdout);
	report(pclose(fp));
	return 0;
}

/* A pid to wait for, 0 when reported already, or -errno. */
static int call(const char *how, const char *file, char **argv)
{
	if (strcmp(how, "spawn") == 0 || strcmp(how, "spawnp") == 0)
		return call_spawn(how[5] == 'p', file, argv);
	if (strcmp(how, "execve") == 0)
		return call_execve(file, argv);
	if (strcmp(how, "system") == 0)
		return call_system(file);
	if (strcmp(how, "popen") == 0)
		return call_popen(file);
	fprintf(stderr, "fhost: unknown call %s\n", how);
	exit(2);
}

static char *xs(long n)
{
	char *s = malloc((size_t)n + 1);

	if (!s)
		exit(2);
	memset(s, 'x', (size_t)n);
	s[n] = '\0';
	return s;
}

/* Binary search of the largest extra argument posix_spawn still takes. */
static int edge(const char *file)
{
	long lo = 0, hi = 256 * 1024;
	char *argv[] = {"true", NULL, NULL};

	limit(RLIMIT_STACK, 256 * 1024);
	while (lo < hi) {
		long mid = (lo + hi + 1) / 2;
		argv[1] = xs(mid);
		int pid = call_spawn(0, file, argv);
		free(argv[1]);
		if (pid > 0)
			reap(pid);
		if (pid > 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	printf("edge %ld\n", lo);
	return 0;
}

/* The job outlives its host: it is reparented to the nearest subreaper. */
static int orphan(char **argv)
{
	int fds[2];
	char line[32] = "";
	pid_t host, job;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || pipe(fds) < 0)
		return 2;
	host = fork();
	if (host == 0) {
		close(fds[0]);
		int pid = call_spawn(0, argv[0], argv + 1);
		dprintf(fds[1], "%d\n", pid);
		raise(SIGKILL);
	}
	close(fds[1]);
	if (host < 0 || read(fds[0], line, sizeof(line) - 1) <= 0)
		return 2;
	job = atoi(line);
	printf("host %s\n", WIFSIGNALED(reap(host)) ? "killed" : "not killed");
	if (job <= 0) {
		printf("errno=%s\n", strerrorname_np(-job));
		return 0;
	}
	/* Ours now: waitpid works only on a child. */
	int st = reap(job);
	printf("job reparented %s\n", st == -1 ? "elsewhere" : "to the subreaper");
	if (st != -1)
		report(st);
	return 0;
}

int main(int argc, char **argv)
{
	int o, fill = 0;
	long as_slack = -1;
	bool inherit = false;
	long big = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	job_env = environ;
	while ((o = getopt(argc, argv, "+enNm:s:b:")) != -1)
		switch (o) {
		case 'e':
			job_env = no_env;
			break;
		case 'N':
			inherit = true;
			/* fall through */
		case 'n':
			fill = 1;
			break;
		case 'm':
			as_slack = atol(optarg);
			break;
		case 's':
			limit(RLIMIT_STACK, (rlim_t)atol(optarg));
			break;
		case 'b':
			big = atol(optarg);
			break;
		default:
			return 2;
		}
	argv += optind;
	argc -= optind;
	if (argc == 2 && strcmp(argv[0], "edge") == 0)
		return edge(argv[1]);
	if (argc >= 3 && strcmp(argv[0], "orphan") == 0)
		return orphan(argv + 1);
	if (argc < 3) {
		fprintf(stderr,
			"usage: fhost [-e] [-n] [-m B] [-s B] [-b B] CALL FILE ARGV0 "
			"[ARG...]\n");
		return 2;
	}
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args)
		return 2;
	for (int i = 2; i < argc; i++)
		args[i - 2] = argv[i];
	if (big)
		args[argc - 2] = xs(big);
	if (fill)
		fill_fds(inherit);
	if (as_slack >= 0)
		limit(RLIMIT_AS, vm_size() + (rlim_t)as_slack);
	int pid = call(argv[0], argv[1], args);
	int nfree = fill ? free_fds() : 0;
	if (pid < 0)
		printf("errno=%s\n", strerrorname_np(-pid));
	else if (pid > 0)
		report(reap(pid));
	if (fill)
		printf("free fds %d\n", nfree);
	return 0;
}
