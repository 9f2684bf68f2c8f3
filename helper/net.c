/* lockdown's network namespace starts with lo down; loopback services
 * (a test server on 127.0.0.1) expect it up. */
#include "helper/helper.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int net_lo_up(void)
{
	struct ifreq r;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	memset(&r, 0, sizeof(r));
	memcpy(r.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &r) < 0) {
		rc = -errno;
	} else {
		r.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &r) < 0)
			rc = -errno;
	}
	close(fd);
	return rc;
}
