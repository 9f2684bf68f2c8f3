/* The helper's side of the contract test: its parser, behind plain types
 * (the shim and the helper each have an enum tier of their own, so one
 * translation unit cannot include both headers). */
#include "tests/contract/contract.h"

#include "helper/helper.h"

int contract_parse(int argc, char **argv, struct contract_cmd *out)
{
	struct args a;
	const char *why;
	int rc = args_parse(argc, argv, &a, &why);

	if (rc < 0)
		return rc;
	out->sh = a.sh;
	out->dirfd = a.dirfd;
	out->cloexec = a.cloexec;
	out->tier = tier_name(a.tier);
	out->dev = a.dev;
	out->ino = a.ino;
	out->path = a.path;
	out->tmp_size = a.tmp_size;
	out->argv = a.argv;
	return 0;
}
