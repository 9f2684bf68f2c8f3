/* A host that makes one hostile call, run plainly and under libcordon.so
 * by the hostile suite:
 *
 *	hostile [thread:|thread-vfork:]FUNCTION CASE TARGET
 *
 * FUNCTION is execve, execvp, posix_spawn or posix_spawnp; CASE one of
 * the cases below; TARGET the program to start (tests/hostile/progs/
 * dump.c). It prints what the caller sees: "errno=NAME" when an exec
 * failed, the job's "exit N" or "signal N" after the job's own output, and
 * "ret=NAME" for what posix_spawn* returned. A host that crashes in
 * libc crashes the same way with the shim or without. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { MANY = 100000 };

struct call {
	const char *file;
	char **argv, **envp;
};

/* environ plus hostile entries, NULL-terminated, on the heap. */
static char **env_plus(char *const *add)
{
	size_t n = 0, k = 0, a = 0;

	while (environ[n])
		n++;
	while (add[a])
		a++;
	char **v = calloc(n + a + 1, sizeof(*v));
	if (!v)
		exit(99);
	for (size_t i = 0; i < n; i++)
		v[k++] = environ[i];
	for (size_t i = 0; i < a; i++)
		v[k++] = add[i];
	return v;
}

static char **many_args(const char *argv0)
{
	char **v = calloc(MANY + 1, sizeof(*v));
	static char digits[MANY][8];

	if (!v)
		exit(99);
	v[0] = (char *)argv0;
	for (int i = 1; i < MANY; i++) {
		snprintf(digits[i], sizeof(digits[i]), "%d", i % 1000);
		v[i] = digits[i];
	}
	return v;
}

static int setup(const char *c, const char *target, struct call *k)
{
	static char *plain[3];
	static char *no_eq[] = {"NOEQUALS", "=", "=value", "LD_PRELOAD", "A=1", NULL};
	static char *bytes_env[] = {"BYTES=\xff\xfe\x80", "\xc0\xaf=overlong",
				    "LATIN=caf\xe9", NULL};
	static char *bytes_argv[] = {NULL, "\xff", "\xed\xa0\x80", "\xc3(", "", NULL};
	static char *empty0[] = {"", "second", NULL};

	plain[0] = (char *)target;
	plain[1] = "one";
	/* Where the job reports its namespaces (tests/lib/nsreport.h): its
	 * env, but a NULL envp leaves it none, so an argument then. */
	static char ns[4200];
	const char *file = getenv("TST_NS");
	if (file && snprintf(ns, sizeof(ns), "TST_NS=%s", file) < (int)sizeof(ns) &&
	    strcmp(c, "null-envp") == 0)
		plain[1] = ns;
	k->file = target;
	k->argv = plain;
	k->envp = environ;
	if (strcmp(c, "null-argv") == 0)
		k->argv = NULL;
	else if (strcmp(c, "null-envp") == 0)
		k->envp = NULL;
	else if (strcmp(c, "empty-path") == 0)
		k->file = "";
	else if (strcmp(c, "many-args") == 0)
		k->argv = many_args(target);
	else if (strcmp(c, "no-equals") == 0)
		k->envp = env_plus(no_eq);
	else if (strcmp(c, "non-utf8") == 0) {
		bytes_argv[0] = (char *)target;
		k->argv = bytes_argv;
		k->envp = env_plus(bytes_env);
	} else if (strcmp(c, "empty-argv0") == 0)
		k->argv = empty0;
	else
		return -1;
	return 0;
}

static void report_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			printf("waitpid=%s\n", strerrorname_np(errno));
			return;
		}
	if (WIFEXITED(status))
		printf("exit %d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("signal %d\n", WTERMSIG(status));
}

/* Bytes of private writable mappings (the heap, anonymous maps, stacks). */
static unsigned long long private_rw(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long long lo, hi, sum = 0;
	char perm[8], line[512];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx %7s", &lo, &hi, perm) == 3 &&
		    strcmp(perm, "rw-p") == 0)
			sum += hi - lo;
	if (f)
		fclose(f);
	return sum;
}

static void exec_in_child(const char *fn, struct call *k, bool use_vfork);

/* A vfork child's exec that works leaves behind, in this process, any
 * memory it mapped; a later exec from this thread must not find more than
 * before (a failing one here: its own memory goes back at once). */
static void vfork_leaves_nothing(const char *fn, struct call *k)
{
	unsigned long long before = private_rw();
	struct call missing = {"/nonexistent/cordon-hostile", k->argv, k->envp};

	exec_in_child(fn, k, true);
	exec_in_child(fn, &missing, true);
	printf("private memory grew by 1 MiB or more: %s\n",
	       private_rw() >= before + (1 << 20) ? "yes" : "no");
}

/* The exec family in a child; the errno comes back as its report. With
 * vfork, the child runs on this thread's stack. */
static void exec_in_child(const char *fn, struct call *k, bool use_vfork)
{
	fflush(stdout);
	pid_t pid = use_vfork ? vfork() : fork();
	if (pid < 0) {
		printf("fork=%s\n", strerrorname_np(errno));
		return;
	}
	if (pid == 0) {
		if (strcmp(fn, "execve") == 0) {
			execve(k->file, k->argv, k->envp);
		} else {
			/* execvp takes the env from environ: NULL there as well. */
			environ = k->envp;
			execvp(k->file, k->argv);
		}
		/* write(2): stdio is the parent's after a vfork. */
		char line[64];
		int n =
		    snprintf(line, sizeof(line), "errno=%s\n", strerrorname_np(errno));
		(void)!write(STDOUT_FILENO, line, (size_t)n);
		_exit(127);
	}
	report_status(pid);
}

static void spawn(const char *fn, struct call *k)
{
	pid_t pid;
	int rc = strcmp(fn, "posix_spawn") == 0
		     ? posix_spawn(&pid, k->file, NULL, NULL, k->argv, k->envp)
		     : posix_spawnp(&pid, k->file, NULL, NULL, k->argv, k->envp);

	/* After the job: its output and this line must not race. */
	if (rc == 0)
		report_status(pid);
	printf("ret=%s\n", rc ? strerrorname_np(rc) : "0");
}

struct job {
	const char *fn;
	struct call k;
	bool use_vfork;
};

static void *run(void *arg)
{
	struct job *j = arg;

	if (strncmp(j->fn, "exec", 4) == 0 && j->use_vfork)
		vfork_leaves_nothing(j->fn, &j->k);
	else if (strncmp(j->fn, "exec", 4) == 0)
		exec_in_child(j->fn, &j->k, false);
	else
		spawn(j->fn, &j->k);
	return NULL;
}

/* FUNCTION may be prefixed: "thread:" makes the call from a thread with a
 * small stack (256 KiB), "thread-vfork:" also execs from a vfork child of
 * that thread. */
int main(int argc, char **argv)
{
	struct job j = {argv[1], {0}, false};
	bool thread = false;

	if (argc == 4 && strncmp(j.fn, "thread:", 7) == 0) {
		j.fn += 7;
		thread = true;
	} else if (argc == 4 && strncmp(j.fn, "thread-vfork:", 13) == 0) {
		j.fn += 13;
		thread = j.use_vfork = true;
	}
	if (argc != 4 || setup(argv[2], argv[3], &j.k) < 0) {
		fprintf(stderr,
			"usage: hostile [thread:|thread-vfork:]FUNCTION CASE TARGET\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!thread) {
		run(&j);
		return 0;
	}
	pthread_attr_t a;
	pthread_t t;
	if (pthread_attr_init(&a) || pthread_attr_setstacksize(&a, 256 * 1024) ||
	    pthread_create(&t, &a, run, &j) || pthread_join(t, NULL)) {
		fprintf(stderr, "hostile: cannot run a thread\n");
		return 2;
	}
	return 0;
}
