/* The job's Landlock scopes (ABI 6, Linux 6.12). No filesystem right is
 * handled: that would forbid every mount in the job's nested namespaces and
 * their uid_map writes (bwrap, podman, unshare -r).
 *
 * Signals, at both tiers: the job stays in the process group the host made
 * (docs/helper.md), and the kernel does not filter a group's members by pid
 * namespace, so without the scope the job's kill(0, sig) or kill(-G, sig)
 * would also reach the host's processes of that group. With it, nothing
 * outside the job's domain (the sandbox's init and monitor, every host
 * process) can be signalled by the job; signals to the job from outside are
 * not affected.
 *
 * Abstract unix sockets, at hardened: the job shares the host's network
 * namespace, and with it the host's abstract unix sockets (X11's, some
 * session buses', daemons' control sockets); the scope refuses connecting
 * to those made outside the job's domain, while the job's own keep working.
 *
 * An older kernel (or Landlock off): no scope; the monitor has then given
 * the job a process group of its own (job.own_group), so its kill(0) stays
 * inside, and hardened's abstract sockets stay the host's, as
 * docs/security.md and `cordon check` say. Raw system calls (helper.h,
 * SYS_RAW): this runs in the target. */
#include "helper/helper.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

enum { CREATE_RULESET_VERSION = 1, SCOPE_ABSTRACT_UNIX_SOCKET = 1, SCOPE_SIGNAL = 2 };

/* The ABI 6 layout (24 bytes); the kernel takes it whole or not at all. */
struct ruleset_attr {
	uint64_t handled_access_fs, handled_access_net, scoped;
};

int landlock_abi(void)
{
	long abi = SYS(SYS_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);

	/* ENOSYS: not built in; EOPNOTSUPP: disabled at boot (lsm=). */
	return (int)abi;
}

/* The ruleset's fd, in a table that is a copy of the host's and may be
 * full: then one slot is borrowed by raising the soft RLIMIT_NOFILE for the
 * moment, where the hard limit allows. */
static long ruleset(const struct ruleset_attr *a)
{
	struct {
		uint64_t cur, max;
	} was, more;
	long fd = SYS(SYS_landlock_create_ruleset, a, sizeof(*a), 0);

	if (fd != -EMFILE || SYS(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &was) < 0 ||
	    was.cur >= was.max)
		return fd;
	more.cur = was.cur + 1;
	more.max = was.max;
	if (SYS(SYS_prlimit64, 0, RLIMIT_NOFILE, &more, NULL) < 0)
		return fd;
	fd = SYS(SYS_landlock_create_ruleset, a, sizeof(*a), 0);
	SYS(SYS_prlimit64, 0, RLIMIT_NOFILE, &was, NULL);
	return fd;
}

void landlock_scope(enum tier tier)
{
	struct ruleset_attr a = {0, 0, SCOPE_SIGNAL};
	long fd, r;

	if (landlock_abi() < LANDLOCK_SCOPES_ABI)
		return;
	if (tier == TIER_HARDENED)
		a.scoped |= SCOPE_ABSTRACT_UNIX_SOCKET;
	/* The target still holds its capabilities in its user namespace,
	 * which restrict_self accepts instead of no_new_privs. */
	fd = ruleset(&a);
	r = fd < 0 ? fd : SYS(SYS_landlock_restrict_self, fd, 0);
	if (r < 0)
		die(EXIT_SETUP, "cannot scope the job's signals (Landlock): %s",
		    strerror((int)-r));
	SYS(SYS_close, fd);
}
