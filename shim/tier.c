/* The tier of one job (pure): the floor read at load, raised, never
 * lowered, by CORDON_TIER in the job's env. */
#include "shim/shim.h"

#include <string.h>

#define TIER_VAR "CORDON_TIER="

/* Every CORDON_TIER entry counts, not only the first one getenv() would
 * see: the kernel hands all of them to the target and a later lookup may
 * pick another one. */
enum tier tier_decide(enum tier floor, char *const *envp, const char **bad)
{
	enum tier t = floor;

	for (; envp && *envp; envp++) {
		if (strncmp(*envp, TIER_VAR, sizeof(TIER_VAR) - 1) != 0)
			continue;
		enum tier j = tier_parse(*envp + sizeof(TIER_VAR) - 1);
		if (j == TIER_BAD) {
			*bad = *envp + sizeof(TIER_VAR) - 1;
			return TIER_BAD;
		}
		if (t != TIER_BAD && j > t)
			t = j;
	}
	return t;
}
