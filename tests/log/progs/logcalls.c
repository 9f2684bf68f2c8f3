/* Test host for the audit log: runs its arguments as a list of actions, in
 * order, and prints on stdout what each returned, so that a run with and
 * without CORDON_LOG can be compared:
 *
 *	exec:PATH          execve(PATH, {"exec", "a b"}, environ): must fail
 *	execenv:PATH:VAR   the same with VAR ("NAME=value") added to envp
 *	spawn:PATH         posix_spawn, then waitpid
 *	system:CMD         system(CMD)
 *	popen:CMD          popen(CMD, "r"), its output, pclose
 *	setenv:NAME=VALUE  unsetenv:NAME  chdir:DIR
 *	fds                the host's open fds
 *	pid                the host's pid */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void report_status(const char *what, int status)
{
	if (status == -1)
		printf("%s -1 errno=%s\n", what, strerrorname_np(errno));
	else if (WIFEXITED(status))
		printf("%s exit %d\n", what, WEXITSTATUS(status));
	else
		printf("%s status %#x\n", what, status);
}

static void fds(void)
{
	char p[32];

	printf("fds");
	for (int fd = 0; fd < 1024; fd++) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		if (access(p, F_OK) == 0)
			printf(" %d", fd);
	}
	printf("\n");
}

static void exec_env(const char *path, const char *var)
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

static void spawn(const char *path)
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
	report_status("spawn", status);
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
	report_status("pclose", pclose(fp));
}

static void action(char *a)
{
	char *arg = strchr(a, ':');

	if (strcmp(a, "fds") == 0)
		fds();
	else if (strcmp(a, "pid") == 0)
		printf("pid=%d\n", (int)getpid());
	else if (!arg)
		exit(2);
	else if (*arg++ = '\0', strcmp(a, "exec") == 0)
		exec_env(arg, NULL);
	else if (strcmp(a, "execenv") == 0) {
		char *var = strchr(arg, ':');
		if (!var)
			exit(2);
		*var++ = '\0';
		exec_env(arg, var);
	} else if (strcmp(a, "spawn") == 0)
		spawn(arg);
	else if (strcmp(a, "system") == 0)
		report_status("system", system(arg));
	else if (strcmp(a, "popen") == 0)
		do_popen(arg);
	else if (strcmp(a, "setenv") == 0)
		printf("setenv %d\n", putenv(arg));
	else if (strcmp(a, "unsetenv") == 0)
		printf("unsetenv %d\n", unsetenv(arg));
	else if (strcmp(a, "chdir") == 0)
		printf("chdir %d\n", chdir(arg));
	else
		exit(2);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		action(argv[i]);
	return 0;
}
