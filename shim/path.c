/* glibc's PATH walk for the exec*p family and posix_spawnp (pure), as in
 * posix/execvpe.c: elements split on ':', an empty element names the cwd
 * (the bare file name is tried), an element longer than glibc's stack
 * bound is not tried (but the cwd is, in its place, when more follow). */
#include "shim/shim.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

void path_walk_init(struct path_walk *w, const char *path)
{
	w->next = path;
	w->path_len = strnlen(path, PATH_MAX - 1) + 1;
}

bool path_walk_next(struct path_walk *w, const char *file, char *buf, size_t size)
{
	size_t flen = strnlen(file, NAME_MAX) + 1;

	while (w->next) {
		const char *p = w->next, *end = strchrnul(p, ':');
		size_t len = (size_t)(end - p);

		w->next = *end ? end + 1 : NULL;
		/* glibc (2.36) steps over an element past its bound onto the
		 * ':' and reads that as an empty element: the cwd is tried. */
		if (len >= w->path_len && *end)
			w->next = end;
		if (len >= w->path_len || len + 1 + flen > size)
			continue;
		memcpy(buf, p, len);
		buf[len] = '/';
		memcpy(buf + len + (len > 0), file, flen);
		buf[len + (len > 0) + flen - 1] = '\0';
		return true;
	}
	return false;
}

/* The errors after which glibc tries the next element (EACCES is also
 * remembered by the caller); anything else ends the search. */
bool path_error_continues(int err)
{
	static const int next[] = {EACCES, ENOENT, ESTALE, ENOTDIR, ENODEV, ETIMEDOUT};

	for (size_t i = 0; i < sizeof(next) / sizeof(next[0]); i++)
		if (err == next[i])
			return true;
	return false;
}
