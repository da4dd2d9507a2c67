/*
 * The bench's floor: a bare libpcap loop that only counts packets.
 * usage: pcapcount FILE
 */
#define _DEFAULT_SOURCE /* pcap.h uses u_int, u_char */
#include <pcap/pcap.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *p;
	unsigned long n = 0;
	pcap_t *pc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcapcount FILE\n");
		return 2;
	}
	if ((pc = pcap_open_offline(argv[1], err)) == NULL) {
		fprintf(stderr, "pcapcount: %s\n", err);
		return 1;
	}
	while (pcap_next_ex(pc, &h, &p) == 1)
		n++;
	printf("%lu\n", n);
	pcap_close(pc);
	return 0;
}
