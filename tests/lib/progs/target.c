/* The job the test hosts start: reports its namespaces to the tests'
 * channel (tests/lib/nsreport.h), prints what the host's caller must see
 * unchanged (argv, env minus CORDON_*, open fds, cwd), then acts on its
 * argv words "exit:N", "kill:SIG", "ns" (namespace inodes on stdout, which
 * differ by tier and are printed only when asked). */
#include "tests/lib/nsreport.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* cordon's own variables: CORDON_*, and at tier none (the real call,
 * untouched) the LD_PRELOAD that loads the shim. */
static int cordons(const char *e)
{
	size_t n = strlen(e);

	return strncmp(e, "CORDON_", 7) == 0 ||
	       (strncmp(e, "LD_PRELOAD=", 11) == 0 && n >= 13 &&
		strcmp(e + n - 13, "/libcordon.so") == 0);
}

static void print_env(void)
{
	size_t n = 0;

	while (environ[n])
		n++;
	char **sorted = calloc(n + 1, sizeof(*sorted));
	if (!sorted)
		exit(3);
	memcpy(sorted, environ, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_str);
	for (size_t i = 0; i < n; i++)
		if (!cordons(sorted[i]))
			printf("env %s\n", sorted[i]);
	free(sorted);
}

static void print_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	printf("fds");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			printf(" %s", e->d_name);
	printf("\n");
	if (d)
		closedir(d);
}

static void print_ns(void)
{
	static const char *const ns[] = {"user", "pid", "ipc", "mnt", "net"};

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		char p[64];
		struct stat st;
		snprintf(p, sizeof(p), "/proc/self/ns/%s", ns[i]);
		printf("ns %s %llu\n", ns[i],
		       stat(p, &st) == 0 ? (unsigned long long)st.st_ino : 0ULL);
	}
}

/* The signal mask and ignored signals it was started with. */
static void print_signals(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "SigBlk:", 7) == 0 || strncmp(line, "SigIgn:", 7) == 0)
			printf("%s", line);
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	char cwd[4096];

	tst_report_ns(argv);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	print_env();
	print_fds();
	printf("cwd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	print_signals();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "ns") == 0)
			print_ns();
		else if (strncmp(argv[i], "exit:", 5) == 0)
			return atoi(argv[i] + 5);
		else if (strncmp(argv[i], "kill:", 5) == 0) {
			fflush(stdout);
			signal(atoi(argv[i] + 5), SIG_DFL);
			raise(atoi(argv[i] + 5));
		}
	}
	return 0;
}
