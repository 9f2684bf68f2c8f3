/* Unit test of the job's seccomp filter (helper/caps.c), both tiers, run
 * through a small classic-BPF interpreter: it covers the ABIs a live test on
 * this machine cannot reach (i386 and x32 system calls on x86_64, an arch
 * the filter does not know) and arguments with their high bits set. */
#include "helper/seccomp.h"
#include "tests/lib/tst.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#define ERR(e)	 (RET_ERRNO | (e))
#define X32(nr)	 ((int)(X32_SYSCALL_BIT | (nr)))
#define MAXINSNS 4096 /* BPF_MAXINSNS: the kernel refuses longer filters */

static uint32_t run(enum tier tier, const struct seccomp_data *d)
{
	size_t len, pc = 0;
	const struct bpf_insn *f = job_filter(tier, &len);
	uint32_t a = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (pc < len) {
		const struct bpf_insn *i = &f[pc++];
		switch (i->code) {
		case BPF_LD_W_ABS:
			CU_ASSERT_FATAL(i->k + 4 <= sizeof(*d) && i->k % 4 == 0);
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_AND_K:
			a &= i->k;
			break;
		case BPF_JEQ_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JSET_K:
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		case BPF_JGE_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_RET_K:
			return i->k;
		default:
			CU_FAIL_FATAL("an instruction the interpreter does not know");
		}
	}
	CU_FAIL_FATAL("ran off the end of the filter");
	return 0;
}

/* One system call and what each tier's filter answers. */
struct call {
	const char *what;
	uint32_t arch;
	int nr;
	uint64_t arg0, arg1;
	uint32_t hardened, lockdown;
};

static void check(const struct call *c, size_t n)
{
	static const enum tier tiers[] = {TIER_HARDENED, TIER_LOCKDOWN};

	for (size_t i = 0; i < n; i++)
		for (size_t t = 0; t < 2; t++) {
			struct seccomp_data d = {.nr = c[i].nr,
						 .arch = c[i].arch,
						 .args = {c[i].arg0, c[i].arg1, 3}};
			uint32_t want = t ? c[i].lockdown : c[i].hardened;
			uint32_t got = run(tiers[t], &d);
			CU_ASSERT_EQUAL(got, want);
			if (got != want)
				printf("\n    %s, %s: got %#x, want %#x", c[i].what,
				       tier_name(tiers[t]), got, want);
		}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The shape the kernel accepts (kernel/seccomp.c's checks) and that cannot
 * run off the end: known instructions only, forward jumps that land inside,
 * aligned loads within struct seccomp_data, a return last. */
static void test_shape(void)
{
	size_t len[2];

	for (int t = 0; t < 2; t++) {
		const struct bpf_insn *f =
		    job_filter(t ? TIER_LOCKDOWN : TIER_HARDENED, &len[t]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_TRUE(len[t] > 1 && len[t] <= MAXINSNS);
		for (size_t i = 0; i < len[t]; i++) {
			bool jumps = f[i].code == BPF_JEQ_K || f[i].code == BPF_JSET_K ||
				     f[i].code == BPF_JGE_K;
			CU_ASSERT_TRUE(jumps || f[i].code == BPF_LD_W_ABS ||
				       f[i].code == BPF_AND_K || f[i].code == BPF_RET_K);
			if (jumps) {
				CU_ASSERT_TRUE(i + 1 + f[i].jt < len[t] &&
					       i + 1 + f[i].jf < len[t]);
			} else {
				CU_ASSERT_TRUE(f[i].jt == 0 && f[i].jf == 0);
			}
			if (f[i].code == BPF_LD_W_ABS)
				CU_ASSERT_TRUE(f[i].k % 4 == 0 &&
					       f[i].k + 4 <= sizeof(struct seccomp_data));
		}
		CU_ASSERT_EQUAL(f[len[t] - 1].code, BPF_RET_K);
	}
	/* lockdown's filter is hardened's plus its own rules. */
	CU_ASSERT_TRUE(len[0] < len[1]);
}

/* The build's own ABI, by the numbers its libc knows. */
static void test_native(void)
{
#ifdef __x86_64__
	const uint32_t arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	const uint32_t arch = AUDIT_ARCH_AARCH64;
#else
	tst_skip("no AUDIT_ARCH known to this test for this build");
	return;
#endif
	const uint64_t high = 0xdead000100000000ULL;
	const uint32_t eperm = ERR(EPERM), enosys = ERR(ENOSYS), ok = RET_ALLOW,
		       eafno = ERR(EAFNOSUPPORT);
	const struct call calls[] = {
	    {"ioctl TIOCSTI", arch, SYS_ioctl, 3, TIOCSTI, eperm, eperm},
	    {"ioctl TIOCLINUX", arch, SYS_ioctl, 3, TIOCLINUX, eperm, eperm},
	    {"ioctl TIOCEXCL", arch, SYS_ioctl, 3, TIOCEXCL, eperm, eperm},
	    {"ioctl TIOCNXCL", arch, SYS_ioctl, 3, TIOCNXCL, eperm, eperm},
	    {"ioctl TIOCSTI, high bits", arch, SYS_ioctl, 3, high | TIOCSTI, eperm,
	     eperm},
	    {"ioctl TIOCEXCL, high bits", arch, SYS_ioctl, 3, high | TIOCEXCL, eperm,
	     eperm},
	    {"ioctl TIOCNXCL, high bits", arch, SYS_ioctl, 3, high | TIOCNXCL, eperm,
	     eperm},
	    {"ioctl TCGETS", arch, SYS_ioctl, 3, TCGETS, ok, ok},
	    {"ioctl TIOCSTI in the high word", arch, SYS_ioctl, 3,
	     (uint64_t)TIOCSTI << 32, ok, ok},
	    {"write with TIOCSTI", arch, SYS_write, 3, TIOCSTI, ok, ok},
	    {"add_key", arch, SYS_add_key, 0, 0, enosys, enosys},
	    {"request_key", arch, SYS_request_key, 0, 0, enosys, enosys},
	    {"keyctl", arch, SYS_keyctl, 0, 0, enosys, enosys},
	    {"clone3", arch, SYS_clone3, 0, 0, enosys, enosys},
	    {"clone CLONE_NEWCGROUP", arch, SYS_clone, CLONE_NEWCGROUP | 17, 0, eperm,
	     eperm},
	    {"clone CLONE_NEWCGROUP, high bits", arch, SYS_clone, high | CLONE_NEWCGROUP,
	     0, eperm, eperm},
	    {"clone a thread", arch, SYS_clone, 0x3d0f00, 0, ok, ok},
	    {"clone CLONE_NEWUSER|CLONE_NEWNS", arch, SYS_clone, 0x10020000 | 17, 0, ok,
	     ok},
	    {"unshare CLONE_NEWCGROUP|CLONE_NEWUSER", arch, SYS_unshare, 0x12000000, 0,
	     eperm, eperm},
	    {"unshare CLONE_NEWUSER|CLONE_NEWNS", arch, SYS_unshare, 0x10020000, 0, ok,
	     ok},
	    {"socket AF_UNIX", arch, SYS_socket, AF_UNIX, SOCK_STREAM, ok, ok},
	    {"socket AF_INET", arch, SYS_socket, AF_INET, SOCK_DGRAM, ok, ok},
	    {"socket AF_INET6", arch, SYS_socket, AF_INET6, SOCK_STREAM, ok, ok},
	    {"socket AF_NETLINK", arch, SYS_socket, AF_NETLINK, SOCK_RAW, ok, ok},
	    {"socket AF_UNIX, high bits", arch, SYS_socket, high | AF_UNIX, SOCK_STREAM,
	     ok, ok},
	    {"socket AF_UNSPEC", arch, SYS_socket, AF_UNSPEC, SOCK_STREAM, ok, eafno},
	    {"socket AF_VSOCK", arch, SYS_socket, AF_VSOCK, SOCK_STREAM, ok, eafno},
	    {"socket AF_VSOCK, high bits", arch, SYS_socket, high | AF_VSOCK, SOCK_STREAM,
	     ok, eafno},
	    {"socket AF_PACKET", arch, SYS_socket, AF_PACKET, SOCK_DGRAM, ok, eafno},
	    {"socket AF_BLUETOOTH", arch, SYS_socket, AF_BLUETOOTH, SOCK_RAW, ok, eafno},
	    {"socket AF_ALG", arch, SYS_socket, AF_ALG, SOCK_SEQPACKET, ok, eafno},
	    {"socket AF_QIPCRTR", arch, SYS_socket, 42, SOCK_DGRAM, ok, eafno},
	    {"socket family -1", arch, SYS_socket, 0xffffffff, SOCK_DGRAM, ok, eafno},
	    {"socketpair AF_UNIX", arch, SYS_socketpair, AF_UNIX, SOCK_STREAM, ok, ok},
	    {"socketpair AF_TIPC", arch, SYS_socketpair, AF_TIPC, SOCK_SEQPACKET, ok,
	     eafno},
	    {"connect", arch, SYS_connect, 3, 0, ok, ok},
	    {"io_uring_setup", arch, SYS_io_uring_setup, 8, 0, ok, enosys},
	    {"io_uring_enter", arch, SYS_io_uring_enter, 3, 1, ok, enosys},
	    {"io_uring_register", arch, SYS_io_uring_register, 3, 0, ok, enosys},
	    {"read", arch, SYS_read, 0, 0, ok, ok},
	};
	check(calls, N(calls));
}

/* x32 shares x86_64's arch with bit 30 in the number; i386 programs (and
 * int $0x80 from a 64-bit one) have their own numbers. */
static void test_compat_abis(void)
{
#ifdef __x86_64__
	const uint32_t i386 = AUDIT_ARCH_I386, x86_64 = AUDIT_ARCH_X86_64;
	const uint32_t eperm = ERR(EPERM), enosys = ERR(ENOSYS), ok = RET_ALLOW,
		       eafno = ERR(EAFNOSUPPORT);
	const struct call calls[] = {
	    {"x32 ioctl TIOCSTI", x86_64, X32(514), 3, TIOCSTI, eperm, eperm},
	    {"x32 ioctl TIOCEXCL", x86_64, X32(514), 3, TIOCEXCL, eperm, eperm},
	    {"x32 ioctl TCGETS", x86_64, X32(514), 3, TCGETS, ok, ok},
	    {"x32 read", x86_64, X32(0), 3, TIOCSTI, ok, ok},
	    {"x32 keyctl", x86_64, X32(250), 0, 0, enosys, enosys},
	    {"x32 add_key", x86_64, X32(248), 0, 0, enosys, enosys},
	    {"x32 clone3", x86_64, X32(435), 0, 0, enosys, enosys},
	    {"x32 unshare CLONE_NEWCGROUP", x86_64, X32(272), CLONE_NEWCGROUP, 0, eperm,
	     eperm},
	    {"x32 clone CLONE_NEWCGROUP", x86_64, X32(56), CLONE_NEWCGROUP, 0, eperm,
	     eperm},
	    {"x32 socket AF_VSOCK", x86_64, X32(41), AF_VSOCK, SOCK_STREAM, ok, eafno},
	    {"x32 socket AF_INET", x86_64, X32(41), AF_INET, SOCK_STREAM, ok, ok},
	    {"x32 socketpair AF_TIPC", x86_64, X32(53), AF_TIPC, SOCK_SEQPACKET, ok,
	     eafno},
	    {"x32 io_uring_setup", x86_64, X32(425), 8, 0, ok, enosys},
	    /* Around the ranges the filter compares with >=. */
	    {"x86_64 55 (getsockopt)", x86_64, 55, 0, 0, ok, ok},
	    {"x86_64 57 (fork)", x86_64, 57, 0, 0, ok, ok},
	    {"x86_64 247 (waitid)", x86_64, 247, 0, 0, ok, ok},
	    {"x86_64 251 (ioprio_set)", x86_64, 251, 0, 0, ok, ok},
	    {"x86_64 273 (set_robust_list)", x86_64, 273, 0, 0, ok, ok},
	    {"x86_64 424 (pidfd_send_signal)", x86_64, 424, 0, 0, ok, ok},
	    {"x86_64 426 (io_uring_enter)", x86_64, 426, 0, 0, ok, enosys},
	    {"x86_64 428 (open_tree)", x86_64, 428, 0, 0, ok, ok},
	    {"x86_64 436 (close_range)", x86_64, 436, 0, 0, ok, ok},
	    {"x32 251", x86_64, X32(251), 0, 0, ok, ok},
	    {"x32 512 (x32's rt_sigaction)", x86_64, X32(512), 0, 0, ok, ok},
	    {"x32 515 (x32's readv)", x86_64, X32(515), 0, 0, ok, ok},
	    {"i386 285", i386, 285, 0, 0, ok, ok},
	    {"i386 289 (ioprio_set)", i386, 289, 0, 0, ok, ok},
	    {"i386 358 (execveat)", i386, 358, 0, 0, ok, ok},
	    {"i386 361 (bind)", i386, 361, 0, 0, ok, ok},
	    {"i386 424", i386, 424, 0, 0, ok, ok},
	    {"i386 427 (io_uring_register)", i386, 427, 3, 0, ok, enosys},
	    {"i386 428", i386, 428, 0, 0, ok, ok},
	    {"i386 101 (ioperm)", i386, 101, 1, 0, ok, ok},
	    {"i386 119 (sigreturn)", i386, 119, 1, 0, ok, ok},
	    {"i386 121 (setdomainname)", i386, 121, 1, 0, ok, ok},
	    {"i386 311 (set_robust_list)", i386, 311, 1, 0, ok, ok},
	    {"i386 103 (syslog)", i386, 103, 1, 0, ok, ok},
	    /* i386: ioctl is 54 (16 is lchown there). */
	    {"i386 ioctl TIOCSTI", i386, 54, 3, TIOCSTI, eperm, eperm},
	    {"i386 ioctl TIOCLINUX", i386, 54, 3, TIOCLINUX, eperm, eperm},
	    {"i386 ioctl TIOCEXCL", i386, 54, 3, TIOCEXCL, eperm, eperm},
	    {"i386 ioctl TIOCNXCL", i386, 54, 3, TIOCNXCL, eperm, eperm},
	    {"i386 ioctl TCGETS", i386, 54, 3, TCGETS, ok, ok},
	    {"i386 lchown", i386, 16, 3, TIOCSTI, ok, ok},
	    {"i386 add_key", i386, 286, 0, 0, enosys, enosys},
	    {"i386 request_key", i386, 287, 0, 0, enosys, enosys},
	    {"i386 keyctl", i386, 288, 0, 0, enosys, enosys},
	    {"i386 fadvise64 (x86_64's keyctl number)", i386, 250, 0, 0, ok, ok},
	    {"i386 clone CLONE_NEWCGROUP", i386, 120, CLONE_NEWCGROUP | 17, 0, eperm,
	     eperm},
	    {"i386 clone a thread", i386, 120, 0x3d0f00, 0, ok, ok},
	    {"i386 unshare CLONE_NEWCGROUP", i386, 310, CLONE_NEWCGROUP, 0, eperm, eperm},
	    {"i386 unshare CLONE_NEWUSER", i386, 310, 0x10000000, 0, ok, ok},
	    {"i386 clone3", i386, 435, 0, 0, enosys, enosys},
	    {"i386 socket AF_VSOCK", i386, 359, AF_VSOCK, SOCK_STREAM, ok, eafno},
	    {"i386 socket AF_UNIX", i386, 359, AF_UNIX, SOCK_STREAM, ok, ok},
	    {"i386 socket AF_NETLINK", i386, 359, AF_NETLINK, SOCK_RAW, ok, ok},
	    {"i386 socketpair AF_VSOCK", i386, 360, AF_VSOCK, SOCK_STREAM, ok, eafno},
	    {"i386 socketpair AF_UNIX", i386, 360, AF_UNIX, SOCK_STREAM, ok, ok},
	    /* socketcall(call, args): the family is behind the pointer. */
	    {"i386 socketcall SYS_SOCKET", i386, 102, 1, 0x1000, ok, enosys},
	    {"i386 socketcall SYS_SOCKETPAIR", i386, 102, 8, 0x1000, ok, enosys},
	    {"i386 socketcall SYS_CONNECT", i386, 102, 3, 0x1000, ok, ok},
	    {"i386 socketcall SYS_ACCEPT4", i386, 102, 18, 0x1000, ok, ok},
	    {"i386 io_uring_setup", i386, 425, 8, 0, ok, enosys},
	    {"i386 io_uring_enter", i386, 426, 3, 1, ok, enosys},
	    {"i386 read", i386, 3, 0, 0, ok, ok},
	    /* x86_64's numbers mean other calls on i386: let through. */
	    {"i386 dup (x86_64's socket number)", i386, 41, AF_VSOCK, 0, ok, ok},
	};
	check(calls, N(calls));
#else
	tst_skip("compat ABIs are checked on x86_64 builds");
#endif
}

/* An audit arch the filter has no numbers for (another ABI the kernel
 * offers, e.g. 32-bit ARM programs on arm64) is killed, whatever the call:
 * its numbers mean other calls. */
static void test_unknown_arch(void)
{
#if defined(__x86_64__) || defined(__i386__)
	const uint32_t other = AUDIT_ARCH_AARCH64;
#else
	const uint32_t other = AUDIT_ARCH_X86_64;
#endif
	const uint32_t kill = RET_KILL_PROCESS;
	const struct call calls[] = {
	    {"another arch's ioctl TIOCSTI", other, 29, 3, TIOCSTI, kill, kill},
	    {"another arch's read", other, 63, 0, 0, kill, kill},
	    {"another arch's call 0", other, 0, 0, 0, kill, kill},
	    {"32-bit ARM (compat on arm64)", AUDIT_ARCH_ARM, 54, 3, TIOCSTI, kill, kill},
	    {"arch 0", 0, 0, 0, 0, kill, kill},
	    {"arch all ones", 0xffffffffU, 0, 0, 0, kill, kill},
	    {"x86_64's arch without the 64-bit flag", AUDIT_ARCH_X86_64 & 0x7fffffffU, 16,
	     3, TIOCSTI, kill, kill},
	};
	check(calls, N(calls));
}

static CU_TestInfo tests[] = {
    {"both tiers' filters: a shape the kernel accepts", test_shape},
    {"native calls: terminal, keys, cgroup namespace, clone3, families", test_native},
    {"i386 and x32 calls refused the same", test_compat_abis},
    {"an unknown arch is killed", test_unknown_arch},
    CU_TEST_INFO_NULL,
};
TST_SUITE("helper.filter", tests)
