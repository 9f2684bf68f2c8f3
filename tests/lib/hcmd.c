/* See hcmd.h. */
#include "tests/lib/hcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool put(char **v, size_t *k, const char *s)
{
	return (v[(*k)++] = strdup(s)) != NULL;
}

static bool put_num(char **v, size_t *k, const char *opt, int n)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", n);
	return put(v, k, opt) && put(v, k, num);
}

char **tst_hcmd_argv(const struct tst_hcmd *c)
{
	size_t n = 0, k = 0;
	char devino[48];
	bool ok;

	while (c->argv && c->argv[n])
		n++;
	/* helper, 6 option words, tier, DEV:INO, path, argv, NULL */
	char **v = calloc(n + 11, sizeof(*v));
	if (!v)
		return NULL;
	snprintf(devino, sizeof(devino), "%llu:%llu", c->dev, c->ino);
	ok = put(v, &k, c->helper) && (!c->sh || put(v, &k, "--sh")) &&
	     (c->dirfd < 0 || put_num(v, &k, "--dirfd", c->dirfd)) &&
	     (c->cloexec < 0 || put_num(v, &k, "--cloexec", c->cloexec)) &&
	     (!c->tmp_size || (put(v, &k, "--tmp-size") && put(v, &k, c->tmp_size))) &&
	     put(v, &k, c->tier) && put(v, &k, devino) && put(v, &k, c->path);
	for (size_t i = 0; ok && i < n; i++)
		ok = put(v, &k, c->argv[i]);
	if (!ok) {
		tst_hcmd_free(v);
		return NULL;
	}
	return v;
}

void tst_hcmd_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}
