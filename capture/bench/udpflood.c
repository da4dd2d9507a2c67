/*
 * The live bench's sender: UDP datagrams over loopback as fast as
 * sendmmsg() goes, for SECONDS, to a socket of its own that never reads
 * (the kernel drops what does not fit; the capture still sees it all).
 * usage: udpflood PORT SECONDS   prints the datagrams sent
 */
#define _GNU_SOURCE /* sendmmsg() */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

int
main(int argc, char **argv)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	char payload[BATCH][32];
	struct timespec t0, t;
	unsigned long sent = 0;
	double secs;
	int s, r, i;

	if (argc != 3) {
		fprintf(stderr, "usage: udpflood PORT SECONDS\n");
		return 2;
	}
	to.sin_port = htons((uint16_t)atoi(argv[1]));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	secs = atof(argv[2]);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	r = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || r < 0 || bind(r, (struct sockaddr *)&to, sizeof to) != 0) {
		perror("udpflood");
		return 1;
	}
	memset(msgs, 0, sizeof msgs);
	for (i = 0; i < BATCH; i++) {
		snprintf(payload[i], sizeof payload[i], "ping %d", i + 1);
		iov[i].iov_base = payload[i];
		iov[i].iov_len = strlen(payload[i]);
		msgs[i].msg_hdr.msg_name = &to;
		msgs[i].msg_hdr.msg_namelen = sizeof to;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		int n = sendmmsg(s, msgs, BATCH, 0);

		if (n > 0)
			sent += (unsigned long)n;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) +
	             (double)(t.tv_nsec - t0.tv_nsec) / 1e9 <
	         secs);
	printf("%lu\n", sent);
	return 0;
}
