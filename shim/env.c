/* The target's environment (pure): the job's env minus every CORDON_*
 * variable and minus the LD_PRELOAD words that load this shim; other
 * preloads stay, in order. The helper adds its own CORDON_SANDBOX marker. */
#include "shim/shim.h"

#include <errno.h>
#include <string.h>

#define PRELOAD_VAR "LD_PRELOAD="
/* ld.so splits LD_PRELOAD on both (elf/rtld.c). */
#define PRELOAD_SEP " :"

size_t vec_len(char *const *v)
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

bool env_is_cordon(const char *entry)
{
	return strncmp(entry, "CORDON_", 7) == 0;
}

bool preload_is_ours(const struct preload_ids *ids, const char *word, size_t len)
{
	for (size_t i = 0; i < ids->n; i++)
		if (strlen(ids->names[i]) == len && memcmp(ids->names[i], word, len) == 0)
			return true;
	return false;
}

/* Copies value's words that are not ours to buf, each after the separator
 * that preceded it. Returns the length, -1 when every word was ours, or -2
 * when none was (the caller then keeps the entry verbatim). */
static long preload_filter(const struct preload_ids *ids, const char *value, char *buf)
{
	size_t n = 0;
	bool kept = false, dropped = false;

	for (const char *p = value; *p;) {
		size_t sep = strspn(p, PRELOAD_SEP);
		size_t len = strcspn(p + sep, PRELOAD_SEP);
		const char *w = p + sep;

		p = w + len;
		if (!len)
			continue;
		if (preload_is_ours(ids, w, len)) {
			dropped = true;
			continue;
		}
		if (kept)
			buf[n++] = sep ? w[-1] : ':';
		memcpy(buf + n, w, len);
		n += len;
		kept = true;
	}
	buf[n] = '\0';
	return !dropped ? -2 : kept ? (long)n : -1;
}

int env_rewrite(char *const *envp, const struct preload_ids *ids, char **out, size_t cap,
		char *buf, size_t size)
{
	size_t k = 0, used = 0;

	for (; envp && *envp; envp++) {
		const char *e = *envp;

		if (env_is_cordon(e))
			continue;
		if (k + 1 >= cap)
			return E2BIG;
		if (strncmp(e, PRELOAD_VAR, sizeof(PRELOAD_VAR) - 1) != 0) {
			out[k++] = (char *)e;
			continue;
		}
		if (used + strlen(e) + 1 > size)
			return E2BIG;
		memcpy(buf + used, PRELOAD_VAR, sizeof(PRELOAD_VAR) - 1);
		long n = preload_filter(ids, e + sizeof(PRELOAD_VAR) - 1,
					buf + used + sizeof(PRELOAD_VAR) - 1);
		if (n == -2) {
			out[k++] = (char *)e;
		} else if (n >= 0) {
			out[k++] = buf + used;
			used += sizeof(PRELOAD_VAR) + (size_t)n;
		}
	}
	out[k] = NULL;
	return 0;
}
