/* Reports namespaces (tests/lib/nsreport.h), then runs its arguments, if
 * any, in its place:
 *
 *	nsreport [CMD [ARG...]]
 *	nsreport --fds 3</proc/self/ns/user 4</proc/self/ns/pid 5</proc/self/ns/ipc
 *		 6</proc/self/ns/mnt 7</proc/self/ns/net
 *
 * The first reports its own: for a job that is nsreport itself (a host's
 * spawn of it, `timeout ... nsreport CMD`, xargs'). The second reports
 * those of the process that opened fds 3 to 7 (they are closed then): a
 * shell that runs it in a script or a system() command reports its own
 * namespaces so, not those of a child. The difference matters: a job
 * wrongly run outside the sandbox with the shim still loaded would start
 * its children in one, and a child's report would hide that
 * (tst_nsreport_sh() is the second form as a shell command). */
#include "tests/lib/nsreport.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--fds") == 0) {
		int fds[TST_NS_KINDS];
		for (int i = 0; i < TST_NS_KINDS; i++)
			fds[i] = 3 + i;
		tst_report_ns_of(NULL, fds);
		for (int i = 0; i < TST_NS_KINDS; i++)
			close(fds[i]);
		argc--;
		argv++;
	} else {
		tst_report_ns(NULL);
	}
	if (argc < 2)
		return 0;
	execvp(argv[1], argv + 1);
	fprintf(stderr, "nsreport: %s: %s\n", argv[1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
