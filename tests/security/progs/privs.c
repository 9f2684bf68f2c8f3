/* Privilege, shown or sought.
 *   privs        prints "euid N caps HEX" (its effective uid and permitted
 *                capability set): the tests make setuid-root and file-capability copies
 *                of it, so it does nothing else
 *   privs raise  tries to regain capabilities, one line per attempt ("ok" or
 *                the errno's name), then its effective set:
 *                  capset   every capability into the permitted and effective sets
 *                  ambient  CAP_NET_RAW into the inheritable, then the ambient set
 *                  setuid   setuid(0) ("root" when the caller already is)
 *                  caps     the permitted set afterwards
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct cap_header {
	uint32_t version;
	int pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};
#define CAP_VERSION_3 0x20080522
#define CAP_NET_RAW_  13

static const char *err(long rc)
{
	return rc < 0 ? strerrorname_np(errno) : "ok";
}

static unsigned long long permitted(void)
{
	struct cap_header h = {CAP_VERSION_3, 0};
	struct cap_data d[2] = {{0, 0, 0}, {0, 0, 0}};

	syscall(SYS_capget, &h, d);
	return (unsigned long long)d[1].permitted << 32 | d[0].permitted;
}

/* Every capability the kernel knows (bits past the last one are refused
 * even to root). */
static long set_all_caps(void)
{
	struct cap_header h = {CAP_VERSION_3, 0};
	unsigned long long all = ~0ULL;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = 0;

	if (f && fscanf(f, "%d", &last) == 1 && last < 63)
		all = (1ULL << (last + 1)) - 1;
	if (f)
		fclose(f);
	struct cap_data d[2] = {{(uint32_t)all, (uint32_t)all, 0},
				{(uint32_t)(all >> 32), (uint32_t)(all >> 32), 0}};
	return syscall(SYS_capset, &h, d);
}

int main(int argc, char **argv)
{
	/* A setuid-root copy only ever prints. */
	if (argc < 2 || strcmp(argv[1], "raise") || geteuid() != getuid()) {
		printf("euid %u caps %llx\n", (unsigned)geteuid(), permitted());
		return 0;
	}
	printf("capset %s\n", err(set_all_caps()));
	/* Ambient needs the capability permitted and inheritable first. */
	struct cap_header h = {CAP_VERSION_3, 0};
	struct cap_data d[2];
	syscall(SYS_capget, &h, d);
	d[0].inheritable |= 1U << CAP_NET_RAW_;
	syscall(SYS_capset, &h, d);
	printf("ambient %s\n",
	       err(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW_, 0, 0)));
	printf("setuid %s\n", getuid() == 0 ? "root" : err(setuid(0)));
	printf("caps %llx\n", permitted());
	return 0;
}
