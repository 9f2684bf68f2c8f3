/* The shim-helper contract from both ends, as tests/contract does for a few
 * cases: any request the shim can make (common/contract.c req_build) parses
 * back in the helper (req_parse) to the same request, argv verbatim --
 * arguments that look like the helper's own options included. */
#include "common/contract.h"
#include "tests/fuzz/fuzz.h"

#include <errno.h>

static uint64_t take_u64(const uint8_t **d, size_t *n)
{
	uint64_t v = 0;

	for (int i = 0; i < 8 && *n; i++, (*d)++, (*n)--)
		v = v << 8 | **d;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	uint8_t flags = data[0];
	struct helper_req h;
	req_init(&h);
	h.sh = flags & 1;
	h.dirfd = flags & 2 ? data[1] : -1;
	h.cloexec = flags & 4 ? (flags & 8 ? data[1] : data[2]) : -1;
	h.status_fd = flags & 128 ? data[2] : -1;
	h.tier = flags & 16 ? TIER_LOCKDOWN : TIER_HARDENED;
	data += 3;
	size -= 3;
	h.dev = take_u64(&data, &size);
	h.ino = take_u64(&data, &size);
	if (flags & 32) /* INT_MAX-sized fds as well */
		h.dirfd = h.dirfd < 0 ? -1 : (int)(h.ino & 0x7fffffff);
	static const char *const sizes[] = {
	    "1", "64m", "512K", "2G", "50%", "100%", "999999999999999", "8589934591g"};
	if (flags & 64)
		h.tmp_size = sizes[h.dev % (sizeof(sizes) / sizeof(sizes[0]))];
	static const char *const lists[] = {"", "/", "/srv", "/a b:/c",
					    "/home/u/.ssh:/x"};
	if (h.ino & 1)
		h.writable = lists[(h.ino >> 1) % (sizeof(lists) / sizeof(lists[0]))];
	if (h.ino & 16)
		h.hidden = lists[2 + (h.ino >> 5) % 3];

	size_t n;
	char **v = fuzz_split(data, size, '\0', 4096, &n);
	h.path = v[0];
	char **argv = v + 1; /* may be empty: argc 0 */
	size_t argc = n - 1;
	if (!*h.path && h.dirfd < 0)
		h.path = "/p"; /* the shim never asks for an empty path without a fd */

	size_t cap = argc + REQ_ARGV_EXTRA;
	char **out = malloc(cap * sizeof(*out));
	struct req_num num;
	if (!out)
		abort();
	h.argv = argv;
	FUZZ_CHECK(req_build(&h, "/h", &num, out, cap) == 0);
	FUZZ_CHECK(req_build(&h, "/h", &num, out, cap - 1) == E2BIG);
	int oc = 0;
	while (out[oc])
		oc++;
	FUZZ_CHECK((size_t)oc < cap);

	struct helper_req c;
	FUZZ_CHECK(req_parse(oc, out, &c, NULL) == 0);
	FUZZ_CHECK(c.sh == h.sh && c.dirfd == h.dirfd && c.cloexec == h.cloexec);
	FUZZ_CHECK(c.status_fd == h.status_fd && !c.any_file);
	FUZZ_CHECK(c.tier == h.tier);
	FUZZ_CHECK(c.dev == h.dev && c.ino == h.ino);
	FUZZ_CHECK(strcmp(c.path, h.path) == 0);
	FUZZ_CHECK(h.tmp_size ? c.tmp_size && strcmp(c.tmp_size, h.tmp_size) == 0
			      : !c.tmp_size);
	FUZZ_CHECK(h.writable ? c.writable && strcmp(c.writable, h.writable) == 0
			      : !c.writable);
	FUZZ_CHECK(h.hidden ? c.hidden && strcmp(c.hidden, h.hidden) == 0 : !c.hidden);
	if (argc == 0) {
		/* what the kernel makes of argc 0 */
		FUZZ_CHECK(strcmp(c.argv[0], "") == 0 && !c.argv[1]);
	} else {
		for (size_t i = 0; i <= argc; i++)
			FUZZ_CHECK(c.argv[i] == argv[i]);
	}
	free(out);
	free(v);
	return 0;
}
