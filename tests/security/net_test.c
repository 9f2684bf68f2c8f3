/* Host listeners a job tries to reach, and socket families the kernel does
 * not keep per network namespace. */
#include "tests/security/sec.h"

#include <errno.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A network namespace of its own, without cordon: what lockdown's is. */
static const char *const netns[] = {"unshare", "-U", "-n", NULL};

/* The kernel program's line for argv, plainly (wrap: NULL) or in a tier;
 * "" when it did not run. Free it. */
static char *line(const char *tier, const char *const *wrap, char *const argv[])
{
	char *out = sec_out(tier, wrap, argv);

	return out ? out : strdup("");
}

/* A host vsock port the test holds: the port, or 0 (skipped, said why). */
static unsigned vsock_port(int *fd)
{
	struct sockaddr_vm a = {.svm_family = AF_VSOCK,
				.svm_cid = VMADDR_CID_ANY,
				.svm_port = VMADDR_PORT_ANY};
	socklen_t len = sizeof(a);

	*fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0 || bind(*fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(*fd, (struct sockaddr *)&a, &len) < 0) {
		tst_skip("no vsock here (%s): the vsock escape cannot be shown; the "
			 "other families are checked",
			 strerror(errno));
		return 0;
	}
	return a.svm_port;
}

/* AF_VSOCK is global: a job binds the host's ports (the host then gets
 * EADDRINUSE) and reaches the hypervisor, from a network namespace of its
 * own too. lockdown refuses the family (EAFNOSUPPORT, high bits of the
 * family included); hardened shares the host's network and so its vsock
 * (documented). */
static void test_vsock(void)
{
	char port[16];
	int fd;

	if (!sec_sandbox_ok())
		return;
	unsigned p = vsock_port(&fd);
	if (!p) {
		if (fd >= 0)
			close(fd);
		return;
	}
	snprintf(port, sizeof(port), "%u", p);
	char *bind_it[] = {(char *)sec_prog("kernel"), "vsock-bind", port, NULL};
	sec_expect(NULL, NULL, bind_it, "EADDRINUSE\n");
	sec_expect(NULL, netns, bind_it, "EADDRINUSE\n");
	sec_expect_ns("hardened", NULL, bind_it, "EADDRINUSE\n");
	sec_expect_ns("lockdown", NULL, bind_it, "EAFNOSUPPORT\n");
	close(fd);

	char *high[] = {(char *)sec_prog("kernel"), "socket", "0x100000028", "1", NULL};
	sec_expect(NULL, NULL, high, "ok\n");
	sec_expect_ns("hardened", NULL, high, "ok\n");
	sec_expect_ns("lockdown", NULL, high, "EAFNOSUPPORT\n");
}

/* Every other family than UNIX, INET, INET6 and NETLINK: refused at
 * lockdown before the kernel looks (no module autoloading either). The
 * control for AF_PACKET (its own devices, in a network namespace of its
 * own) shows such a socket is made without the filter; the rarer families
 * are only asserted refused, so that the test loads no module (the filter's
 * logic for each is helper.filter's). */
static void test_families(void)
{
	static const char *const refused[][4] = {
	    {"socket", "0", "1"},	 /* AF_UNSPEC */
	    {"socket", "15", "3", "2"},	 /* AF_KEY, PF_KEY_V2 */
	    {"socket", "21", "5"},	 /* AF_RDS */
	    {"socket", "29", "3", "1"},	 /* AF_CAN, CAN_RAW */
	    {"socket", "30", "4"},	 /* AF_TIPC, SOCK_RDM */
	    {"socket", "31", "3", "1"},	 /* AF_BLUETOOTH, BTPROTO_HCI */
	    {"socket", "38", "5"},	 /* AF_ALG */
	    {"socket", "40", "1"},	 /* AF_VSOCK */
	    {"socket", "42", "2"},	 /* AF_QIPCRTR */
	    {"socket", "44", "3"},	 /* AF_XDP */
	    {"socketpair", "30", "5"},	 /* AF_TIPC */
	    {"socket-netns", "17", "2"}, /* AF_PACKET, in its own netns */
	    {"socket-netns", "40", "1"}, /* AF_VSOCK */
	};
	char *packet[] = {(char *)sec_prog("kernel"), "socket-netns", "17", "2", NULL};

	if (!sec_sandbox_ok())
		return;
	sec_expect(NULL, NULL, packet, "ok\n");
	sec_expect_ns("hardened", NULL, packet, "ok\n");
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char *argv[] = {(char *)sec_prog("kernel"), (char *)refused[i][0],
				(char *)refused[i][1],	    (char *)refused[i][2],
				(char *)refused[i][3],	    NULL};
		sec_expect_ns("lockdown", NULL, argv, "EAFNOSUPPORT\n");
	}
}

/* io_uring's IORING_OP_SOCKET (Linux 5.19) makes sockets without
 * socket(2), out of the family rule's sight: lockdown refuses io_uring
 * (ENOSYS, as a kernel without it); hardened keeps it. */
static void test_uring(void)
{
	char *uring[] = {(char *)sec_prog("kernel"), "uring-socket", "1", "1", NULL};

	if (!sec_sandbox_ok())
		return;
	char *plain = line(NULL, NULL, uring);
	if (strcmp(plain, "ok\n"))
		tst_skip(
		    "the control cannot make a socket through io_uring here (%.40s): "
		    "only lockdown's refusal is checked",
		    plain);
	sec_expect_ns("hardened", NULL, uring, plain);
	sec_expect_ns("lockdown", NULL, uring, "setup-ENOSYS\n");
	free(plain);
}

/* i386 programs (int $0x80 from this one): their own socket call gets the
 * family rule; socketcall passes its arguments in memory, out of the
 * filter's sight, so lockdown refuses its SOCKET and SOCKETPAIR (ENOSYS). */
static void test_i386_sockets(void)
{
	char *k = (char *)sec_prog("kernel");
	char *i386[][5] = {
	    {k, "socket-i386", "40", "1", NULL},
	    {k, "socket-i386", "1", "1", NULL},
	    {k, "socketcall-i386", "1", "1", NULL},
	};
	static const char *const want[] = {"EAFNOSUPPORT\n", "ok\n", "ENOSYS\n"};

	if (!sec_sandbox_ok())
		return;
	char *plain = line(NULL, NULL, i386[1]);
	bool unavailable = !strcmp(plain, "unavailable\n");
	free(plain);
	if (unavailable) {
		tst_skip("the kernel has no i386 system calls: the int $0x80 probes "
			 "cannot run (helper.filter checks the i386 rules)");
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		sec_expect(NULL, NULL, i386[i], "ok\n");
		sec_expect_ns("lockdown", NULL, i386[i], want[i]);
	}
}

/* The families lockdown keeps answer as in a network namespace of one's
 * own without cordon (ping's ICMP datagram socket included, whatever the
 * namespace's ping_group_range says), hardened's as the host's; `ip link`
 * (netlink) lists lockdown's lo. */
static void test_families_kept(void)
{
	static const char *const kept[][4] = {
	    {"socket", "1", "1"},	    /* AF_UNIX */
	    {"socket", "0x100000001", "1"}, /* AF_UNIX, high bits */
	    {"socketpair", "1", "5"},	    /* AF_UNIX, SOCK_SEQPACKET */
	    {"socket", "2", "1"},	    /* AF_INET */
	    {"socket", "2", "2", "1"},	    /* ICMP datagram (ping) */
	    {"socket", "10", "2"},	    /* AF_INET6 */
	    {"socket", "16", "3", "0"},	    /* AF_NETLINK, NETLINK_ROUTE */
	};
	char *ip[] = {"ip", "-o", "link", "show", NULL};

	if (!sec_sandbox_ok())
		return;
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		char *argv[] = {(char *)sec_prog("kernel"), (char *)kept[i][0],
				(char *)kept[i][1],	    (char *)kept[i][2],
				(char *)kept[i][3],	    NULL};
		char *plain = line(NULL, NULL, argv), *own = line(NULL, netns, argv);
		sec_expect_ns("hardened", NULL, argv, plain);
		sec_expect_ns("lockdown", NULL, argv, own);
		free(plain);
		free(own);
	}
	char *links = sec_out_ns("lockdown", NULL, ip);
	CU_ASSERT_PTR_NOT_NULL(links && strstr(links, ": lo: "));
	free(links);
}

static CU_TestInfo tests[] = {
    {"host loopback and abstract sockets: lockdown's network, hardened's scope",
     test_listeners},
    {"lockdown: vsock refused (the host's ports); hardened reaches them", test_vsock},
    {"lockdown: families other than unix, inet, inet6, netlink refused", test_families},
    {"lockdown: no socket through io_uring", test_uring},
    {"lockdown: i386 socket calls: the family rule; socketcall refused",
     test_i386_sockets},
    {"lockdown: unix, inet, inet6, netlink as without cordon; ip link",
     test_families_kept},
    CU_TEST_INFO_NULL,
};
TST_SUITE("security.net", tests)
