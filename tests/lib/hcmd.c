/* See hcmd.h. */
#include "tests/lib/hcmd.h"

#include "common/contract.h"

#include <stdlib.h>
#include <string.h>

char **tst_hcmd_argv(const struct tst_hcmd *c)
{
	struct helper_req r;
	struct req_num num;
	size_t n = 0, k = 0;
	char **out, **v;

	while (c->argv && c->argv[n])
		n++;
	req_init(&r);
	r.sh = c->sh;
	r.dirfd = c->dirfd;
	r.cloexec = c->cloexec;
	r.tmp_size = c->tmp_size;
	r.writable = c->writable;
	r.hidden = c->hidden;
	r.orphans = c->orphans;
	r.limits = c->limits;
	r.cgroup = c->cgroup;
	r.status_fd = c->status ? c->status_fd : -1;
	r.any_file = c->any_file;
	r.dev = c->dev;
	r.ino = c->ino;
	r.path = c->path;
	r.argv = c->argv;
	/* A word that is no tier (a refusal under test) takes the tier's
	 * place as given. */
	r.tier = tier_parse(c->tier);
	if (r.tier != TIER_LOCKDOWN)
		r.tier = TIER_HARDENED;
	out = calloc(n + REQ_ARGV_EXTRA, sizeof(*out));
	v = calloc(n + REQ_ARGV_EXTRA, sizeof(*v));
	if (!out || !v || req_build(&r, c->helper, &num, out, n + REQ_ARGV_EXTRA) != 0) {
		free(out);
		free(v);
		return NULL;
	}
	size_t len = 0;
	while (out[len])
		len++;
	/* TIER DEV:INO PATH ARGV0... end the line (argc 0: one ""). */
	size_t tier_at = len - (n ? n : 1) - 3;
	for (; out[k]; k++) {
		const char *w = k == tier_at ? c->tier : out[k];
		if (!(v[k] = strdup(w))) {
			free(out);
			tst_hcmd_free(v);
			return NULL;
		}
	}
	free(out);
	return v;
}

void tst_hcmd_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}
