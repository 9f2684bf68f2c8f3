/* stopstorm SECS [FILE [STATUS]]: stops itself over and over while a child
 * of its own continues it as fast as it can, for SECS seconds of wall
 * clock; then prints "ran SECS" and exits STATUS (0). With FILE (not "-"),
 * writes there the seconds it has run so far, about every 20 ms (the last
 * figure tells when it was killed), each over the last in one write of the
 * same width: a kill between two leaves a whole figure. A job that keeps its monitor and
 * init busy with stop and continue events: time= must end it anyway. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void put(const char *file, double secs)
{
	char line[32];
	int fd = open(file, O_WRONLY | O_CREAT, 0644);

	if (fd < 0)
		return;
	snprintf(line, sizeof(line), "%12.2f\n", secs);
	(void)!pwrite(fd, line, strlen(line), 0);
	close(fd);
}

int main(int argc, char **argv)
{
	double start = now(), secs = argc > 1 ? atof(argv[1]) : 1, told = 0;
	const char *file = argc > 2 && strcmp(argv[2], "-") ? argv[2] : NULL;
	pid_t me = getpid(), c = fork();

	if (c < 0)
		return 2;
	if (c == 0)
		for (;;)
			if (kill(me, SIGCONT) < 0)
				_exit(0);
	while (now() < start + secs) {
		raise(SIGSTOP);
		if (file && now() - told > 0.02)
			put(file, (told = now()) - start);
	}
	kill(c, SIGKILL);
	printf("ran %s\n", argc > 1 ? argv[1] : "1");
	return argc > 3 ? atoi(argv[3]) : 0;
}
