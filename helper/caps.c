/* The target's privileges, dropped for good right before its exec: every
 * capability set, no_new_privs, and a seccomp filter against terminal
 * input injection. Order matters: PR_CAPBSET_DROP needs CAP_SETPCAP, so
 * capset() to zero comes last; seccomp needs no_new_privs first, or
 * CAP_SYS_ADMIN in our user namespace. A root
 * caller's job keeps root's capabilities, inside a user namespace of its
 * own (docs/helper.md), and no no_new_privs: a setuid-root program there
 * only becomes that namespace's root; its CAP_SYS_ADMIN there lets it take
 * the filter. Raw system calls throughout (helper.h, SYS_RAW):
 * this runs in the target. */
#include "helper/helper.h"
#include "helper/seccomp.h"

#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
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
#define RET_EPERM     (RET_ERRNO | EPERM)
/* clang-format off */
#define LOAD(off)    {BPF_LD_W_ABS, 0, 0, (uint32_t)(off)}
#define JEQ(k, t, f) {BPF_JEQ_K, (t), (f), (uint32_t)(k)}
#define RET(k)       {BPF_RET_K, 0, 0, (k)}
/* clang-format on */

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define NATIVE_ARCH AUDIT_ARCH_I386
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

/* ioctl(2) takes an unsigned int request in the kernel, so only the low 32
 * bits count: a request with high bits set must still match (CVE-2019-10063,
 * bubblewrap's and flatpak's bug). */
#define REQ_LOW                                                                          \
	(offsetof(struct seccomp_data, args[1]) + (__BYTE_ORDER == __BIG_ENDIAN ? 4 : 0))
#define NR   offsetof(struct seccomp_data, nr)
#define ARCH offsetof(struct seccomp_data, arch)

/* TIOCSTI pushes input into a terminal the job shares with its host
 * (CVE-2017-5226); TIOCLINUX can do the same on a virtual console. Jumps are
 * relative and forward only; the indices in the comments make them
 * checkable. Every miss lands on the final RET(RET_ALLOW). */
static const struct bpf_insn filter[] = {
    /*  0 */ LOAD(ARCH),
#ifdef __x86_64__
    /*  1 */ JEQ(AUDIT_ARCH_X86_64, 2, 0), /* -> 4 */
    /*  2 */ JEQ(AUDIT_ARCH_I386, 4, 0),   /* -> 7 */
    /*  3 */ RET(RET_ALLOW),		   /* an arch whose numbers we do not know */
    /*  4 */ LOAD(NR),
    /*  5 */ JEQ(__NR_ioctl, 3, 0),	       /* -> 9 */
    /*  6 */ JEQ(X32_SYSCALL_BIT | 514, 2, 5), /* x32's ioctl -> 9, else 12 */
    /*  7 */ LOAD(NR),
    /*  8 */ JEQ(54, 0, 3), /* i386's ioctl -> 9, else 12 */
#else
    /*  1 */ JEQ(NATIVE_ARCH, 1, 0), /* -> 3 */
    /*  2 */ RET(RET_ALLOW),
    /*  3 */ LOAD(NR),
    /*  4 */ JEQ(__NR_ioctl, 0, 3), /* -> 5, else 8 */
#endif
    /*  9 | 5 */ LOAD(REQ_LOW),
    /* 10 | 6 */ JEQ(TIOCSTI, 2, 0),
    /* 11 | 7 */ JEQ(TIOCLINUX, 1, 0),
    /* 12 | 8 */ RET(RET_ALLOW),
    /* 13 | 9 */ RET(RET_EPERM),
};

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

const struct bpf_insn *tty_filter(size_t *len)
{
	*len = sizeof(filter) / sizeof(filter[0]);
	return filter;
}

static int drop_bounding(void)
{
	for (int cap = 0;; cap++) {
		long r = SYS(SYS_prctl, PR_CAPBSET_DROP, cap);
		if (r < 0)
			return r == -EINVAL ? 0 : (int)r;
	}
}

/* SPEC_ALLOW: the filter only guards the terminal; it is no reason to run
 * the job with speculation mitigations it would not have without cordon
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

int drop_privileges(bool keep_caps)
{
	struct bpf_prog prog = {sizeof(filter) / sizeof(filter[0]), filter};
	struct cap_header h = {CAP_VERSION_3, 0};
	struct cap_data none[2] = {{0, 0, 0}, {0, 0, 0}};
	int rc;

	if (NATIVE_ARCH == 0U)
		return -ENOSYS; /* add the architecture above */
	if (!keep_caps && (rc = drop_caps_first()) < 0)
		return rc;
	if ((rc = attach_filter(&prog)) < 0)
		return rc;
	return keep_caps ? 0 : (int)SYS(SYS_capset, &h, none);
}
