/* The messages between the sandbox and the monitor (helper.h, enum
 * msg_type): one fixed-size record per send on a SOCK_SEQPACKET pair. */
#include "helper/helper.h"

#include <sys/socket.h>

int msg_send(int fd, enum msg_type type, int status)
{
	struct msg m = {(int32_t)type, (int32_t)status};

	/* MSG_NOSIGNAL: a vanished peer must not kill us with SIGPIPE. */
	return send(fd, &m, sizeof(m), MSG_NOSIGNAL) == (ssize_t)sizeof(m) ? 0 : -1;
}
