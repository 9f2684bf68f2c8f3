/* hardened's Landlock scopes (ABI 6, Linux 6.12): the job shares the
 * host's network namespace, and with it the host's abstract unix sockets
 * (X11's, some session buses', daemons' control sockets); the scope
 * refuses connecting to those made outside the job's domain, while the
 * job's own keep working. The signal scope is defence in depth (the pid
 * namespace already hides host pids). No filesystem right is handled:
 * that would forbid every mount in the job's nested namespaces and their
 * uid_map writes (bwrap, podman, unshare -r). Older kernels: the job runs
 * without the scopes, as docs/security.md and `cordon check` say. */
#include "helper/helper.h"

#include <errno.h>
#include <string.h>
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
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);

	/* ENOSYS: not built in; EOPNOTSUPP: disabled at boot (lsm=). */
	return abi < 0 ? -errno : (int)abi;
}

void landlock_scope(void)
{
	struct ruleset_attr a = {0, 0, SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL};
	int fd;

	if (landlock_abi() < LANDLOCK_SCOPES_ABI)
		return;
	/* The target still holds its capabilities in the sandbox's user
	 * namespace, which restrict_self accepts instead of no_new_privs. */
	fd = (int)syscall(SYS_landlock_create_ruleset, &a, sizeof(a), 0);
	if (fd < 0 || syscall(SYS_landlock_restrict_self, fd, 0) < 0)
		die(EXIT_SETUP,
		    "cannot scope the job's abstract unix sockets and signals "
		    "(Landlock): %s",
		    strerror(errno));
	close(fd);
}
