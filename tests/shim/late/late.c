/* A library preloaded before libcordon.so: ld.so runs its constructor after
 * the shim's. It says whether the process has a heap by then ("heap" or
 * "no heap" on stdout), reading /proc/self/maps with plain system calls
 * (no stdio, no malloc). /bin/true never sets one up: a heap there is the
 * shim's load (a failed symbol lookup's error message, a string built in
 * malloc'd memory), which every process would pay. With LATE_MALLOC set
 * it mallocs first: the control that shows a heap is seen. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void late(void)
{
	static char maps[1 << 16];
	size_t n = 0;
	ssize_t k;
	int fd;

	if (getenv("LATE_MALLOC")) {
		void *volatile p = malloc(1); /* kept: GCC drops a free(malloc()) */
		free(p);
	}
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		_exit(2);
	while (n < sizeof(maps) - 1 && (k = read(fd, maps + n, sizeof(maps) - 1 - n)) > 0)
		n += (size_t)k;
	close(fd);
	maps[n] = '\0';
	if (strstr(maps, "[heap]"))
		(void)!write(1, "heap\n", 5);
	else
		(void)!write(1, "no heap\n", 8);
}
