/* Running commands under cordon for every suite: plainly, through the shim,
 * the helper or the launcher (one function, tst_cordon_run); the proof that
 * a job ran in the sandbox (its namespaces, through a channel of the
 * tests' own); and the comparison of a run with and without cordon that
 * the differential suites make (tst_assert_same), proof included. */
#ifndef CORDON_TST_CORDON_H
#define CORDON_TST_CORDON_H

#include "tests/lib/hcmd.h"
#include "tests/lib/tst.h"

#include <stdbool.h>

/* How a command runs under cordon at a tier. */
enum tst_via {
	TST_SHIM,     /* argv is a host: libcordon.so preloaded, CORDON_TIER=tier */
	TST_HELPER,   /* argv is a job: cordon-helper tier DEV:INO PATH argv */
	TST_LAUNCHER, /* argv is a host: $(B)/cordon --tier tier -- argv */
};

struct tst_how {
	enum tst_via via;
	/* NULL: plainly, without cordon. TST_SHIM: the tier (any string;
	 * CORDON_TIER is left unset only when NULL); CORDON_HELPER is this
	 * build's helper unless env names one. */
	const char *tier;
	const char *const *env; /* "NAME=value" added last (NULL-terminated) */
	const char *input;	/* stdin; NULL: /dev/null */
	/* Words run first, the command appended to them (e.g. unshare -Ur).
	 * TST_SHIM: the shim's variables then go to the command alone,
	 * through env(1), not to the wrapping programs. */
	const char *const *wrap;
	int timeout_ms; /* 0: 20 s */
	bool sh;	/* TST_HELPER: --sh */
	/* TST_HELPER: --writable, --hidden (the filesystem policy); NULL:
	 * not given. */
	const char *writable, *hidden;
};

/* Runs argv (argv[0] searched in PATH) as how says, in an environment of
 * the runner's minus cordon's variables (CORDON_*, LD_PRELOAD), as
 * tst_run does. 0, or -errno when it could not be started. */
int tst_cordon_run(const struct tst_how *how, char *const argv[], struct tst_proc *res);

/* The helper's command line for argv at tier, as the shim would write it
 * (argv[0] resolved as execvp would, its DEV:INO; "0:0" when missing):
 * through tst_hcmd_argv. Free with tst_hcmd_free. */
char **tst_helper_cmdline(const char *tier, char *const argv[]);

/* argv[0] searched in PATH as execvp would; 0 or -errno. */
int tst_resolve(const char *name, char *out, size_t size);

/* Whether the helper can build a sandbox here; else the test is skipped
 * with the reason (one SKIPPED per test) and false returned. */
bool tst_sandbox_ok(void);

/* The proof. Every job the suites compare reports its namespaces: one line
 *
 *	ns user:[N] pid:[N] ipc:[N] mnt:[N] net:[N]
 *
 * written with one write(2) to the FIFO that $TST_NS names (the runner
 * exports it; a job started with no environment finds it as an argument
 * TST_NS=FILE instead). Not a CORDON_* variable, not the audit log:
 * nothing of cordon's can forge or drop it. The report is the job's own,
 * never a child's (a job wrongly left outside with the shim loaded would
 * sandbox its children): tests/lib/progs/target.c reports in its process;
 * tests/lib/progs/nsreport.c is a job that reports its own and then runs
 * its arguments (tst_nsreport(): `NSREPORT [CMD ARG...]` as a host's job);
 * a shell that is a job reports its own namespaces with the command
 * tst_nsreport_sh() gives (nsreport handed the shell's /proc/self/ns files
 * as fds 3-7). A shell that is the host runs nsreport as its job. */
#define TST_NS_VAR "TST_NS"
const char *tst_ns_file(void);
const char *tst_nsreport(void);
const char *tst_nsreport_sh(void);
/* Empties the FIFO (making it at the first call; a FIFO because a job
 * writes to one also where the host is read-only to it): what follows is
 * one run's. */
void tst_ns_reset(void);
/* The reports since tst_ns_reset() against the runner's own namespaces at
 * tier: none or NULL (plainly) the same ones; hardened new user, pid, ipc
 * and mnt namespaces (net the runner's); lockdown also a new net. Each
 * report that breaks that fails an assertion (what is printed names
 * run). Returns how many jobs reported, -1 after such a failure. */
int tst_ns_check(const char *tier, const char *run);

/* What a comparison's jobs must show. */
enum tst_jobs {
	TST_JOBS,	   /* at least one reports (every comparison, by default) */
	TST_NO_JOB,	   /* none runs (a failing exec, a refusal): none reports */
	TST_JOBS_AS_PLAIN, /* as many as plainly, possibly none: only where the
			      machine decides whether the plain run starts one */
};

struct tst_cmp {
	struct tst_how how;	  /* via, env, input, wrap, timeout; not tier */
	const char *const *tiers; /* NULL: TST_SHIM none hardened lockdown,
				     TST_HELPER and TST_LAUNCHER hardened lockdown */
	enum tst_jobs jobs;
	/* Text the plain run's stdout must hold (NULL: none), so that a case
	 * is known to test what it says. */
	const char *plain_shows;
};

/* argv plainly, then as c->how says at each tier (the sandboxed ones
 * skipped when !tst_sandbox_ok()): status, stdout and stderr equal, and
 * the jobs' namespaces proved (tst_ns_check), as many reports at each tier
 * as plainly. A difference prints the first line that differs. */
void tst_assert_same(const struct tst_cmp *c, char *const argv[]);

/* Asserts a and b are the same run; on a difference prints the status and
 * the first differing line of stdout and of stderr, with its number.
 * Returns whether they are. */
bool tst_assert_same_run(const char *what, const struct tst_proc *a,
			 const struct tst_proc *b);

#endif
