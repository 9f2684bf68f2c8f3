/* The messages between the monitor and init (helper.h, struct msg): one
 * fixed-size record per send on the SOCK_SEQPACKET pair init makes once the
 * job exists (after the host's fds left the table the two share). */
#include "helper/helper.h"

#include <errno.h>
#include <sys/socket.h>

int msg_send(int fd, const struct msg *m, int flags)
{
	/* MSG_NOSIGNAL: a vanished peer must not kill us with SIGPIPE. */
	return send(fd, m, sizeof(*m), flags | MSG_NOSIGNAL) == (ssize_t)sizeof(*m) ? 0
										    : -1;
}

int msg_recv(int fd, struct msg *m, int flags)
{
	ssize_t n;

	do
		n = recv(fd, m, sizeof(*m), flags);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return -1;
	return n == (ssize_t)sizeof(*m) ? 1 : 0;
}
