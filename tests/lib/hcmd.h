/* The helper's command line (docs/design.md), as the tests write it: every
 * test that runs cordon-helper directly builds its argv here, and nowhere
 * else, with the shim's own writer (common/contract.c req_build).
 *
 *	HELPER [OPTION...] TIER DEV:INO PATH ARGV0 [ARG...]
 *
 * Plain libc and nothing of the runner's: the fuzz targets link it too. */
#ifndef CORDON_TST_HCMD_H
#define CORDON_TST_HCMD_H

#include <stdbool.h>

struct tst_hcmd {
	const char *helper; /* the helper's path: argv[0] */
	bool sh;
	int dirfd, cloexec;   /* -1: not given */
	const char *tmp_size; /* NULL: not given */
	const char *writable; /* --writable PATHS; NULL: not given */
	const char *hidden;   /* --hidden PATHS; NULL: not given */
	const char *orphans;  /* --orphans WORD; NULL: not given */
	const char *limits;   /* --limits LIST; NULL: not given */
	const char *cgroup;   /* --cgroup DIR; NULL: not given */
	bool status;	      /* --status-fd status_fd given */
	int status_fd;
	bool any_file;	  /* DEV:INO "-" */
	const char *tier; /* any word: a refusal may be under test */
	unsigned long long dev, ino;
	const char *path;
	char *const *argv; /* the job's, NULL-terminated */
};

/* The vector, NULL-terminated, each string malloc'd: free with
 * tst_hcmd_free. NULL when out of memory. */
char **tst_hcmd_argv(const struct tst_hcmd *c);
void tst_hcmd_free(char **v);

#endif
