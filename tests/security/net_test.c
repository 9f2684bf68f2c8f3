/* Host listeners a job tries to reach. */
#include "tests/security/sec.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const tiers[] = SEC_TIERS;

static int listen_on(int family, const void *addr, socklen_t len)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(bind(fd, addr, len), 0);
	CU_ASSERT_EQUAL_FATAL(listen(fd, 16), 0);
	return fd;
}

static void attempt(const char *what, const char *arg, const char *want[2])
{
	char *argv[] = {(char *)sec_prog("escape"), (char *)what, (char *)arg, NULL};

	sec_expect(NULL, NULL, argv, "ok\n");
	for (size_t t = 0; t < 2; t++)
		sec_expect(tiers[t], NULL, argv, want[t]);
}

/* TCP on the host's loopback and an abstract unix socket: lockdown's
 * network namespace has its own lo and its own abstract names; hardened
 * shares the host's network (documented), but Landlock's scope (ABI 6)
 * refuses it the host's abstract sockets. A unix socket bound in the
 * filesystem is a file: reachable wherever the file is, in lockdown too
 * (documented: CORDON_HIDDEN hides one; lockdown's private /run, /tmp...). */
static void test_listeners(void)
{
	static const char *const reached[2] = {"ok\n", "ok\n"};
	static const char *const refused[2] = {"ok\n", "ECONNREFUSED\n"};
	const char *abstract[2] = {sec_landlock_abi() >= 6 ? "EPERM\n" : "ok\n",
				   "ECONNREFUSED\n"};
	struct sockaddr_in in = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_un ab = {.sun_family = AF_UNIX}, path = {.sun_family = AF_UNIX};
	socklen_t len = sizeof(in);
	char port[16], name[64];

	if (!sec_sandbox_ok())
		return;
	int tcp = listen_on(AF_INET, &in, sizeof(in));
	CU_ASSERT_EQUAL_FATAL(getsockname(tcp, (struct sockaddr *)&in, &len), 0);
	snprintf(port, sizeof(port), "%u", (unsigned)ntohs(in.sin_port));
	snprintf(name, sizeof(name), "cordon-escape-%d", (int)getpid());
	memcpy(ab.sun_path + 1, name, strlen(name));
	int abst = listen_on(
	    AF_UNIX, &ab,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name)));
	snprintf(path.sun_path, sizeof(path.sun_path), "%s/sock", tst_scratch());
	unlink(path.sun_path);
	int file = listen_on(AF_UNIX, &path, sizeof(path));

	attempt("tcp", port, (const char **)refused);
	attempt("abstract", name, abstract);
	attempt("unix", path.sun_path, (const char **)reached);
	close(tcp);
	close(abst);
	close(file);
	unlink(path.sun_path);
}

static CU_TestInfo tests[] = {
    {"host loopback and abstract sockets: lockdown's network, hardened's scope",
     test_listeners},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.net", tests)
