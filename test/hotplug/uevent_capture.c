/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Capture real uevents as fuzz seeds: in a private netns (it dies with
 * us, so do its veths), make and destroy veth pairs and save every
 * datagram the kernel sends into <dir>/uevent-NNN.
 *
 * usage: uevent_capture <dir>
 */

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

static const char * const script[] = {
	"ip link add cap0 type veth peer name cap1",
	"ip link set cap0 up",
	"ip link set cap1 up",
	"ip link set cap0 down",
	"ip link set cap1 name cap2",
	"ip link del cap0",
	"ip link set cap2 name cap1",
	"ip link del cap1",
};

static int
drain(int fd, const char *dir, int n)
{
	char buf[8192], path[512];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (n < 200 && poll(&p, 1, 200) > 0) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		FILE *f;

		if (len <= 0)
			break;
		snprintf(path, sizeof(path), "%s/uevent-%03d", dir, n++);
		f = fopen(path, "w");
		if (f == NULL)
			return -1;
		fwrite(buf, 1, (size_t)len, f);
		fclose(f);
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	unsigned int i;
	int fd, n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <dir>\n", argv[0]);
		return 2;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		perror("unshare");
		return 1;
	}
	fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("uevent socket");
		return 1;
	}
	for (i = 0; i < sizeof(script) / sizeof(script[0]) && n >= 0; i++) {
		if (system(script[i]) != 0)
			fprintf(stderr, "failed: %s\n", script[i]);
		n = drain(fd, argv[1], n);
	}
	close(fd);
	printf("%d uevents saved\n", n);
	return n > 0 ? 0 : 1;
}
