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

size_t env_preload_bytes(char *const *envp)
{
	size_t n = 0;

	for (; envp && *envp; envp++)
		if (strncmp(*envp, PRELOAD_VAR, sizeof(PRELOAD_VAR) - 1) == 0)
			n += strlen(*envp) + 1;
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

/* Writes "LD_PRELOAD=" and value's words that are not ours to dst[room],
 * each after the separator that preceded it. Returns the length, -1 when
 * every word was ours, -2 when none was (the caller then keeps the entry
 * verbatim, no room needed), -3 when the words kept do not fit. */
static long preload_filter(const struct preload_ids *ids, const char *value, char *dst,
			   size_t room)
{
	size_t n = sizeof(PRELOAD_VAR) - 1;
	bool kept = false, dropped = false, fits = true;

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
		fits = fits && n + kept + len + 1 <= room;
		if (fits && kept)
			dst[n] = sep ? w[-1] : ':';
		if (fits)
			memcpy(dst + n + kept, w, len);
		n += kept + len;
		kept = true;
	}
	if (!dropped)
		return -2;
	if (!kept)
		return -1;
	if (!fits)
		return -3;
	memcpy(dst, PRELOAD_VAR, sizeof(PRELOAD_VAR) - 1);
	dst[n] = '\0';
	return (long)n;
}

/* E2BIG exactly when the result does not fit out[cap] and buf[size]. */
int env_rewrite(char *const *envp, const struct preload_ids *ids, char **out, size_t cap,
		char *buf, size_t size)
{
	size_t k = 0, used = 0;

	for (; envp && *envp; envp++) {
		char *keep = *envp;

		if (env_is_cordon(keep))
			continue;
		if (strncmp(keep, PRELOAD_VAR, sizeof(PRELOAD_VAR) - 1) == 0) {
			long n = preload_filter(ids, keep + sizeof(PRELOAD_VAR) - 1,
						buf + used, size - used);
			if (n == -3)
				return E2BIG;
			if (n == -1)
				continue;
			if (n >= 0) {
				keep = buf + used;
				used += (size_t)n + 1;
			}
		}
		if (k + 1 >= cap)
			return E2BIG;
		out[k++] = keep;
	}
	if (!cap)
		return E2BIG;
	out[k] = NULL;
	return 0;
}
