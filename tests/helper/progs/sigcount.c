/* sigcount N: forks N children that block every signal and wait, prints
 * "ready", then counts the instances of SIGRTMIN and of SIGUSR1 it receives
 * (all blocked, taken with sigwaitinfo) until SIGUSR2, prints
 * "rt R usr1 U" and ends its children. The signals' targets under test:
 * its pid alone, or its process group (the children included). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0, rt = 0, usr1 = 0;
	sigset_t all;
	pid_t kids[1024];

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (int i = 0; i < n && i < 1024; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			int s;
			sigset_t term;
			sigemptyset(&term);
			sigaddset(&term, SIGTERM);
			sigwait(&term, &s);
			_exit(0);
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		siginfo_t si;
		int s = sigwaitinfo(&all, &si);
		if (s == SIGRTMIN)
			rt++;
		else if (s == SIGUSR1)
			usr1++;
		else if (s == SIGUSR2)
			break;
	}
	printf("rt %d usr1 %d\n", rt, usr1);
	fflush(stdout);
	for (int i = 0; i < n && i < 1024; i++) {
		kill(kids[i], SIGTERM);
		waitpid(kids[i], NULL, 0);
	}
	return 0;
}
