/* The report a job makes of its namespaces (tests/lib/cordon.h: the
 * proof), for the test programs that are jobs: one line
 *
 *	ns user:[N] pid:[N] ipc:[N] mnt:[N] net:[N]
 *
 * appended with one write(2) to the file $TST_NS names, or, in a job
 * started with no environment, an argument TST_NS=FILE. Nothing when
 * neither is there: the comparison then finds no report and fails. */
#ifndef CORDON_TST_NSREPORT_H
#define CORDON_TST_NSREPORT_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void tst_report_ns(char *const argv[])
{
	static const char *const kinds[] = {"user", "pid", "ipc", "mnt", "net"};
	const char *file = getenv("TST_NS");
	char line[512] = "ns";
	size_t len = 2;
	int saved = errno;

	for (size_t i = 0; !file && argv && argv[i]; i++)
		if (strncmp(argv[i], "TST_NS=", 7) == 0)
			file = argv[i] + 7;
	if (!file || !*file)
		return;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char p[32], ns[64];
		snprintf(p, sizeof(p), "/proc/self/ns/%s", kinds[i]);
		ssize_t n = readlink(p, ns, sizeof(ns) - 1);
		ns[n < 0 ? 0 : n] = '\0';
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s",
					n < 0 ? "?" : ns);
	}
	line[len++] = '\n';
	int fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, line, len);
		close(fd);
	}
	errno = saved;
}

#endif
