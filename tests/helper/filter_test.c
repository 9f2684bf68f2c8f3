/* Unit test of the TIOCSTI/TIOCLINUX seccomp filter (helper/caps.c), run
 * through a small classic-BPF interpreter: it covers the ABIs a live test on
 * this machine cannot reach (i386 and x32 system calls on x86_64). */
#include "helper/seccomp.h"
#include "tests/lib/tst.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

static uint32_t run(const struct seccomp_data *d)
{
	size_t len, pc = 0;
	const struct bpf_insn *f = tty_filter(&len);
	uint32_t a = 0;

	while (pc < len) {
		const struct bpf_insn *i = &f[pc++];
		switch (i->code) {
		case BPF_LD_W_ABS:
			CU_ASSERT_FATAL(i->k + 4 <= sizeof(*d) && i->k % 4 == 0);
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_JEQ_K:
			pc += a == i->k ? i->jt : i->jf;
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

static uint32_t verdict(uint32_t arch, int nr, uint64_t request)
{
	struct seccomp_data d = {.nr = nr, .arch = arch, .args = {3, request, 0}};
	return run(&d);
}

#define EPERM_RET (RET_ERRNO | EPERM)

static void test_native(void)
{
	size_t len;
	const struct bpf_insn *f = tty_filter(&len);

	/* Every jump lands inside the program; it ends with a return. */
	for (size_t i = 0; i < len; i++)
		if (f[i].code == BPF_JEQ_K)
			CU_ASSERT_TRUE(i + 1 + f[i].jt < len && i + 1 + f[i].jf < len);
	CU_ASSERT_EQUAL(f[len - 1].code, BPF_RET_K);
#ifdef __x86_64__
	const uint32_t arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	const uint32_t arch = AUDIT_ARCH_AARCH64;
#else
	tst_skip("no AUDIT_ARCH known to this test for this build");
	return;
#endif
	CU_ASSERT_EQUAL(verdict(arch, SYS_ioctl, TIOCSTI), EPERM_RET);
	CU_ASSERT_EQUAL(verdict(arch, SYS_ioctl, TIOCLINUX), EPERM_RET);
	CU_ASSERT_EQUAL(verdict(arch, SYS_ioctl, 0xffffffff00000000ULL | TIOCSTI),
			EPERM_RET);
	CU_ASSERT_EQUAL(verdict(arch, SYS_ioctl, 0x1234567800000000ULL | TIOCLINUX),
			EPERM_RET);
	CU_ASSERT_EQUAL(verdict(arch, SYS_ioctl, TCGETS), RET_ALLOW);
	CU_ASSERT_EQUAL(verdict(arch, SYS_ioctl, (uint64_t)TIOCSTI << 32), RET_ALLOW);
	CU_ASSERT_EQUAL(verdict(arch, SYS_write, TIOCSTI), RET_ALLOW);
}

static void test_compat_abis(void)
{
#ifdef __x86_64__
	/* i386: ioctl is 54 (16 is lchown there). */
	CU_ASSERT_EQUAL(verdict(AUDIT_ARCH_I386, 54, TIOCSTI), EPERM_RET);
	CU_ASSERT_EQUAL(verdict(AUDIT_ARCH_I386, 54, TIOCLINUX), EPERM_RET);
	CU_ASSERT_EQUAL(verdict(AUDIT_ARCH_I386, 54, TCGETS), RET_ALLOW);
	CU_ASSERT_EQUAL(verdict(AUDIT_ARCH_I386, 16, TIOCSTI), RET_ALLOW);
	/* x32: same arch as x86_64, its own ioctl number with the x32 bit. */
	CU_ASSERT_EQUAL(verdict(AUDIT_ARCH_X86_64, (int)(X32_SYSCALL_BIT | 514), TIOCSTI),
			EPERM_RET);
	CU_ASSERT_EQUAL(verdict(AUDIT_ARCH_X86_64, (int)(X32_SYSCALL_BIT | 1), TIOCSTI),
			RET_ALLOW);
	/* An arch the filter has no numbers for is let through. */
	CU_ASSERT_EQUAL(verdict(AUDIT_ARCH_AARCH64, 29, TIOCSTI), RET_ALLOW);
#else
	tst_skip("compat ABIs are checked on x86_64 builds");
#endif
}

static CU_TestInfo tests[] = {
    {"native ioctl: TIOCSTI, TIOCLINUX refused on the low 32 bits", test_native},
    {"i386 and x32 ioctl refused too", test_compat_abis},
    CU_TEST_INFO_NULL,
};
TST_SUITE("helper.filter", tests)
