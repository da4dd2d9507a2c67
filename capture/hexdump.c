/*
 * labsniff -X: the packet in hex and ASCII, line for line as tcpdump -X
 * prints it (16 bytes a line, offsets in hex, '.' for non-graphic bytes).
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "labsniff.h"

#define HEX_PER_LINE 16
#define HEX_COLUMNS 40 /* 8 groups of " xxxx" */

static void
hexdump_line(struct outbuf *ob, const uint8_t *p, size_t n, size_t off)
{
	static const char hex[] = "0123456789abcdef";
	char *q = outbuf_room(ob, 16 + HEX_COLUMNS + 2 + HEX_PER_LINE + 1);
	char *start = q;
	size_t i, col = 0, digits = 4;

	while (digits < 8 && (off >> (4 * digits)) != 0)
		digits++; /* as "%04x" grows past 0xffff */
	*q++ = '\t';
	*q++ = '0';
	*q++ = 'x';
	for (i = 0; i < digits; i++)
		*q++ = hex[(off >> (4 * (digits - 1 - i))) & 15];
	*q++ = ':';
	*q++ = ' ';
	for (i = 0; i < n; i++) {
		if (i % 2 == 0) {
			*q++ = ' ';
			col++;
		}
		*q++ = hex[p[i] >> 4];
		*q++ = hex[p[i] & 15];
		col += 2;
	}
	for (; col < HEX_COLUMNS; col++)
		*q++ = ' ';
	*q++ = ' ';
	*q++ = ' ';
	for (i = 0; i < n; i++)
		*q++ = p[i] > 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	*q++ = '\n';
	outbuf_commit(ob, (size_t)(q - start));
}

void
hexdump_print(struct outbuf *ob, const uint8_t *p, size_t n)
{
	size_t off;

	for (off = 0; off < n; off += HEX_PER_LINE)
		hexdump_line(ob, p + off,
		    n - off < HEX_PER_LINE ? n - off : HEX_PER_LINE, off);
}
