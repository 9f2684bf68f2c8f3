/* nosyscall ERRNO NR[,NR...] CMD [ARG...]: runs CMD with the system calls
 * numbered NR failing with ERRNO (a decimal number), as an older kernel
 * (ENOSYS) or a container runtime's seccomp policy (EPERM) would make them:
 * how the helper copes with Linux 5.10 on a newer kernel. no_new_privs
 * first, as any unprivileged filter needs. Exit 120 when the filter cannot
 * be installed. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#endif

enum { MAX = 16 };

int main(int argc, char **argv)
{
#ifdef ARCH
	struct sock_filter prog[4 + 2 * MAX + 1];
	unsigned nr[MAX], n = 0, k = 0;
	char *s, *end;

	if (argc < 4)
		return 2;
	unsigned err = (unsigned)strtoul(argv[1], NULL, 10);
	for (s = argv[2]; *s && n < MAX; s = *end ? end + 1 : end)
		nr[n++] = (unsigned)strtoul(s, &end, 10);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, arch));
	prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, nr));
	for (unsigned i = 0; i < n; i++) {
		prog[k++] =
		    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr[i], 0, 1);
		prog[k++] = (struct sock_filter)BPF_STMT(
		    BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & 0xffff));
	}
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog fprog = {(unsigned short)k, prog};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) < 0) {
		perror("nosyscall: seccomp");
		return 120;
	}
	execvp(argv[3], argv + 3);
	perror("nosyscall: exec");
	return 127;
#else
	(void)argc;
	(void)argv;
	fprintf(stderr, "nosyscall: no filter for this architecture\n");
	return 120;
#endif
}
