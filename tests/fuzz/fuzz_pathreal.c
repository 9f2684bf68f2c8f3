/* The exec*p family's file resolution (shim/call.c call_resolve with PATH
 * search, over shim/path.c and shim/probe.c) against the real thing:
 * over a directory tree made once, a generated PATH and cwd, glibc's
 * execvp runs in a forked child, and the errno it ends with (0: it ran
 * the file, itself or through /bin/sh) must be the shim's verdict. */
#include "shim/shim.h"
#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char root[PATH_MAX];
static int start_dir; /* libFuzzer's paths are relative to it */

/* PATH elements an input byte picks from; "@" is the tree's root. */
static const char *const elems[] = {
    "",		   /* the cwd */
    "@/bin",	   /* x: an ELF */
    "@/noexec",	   /* x: mode 0644: EACCES, searched on */
    "@/dir",	   /* x: a directory: EACCES */
    "@/missing",   /* ENOENT */
    "@/file",	   /* a file as a directory: ENOTDIR */
    "@/script",	   /* x: no #!: ENOEXEC, run by /bin/sh */
    "@/badinterp", /* x: #! to nothing: ENOENT, searched on */
    "@/loop",	   /* x: a symlink to itself: ELOOP, the end */
    "bin",	   /* relative to the cwd */
    "!",	   /* longer than PATH_MAX: glibc's quirk */
};
enum { NELEMS = sizeof(elems) / sizeof(elems[0]) };

static void put(const char *rel, const char *text, mode_t mode)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) < 0 || fchmod(fd, mode) < 0)
		abort();
	close(fd);
}

static void dir(const char *rel)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (mkdir(p, 0755) < 0)
		abort();
}

static void copy_true(const char *rel)
{
	char cmd[PATH_MAX * 2];
	snprintf(cmd, sizeof(cmd), "cp /bin/true '%s/%s'", root, rel);
	if (system(cmd) != 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	start_dir = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (start_dir < 0)
		abort();
	snprintf(root, sizeof(root), "%s/cordon-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		abort();
	dir("bin");
	copy_true("bin/x");
	dir("noexec");
	put("noexec/x", "#!/bin/sh\n", 0644);
	dir("dir");
	dir("dir/x");
	put("file", "", 0644);
	dir("script");
	put("script/x", "exit 0\n", 0755);
	dir("badinterp");
	put("badinterp/x", "#!/nonexistent/interp\n", 0755);
	dir("loop");
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/loop/x", root);
	if (symlink(p, p) < 0)
		abort();
	dir("empty");
	/* libFuzzer ends with _Exit: the tree stays; make fuzz points TMPDIR
	 * into the build tree and empties it before each run. */
	return 0;
}

static void make_path(const uint8_t *d, size_t n, char *path, size_t size)
{
	size_t len = 0;

	path[0] = '\0';
	for (size_t i = 0; i < n && i < 8; i++) {
		const char *e = elems[d[i] % NELEMS];
		char one[PATH_MAX + 64];
		if (e[0] == '@')
			snprintf(one, sizeof(one), "%s%s", root, e + 1);
		else if (e[0] == '!')
			memset(one, 'l', PATH_MAX + 8), one[0] = '/',
							one[PATH_MAX + 8] = '\0';
		else
			snprintf(one, sizeof(one), "%s", e);
		len +=
		    (size_t)snprintf(path + len, size - len, "%s%s", i ? ":" : "", one);
		if (len >= size)
			abort();
	}
}

/* glibc's execvp in a child: the errno it ends with, 0 when it ran. */
static int real_errno(const char *file)
{
	int fds[2], err = 0;

	if (pipe2(fds, O_CLOEXEC) < 0)
		abort();
	pid_t pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		char *argv[] = {(char *)file, NULL};
		int devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 1);
		dup2(devnull, 2);
		/* glibc leaves errno alone when it tries nothing. */
		errno = EUCLEAN;
		execvp(file, argv);
		err = errno;
		(void)!write(fds[1], &err, sizeof(err));
		_exit(127);
	}
	close(fds[1]);
	if (read(fds[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(fds[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[16 * (PATH_MAX + 64)];
	char cwd[PATH_MAX];

	if (size < 1)
		return 0;
	/* Bit 0: the cwd has bin/x, or nothing; bit 1: x or a name found
	 * nowhere; bit 2: PATH unset (glibc's /bin:/usr/bin). */
	snprintf(cwd, sizeof(cwd), "%s/%s", root, data[0] & 1 ? "" : "empty");
	const char *file = data[0] & 2 ? "cordon-fuzz-nowhere" : "x";
	make_path(data + 1, size - 1, path, sizeof(path));
	if (chdir(cwd) < 0)
		abort();
	if (data[0] & 4)
		unsetenv("PATH");
	else
		setenv("PATH", path, 1);

	int want = real_errno(file);
	struct call c = {.fn = "execvp",
			 .kind = CALL_EXEC,
			 .file = file,
			 .dirfd = AT_FDCWD,
			 .argv = (char *[]){(char *)file, NULL},
			 .envp = environ,
			 .search = true,
			 .sh = true};
	struct helper_req h;
	struct call_mem m;
	req_init(&h);
	if (mem_open(&m, 16384))
		abort();
	errno = EUCLEAN;
	int got = call_resolve(&c, &h, &m);
	mem_close(&m);
	if (got != want)
		fprintf(stderr, "PATH=%.300s cwd=%s file=%s: glibc %s, shim %s\n",
			data[0] & 4 ? "(unset)" : path, cwd, file,
			want ? strerrorname_np(want) : "ran",
			got ? strerrorname_np(got) : "ran");
	if (fchdir(start_dir) < 0)
		abort();
	FUZZ_CHECK(got == want);
	return 0;
}
