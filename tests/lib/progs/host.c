/* The test host of the suites: a program that starts jobs the way hosts do
 * and prints what it sees, so that a run with libcordon.so can be compared
 * with one without (the same output) or checked for a defined refusal. It
 * runs as `host COMMAND ARG...` or through a link named after the command:
 * $(B)/tests/hosts/execve is host, one program per entry point as the
 * suites name them. Plain libc: hosts are ordinary programs.
 *
 * One call of an entry point:
 *
 *	ENTRY [-q] [-t TIER] [-C DIR] [-P PATH] [-b BYTES] [-m] [-n|-N]
 *	      [-a BYTES] [-s BYTES] [-e] [-T] [-E N] FILE ARGV0 [ARG...]
 *
 * ENTRY: execve execv execl execle execlp execvp execvpe fexecve execveat
 * vfork (vfork, then execve) posix_spawn posix_spawnp posix_spawn_compat
 * posix_spawnp_compat (their GLIBC_2.2.5 versions) pidfd_spawn pidfd_spawnp
 * (glibc 2.39's, only in the build linked with tests/lib/pidfd/: see
 * there), system and popen (FILE is the shell command; popen's ARGV0 is
 * its mode, and system's "sigint" sends the host SIGINT and SIGQUIT while
 * the command runs).
 *
 * -t puts CORDON_TIER=TIER in the job's env (environ, after load), -C
 * changes directory, -P sets PATH, -b appends an argument of BYTES 'x's,
 * -m blocks SIGUSR1 and ignores SIGUSR2 (the job inherits both); -n makes
 * every fd up to RLIMIT_NOFILE (soft limit lowered to 64) in use when the
 * call is made, all close-on-exec (-N: inherited by the job), -a sets
 * RLIMIT_AS to the host's address space plus BYTES, -s RLIMIT_STACK to
 * BYTES (the kernel bounds argv+env by a quarter of it, at least 128 KiB),
 * -e gives the job an empty env (the host's own keeps cordon's variables),
 * -T makes the call (and an exec's fork) from a thread with glibc's
 * smallest stack (16 KiB), -E N adds N variables to the environment.
 * The spawns take attributes and file actions from the env: HOST_SPAWN_ATTR
 * (an empty signal mask and SIGUSR2 back to its default in the job),
 * HOST_SPAWN_CHDIR=DIR (a chdir action), HOST_SPAWN_FCHDIR=DIR (DIR opened
 * as fd 9 in the child, fchdir to it), HOST_SPAWN_FDS (fd 7 opened on
 * /dev/null, stdin closed, everything from 8 up closed).
 *
 * It prints what the caller of the entry point sees: "errno=NAME" when the
 * call failed (the exec family calls in a forked child, which then exits
 * 99), else the job's own output and its "exit N" / "signal N"; then "free
 * fds N" (-n, -N: counted right after the call) and "host fds ..." (its
 * own, which the shim must leave as they were). system adds whether the
 * caller's signal mask is the same afterwards and system(NULL); popen
 * opens a first stream ("cat >/dev/null") that the second child must not
 * inherit, and reports both. -q: the one call alone, without "host fds"
 * and without those extras (a call that must fail says so once).
 *
 * Many jobs (posix_spawn of FILE, the host a subreaper):
 *
 *	seq|par|threads|idle N FILE ARGV0 [ARG...]
 *
 * seq: N jobs one after another; par: N alive at once; threads: N threads,
 * 16 jobs each, all spawning at the same moment; idle: N long jobs alive at
 * once, the memory of the processes between each and the host printed
 * ("idle N running R measured M: per job, monitor+init PSS P KiB RSS R
 * KiB (the job itself: PSS J KiB)"), then SIGTERM to each. An argument "%"
 * becomes the job's number i modulo 100, and job i must exit with it
 * (without one: 0; idle: die of SIGTERM). Prints "jobs N wrong W", "fds
 * kept" (or "fds before A after B") and "leftover L" (processes still
 * around after the last job, reaped).
 *
 *	edge FILE	the largest -b for which posix_spawn(FILE, "true", ...)
 *			with an empty env still succeeds with RLIMIT_STACK
 *			256 KiB ("edge N")
 *	orphan FILE ARGV0 [ARG...]
 *			a subreaper forks a host that spawns the job and dies
 *			of SIGKILL at once; reports the job's parent after that
 *			and its status (it is ours to reap then)
 *
 * A list of calls, each reported on its own line:
 *
 *	do ACTION...
 *
 *	exec:PATH          execve(PATH, {"exec", "a b"}, environ): must fail
 *	execenv:PATH:VAR   the same with VAR ("NAME=value") added to envp
 *	spawn:PATH         posix_spawn of {"spawn"}, then waitpid
 *	system:CMD         system(CMD)
 *	popen:CMD          popen(CMD, "r"), its output, pclose
 *	setenv:NAME=VALUE  unsetenv:NAME  chdir:DIR
 *	fds                the host's open fds
 *	pid                the host's pid */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
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

/* -q: the call alone. */
static bool quiet;
/* The env execve, execle, execvpe, fexecve, execveat, vfork and the spawns
 * hand the job: environ, or (-e, and edge's) an empty one. */
static char *no_env[] = {NULL};
static char **job_env;

typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

#ifdef HOST_PIDFD
/* glibc 2.39's; this glibc's headers may not declare them. */
int pidfd_spawn(int *, const char *, const posix_spawn_file_actions_t *,
		const posix_spawnattr_t *, char *const[], char *const[]);
int pidfd_spawnp(int *, const char *, const posix_spawn_file_actions_t *,
		 const posix_spawnattr_t *, char *const[], char *const[]);
#endif

static void usage(void)
{
	fprintf(stderr,
		"usage: host ENTRY [-q] [-t T] [-C D] [-P P] [-b N] [-m] [-n|-N] "
		"[-a N] [-s N] [-e] [-T] [-E N] FILE ARGV0 [ARG...]\n"
		"       host seq|par|threads|idle N FILE ARGV0 [ARG...]\n"
		"       host edge FILE | orphan FILE ARGV0 [ARG...] | do ACTION...\n");
	exit(2);
}

static void report_status(int status)
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
		perror("host: setrlimit");
		exit(2);
	}
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

/* ---- the spawns' attributes and file actions ---- */

static int spawn_attr(posix_spawnattr_t *attr)
{
	sigset_t none, usr2;

	if (posix_spawnattr_init(attr))
		return -1;
	if (!getenv("HOST_SPAWN_ATTR"))
		return 0;
	sigemptyset(&none);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	return posix_spawnattr_setsigmask(attr, &none) ||
	       posix_spawnattr_setsigdefault(attr, &usr2) ||
	       posix_spawnattr_setflags(attr,
					POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

static int spawn_actions(posix_spawn_file_actions_t *fa)
{
	const char *dir = getenv("HOST_SPAWN_CHDIR");

	if (dir && posix_spawn_file_actions_addchdir_np(fa, dir))
		return -1;
	dir = getenv("HOST_SPAWN_FCHDIR");
	if (dir &&
	    (posix_spawn_file_actions_addopen(fa, 9, dir, O_RDONLY | O_DIRECTORY, 0) ||
	     posix_spawn_file_actions_addfchdir_np(fa, 9)))
		return -1;
	if (!getenv("HOST_SPAWN_FDS"))
		return 0;
	return posix_spawn_file_actions_addopen(fa, 7, "/dev/null", O_RDONLY, 0) ||
	       posix_spawn_file_actions_addclose(fa, 0) ||
	       posix_spawn_file_actions_addclosefrom_np(fa, 8);
}

/* fn (a posix_spawn-shaped entry point; pidfd_spawn's int * fits its
 * pid_t *) with the attributes and file actions above: the pid (or pidfd),
 * or -errno. */
static int spawn_with(spawn_fn fn, const char *file, char **argv)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int err;

	if (!fn || posix_spawn_file_actions_init(&fa) || spawn_attr(&attr))
		return -ENOSYS;
	if (spawn_actions(&fa))
		return -ENOMEM;
	err = fn(&pid, file, &fa, &attr, argv, job_env ? job_env : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return err ? -err : pid;
}

/* ---- one call of an entry point ---- */

/* Up to three arguments after ARGV0 for the execl family: the tests need
 * no more. */
static int nargs(char **argv)
{
	return argv[1] ? argv[2] ? argv[3] ? 3 : 2 : 1 : 0;
}

static int call_execl(const char *file, char **a)
{
	switch (nargs(a)) {
	case 0:
		return execl(file, a[0], (char *)NULL);
	case 1:
		return execl(file, a[0], a[1], (char *)NULL);
	case 2:
		return execl(file, a[0], a[1], a[2], (char *)NULL);
	default:
		return execl(file, a[0], a[1], a[2], a[3], (char *)NULL);
	}
}

static int call_execle(const char *file, char **a)
{
	switch (nargs(a)) {
	case 0:
		return execle(file, a[0], (char *)NULL, job_env ? job_env : environ);
	case 1:
		return execle(file, a[0], a[1], (char *)NULL,
			      job_env ? job_env : environ);
	case 2:
		return execle(file, a[0], a[1], a[2], (char *)NULL,
			      job_env ? job_env : environ);
	default:
		return execle(file, a[0], a[1], a[2], a[3], (char *)NULL,
			      job_env ? job_env : environ);
	}
}

static int call_execlp(const char *file, char **a)
{
	switch (nargs(a)) {
	case 0:
		return execlp(file, a[0], (char *)NULL);
	case 1:
		return execlp(file, a[0], a[1], (char *)NULL);
	case 2:
		return execlp(file, a[0], a[1], a[2], (char *)NULL);
	default:
		return execlp(file, a[0], a[1], a[2], a[3], (char *)NULL);
	}
}

static int call_execve(const char *file, char **argv)
{
	return execve(file, argv, job_env ? job_env : environ);
}

static int call_execv(const char *file, char **argv)
{
	return execv(file, argv);
}

static int call_execvp(const char *file, char **argv)
{
	return execvp(file, argv);
}

static int call_execvpe(const char *file, char **argv)
{
	return execvpe(file, argv, job_env ? job_env : environ);
}

static int call_fexecve(const char *file, char **argv)
{
	/* An O_PATH fd, close-on-exec: the job must not inherit it. */
	int fd = open(file, O_PATH | O_CLOEXEC);
	return fd < 0 ? -1 : fexecve(fd, argv, job_env ? job_env : environ);
}

static int call_execveat(const char *file, char **argv)
{
	/* Relative to an O_PATH fd of the cwd, close-on-exec: the helper
	 * gets it through --dirfd/--cloexec and the job must not. */
	int dir = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return dir < 0 ? -1 : execveat(dir, file, argv, job_env ? job_env : environ, 0);
}

/* vfork + execve: the child shares the parent's memory, so the shim must
 * leave no trace there (errno is handed back through it, as CPython's
 * _posixsubprocess does with a pipe). */
static volatile int vfork_errno;

static int call_vfork(const char *file, char **argv)
{
	char **env_before = environ;
	pid_t pid = vfork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve(file, argv, job_env ? job_env : environ);
		vfork_errno = errno;
		_exit(99);
	}
	if (environ != env_before)
		printf("environ changed\n");
	if (vfork_errno) {
		reap(pid);
		return -vfork_errno;
	}
	return pid;
}

static int call_posix_spawn(const char *file, char **argv)
{
	return spawn_with(posix_spawn, file, argv);
}

static int call_posix_spawnp(const char *file, char **argv)
{
	return spawn_with(posix_spawnp, file, argv);
}

/* The GLIBC_2.2.5 versions retry ENOEXEC with /bin/sh. */
static int call_posix_spawn_compat(const char *file, char **argv)
{
	return spawn_with((spawn_fn)dlvsym(RTLD_DEFAULT, "posix_spawn", "GLIBC_2.2.5"),
			  file, argv);
}

static int call_posix_spawnp_compat(const char *file, char **argv)
{
	return spawn_with((spawn_fn)dlvsym(RTLD_DEFAULT, "posix_spawnp", "GLIBC_2.2.5"),
			  file, argv);
}

#ifdef HOST_PIDFD
static int call_pidfd_spawn(const char *file, char **argv)
{
	return spawn_with((spawn_fn)pidfd_spawn, file, argv);
}

static int call_pidfd_spawnp(const char *file, char **argv)
{
	return spawn_with((spawn_fn)pidfd_spawnp, file, argv);
}
#endif

/* While system() waits, SIGINT and SIGQUIT to the caller are ignored. */
static void *interrupt(void *arg)
{
	struct timespec t = {0, 200 * 1000 * 1000};

	(void)arg;
	nanosleep(&t, NULL);
	kill(getpid(), SIGINT);
	kill(getpid(), SIGQUIT);
	return NULL;
}

static int call_system(const char *file, char **argv)
{
	sigset_t before, after;
	int status;
	pthread_t t;

	if (strcmp(argv[0], "sigint") == 0 && pthread_create(&t, NULL, interrupt, NULL))
		return -EAGAIN;
	/* The kernel fills only its 64 bits of the 1024-bit sigset_t. */
	sigemptyset(&before);
	sigemptyset(&after);
	sigprocmask(SIG_SETMASK, NULL, &before);
	errno = 0;
	status = system(file);
	sigprocmask(SIG_SETMASK, NULL, &after);
	if (status == -1) {
		printf("system=-1 errno=%s\n", strerrorname_np(errno));
		return 0;
	}
	report_status(status);
	if (quiet)
		return 0;
	int changed = 0;
	for (int sig = 1; sig < 65; sig++)
		changed |= sigismember(&before, sig) != sigismember(&after, sig);
	printf("mask %s\n", changed ? "changed" : "kept");
	printf("system(NULL)=%d\n", system(NULL));
	return 0;
}

static void copy(FILE *in)
{
	char buf[4096];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, stdout);
}

/* Reading: copies the command's output; writing: feeds it one line. Two
 * streams are open at once: POSIX wants the second child not to inherit
 * the first stream. */
static int call_popen(const char *file, char **argv)
{
	const char *mode = argv[0];
	FILE *first = quiet ? NULL : popen("cat >/dev/null", "w"), *fp;
	int status;

	if (!quiet && !first)
		return -errno;
	fp = popen(file, mode);
	if (!fp) {
		int err = errno;
		if (first)
			pclose(first);
		return -err;
	}
	int fdflags = fcntl(fileno(fp), F_GETFD);
	if (!quiet)
		printf("cloexec %d\n", fdflags >= 0 && (fdflags & FD_CLOEXEC));
	fflush(stdout);
	if (strchr(mode, 'r'))
		copy(fp);
	else
		fputs("line for the command\n", fp);
	status = pclose(fp);
	if (first)
		printf("first %d\n", pclose(first));
	report_status(status);
	return 0;
}

enum kind {
	EXEC,  /* called in a forked child: returns only on failure */
	SPAWN, /* returns a pid to wait for, or -errno */
	PIDFD, /* returns a pidfd to wait on, or -errno */
	SELF,  /* reports on its own: returns 0, or -errno */
};

static const struct entry {
	const char *name;
	int (*call)(const char *file, char **argv);
	enum kind kind;
} entries[] = {
    {"execve", call_execve, EXEC},
    {"execv", call_execv, EXEC},
    {"execl", call_execl, EXEC},
    {"execle", call_execle, EXEC},
    {"execlp", call_execlp, EXEC},
    {"execvp", call_execvp, EXEC},
    {"execvpe", call_execvpe, EXEC},
    {"fexecve", call_fexecve, EXEC},
    {"execveat", call_execveat, EXEC},
    {"vfork", call_vfork, SPAWN},
    {"posix_spawn", call_posix_spawn, SPAWN},
    {"posix_spawnp", call_posix_spawnp, SPAWN},
    {"posix_spawn_compat", call_posix_spawn_compat, SPAWN},
    {"posix_spawnp_compat", call_posix_spawnp_compat, SPAWN},
#ifdef HOST_PIDFD
    {"pidfd_spawn", call_pidfd_spawn, PIDFD},
    {"pidfd_spawnp", call_pidfd_spawnp, PIDFD},
#endif
    {"system", call_system, SELF},
    {"popen", call_popen, SELF},
};

/* The host's own fds: the shim must leave none behind. */
static void report_fds(const char *label, int upto)
{
	char p[32];

	printf("%s", label);
	for (int fd = 0; fd < upto; fd++) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		if (access(p, F_OK) == 0)
			printf(" %d", fd);
	}
	printf("\n");
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

static int free_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 64; fd++)
		n += fcntl(fd, F_GETFD) < 0;
	return n;
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

static void block_usr1_ignore_usr2(void)
{
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL) < 0 ||
	    signal(SIGUSR2, SIG_IGN) == SIG_ERR)
		exit(2);
}

/* The status of a pidfd's process, as waitpid would give it. */
static int reap_pidfd(int fd)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	while (waitid(P_PIDFD, (id_t)fd, &si, WEXITED) < 0)
		if (errno != EINTR)
			return -1;
	close(fd);
	return si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0)
					: W_EXITCODE(0, si.si_status);
}

/* -E N: N more variables in the environment. */
static void env_add(long n)
{
	char name[32], value[32];

	for (long i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "HOST_VAR_%ld", i);
		snprintf(value, sizeof(value), "value-%ld", i);
		if (setenv(name, value, 1) < 0)
			exit(2);
	}
}

/* One call, its report but the extras. */
struct once {
	const struct entry *e;
	const char *file;
	char **args;
	int got, nfree, status;
};

static void *call_once(void *arg)
{
	struct once *c = arg;

	c->status = -1;
	if (c->e->kind == EXEC) {
		c->got = fork();
		if (c->got == 0) {
			c->e->call(c->file, c->args);
			printf("errno=%s\n", strerrorname_np(errno));
			fflush(stdout);
			_exit(99);
		}
		if (c->got < 0)
			c->got = -errno;
	} else {
		c->got = c->e->call(c->file, c->args);
	}
	c->nfree = free_fds();
	if (c->got < 0)
		printf("errno=%s\n", strerrorname_np(-c->got));
	else if (c->got > 0)
		c->status = c->e->kind == PIDFD ? reap_pidfd(c->got) : reap(c->got);
	return NULL;
}

/* -T: the call (and an exec's fork) from a thread with the smallest stack
 * glibc allows, PTHREAD_STACK_MIN (16 KiB). */
static void call_on_small_stack(struct once *c)
{
	pthread_attr_t a;
	pthread_t t;

	if (pthread_attr_init(&a) || pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN) ||
	    pthread_create(&t, &a, call_once, c) || pthread_join(t, NULL))
		exit(2);
}

static int run_entry(const struct entry *e, int argc, char **argv)
{
	bool fill = false, inherit = false, small = false;
	long as_slack = -1, big = 0;
	int o;

	while ((o = getopt(argc, argv, "+qt:C:P:b:mnNa:s:eTE:")) != -1)
		switch (o) {
		case 'q':
			quiet = true;
			break;
		case 'e':
			job_env = no_env;
			break;
		case 'T':
			small = true;
			break;
		case 'E':
			env_add(atol(optarg));
			break;
		case 't':
			setenv("CORDON_TIER", optarg, 1);
			break;
		case 'C':
			if (chdir(optarg) < 0)
				exit(2);
			break;
		case 'P':
			setenv("PATH", optarg, 1);
			break;
		case 'b':
			big = atol(optarg);
			break;
		case 'm':
			block_usr1_ignore_usr2();
			break;
		case 'N':
			inherit = true;
			/* fall through */
		case 'n':
			fill = true;
			break;
		case 'a':
			as_slack = atol(optarg);
			break;
		case 's':
			limit(RLIMIT_STACK, (rlim_t)atol(optarg));
			break;
		default:
			usage();
		}
	if (argc - optind < 2)
		usage();
	const char *file = argv[optind];
	char **args = calloc((size_t)(argc - optind) + 2, sizeof(*args));
	if (!args)
		exit(2);
	int n = 0;
	for (int i = optind + 1; i < argc; i++)
		args[n++] = argv[i];
	if (big > 0)
		args[n++] = xs(big);
	if (fill)
		fill_fds(inherit);
	if (as_slack >= 0)
		limit(RLIMIT_AS, vm_size() + (rlim_t)as_slack);

	fflush(stdout);
	struct once c = {e, file, args, 0, 0, -1};
	if (small)
		call_on_small_stack(&c);
	else
		call_once(&c);
	int got = c.got, nfree = c.nfree, status = c.status;
	if (got > 0 && status == -1) {
		printf("waitpid=%s\n", strerrorname_np(errno));
		return 1;
	}
	if (got > 0)
		report_status(status);
	if (fill)
		printf("free fds %d\n", nfree);
	if (got > 0 && !quiet)
		report_fds("host fds", 1024);
	return 0;
}

/* ---- many jobs ---- */

enum { PER_THREAD = 16, MAX_JOBS = 4096 };

static const char *load_file;
static char **load_args;
static int load_nargs;
static bool load_numbered;
static int wrong;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t pids[MAX_JOBS];

static pid_t spawn_job(int i)
{
	char num[16], *argv[64];
	pid_t pid;
	int err;

	snprintf(num, sizeof(num), "%d", i % 100);
	for (int a = 0; a < load_nargs && a < 63; a++)
		argv[a] = strcmp(load_args[a], "%") == 0 ? num : load_args[a];
	argv[load_nargs < 63 ? load_nargs : 63] = NULL;
	err = posix_spawn(&pid, load_file, NULL, NULL, argv, environ);
	if (err) {
		fprintf(stderr, "host: job %d: posix_spawn: %s\n", i, strerror(err));
		return -1;
	}
	return pid;
}

static void check(int i, pid_t pid, int want_sig)
{
	int st = reap(pid), want = load_numbered ? i % 100 : 0;
	bool ok = want_sig ? st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == want_sig
			   : st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == want;

	if (!ok) {
		pthread_mutex_lock(&lock);
		if (wrong++ < 5)
			fprintf(stderr, "host: job %d: status %#x\n", i, st);
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
				fprintf(stderr, "host: left over: pid %s\n", e->d_name);
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
	const char *name =
	    strrchr(load_file, '/') ? strrchr(load_file, '/') + 1 : load_file;
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

static int run_load(const char *mode, int argc, char **argv)
{
	if (argc < 4 || atoi(argv[1]) < 1 || atoi(argv[1]) > MAX_JOBS)
		usage();
	int n = atoi(argv[1]), jobs = n;
	load_file = argv[2];
	load_args = argv + 3;
	load_nargs = argc - 3;
	for (int a = 0; a < load_nargs; a++)
		load_numbered |= strcmp(load_args[a], "%") == 0;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return 2;
	int fds = count_fds();
	if (strcmp(mode, "seq") == 0)
		run_seq(n);
	else if (strcmp(mode, "par") == 0)
		run_par(n);
	else if (strcmp(mode, "threads") == 0) {
		run_threads(n);
		jobs = n * PER_THREAD;
	} else
		run_idle(n);
	printf("jobs %d wrong %d\n", jobs, wrong);
	int after = count_fds();
	if (after == fds)
		printf("fds kept\n");
	else
		printf("fds before %d after %d\n", fds, after);
	printf("leftover %d\n", leftover());
	return 0;
}

/* ---- edge, orphan ---- */

/* Binary search of the largest extra argument posix_spawn still takes. */
static int run_edge(const char *file)
{
	long lo = 0, hi = 256 * 1024;
	char *argv[] = {"true", NULL, NULL};

	limit(RLIMIT_STACK, 256 * 1024);
	job_env = no_env;
	while (lo < hi) {
		long mid = (lo + hi + 1) / 2;
		argv[1] = xs(mid);
		int pid = call_posix_spawn(file, argv);
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
static int run_orphan(char **argv)
{
	int fds[2];
	char line[32] = "";
	pid_t host, job;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || pipe(fds) < 0)
		return 2;
	host = fork();
	if (host == 0) {
		close(fds[0]);
		int pid = call_posix_spawn(argv[0], argv + 1);
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
		report_status(st);
	return 0;
}

/* ---- do ACTION... ---- */

static void do_status(const char *what, int status)
{
	if (status == -1)
		printf("%s -1 errno=%s\n", what, strerrorname_np(errno));
	else if (WIFEXITED(status))
		printf("%s exit %d\n", what, WEXITSTATUS(status));
	else
		printf("%s status %#x\n", what, status);
}

static void do_exec(const char *path, const char *var)
{
	char *argv[] = {"exec", "a b", NULL};
	size_t n = 0;

	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof(*env));
	if (!env)
		exit(2);
	memcpy(env, environ, n * sizeof(*env));
	env[n] = (char *)var;
	execve(path, argv, var ? env : environ);
	printf("exec errno=%s\n", strerrorname_np(errno));
	free(env);
}

static void do_spawn(const char *path)
{
	char *argv[] = {"spawn", NULL};
	pid_t pid;
	int status, err = posix_spawn(&pid, path, NULL, NULL, argv, environ);

	if (err) {
		printf("spawn err=%s\n", strerrorname_np(err));
		return;
	}
	if (waitpid(pid, &status, 0) != pid)
		status = -1;
	do_status("spawn", status);
}

static void do_popen(const char *cmd)
{
	FILE *fp = popen(cmd, "r");
	char buf[256];

	if (!fp) {
		printf("popen errno=%s\n", strerrorname_np(errno));
		return;
	}
	while (fgets(buf, sizeof(buf), fp))
		printf("popen out %s", buf);
	do_status("pclose", pclose(fp));
}

static void action(char *a)
{
	char *arg = strchr(a, ':');

	if (strcmp(a, "fds") == 0)
		report_fds("fds", 1024);
	else if (strcmp(a, "pid") == 0)
		printf("pid=%d\n", (int)getpid());
	else if (!arg)
		usage();
	else if (*arg++ = '\0', strcmp(a, "exec") == 0)
		do_exec(arg, NULL);
	else if (strcmp(a, "execenv") == 0) {
		char *var = strchr(arg, ':');
		if (!var)
			usage();
		*var++ = '\0';
		do_exec(arg, var);
	} else if (strcmp(a, "spawn") == 0)
		do_spawn(arg);
	else if (strcmp(a, "system") == 0)
		do_status("system", system(arg));
	else if (strcmp(a, "popen") == 0)
		do_popen(arg);
	else if (strcmp(a, "setenv") == 0)
		printf("setenv %d\n", putenv(arg));
	else if (strcmp(a, "unsetenv") == 0)
		printf("unsetenv %d\n", unsetenv(arg));
	else if (strcmp(a, "chdir") == 0)
		printf("chdir %d\n", chdir(arg));
	else
		usage();
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *self = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	/* Called by the command's name, or as host COMMAND. */
	if (strcmp(self, "host") == 0 || strncmp(self, "host-", 5) == 0) {
		if (argc < 2)
			usage();
		self = argv[1];
		argc--;
		argv++;
	}
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		if (strcmp(self, entries[i].name) == 0)
			return run_entry(&entries[i], argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(self, "seq") || !strcmp(self, "par") || !strcmp(self, "threads") ||
	    !strcmp(self, "idle"))
		return run_load(self, argc, argv);
	if (strcmp(self, "edge") == 0 && argc == 2)
		return run_edge(argv[1]);
	if (strcmp(self, "orphan") == 0 && argc >= 3)
		return run_orphan(argv + 1);
	if (strcmp(self, "do") == 0) {
		for (int i = 1; i < argc; i++)
			action(argv[i]);
		return 0;
	}
	usage();
}
