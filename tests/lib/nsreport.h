/* The report a job makes of its namespaces (tests/lib/cordon.h: the
 * proof), for the test programs that are jobs: one line
 *
 *	ns user:[N] pid:[N] ipc:[N] mnt:[N] net:[N]
 *
 * written with one write(2) to the FIFO $TST_NS names, or, in a job
 * started with no environment, an argument TST_NS=FILE. Nothing when
 * neither is there: the comparison then finds no report and fails. */
#ifndef CORDON_TST_NSREPORT_H
#define CORDON_TST_NSREPORT_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The kinds, in the order of the report (and of tst_report_ns_fds). */
static const char *const tst_ns_kinds[] = {"user", "pid", "ipc", "mnt", "net"};
enum { TST_NS_KINDS = sizeof(tst_ns_kinds) / sizeof(tst_ns_kinds[0]) };

/* The namespaces of fds (one per kind, open on a /proc/PID/ns/KIND), or,
 * with fds NULL, the caller's own. */
static inline void tst_report_ns_of(char *const argv[], const int *fds)
{
	const char *file = getenv("TST_NS");
	char line[512] = "ns";
	size_t len = 2;
	int saved = errno;

	for (size_t i = 0; !file && argv && argv[i]; i++)
		if (strncmp(argv[i], "TST_NS=", 7) == 0)
			file = argv[i] + 7;
	if (!file || !*file)
		return;
	for (int i = 0; i < TST_NS_KINDS; i++) {
		char p[32];
		struct stat st;
		snprintf(p, sizeof(p), "/proc/self/ns/%s", tst_ns_kinds[i]);
		int ok = fds ? fstat(fds[i], &st) == 0 : stat(p, &st) == 0;
		if (ok)
			len += (size_t)snprintf(line + len, sizeof(line) - len,
						" %s:[%llu]", tst_ns_kinds[i],
						(unsigned long long)st.st_ino);
		else
			len += (size_t)snprintf(line + len, sizeof(line) - len, " %s:?",
						tst_ns_kinds[i]);
	}
	line[len++] = '\n';
	int fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, line, len);
		close(fd);
	}
	errno = saved;
}

static inline void tst_report_ns(char *const argv[])
{
	tst_report_ns_of(argv, NULL);
}

#endif
