/* cordon test library: suite registration, running commands, staging. */
#ifndef CORDON_TST_H
#define CORDON_TST_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A suite registers itself from a constructor; runner.c runs them all,
 * sorted by name. A file holds one or more suites:
 *
 *	static CU_TestInfo tests[] = {{"name", fn}, CU_TEST_INFO_NULL};
 *	TST_SUITE("helper.exit", tests)
 */
void tst_register(const char *name, CU_TestInfo *tests);
#define TST_SUITE_2(line, name, tests)                                                   \
	__attribute__((constructor)) static void tst_reg_##line(void)                    \
	{                                                                                \
		tst_register(name, tests);                                               \
	}
#define TST_SUITE_1(line, name, tests) TST_SUITE_2(line, name, tests)
#define TST_SUITE(name, tests)	       TST_SUITE_1(__LINE__, name, tests)

/* Says the current test could not run here and why ("SKIPPED: ..." on
 * stdout, counted in the runner's closing lines). Call, then return. */
void tst_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Path of an artifact in the build tree the runner belongs to, e.g.
 * tst_build("cordon-helper"), tst_build("tests/shim/execve"). The string
 * lives until the next 16 calls. */
const char *tst_build(const char *rel);

/* A writable directory for files the tests make. Visible to the sandbox in
 * every tier: never under /tmp, /var/tmp or /dev/shm. */
const char *tst_scratch(void);

/* Writes a file under tst_scratch() (mode as given) and returns its path
 * (lives until the next 16 calls). */
const char *tst_write_file(const char *name, const char *content, mode_t mode);

bool tst_is_root(void);

/* The result of one command. out/err are NUL-terminated. */
struct tst_proc {
	int status; /* as from waitpid */
	char *out;
	size_t out_len;
	char *err;
	size_t err_len;
	bool timed_out;
};

struct tst_opts {
	char *const *envp; /* NULL: the runner's environ */
	const char *input; /* NULL: stdin is /dev/null */
	int timeout_ms;	   /* 0: 20 s; on expiry the process group is killed */
	bool keep_stderr;  /* stderr passes through instead of being captured */
};

/* Runs argv (argv[0] searched in PATH) in its own process group, captures
 * stdout and stderr. Returns 0, or -errno when it could not be started. */
int tst_run(char *const argv[], const struct tst_opts *opts, struct tst_proc *res);
void tst_proc_free(struct tst_proc *res);

/* environ plus the given "NAME=value" entries (replacing same-named ones),
 * minus the names in drop (NULL-terminated lists, either may be NULL).
 * Free with tst_env_free. */
char **tst_env(const char *const *add, const char *const *drop);
void tst_env_free(char **env);

/* Exit code or 128+signal, as a shell reports it; -1 if neither. */
int tst_shell_status(int status);

#endif
