/* cordon-helper's entry: parse the shim's command line, become the monitor.
 * `cordon-helper --validate NAME VALUE` answers whether VALUE is good for the
 * option --NAME (the launcher's check of its own options, with the rules
 * the shim and the helper apply); `cordon-helper --features` what this
 * kernel offers the filesystem policy (`cordon check` reports it). */
#include "helper/helper.h"

#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static _Noreturn void validate(int argc, char **argv)
{
	const char *why;

	if (argc != 4)
		die(2, "usage: cordon-helper --validate NAME VALUE");
	if (req_value_ok(argv[2], argv[3], &why) < 0)
		die(2, "'%s' is not a value for --%s: it must be %s", argv[3], argv[2],
		    why);
	_exit(0);
}

/* One line per feature, "NAME VALUE", stable words (docs/design.md). */
static _Noreturn void features(void)
{
	int f = fs_features(), abi = landlock_abi();
	char out[160];
	size_t n = fmt_sn(
	    out, sizeof(out), "mount_setattr %s\nopen_tree %s\nopenat2 %s\nlandlock %d\n",
	    f & FS_HAS_SETATTR ? "yes" : "no", f & FS_HAS_CLONE ? "yes" : "no",
	    f & FS_HAS_OPENAT2 ? "yes" : "no", abi > 0 ? abi : 0);

	_exit(write(STDOUT_FILENO, out, n) == (ssize_t)n ? 0 : 1);
}

/* DEV:INO given as "-": the file PATH names now is the job's file. */
static void resolve_any(struct helper_req *a)
{
	struct stat st;
	int dirfd = a->dirfd >= 0 ? a->dirfd : AT_FDCWD;

	if (fstatat(dirfd, a->path, &st, *a->path ? 0 : AT_EMPTY_PATH) < 0)
		cannot_execute(a, errno);
	a->dev = st.st_dev;
	a->ino = st.st_ino;
}

int main(int argc, char **argv)
{
	static struct helper_req a;
	static struct job j;
	const char *why;

	if (argc > 1 && strcmp(argv[1], "--validate") == 0)
		validate(argc, argv);
	if (argc == 2 && strcmp(argv[1], "--features") == 0)
		features();
	if (req_parse(argc, argv, &a, &why) < 0)
		die(EXIT_SETUP,
		    "bad helper command line (%s): libcordon.so and cordon-helper are "
		    "probably from different versions; reinstall cordon",
		    why);
	die_status_fd(a.status_fd);
	if (a.any_file)
		resolve_any(&a);
	j.a = &a;
	j.pg = page_make();
	/* The target's env on our stack, beside the one the kernel put there
	 * (whose size the kernel already bounded by the stack limit): a heap
	 * page would stay resident in the monitor and in init alike. */
	// cppcheck-suppress allocaCalled
	char **slots = alloca((env_count(environ) + 3) * sizeof(*slots));
	target_env_prepare(&j, environ, slots);
	monitor_run(&j, argc, argv);
}
