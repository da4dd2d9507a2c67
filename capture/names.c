/*
 * Names for what the decoder found: layers (truncation marks), ethertypes,
 * IP protocols, ICMP types, TCP flags in tcpdump's notation, addresses.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <sys/socket.h>

#include "capture.h"

const char *
cap_layer_name(enum cap_layer layer)
{
	static const char *const names[] = {
	    [CAP_L_NONE] = "none",
	    [CAP_L_LINK] = "link",
	    [CAP_L_IP] = "ip",
	    [CAP_L_IP6] = "ip6",
	    [CAP_L_TCP] = "tcp",
	    [CAP_L_UDP] = "udp",
	    [CAP_L_ICMP] = "icmp",
	    [CAP_L_ICMP6] = "icmp6",
	    [CAP_L_PAYLOAD] = "payload",
	};

	if ((unsigned)layer >= sizeof names / sizeof names[0])
		return "?";
	return names[layer];
}

const char *
cap_trunc_name(const struct cap_pkt *pkt)
{
	static const char *const links[] = {
	    [CAP_LINK_NONE] = "link",
	    [CAP_LINK_ETH] = "ether",
	    [CAP_LINK_SLL] = "linux_sll",
	    [CAP_LINK_SLL2] = "linux_sll2",
	    [CAP_LINK_NULL] = "null",
	    [CAP_LINK_LOOP] = "loop",
	    [CAP_LINK_RAW] = "ip",
	};

	if (pkt->trunc == CAP_L_NONE)
		return NULL;
	if (pkt->trunc == CAP_L_LINK && (unsigned)pkt->link < 7)
		return links[pkt->link];
	return cap_layer_name(pkt->trunc);
}

const char *
cap_ethertype_name(uint16_t type)
{
	switch (type) {
	case 0x0800:
		return "IPv4";
	case 0x0806:
		return "ARP";
	case 0x8035:
		return "RARP";
	case 0x8100:
		return "802.1Q";
	case 0x86dd:
		return "IPv6";
	case 0x8808:
		return "Ethernet flow control";
	case 0x8847:
		return "MPLS unicast";
	case 0x8848:
		return "MPLS multicast";
	case 0x8863:
		return "PPPoE discovery";
	case 0x8864:
		return "PPPoE session";
	case 0x888e:
		return "EAPOL";
	case 0x88a8:
		return "802.1ad";
	case 0x88cc:
		return "LLDP";
	case 0x88f7:
		return "PTP";
	}
	return type < 0x0600 ? "802.3 LLC" : NULL;
}

const char *
cap_ipproto_name(uint8_t proto)
{
	switch (proto) {
	case 0:
		return "HOPOPT";
	case 1:
		return "ICMP";
	case 2:
		return "IGMP";
	case 4:
		return "IPIP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 41:
		return "IPv6";
	case 43:
		return "IPv6-Route";
	case 44:
		return "IPv6-Frag";
	case 47:
		return "GRE";
	case 50:
		return "ESP";
	case 51:
		return "AH";
	case 58:
		return "ICMPv6";
	case 59:
		return "IPv6-NoNxt";
	case 60:
		return "IPv6-Opts";
	case 89:
		return "OSPF";
	case 103:
		return "PIM";
	case 112:
		return "VRRP";
	case 132:
		return "SCTP";
	case 136:
		return "UDPLite";
	}
	return NULL;
}

static const char *
icmp4_name(uint8_t type, uint8_t code)
{
	static const char *const unreach[] = {
	    "net unreachable",
	    "host unreachable",
	    "protocol unreachable",
	    "port unreachable",
	    "fragmentation needed",
	    "source route failed",
	};

	switch (type) {
	case 0:
		return "echo reply";
	case 3:
		return code < 6 ? unreach[code] : "destination unreachable";
	case 4:
		return "source quench";
	case 5:
		return "redirect";
	case 8:
		return "echo request";
	case 9:
		return "router advertisement";
	case 10:
		return "router solicitation";
	case 11:
		return code == 1 ? "fragment reassembly time exceeded"
		                 : "time exceeded in-transit";
	case 12:
		return "parameter problem";
	case 13:
		return "time stamp request";
	case 14:
		return "time stamp reply";
	}
	return "icmp type unknown";
}

static const char *
icmp6_name(uint8_t type, uint8_t code)
{
	static const char *const unreach[] = {
	    "no route",
	    "administratively prohibited",
	    "beyond scope",
	    "address unreachable",
	    "port unreachable",
	};

	switch (type) {
	case 1:
		return code < 5 ? unreach[code] : "destination unreachable";
	case 2:
		return "packet too big";
	case 3:
		return "time exceeded";
	case 4:
		return "parameter problem";
	case 128:
		return "echo request";
	case 129:
		return "echo reply";
	case 130:
		return "multicast listener query";
	case 131:
		return "multicast listener report";
	case 133:
		return "router solicitation";
	case 134:
		return "router advertisement";
	case 135:
		return "neighbor solicitation";
	case 136:
		return "neighbor advertisement";
	case 137:
		return "redirect";
	case 143:
		return "multicast listener report v2";
	}
	return "icmp6 type unknown";
}

const char *
cap_icmp_name(int family, uint8_t type, uint8_t code)
{
	return family == 6 ? icmp6_name(type, code) : icmp4_name(type, code);
}

/* tcpdump's order and letters (print-tcp.c tcp_flag_values). */
char *
cap_tcp_flags_str(uint16_t flags, char *buf)
{
	static const char letters[] = "FSRP.UEWe";
	char *p = buf;
	unsigned i;

	for (i = 0; i < sizeof letters - 1; i++)
		if (flags & (1u << i))
			*p++ = letters[i];
	if (p == buf) {
		buf[0] = 'n', buf[1] = 'o', buf[2] = 'n', buf[3] = 'e';
		p = buf + 4;
	}
	*p = '\0';
	return buf;
}

char *
cap_addr_str(const struct cap_addr *addr, char *buf, size_t n)
{
	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (addr->family == 4)
		inet_ntop(AF_INET, addr->a, buf, (socklen_t)n);
	else if (addr->family == 6)
		inet_ntop(AF_INET6, addr->a, buf, (socklen_t)n);
	return buf;
}
