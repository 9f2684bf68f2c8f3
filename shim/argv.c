/* The helper's command line (pure), as docs/design.md fixes it:
 *
 *	cordon-helper [--sh] [--dirfd N] [--cloexec N] [--tmp-size SIZE]
 *		      TIER DEV:INO PATH ARGV0 [ARG...]
 */
#include "shim/shim.h"

#include <errno.h>
#include <string.h>

/* Decimal, no allocation: the exec path cannot use snprintf. Returns the
 * end (the NUL) so callers can append. */
char *fmt_u64(char *buf, uint64_t v)
{
	char tmp[U64_DIGITS];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*buf++ = tmp[--n];
	*buf = '\0';
	return buf;
}

static size_t push_options(const struct helper_cmd *h, struct helper_num *num, char **out)
{
	size_t i = 0;

	if (h->sh)
		out[i++] = (char *)"--sh";
	if (h->dirfd >= 0) {
		fmt_u64(num->dirfd, (uint64_t)h->dirfd);
		out[i++] = (char *)"--dirfd";
		out[i++] = num->dirfd;
	}
	if (h->cloexec >= 0) {
		fmt_u64(num->cloexec, (uint64_t)h->cloexec);
		out[i++] = (char *)"--cloexec";
		out[i++] = num->cloexec;
	}
	if (h->tmp_size) {
		out[i++] = (char *)"--tmp-size";
		out[i++] = (char *)h->tmp_size;
	}
	return i;
}

int helper_argv(const struct helper_cmd *h, char *const *argv, struct helper_num *num,
		char **out, size_t cap)
{
	size_t argc = argv ? vec_len(argv) : 0;
	size_t i = 0;

	if (argc + HELPER_ARGV_EXTRA > cap)
		return E2BIG;
	out[i++] = (char *)h->helper;
	i += push_options(h, num, out + i);
	out[i++] = (char *)tier_str(h->tier);
	char *colon = fmt_u64(num->devino, h->dev);
	*colon = ':';
	fmt_u64(colon + 1, h->ino);
	out[i++] = num->devino;
	out[i++] = (char *)h->path;
	/* Linux (>= 5.18) runs an argc-0 exec with argv {""}; the helper
	 * needs an ARGV0, so it gets what the kernel would have made. */
	if (argc == 0)
		out[i++] = (char *)"";
	for (size_t k = 0; k < argc; k++)
		out[i++] = argv[k];
	out[i] = NULL;
	return 0;
}
