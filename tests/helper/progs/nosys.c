/* nosys landlock|clone3 CMD [ARG...]: runs CMD under a seccomp filter that
 * answers ENOSYS to Landlock's system calls (a kernel without Landlock) or
 * to clone3 (a container runtime's default profile, so that callers fall
 * back to clone). Exit 120 when the filter cannot be installed. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#endif

int main(int argc, char **argv)
{
#ifdef ARCH
	/* landlock_create_ruleset, landlock_add_rule, landlock_restrict_self:
	 * 444-446 on every architecture; clone3: 435. */
	unsigned lo = 444, hi = 446;

	if (argc < 3)
		return 2;
	if (strcmp(argv[1], "clone3") == 0)
		lo = hi = 435;
	struct sock_filter prog[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo, 0, 2),
	    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, hi, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = {sizeof(prog) / sizeof(prog[0]), prog};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) < 0) {
		perror("nosys: seccomp");
		return 120;
	}
	execvp(argv[2], argv + 2);
	perror("nosys: exec");
	return 127;
#else
	(void)argc;
	(void)argv;
	fprintf(stderr, "nosys: no filter for this architecture\n");
	return 120;
#endif
}
