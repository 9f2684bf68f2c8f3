/* Test host for popen()/pclose(): FILE is the shell command, ARGV0 the
 * mode ("r", "re", "w", ...). Reading: copies the command's output; writing:
 * feeds it one line. Two streams are open at once, as POSIX requires the
 * second child not to inherit the first stream. */
#include "tests/shim/progs/host.h"

#include <fcntl.h>

static void copy(FILE *in)
{
	char buf[4096];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, stdout);
}

static int call(const char *file, char **argv)
{
	const char *mode = argv[0];
	FILE *first = popen("cat >/dev/null", "w"), *fp;
	int status;

	if (!first)
		return -errno;
	fp = popen(file, mode);
	if (!fp) {
		int err = errno;
		pclose(first);
		return -err;
	}
	int fdflags = fcntl(fileno(fp), F_GETFD);
	printf("cloexec %d\n", fdflags >= 0 && (fdflags & FD_CLOEXEC));
	fflush(stdout);
	if (strchr(mode, 'r'))
		copy(fp);
	else
		fputs("line for the command\n", fp);
	status = pclose(fp);
	printf("first %d\n", pclose(first));
	host_report_status(status);
	return 0;
}
