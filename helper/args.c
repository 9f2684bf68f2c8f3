/* The shim-helper command line (docs/design.md), as a pure function:
 *
 *	cordon-helper [--sh] [--dirfd N] [--cloexec N] [--tmp-size SIZE]
 *		      TIER DEV:INO PATH ARGV0 [ARG...]
 *
 * Anything else is a version mismatch between shim and helper, so the parser
 * is strict: each option at most once, decimal numbers only (no sign, no
 * spaces, no overflow), exact tier names. */
#include "helper/helper.h"
#include "helper/tmpsize.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

/* Parses a decimal number in [0, max] that fills the string s up to end
 * (or its NUL when end is NULL). */
static int parse_u64(const char *s, const char *end, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!end)
		end = s + strlen(s);
	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (d > 9 || v > (max - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int parse_fd(const char *s, int *fd)
{
	uint64_t v;

	if (!s || parse_u64(s, NULL, INT_MAX, &v) < 0)
		return -EINVAL;
	*fd = (int)v;
	return 0;
}

static const char *const tiers[] = {
    [TIER_HARDENED] = "hardened",
    [TIER_LOCKDOWN] = "lockdown",
};

const char *tier_name(enum tier t)
{
	return tiers[t];
}

static int parse_tier(const char *s, enum tier *t)
{
	for (size_t i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++)
		if (strcmp(s, tiers[i]) == 0) {
			*t = (enum tier)i;
			return 0;
		}
	return -EINVAL;
}

static int parse_devino(const char *s, uint64_t *dev, uint64_t *ino)
{
	const char *colon = strchr(s, ':');

	if (!colon || parse_u64(s, colon, UINT64_MAX, dev) < 0)
		return -EINVAL;
	return parse_u64(colon + 1, NULL, UINT64_MAX, ino);
}

/* Options come first; returns the index of TIER, or -1 with *why set. */
static int parse_options(int argc, char **argv, struct args *a, const char **why)
{
	int i = 1;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *o = argv[i];
		int *fd = strcmp(o, "--dirfd") == 0	? &a->dirfd
			  : strcmp(o, "--cloexec") == 0 ? &a->cloexec
							: NULL;
		if (strcmp(o, "--sh") == 0 && !a->sh) {
			a->sh = true;
			continue;
		}
		if (strcmp(o, "--tmp-size") == 0 && !a->tmp_size) {
			if (++i >= argc || !tmp_size_ok(argv[i])) {
				*why =
				    "--tmp-size needs a tmpfs size (N, Nk, Nm, Ng or N%)";
				return -1;
			}
			a->tmp_size = argv[i];
			continue;
		}
		if (!fd || *fd != -1) {
			*why = "unknown or repeated option";
			return -1;
		}
		if (++i >= argc || parse_fd(argv[i], fd) < 0) {
			*why = "option needs a file descriptor number";
			return -1;
		}
	}
	return i;
}

int args_parse(int argc, char **argv, struct args *a, const char **why)
{
	const char *local;
	int i;

	if (!why)
		why = &local;
	memset(a, 0, sizeof(*a));
	a->dirfd = a->cloexec = -1;
	if (argc < 1 || !argv) {
		*why = "empty command line";
		return -EINVAL;
	}
	i = parse_options(argc, argv, a, why);
	if (i < 0)
		return -EINVAL;
	if (argc - i < 4) {
		*why = "expected TIER DEV:INO PATH ARGV0 [ARG...]";
		return -EINVAL;
	}
	if (parse_tier(argv[i], &a->tier) < 0) {
		*why = "TIER is neither hardened nor lockdown";
		return -EINVAL;
	}
	if (parse_devino(argv[i + 1], &a->dev, &a->ino) < 0) {
		*why = "DEV:INO is not two decimal numbers";
		return -EINVAL;
	}
	a->path = argv[i + 2];
	if (!*a->path && a->dirfd < 0) {
		*why = "empty PATH without --dirfd";
		return -EINVAL;
	}
	a->argv = argv + i + 3;
	return 0;
}
