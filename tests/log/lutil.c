/* See lutil.h. */
#include "tests/log/lutil.h"
#include "tests/shim/sutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *l_log(const char *name)
{
	static char ring[8][PATH_MAX];
	static unsigned next;
	char *p = ring[next++ % 8];

	snprintf(p, PATH_MAX, "%s/log", tst_scratch());
	mkdir(p, 0755);
	snprintf(p, PATH_MAX, "%s/log/%s", tst_scratch(), name);
	unlink(p);
	return p;
}

int l_run(const char *tier, const char *log, const char *const *extra, char *const argv[],
	  struct tst_proc *res)
{
	char var[PATH_MAX + 16];
	const char *add[16];
	size_t n = 0;

	if (log) {
		snprintf(var, sizeof(var), "CORDON_LOG=%s", log);
		add[n++] = var;
	}
	for (; extra && *extra && n < 15; extra++)
		add[n++] = *extra;
	add[n] = NULL;
	return s_run(tier, add, argv, res);
}

static char *check(const char *log, const char *mode)
{
	char *argv[] = {"/usr/bin/python3", (char *)tst_build("tests/log/logcheck.py"),
			(char *)mode, (char *)log, NULL};
	struct tst_proc r;
	char *out = NULL;

	CU_ASSERT_EQUAL_FATAL(tst_run(argv, &(struct tst_opts){.timeout_ms = 60000}, &r),
			      0);
	CU_ASSERT_EQUAL(r.status, 0);
	if (r.status == 0)
		out = strdup(r.out);
	else
		printf("\n    logcheck %s: %.2000s%.1000s", log, r.out, r.err);
	tst_proc_free(&r);
	return out;
}

char *l_check(const char *log, bool summary)
{
	return check(log, summary ? "--summary" : "-");
}

char *l_check_policy(const char *log)
{
	return check(log, "--policy");
}

bool l_has(const char *out, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
		if (strncmp(p, prefix, n) == 0)
			return true;
	printf("\n    no line starting with: %s\n    in:\n%.3000s", prefix,
	       out ? out : "(no log)");
	return false;
}

size_t l_lines(const char *out)
{
	size_t n = 0;

	for (; out && *out; out++)
		n += *out == '\n';
	return n;
}

char *l_slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	ssize_t got;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return NULL;
	}
	got = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	if (len)
		*len = (size_t)got;
	return buf;
}
