/* Kernel ABI of seccomp filters, spelled out: musl ships no linux/ headers.
 * Shared with the filter's unit test. */
#ifndef CORDON_SECCOMP_H
#define CORDON_SECCOMP_H

#include "common/contract.h"

#include <stddef.h>
#include <stdint.h>

struct bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct bpf_prog {
	unsigned short len;
	const struct bpf_insn *insns;
};
struct seccomp_data {
	int nr;
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t args[6];
};

#define SECCOMP_MODE_FILTER	       2
#define SECCOMP_SET_MODE_FILTER	       1
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1U << 2)
#define RET_ALLOW		       0x7fff0000U
#define RET_ERRNO		       0x00050000U
#define RET_KILL_PROCESS	       0x80000000U /* Linux 4.14 */
#define BPF_LD_W_ABS		       0x20	   /* BPF_LD | BPF_W | BPF_ABS */
#define BPF_JEQ_K		       0x15	   /* BPF_JMP | BPF_JEQ | BPF_K */
#define BPF_JGE_K		       0x35	   /* BPF_JMP | BPF_JGE | BPF_K */
#define BPF_JSET_K		       0x45	   /* BPF_JMP | BPF_JSET | BPF_K */
#define BPF_AND_K		       0x54	   /* BPF_ALU | BPF_AND | BPF_K */
#define BPF_RET_K		       0x06	   /* BPF_RET | BPF_K */

#define AUDIT_ARCH_X86_64  0xc000003eU
#define AUDIT_ARCH_I386	   0x40000003U
#define AUDIT_ARCH_AARCH64 0xc00000b7U
#define AUDIT_ARCH_ARM	   0x40000028U
#define AUDIT_ARCH_RISCV64 0xc00000f3U
#define AUDIT_ARCH_PPC64LE 0xc0000015U
#define AUDIT_ARCH_S390X   0x80000016U
#define X32_SYSCALL_BIT	   0x40000000U

/* caps.c: the filter the target installs at tier (hardened or lockdown),
 * built from its rule table into static storage; NULL if the table's jumps
 * do not resolve. */
const struct bpf_insn *job_filter(enum tier tier, size_t *len);

#endif
