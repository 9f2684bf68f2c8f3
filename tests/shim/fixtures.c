/* See fixtures.h. */
#include "tests/shim/fixtures.h"
#include "tests/shim/sutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void mk(const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/shim/%s", tst_scratch(), rel);
	mkdir(p, 0755);
}

static void setup(void)
{
	char src[PATH_MAX], dst[PATH_MAX], text[2 * PATH_MAX];
	static const char *const dirs[] = {"",	     "bin",  "err",  "err/dir",
					   "noexec", "loop", "empty"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mk(dirs[i]);
	snprintf(text, sizeof(text), "#!/bin/sh\n%s\necho \"cmd 0=$0 $*\"\n",
		 tst_nsreport_sh());
	tst_write_file("shim/bin/cmd", text, 0755);
	snprintf(text, sizeof(text), "#!/bin/sh\n%s\necho \"0=$0 $*\"\nexit 5\n",
		 tst_nsreport_sh());
	tst_write_file("shim/script.sh", text, 0755);
	tst_write_file("shim/err/noexec", "#!/bin/sh\necho never\n", 0644);
	tst_write_file("shim/err/file", "data\n", 0644);
	/* No #!: the exec*p family and the compat spawns run it with sh, a
	 * shell host in a child of its own: nsreport then is the job. */
	snprintf(text, sizeof(text), "'%s'\necho garbage ran \"$0\"\n", tst_nsreport());
	tst_write_file("shim/err/garbage", text, 0755);
	tst_write_file("shim/err/badint", "#!/nonexistent/interp\n", 0755);
	tst_write_file("shim/noexec/cmd", "#!/bin/sh\necho never\n", 0644);
	snprintf(dst, sizeof(dst), "%s/shim/err/loop", tst_scratch());
	unlink(dst);
	if (symlink("loop", dst) < 0)
		abort();
	snprintf(dst, sizeof(dst), "%s/shim/loop/cmd", tst_scratch());
	unlink(dst);
	if (symlink("cmd", dst) < 0)
		abort();
	/* A copy of the target program, for relative and PATH lookups. */
	snprintf(src, sizeof(src), "%s", s_prog("target"));
	snprintf(dst, sizeof(dst), "%s/shim/bin/target", tst_scratch());
	char *cp[] = {"cp", src, dst, NULL};
	struct tst_proc r;
	if (tst_run(cp, NULL, &r) != 0 || r.status != 0)
		abort();
	tst_proc_free(&r);
}

const char *fx(const char *rel)
{
	static bool done;
	static char ring[16][PATH_MAX];
	static unsigned next;
	char *p = ring[next++ % 16];

	if (!done) {
		setup();
		done = true;
	}
	snprintf(p, PATH_MAX, "%s/shim/%s", tst_scratch(), rel);
	return p;
}
