/* shim/path.c: the PATH walk of the exec*p family over generated PATH
 * strings and file names. Each candidate must be the one glibc's execvpe
 * (posix/execvpe.c, glibc 2.36) would try, in the same order; the model
 * below is written from that function's rules, not from the shim:
 *
 *  - PATH is bounded to PATH_MAX - 1 bytes: path_len = strnlen + 1;
 *  - elements split on ':'; an empty element means the cwd (bare name);
 *  - an element of path_len bytes or more is not tried; when it is the
 *    last one the walk ends, otherwise the walk goes on from its ':' --
 *    which glibc then reads as an empty element, so the cwd is tried.
 */
#include "shim/shim.h"
#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <limits.h>

/* Each '!' in PATH stands for 512 bytes of one long element, so the
 * fuzzer reaches glibc's PATH_MAX bound from small inputs. */
static char *expand(const char *s)
{
	size_t bangs = 0;

	for (const char *p = s; *p; p++)
		bangs += *p == '!';
	char *e = malloc(strlen(s) + bangs * 512 + 1), *o = e;
	if (!e)
		abort();
	for (; *s; s++) {
		if (*s != '!') {
			*o++ = *s;
			continue;
		}
		memset(o, 'd', 512);
		o += 512;
	}
	*o = '\0';
	return e;
}

/* The next candidate as glibc builds it into cand; false at the end. */
struct model {
	const char *p;
	size_t path_len;
	bool done;
};

static bool model_next(struct model *m, const char *file, char *cand)
{
	while (!m->done) {
		const char *subp = strchrnul(m->p, ':');
		size_t len = (size_t)(subp - m->p);

		if (len >= m->path_len) {
			if (!*subp)
				m->done = true;
			m->p = subp; /* not past the ':': glibc's loop step */
			continue;
		}
		memcpy(cand, m->p, len);
		cand[len] = '/';
		strcpy(cand + len + (len > 0), file);
		if (!*subp)
			m->done = true;
		else
			m->p = subp + 1;
		return true;
	}
	return false;
}

static void check_walk(const char *path, const char *file)
{
	size_t size = PATH_MAX + NAME_MAX + 2; /* as shim/divert.c gives it */
	char *buf = malloc(size), *cand = malloc(size);
	struct path_walk w;
	struct model m = {path, strnlen(path, PATH_MAX - 1) + 1, false};
	size_t n = 0;

	if (!buf || !cand)
		abort();
	path_walk_init(&w, path);
	for (;;) {
		bool got = path_walk_next(&w, file, buf, size);
		bool want = model_next(&m, file, cand);
		if (!got && want)
			fprintf(stderr, "candidate %zu missing: %.80s\n", n, cand);
		FUZZ_CHECK(got == want);
		if (!got)
			break;
		FUZZ_CHECK(strcmp(buf, cand) == 0);
		n++;
	}
	free(buf);
	free(cand);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	char **v = fuzz_split(data, size, '\0', 2, &n);
	const char *file = n > 1 ? v[1] : "ls";

	/* The walk only runs for names without '/', and glibc refuses names
	 * over NAME_MAX before it (the shim as well, in shim/divert.c). */
	if (*file && !strchr(file, '/') && strlen(file) <= NAME_MAX) {
		char *path = expand(v[0]);
		check_walk(path, file);
		free(path);
	}
	/* glibc's list of errors after which the search goes on. */
	static const int next[] = {EACCES, ENOENT, ESTALE, ENOTDIR, ENODEV, ETIMEDOUT};
	int err = size ? data[0] : 0;
	bool want = false;
	for (size_t i = 0; i < sizeof(next) / sizeof(next[0]); i++)
		want |= err == next[i];
	FUZZ_CHECK(path_error_continues(err) == want);
	free(v);
	return 0;
}
