/* Common part of the shim's test hosts: one small program per entry point
 * (execve.c, posix_spawn.c, ...), each defining call(). A host runs
 *
 *	host [-t TIER] [-C DIR] [-P PATH] [-b BYTES] FILE ARGV0 [ARG...]
 *
 * -t puts CORDON_TIER=TIER in the job's env (environ, after load), -C
 * changes directory, -P sets PATH, -b appends an argument of BYTES bytes,
 * -m blocks SIGUSR1 and ignores SIGUSR2 (the job inherits both).
 * It then reports what the caller of the entry point sees, on stdout:
 * "errno=NAME" when the call failed, else the job's "exit N"/"signal N"
 * after the job's own output. With and without libcordon.so the report
 * must be the same. Plain libc: hosts are ordinary programs. */
#ifndef CORDON_SHIM_HOST_H
#define CORDON_SHIM_HOST_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Exec family hosts define HOST_EXEC: call() runs in a forked child and
 * returns only on failure. Others return a pid or -errno. */
static int call(const char *file, char **argv);

static void host_report_status(int status)
{
	if (WIFEXITED(status))
		printf("exit %d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("signal %d\n", WTERMSIG(status));
	else
		printf("status %#x\n", status);
}

/* The host's own fds: the shim must leave none behind. */
static void host_report_fds(void)
{
	char p[32];

	printf("host fds");
	for (int fd = 0; fd < 1024; fd++) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		if (access(p, F_OK) == 0)
			printf(" %d", fd);
	}
	printf("\n");
}

static int host_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			printf("waitpid=%s\n", strerrorname_np(errno));
			return 1;
		}
	host_report_status(status);
	host_report_fds();
	return 0;
}

static void host_signals(void)
{
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL) < 0 ||
	    signal(SIGUSR2, SIG_IGN) == SIG_ERR)
		exit(2);
}

static char **host_args(int argc, char **argv, const char **file)
{
	int o;
	long big = 0;

	while ((o = getopt(argc, argv, "+t:C:P:b:m")) != -1)
		switch (o) {
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
			host_signals();
			break;
		default:
			exit(2);
		}
	if (argc - optind < 2) {
		fprintf(stderr,
			"usage: host [-t T] [-C D] [-P P] [-b N] FILE ARGV0 [ARG...]\n");
		exit(2);
	}
	*file = argv[optind];
	char **args = calloc((size_t)(argc - optind) + 2, sizeof(*args));
	if (!args)
		exit(2);
	int n = 0;
	for (int i = optind + 1; i < argc; i++)
		args[n++] = argv[i];
	if (big > 0) {
		args[n] = malloc((size_t)big + 1);
		if (!args[n])
			exit(2);
		memset(args[n], 'x', (size_t)big);
		args[n++][big] = '\0';
	}
	return args;
}

#ifdef HOST_SPAWN
#include <fcntl.h>
#include <spawn.h>

/* HOST_SPAWN_ATTR set: an empty signal mask and SIGUSR2 back to its
 * default in the job, whatever the host has (see -m). */
static int host_spawn_attr(posix_spawnattr_t *attr)
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

/* HOST_SPAWN_CHDIR=DIR: a chdir action (relative to the cwd). HOST_SPAWN_FDS set: fd 7
 * opened on /dev/null, stdin closed, everything from 8 up closed. */
static int host_spawn_actions(posix_spawn_file_actions_t *fa)
{
	const char *dir = getenv("HOST_SPAWN_CHDIR");

	if (dir && posix_spawn_file_actions_addchdir_np(fa, dir))
		return -1;
	/* HOST_SPAWN_FCHDIR=DIR: open DIR as fd 9 in the child, fchdir to it. */
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

typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

/* The spawn hosts' call(): fn (one of the four posix_spawn* versions) with
 * the attributes and file actions above; the pid, or -errno. */
static int host_spawn(spawn_fn fn, const char *file, char **argv)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int err;

	if (!fn || posix_spawn_file_actions_init(&fa) || host_spawn_attr(&attr))
		return -ENOSYS;
	if (host_spawn_actions(&fa))
		return -ENOMEM;
	err = fn(&pid, file, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return err ? -err : pid;
}
#endif

int main(int argc, char **argv)
{
	const char *file;
	char **args = host_args(argc, argv, &file);

	fflush(stdout);
#ifdef HOST_EXEC
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		call(file, args);
		printf("errno=%s\n", strerrorname_np(errno));
		fflush(stdout);
		_exit(99);
	}
	return host_wait(pid);
#else
	int pid = call(file, args);
	if (pid < 0) {
		printf("errno=%s\n", strerrorname_np(-pid));
		return 0;
	}
	return pid > 0 ? host_wait(pid) : 0;
#endif
}

#endif
