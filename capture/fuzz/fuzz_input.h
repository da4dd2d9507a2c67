/*
 * One fuzz input, as both the libFuzzer target (fuzz_decode.c) and the
 * sanitizer replay program (capreplay.c) run it: byte 0 picks the link
 * type, the rest is a sequence of packets, each a 2-byte big-endian
 * length and that many bytes (the last one takes what is left).  Every
 * packet is decoded from an exact-size heap copy and flow-tracked.
 *
 * Interface:
 *	fuzz_one(data, size)   0, or -1 when out of memory
 *	fuzz_link_byte(linktype)  the byte 0 that selects linktype, or -1
 *	fuzz_app(pkt, x, r)    the decoders above the transport (ARP, DNS:
 *	                       every record, ...), the exchange table x and
 *	                       the DNS-over-TCP reassembly r (either may be
 *	                       NULL) over pkt, every output byte read
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

int fuzz_one(const uint8_t *data, size_t size);
int fuzz_link_byte(int linktype);

struct cap_pkt;
struct cap_xchg;
struct cap_reasm;
unsigned fuzz_app(
    const struct cap_pkt *pkt, struct cap_xchg *x, struct cap_reasm *r);

#endif
