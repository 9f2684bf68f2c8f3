/* The shim-helper command line (docs/design.md) seen from both ends. */
#ifndef CORDON_CONTRACT_H
#define CORDON_CONTRACT_H

#include <stdbool.h>
#include <stdint.h>

struct contract_cmd {
	bool sh;
	int dirfd, cloexec;
	const char *tier;
	uint64_t dev, ino;
	const char *path;
	const char *tmp_size; /* NULL: none */
	char **argv;
};

/* helper/args.c's parse of argv, in plain types; 0 or -errno. */
int contract_parse(int argc, char **argv, struct contract_cmd *out);

#endif
