/* Prints what a program knows of its own identity: argv[0], comm, exe;
 * reports its namespaces first (tests/lib/nsreport.h). */
#include "tests/lib/nsreport.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char comm[32] = "", exe[4096] = "";
	int fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, comm, sizeof(comm) - 1);

	tst_report_ns(NULL);

	if (n > 0)
		comm[strcspn(comm, "\n")] = '\0';
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0)
		exe[n] = '\0';
	printf("%s|%s|%s|%d\n", argc > 0 ? argv[0] : "(none)", comm, exe, argc);
	return 0;
}
