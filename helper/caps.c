/* The target's privileges, dropped for good right before its exec: every
 * capability set, no_new_privs, and the tier's seccomp filter (rules[]
 * below). Order matters: PR_CAPBSET_DROP needs CAP_SETPCAP, so capset()
 * to zero comes last; seccomp needs no_new_privs first, or CAP_SYS_ADMIN in
 * our user namespace. A root caller's job keeps root's capabilities, inside
 * a user namespace of its own (docs/helper.md), and no no_new_privs: a
 * setuid-root program there only becomes that namespace's root; its
 * CAP_SYS_ADMIN there lets it take the filter. Raw system calls throughout
 * (helper.h, SYS_RAW): this runs in the target. */
#include "helper/helper.h"
#include "helper/seccomp.h"

#include <endian.h>
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

struct cap_header {
	uint32_t version;
	int pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};

#define CAP_VERSION_3 0x20080522

#if defined(__x86_64__) || defined(__i386__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64 /* and its i386 ABI: both are in rules[] */
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__) && __BYTE_ORDER == __LITTLE_ENDIAN
#define NATIVE_ARCH AUDIT_ARCH_ARM
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER == __LITTLE_ENDIAN
#define NATIVE_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define NATIVE_ARCH AUDIT_ARCH_S390X
#else
/* Unknown here: drop_privileges() fails, so no job runs unfiltered. */
#define NATIVE_ARCH 0U
#endif

/* The low 32 bits of an argument. ioctl's request and the socket family are
 * 32-bit ints to the kernel, so a value with high bits set must still match
 * (CVE-2019-10063, bubblewrap's and flatpak's bug with TIOCSTI);
 * CLONE_NEWCGROUP is in the low word of the flags too. */
#define LOW(n)                                                                           \
	(offsetof(struct seccomp_data, args[n]) + (__BYTE_ORDER == __BIG_ENDIAN ? 4 : 0))
#define NR   offsetof(struct seccomp_data, nr)
#define ARCH offsetof(struct seccomp_data, arch)
/* s390x's clone takes the stack first (CONFIG_CLONE_BACKWARDS2). */
#ifdef __s390x__
#define CLONE_FLAGS LOW(1)
#else
#define CLONE_FLAGS LOW(0)
#endif
#define SOCKETCALL_SOCKET     1 /* <linux/net.h>'s SYS_SOCKET */
#define SOCKETCALL_SOCKETPAIR 8 /* SYS_SOCKETPAIR */

/* The job's filter, per tier. The namespaces leave these shared with the
 * host, and nothing cheaper than a system call's refusal closes them:
 *
 * both tiers
 * - ioctl TIOCSTI and TIOCLINUX push input into a terminal the job shares
 *   with its host (CVE-2017-5226); TIOCEXCL outlives the job, and the host's
 *   next open of its terminal fails with EBUSY; TIOCNXCL would clear the
 *   host's own. EPERM, as the kernel refuses TIOCSTI to the unprivileged.
 * - add_key, request_key, keyctl: keyrings are not namespaced. The host's
 *   session keyring is the job's credential too (a fresh one is no cure: the
 *   same uid links the host's back from /proc/keys, and each takes from the
 *   uid's key quota), and request_key's upcalls run helpers as root in the
 *   host's namespaces. ENOSYS, what a kernel without keys says: runc, systemd
 *   and keyutils' users carry on.
 * - clone and unshare with CLONE_NEWCGROUP: in a cgroup namespace of its own
 *   (and a user namespace) a job mounts cgroupfs, whose root is the host's
 *   cgroup, and kills or freezes the host through cgroup.kill, cgroup.freeze
 *   or the v1 freezer. Without one it cannot mount cgroupfs, and setns into
 *   another needs a capability it has nowhere. EPERM.
 * - clone3: its flags are in memory, out of a filter's sight. ENOSYS, on
 *   which glibc 2.34+ (threads, posix_spawn) falls back to clone.
 *
 * lockdown
 * - socket, socketpair of a family the kernel does not keep per network
 *   namespace (vsock, qipcrtr: a job would bind the host's ports and reach
 *   the hypervisor): only UNIX, INET, INET6 and NETLINK are let through, so
 *   the next such family and module autoloading of rare protocols stay out
 *   too. EAFNOSUPPORT, the kernel's answer for a family it lacks.
 * - i386 socketcall SOCKET and SOCKETPAIR: the family is in memory. ENOSYS.
 * - io_uring_setup, _enter, _register: IORING_OP_SOCKET (5.19+) makes
 *   sockets without socket(2). ENOSYS, as without CONFIG_IO_URING.
 *
 * An arch the filter has no numbers for kills the process (libseccomp's and
 * Docker's default): on arm64, s390x and riscv64 a 32-bit program's calls
 * would otherwise pass unchecked.
 *
 * On x86 the native numbers serve x32 too (bit 30 cleared; x32's ioctl is
 * 514). Ranges (FROM: nr >= k) let most numbers reach ALLOW after two or
 * three comparisons: the kernel runs the filter once per system call
 * number and ABI when it is attached (to cache the calls it allows
 * whatever their arguments, Linux 5.11), so the attach's cost grows with
 * the path to ALLOW far more than with the filter's length. Jumps are
 * written as labels, resolved by job_filter(). */
enum label {
	NEXT, /* the following instruction */
	ABI64,
	HIGH64,
	ABI32,
	HIGH32,
	IOCTL,
	CLONE,
	UNSHARE, /* s390x only */
	FAMILY,
	SOCKETCALL,
	ALLOW,
	EPERM_,
	ENOSYS_,
	EAFNO,
	KILL,
	LABELS
};
struct rule {
	uint8_t lockdown; /* only in lockdown's filter */
	uint8_t label;	  /* the label this instruction carries, or NEXT */
	uint16_t code;
	uint8_t jt, jf; /* labels */
	uint32_t k;
};
/* clang-format off */
#define BOTH          0, NEXT
#define LOCK          1, NEXT
#define AT(l)         0, (l)
#define LOCK_AT(l)    1, (l)
#define LOAD(off)     BPF_LD_W_ABS, NEXT, NEXT, (uint32_t)(off)
#define AND(k)        BPF_AND_K, NEXT, NEXT, (uint32_t)(k)
#define IS(k, t, f)   BPF_JEQ_K, (t), (f), (uint32_t)(k)
#define FROM(k, t, f) BPF_JGE_K, (t), (f), (uint32_t)(k)
#define HAS(k, t, f)  BPF_JSET_K, (t), (f), (uint32_t)(k)
#define RET(k)        BPF_RET_K, NEXT, NEXT, (uint32_t)(k)
/* clang-format on */

static const struct rule rules[] = {
    {BOTH, LOAD(ARCH)},
#if defined(__x86_64__) || defined(__i386__)
    {BOTH, IS(AUDIT_ARCH_X86_64, ABI64, NEXT)},
    {BOTH, IS(AUDIT_ARCH_I386, ABI32, KILL)},
    {AT(ABI64), LOAD(NR)},
    {BOTH, AND(~X32_SYSCALL_BIT)},
    {BOTH, FROM(248, HIGH64, NEXT)},
    {BOTH, FROM(57, ALLOW, NEXT)}, /* 57-247: nothing to check */
    {BOTH, IS(16, IOCTL, NEXT)},
    {BOTH, IS(56, CLONE, NEXT)},
    {LOCK, IS(41, FAMILY, NEXT)}, /* socket */
    {LOCK, IS(53, FAMILY, NEXT)}, /* socketpair */
    {BOTH, RET(RET_ALLOW)},
    {AT(HIGH64), FROM(251, NEXT, ENOSYS_)}, /* add_key, request_key, keyctl */
    {BOTH, IS(272, CLONE, NEXT)},	    /* unshare */
    {BOTH, FROM(425, NEXT, ALLOW)},	    /* 251-424 but 272 */
    {LOCK, FROM(428, NEXT, ENOSYS_)},	    /* io_uring_setup, _enter, _register */
    {BOTH, IS(435, ENOSYS_, NEXT)},	    /* clone3 */
    {BOTH, IS(514, IOCTL, NEXT)},	    /* x32's */
    {BOTH, RET(RET_ALLOW)},
    {AT(ABI32), LOAD(NR)},
    {BOTH, FROM(286, HIGH32, NEXT)},
    {BOTH, FROM(121, ALLOW, NEXT)}, /* 121-285 */
    {BOTH, IS(54, IOCTL, NEXT)},
    {BOTH, IS(120, CLONE, NEXT)},
    {LOCK, IS(102, SOCKETCALL, NEXT)},
    {BOTH, RET(RET_ALLOW)},
    {AT(HIGH32), FROM(289, NEXT, ENOSYS_)}, /* add_key, request_key, keyctl */
    {BOTH, IS(310, CLONE, NEXT)},	    /* unshare */
    {LOCK, IS(359, FAMILY, NEXT)},	    /* socket */
    {LOCK, IS(360, FAMILY, NEXT)},	    /* socketpair */
    {BOTH, FROM(425, NEXT, ALLOW)},	    /* 289-424 but those */
    {LOCK, FROM(428, NEXT, ENOSYS_)},	    /* io_uring_setup, _enter, _register */
    {BOTH, IS(435, ENOSYS_, NEXT)},	    /* clone3 */
    {BOTH, RET(RET_ALLOW)},
#else
    {BOTH, IS(NATIVE_ARCH, NEXT, KILL)},
    {BOTH, LOAD(NR)},
    {BOTH, IS(__NR_ioctl, IOCTL, NEXT)},
    {BOTH, IS(__NR_clone, CLONE, NEXT)},
#ifdef __s390x__
    {BOTH, IS(__NR_unshare, UNSHARE, NEXT)},
#else
    {BOTH, IS(__NR_unshare, CLONE, NEXT)},
#endif
    {BOTH, IS(435, ENOSYS_, NEXT)}, /* clone3, the same number everywhere */
    {BOTH, IS(__NR_add_key, ENOSYS_, NEXT)},
    {BOTH, IS(__NR_request_key, ENOSYS_, NEXT)},
    {BOTH, IS(__NR_keyctl, ENOSYS_, NEXT)},
    {LOCK, IS(__NR_socket, FAMILY, NEXT)},
    {LOCK, IS(__NR_socketpair, FAMILY, NEXT)},
#ifdef __NR_socketcall
    {LOCK, IS(__NR_socketcall, SOCKETCALL, NEXT)},
#endif
    {LOCK, IS(425, ENOSYS_, NEXT)}, /* io_uring_setup, _enter, _register */
    {LOCK, IS(426, ENOSYS_, NEXT)},
    {LOCK, IS(427, ENOSYS_, NEXT)},
    {BOTH, RET(RET_ALLOW)},
#endif
    {AT(IOCTL), LOAD(LOW(1))},
    {BOTH, IS(TIOCSTI, EPERM_, NEXT)},
    {BOTH, IS(TIOCLINUX, EPERM_, NEXT)},
    {BOTH, IS(TIOCEXCL, EPERM_, NEXT)},
    {BOTH, IS(TIOCNXCL, EPERM_, ALLOW)},
    {AT(CLONE), LOAD(CLONE_FLAGS)},
    {BOTH, HAS(CLONE_NEWCGROUP, EPERM_, ALLOW)},
#ifdef __s390x__
    {AT(UNSHARE), LOAD(LOW(0))},
    {BOTH, HAS(CLONE_NEWCGROUP, EPERM_, ALLOW)},
#endif
    {LOCK_AT(FAMILY), LOAD(LOW(0))},
    {LOCK, IS(AF_UNIX, ALLOW, NEXT)},
    {LOCK, IS(AF_INET, ALLOW, NEXT)},
    {LOCK, IS(AF_INET6, ALLOW, NEXT)},
    {LOCK, IS(AF_NETLINK, ALLOW, EAFNO)},
    {LOCK_AT(SOCKETCALL), LOAD(LOW(0))},
    {LOCK, IS(SOCKETCALL_SOCKET, ENOSYS_, NEXT)},
    {LOCK, IS(SOCKETCALL_SOCKETPAIR, ENOSYS_, ALLOW)},
    {AT(ALLOW), RET(RET_ALLOW)},
    {AT(EPERM_), RET(RET_ERRNO | EPERM)},
    {AT(ENOSYS_), RET(RET_ERRNO | ENOSYS)},
    {LOCK_AT(EAFNO), RET(RET_ERRNO | EAFNOSUPPORT)},
    {AT(KILL), RET(RET_KILL_PROCESS)},
};
#define RULES (sizeof(rules) / sizeof(rules[0]))

/* Whether we may write a child namespace's full id maps: root alone is not
 * enough; inside a sandbox (or any capability-less root) only the
 * unprivileged one-id map is allowed. */
bool caps_can_map_ids(void)
{
	struct cap_header h = {CAP_VERSION_3, 0};
	struct cap_data d[2];
	const uint32_t need = (1U << 6) | (1U << 7); /* CAP_SETGID, CAP_SETUID */

	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return (d[0].effective & need) == need;
}

/* A label's distance from the jump at n, or -1 when it would go backwards
 * (also a label this tier lacks: at[] says 0) or beyond a jump's 255. */
static int jump(const size_t *at, uint8_t label, size_t n)
{
	if (label == NEXT)
		return 0;
	if (at[label] <= n || at[label] - n - 1 > UINT8_MAX)
		return -1;
	return (int)(at[label] - n - 1);
}

static bool in_tier(const struct rule *r, enum tier tier)
{
	return !r->lockdown || tier == TIER_LOCKDOWN;
}

const struct bpf_insn *job_filter(enum tier tier, size_t *len)
{
	static struct bpf_insn out[RULES];
	size_t at[LABELS] = {0}, n = 0;

	for (size_t i = 0; i < RULES; i++) {
		if (!in_tier(&rules[i], tier))
			continue;
		if (rules[i].label != NEXT && at[rules[i].label])
			return NULL; /* a label carried twice */
		at[rules[i].label] = n++;
	}
	n = 0;
	for (size_t i = 0; i < RULES; i++) {
		const struct rule *r = &rules[i];
		int jt = jump(at, r->jt, n), jf = jump(at, r->jf, n);

		if (!in_tier(r, tier))
			continue;
		if (jt < 0 || jf < 0)
			return NULL;
		out[n++] = (struct bpf_insn){r->code, (uint8_t)jt, (uint8_t)jf, r->k};
	}
	*len = n;
	return out;
}

static int drop_bounding(void)
{
	for (int cap = 0;; cap++) {
		long r = SYS(SYS_prctl, PR_CAPBSET_DROP, cap);
		if (r < 0)
			return r == -EINVAL ? 0 : (int)r;
	}
}

/* SPEC_ALLOW: the filter refuses a few kernel surfaces; it is no reason to
 * run the job with speculation mitigations it would not have without cordon
 * (kernels before 5.16 force SSBD on every task with a filter, slowing it).
 * EINVAL: a kernel without the flag (before 4.17) gets the plain filter;
 * so does a system without seccomp(2) itself (ENOSYS: valgrind, which does
 * not implement it, but passes prctl's way through). */
static int attach_filter(const struct bpf_prog *prog)
{
	long r = SYS(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW,
		     prog);

	if (r == 0 || (r != -EINVAL && r != -ENOSYS))
		return (int)r;
	return (int)SYS(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog);
}

/* Each step's result, -errno on the first failure. */
static int drop_caps_first(void)
{
	int rc = drop_bounding();
	long r;

	if (rc < 0)
		return rc;
	/* EINVAL: a kernel without ambient capabilities has none to clear. */
	r = SYS(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL);
	if (r < 0 && r != -EINVAL)
		return (int)r;
	return (int)SYS(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1);
}

/* The tier's filter, attached; -ENOSYS on an architecture without
 * numbers above, -EINVAL when rules[] jumps wrong (helper.filter says
 * where). */
static int install_filter(enum tier tier)
{
	size_t len = 0;
	const struct bpf_insn *filter = job_filter(tier, &len);
	struct bpf_prog prog = {(unsigned short)len, filter};
	int rc;

	if (NATIVE_ARCH == 0U)
		return -ENOSYS; /* add the architecture above */
	if (!filter)
		return -EINVAL;
	if ((rc = attach_filter(&prog)) < 0)
		return rc;
	return 0;
}

/* Everything but capset, for a caller other than root: nothing here needs
 * the sandbox's mounts or maps, so the target does it while init still
 * builds them (target.c); the capabilities themselves go last. */
int drop_privileges_early(enum tier tier)
{
	int rc = drop_caps_first();

	return rc < 0 ? rc : install_filter(tier);
}

int drop_capabilities(void)
{
	struct cap_header h = {CAP_VERSION_3, 0};
	struct cap_data none[2] = {{0, 0, 0}, {0, 0, 0}};

	return (int)SYS(SYS_capset, &h, none);
}

int drop_privileges(enum tier tier, bool keep_caps)
{
	int rc;

	if (keep_caps)
		return install_filter(tier);
	if ((rc = drop_privileges_early(tier)) < 0)
		return rc;
	return drop_capabilities();
}
