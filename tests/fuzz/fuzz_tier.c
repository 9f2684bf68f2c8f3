/* shim/tier.c: tier_parse over any string, tier_decide over a generated
 * job env, against a model written from docs/shim.md: exact lower-case
 * words only, every CORDON_TIER entry counts, the first bad value fails
 * closed, a good one only raises the floor. */
#include "shim/shim.h"
#include "tests/fuzz/fuzz.h"

static const char *const words[] = {"none", "hardened", "lockdown"};

static enum tier model_parse(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, words[i]) == 0)
			return (enum tier)i;
	return TIER_BAD;
}

/* '@' at the start of an entry stands for "CORDON_TIER=", so that the
 * fuzzer reaches the interesting entries from tiny inputs. */
static char *expand(const char *s)
{
	char *e = malloc(strlen(s) + sizeof("CORDON_TIER="));

	if (!e)
		abort();
	if (s[0] == '@') {
		strcpy(e, "CORDON_TIER=");
		strcat(e, s + 1);
	} else {
		strcpy(e, s);
	}
	return e;
}

static void check_decide(enum tier floor, char **env)
{
	enum tier want = floor;
	const char *want_bad = NULL, *bad = NULL;

	for (char **e = env; *e; e++) {
		if (strncmp(*e, "CORDON_TIER=", 12) != 0)
			continue;
		enum tier t = model_parse(*e + 12);
		if (t == TIER_BAD) {
			want = TIER_BAD;
			want_bad = *e + 12;
			break;
		}
		if (want != TIER_BAD && t > want)
			want = t;
	}
	FUZZ_CHECK(tier_decide(floor, env, &bad) == want);
	FUZZ_CHECK(bad == want_bad);
	/* NULL envp is the floor itself. */
	bad = NULL;
	FUZZ_CHECK(tier_decide(floor, NULL, &bad) == floor && !bad);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum tier floor = data[0] % 4 == 3 ? TIER_BAD : (enum tier)(data[0] % 4);
	size_t n;
	char **raw = fuzz_split(data + 1, size - 1, '\n', 256, &n);
	char **env = calloc(n + 1, sizeof(*env));

	if (!env)
		abort();
	for (size_t i = 0; i < n; i++) {
		env[i] = expand(raw[i]);
		FUZZ_CHECK(tier_parse(raw[i]) == model_parse(raw[i]));
		enum tier t = tier_parse(raw[i]);
		FUZZ_CHECK(t == TIER_BAD || strcmp(tier_name(t), raw[i]) == 0);
	}
	check_decide(floor, env);
	for (size_t i = 0; i < n; i++)
		free(env[i]);
	free(env);
	free(raw);
	return 0;
}
