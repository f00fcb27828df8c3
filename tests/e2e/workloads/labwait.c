// SPDX-License-Identifier: GPL-2.0
/*
 * labwait: wait until dom0 writes the xenstore key data/KEY of this domain,
 * then print its value. Lab scenarios use it so a guest holds its pages
 * exactly as long as dom0's experiment needs, instead of a fixed sleep.
 *
 * It speaks the xenstore wire protocol over the kernel's /dev/xen/xenbus
 * (one XS_READ request, one reply), so the guest needs no xenstore tools.
 * A relative path is resolved by xenstored under /local/domain/<own id>,
 * so it still names this guest's directory after a save/restore or a
 * migration, when the guest runs under a new domain id: the kernel holds
 * requests back while it is suspended and reconnects to xenstore on resume,
 * and nothing here remembers the old domain. Should the link still fail
 * (a read or write error, a reply that makes no sense), the device is
 * reopened and the key asked again until the timeout.
 *
 * usage: labwait KEY TIMEOUT_S
 * Exit status: 0 when the key appeared, 1 on timeout, 2 on error (the
 * device cannot be opened at all, or the link never came back).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define XS_READ		2	/* xs_wire.h: enum xsd_sockmsg_type */
#define XS_ERROR	16
#define XS_PAYLOAD_MAX	4096

struct xs_msg {
	uint32_t type;
	uint32_t req_id;
	uint32_t tx_id;
	uint32_t len;
};

static int full_read(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Reads PATH into VAL. Returns 1 when the key exists, 0 when xenstore
 * answers with an error (absent or not readable yet), -1 on a broken link.
 */
static int xs_read(int fd, const char *path, char *val, size_t val_len)
{
	static uint32_t req_id;
	char buf[sizeof(struct xs_msg) + XS_PAYLOAD_MAX];
	struct xs_msg hdr = { .type = XS_READ, .req_id = ++req_id };
	size_t plen = strlen(path) + 1;
	struct xs_msg reply;
	size_t n;

	if (plen > XS_PAYLOAD_MAX)
		return -1;
	hdr.len = (uint32_t)plen;
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), path, plen);
	if (write(fd, buf, sizeof(hdr) + plen) != (ssize_t)(sizeof(hdr) + plen))
		return -1;
	if (full_read(fd, &reply, sizeof(reply)) || reply.len > XS_PAYLOAD_MAX ||
	    full_read(fd, buf, reply.len))
		return -1;
	if (reply.type == XS_ERROR)
		return 0;
	if (reply.type != XS_READ)
		return -1;
	n = reply.len < val_len - 1 ? reply.len : val_len - 1;
	memcpy(val, buf, n);
	val[n] = '\0';
	return 1;
}

int main(int argc, char **argv)
{
	char path[256], val[256];
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	time_t deadline;
	int fd, rc, broken = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: labwait KEY TIMEOUT_S\n");
		return 2;
	}
	snprintf(path, sizeof(path), "data/%s", argv[1]);
	deadline = time(NULL) + atol(argv[2]);
	fd = open("/dev/xen/xenbus", O_RDWR);
	if (fd < 0) {
		perror("labwait: /dev/xen/xenbus");
		return 2;
	}
	for (;;) {
		rc = fd < 0 ? -1 : xs_read(fd, path, val, sizeof(val));
		if (rc > 0)
			break;
		if (rc < 0 && fd >= 0) {
			/* a fresh connection: no half-read reply left behind */
			if (!broken++)
				fprintf(stderr, "labwait: xenstore link broken, reopening\n");
			close(fd);
			fd = -1;
		}
		if (time(NULL) >= deadline) {
			if (rc < 0) {
				fprintf(stderr, "labwait: xenstore link still broken after %s s\n",
					argv[2]);
				return 2;
			}
			fprintf(stderr, "labwait: no %s after %s s\n", path, argv[2]);
			return 1;
		}
		nanosleep(&pause, NULL);
		if (fd < 0)
			fd = open("/dev/xen/xenbus", O_RDWR);
	}
	printf("%s\n", val);
	return 0;
}
