/* shim/env.c: the job's env rewrite (env_rewrite, preload_is_ours) over
 * generated envs, against what docs/shim.md promises: no CORDON_* left, no
 * LD_PRELOAD word of ours left (ld.so splits on spaces and colons), every
 * other entry and preload word kept in order, the vector NULL-terminated,
 * and E2BIG exactly when the result does not fit the room given. */
#include "shim/shim.h"
#include "tests/fuzz/fuzz.h"

#include <errno.h>

#define SEP " :"

/* The shim's own names as a host may spell them; the first byte of the
 * input picks which of them count as ours. */
static const char *const pool[] = {"/l/libcordon.so", "libcordon.so", "c", "/usr/lib/c"};

/* Entry prefixes the fuzzer reaches with one byte; '!' makes a huge
 * LD_PRELOAD value (the first one in an input: they are slow). */
static bool huge_done;

static char *expand(const char *s)
{
	const char *pre = s[0] == '@' ? "LD_PRELOAD=" : s[0] == '#' ? "CORDON_" : "";
	const char *body = *pre || s[0] == '!' ? s + 1 : s;
	size_t blen = strlen(body);
	size_t rep = s[0] == '!' && !huge_done ? 32768 / (blen + 1) + 1 : 1;

	huge_done |= rep > 1;
	char *e = malloc(strlen("LD_PRELOAD=") + blen * rep + 1);

	if (!e)
		abort();
	strcpy(e, rep > 1 ? "LD_PRELOAD=" : pre);
	char *o = e + strlen(e);
	for (size_t i = 0; i < rep; i++, o += blen)
		memcpy(o, body, blen + 1);
	return e;
}

static bool is_preload(const char *e)
{
	return strncmp(e, "LD_PRELOAD=", 11) == 0;
}

/* The next word of s (ld.so's split), or NULL. */
static const char *word(const char **s, size_t *len)
{
	*s += strspn(*s, SEP);
	if (!**s)
		return NULL;
	const char *w = *s;
	*len = strcspn(w, SEP);
	*s = w + *len;
	return w;
}

/* The words of in that are not ours are, in order, the words of out. */
static void check_words(const struct preload_ids *ids, const char *in, const char *out)
{
	const char *wi, *wo;
	size_t li, lo;

	FUZZ_CHECK(*out && !strchr(SEP, *out) && !strchr(SEP, out[strlen(out) - 1]));
	for (const char *p = out; *p; p++)
		FUZZ_CHECK(!(strchr(SEP, p[0]) && p[1] && strchr(SEP, p[1])));
	for (;;) {
		while ((wi = word(&in, &li)) && preload_is_ours(ids, wi, li))
			;
		wo = word(&out, &lo);
		FUZZ_CHECK(!wi == !wo);
		if (!wi)
			return;
		FUZZ_CHECK(li == lo && memcmp(wi, wo, li) == 0);
	}
}

/* What one entry becomes: 0 dropped, 1 kept as it is, 2 rewritten. */
static int fate(const struct preload_ids *ids, const char *e)
{
	const char *p = e + 11, *w;
	size_t len;
	bool ours = false, other = false;

	if (env_is_cordon(e))
		return 0;
	if (!is_preload(e))
		return 1;
	while ((w = word(&p, &len))) {
		bool o = preload_is_ours(ids, w, len);
		ours |= o;
		other |= !o;
	}
	return !ours ? 1 : other ? 2 : 0;
}

static void check_ids(const struct preload_ids *ids, const char *w, size_t len)
{
	bool want = false;

	for (size_t i = 0; i < ids->n; i++)
		want |=
		    strlen(ids->names[i]) == len && strncmp(ids->names[i], w, len) == 0;
	FUZZ_CHECK(preload_is_ours(ids, w, len) == want);
}

/* A room size around need: just below, at or above it, or anything up to it. */
static size_t near(size_t need, size_t pick)
{
	if (pick & 0x80) {
		size_t d = pick & 3;
		return d < 2 ? (need >= 2 - d ? need - (2 - d) : 0) : need + d - 2;
	}
	return pick % (need + 3);
}

static void check_rewrite(const struct preload_ids *ids, char **env, size_t n,
			  size_t cap_pick, size_t size_pick)
{
	size_t need_cap = 1, need_size = 0, room = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		int f = fate(ids, env[i]);
		need_cap += f != 0;
		room += is_preload(env[i]) ? strlen(env[i]) + 1 : 0;
	}
	/* As the shim sizes it (shim/divert.c): always enough. */
	char **out = malloc(need_cap * sizeof(*out));
	char *buf = malloc(room + 1);
	FUZZ_CHECK(env_rewrite(env, ids, out, need_cap, buf, room + 1) == 0);
	for (size_t i = 0; i < n; i++) {
		int f = fate(ids, env[i]);
		if (f == 1)
			FUZZ_CHECK(out[k++] == env[i]);
		if (f == 2) {
			FUZZ_CHECK(out[k] >= buf && out[k] < buf + room + 1);
			FUZZ_CHECK(is_preload(out[k]));
			check_words(ids, env[i] + 11, out[k] + 11);
			need_size += strlen(out[k++]) + 1;
		}
	}
	FUZZ_CHECK(k + 1 == need_cap && out[k] == NULL);
	free(out);
	free(buf);

	/* Smaller or larger room: E2BIG exactly when the result cannot fit.
	 * Exact-size heap blocks let ASan catch any write past them. */
	size_t cap = near(need_cap, cap_pick), size = near(need_size, size_pick);
	out = malloc(cap * sizeof(*out) + 1);
	buf = malloc(size + 1);
	int want = cap >= need_cap && size >= need_size ? 0 : E2BIG;
	FUZZ_CHECK(env_rewrite(env, ids, out, cap, buf, size) == want);
	free(out);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct preload_ids ids = {{NULL}, 0};
	size_t n;

	if (size < 3)
		return 0;
	for (size_t i = 0; i < 4; i++)
		if (data[0] & (1u << i))
			ids.names[ids.n++] = pool[i];
	char **raw = fuzz_split(data + 3, size - 3, '\n', 512, &n);
	char **env = calloc(n + 1, sizeof(*env));
	if (!env)
		abort();
	huge_done = false;
	for (size_t i = 0; i < n; i++) {
		env[i] = expand(raw[i]);
		check_ids(&ids, raw[i], strlen(raw[i]));
	}
	check_rewrite(&ids, env, n, data[1], data[2]);
	for (size_t i = 0; i < n; i++)
		free(env[i]);
	free(env);
	free(raw);
	return 0;
}
