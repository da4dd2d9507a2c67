/*
 * labsniff's output buffer and its hand-written number and address
 * formatting (printf per field would cost more than decoding the packet).
 */
#define _POSIX_C_SOURCE 200809L
#include "outbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324"
    "25262728293031323334353637383940414243444546474849"
    "50515253545556575859606162636465666768697071727374"
    "75767778798081828384858687888990919293949596979899";

static const char hex_digits[] = "0123456789abcdef";

int
outbuf_init(struct outbuf *ob, int fd, size_t cap)
{
	ob->buf = malloc(cap);
	ob->len = 0;
	ob->cap = cap;
	ob->fd = fd;
	ob->failed = 0;
	return ob->buf == NULL ? -1 : 0;
}

void
outbuf_mem(struct outbuf *ob, char *buf, size_t cap)
{
	ob->buf = buf;
	ob->len = 0;
	ob->cap = cap;
	ob->fd = -1;
	ob->failed = 0;
}

int
outbuf_flush(struct outbuf *ob)
{
	size_t off = 0;
	ssize_t n;

	if (ob->fd < 0) { /* a memory buffer overflowed: drop it all */
		ob->failed = ENOSPC;
		ob->len = 0;
		return -1;
	}
	while (off < ob->len && !ob->failed) {
		n = write(ob->fd, ob->buf + off, ob->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ob->failed = errno;
		else
			off += (size_t)n;
	}
	/* After a failure the output is dropped: the caller reports it once. */
	ob->len = 0;
	return ob->failed ? -1 : 0;
}

void
outbuf_free(struct outbuf *ob)
{
	if (ob->buf != NULL)
		outbuf_flush(ob);
	free(ob->buf);
	ob->buf = NULL;
}

/* outbuf_put when p[0..n) does not fit: flushed as the buffer fills. */
void
outbuf_put_slow(struct outbuf *ob, const void *p, size_t n)
{
	const char *s = p;
	size_t k;

	while (n > 0) {
		if (ob->len == ob->cap)
			outbuf_flush(ob);
		k = ob->cap - ob->len < n ? ob->cap - ob->len : n;
		memcpy(ob->buf + ob->len, s, k);
		ob->len += k;
		s += k;
		n -= k;
	}
}

static int
u64_digits(uint64_t v)
{
	int n = 1;

	if (v < 100000) /* ports, lengths, windows: no division */
		return 1 + (v >= 10) + (v >= 100) + (v >= 1000) + (v >= 10000);
	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

size_t
outbuf_fmt_u64(char *p, uint64_t v)
{
	int n = u64_digits(v), i = n;

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		p[--i] = digit_pairs[d + 1];
		p[--i] = digit_pairs[d];
	}
	if (v >= 10) {
		p[--i] = digit_pairs[v * 2 + 1];
		p[--i] = digit_pairs[v * 2];
	} else {
		p[--i] = (char)('0' + v);
	}
	return (size_t)n;
}

void
outbuf_u64(struct outbuf *ob, uint64_t v)
{
	char *p = outbuf_room(ob, 20);

	outbuf_commit(ob, outbuf_fmt_u64(p, v));
}

void
outbuf_i64(struct outbuf *ob, int64_t v)
{
	if (v < 0) {
		outbuf_putc(ob, '-');
		outbuf_u64(ob, (uint64_t)0 - (uint64_t)v);
	} else {
		outbuf_u64(ob, (uint64_t)v);
	}
}

void
outbuf_u64w(struct outbuf *ob, uint64_t v, int width, char pad)
{
	char tmp[20];
	size_t n = outbuf_fmt_u64(tmp, v);
	char *p;
	size_t fill = (size_t)width > n ? (size_t)width - n : 0;

	p = outbuf_room(ob, fill + n);
	memset(p, pad, fill);
	memcpy(p + fill, tmp, n);
	outbuf_commit(ob, fill + n);
}

void
outbuf_frac(struct outbuf *ob, uint64_t v, int digits)
{
	char *p = outbuf_room(ob, (size_t)digits);
	int i = digits;

	for (; i >= 2; i -= 2) { /* two digits per division */
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		p[i - 1] = digit_pairs[d + 1];
		p[i - 2] = digit_pairs[d];
	}
	if (i == 1)
		p[0] = (char)('0' + v % 10);
	outbuf_commit(ob, (size_t)digits);
}

void
outbuf_hex(struct outbuf *ob, uint64_t v, int digits)
{
	char *p = outbuf_room(ob, (size_t)digits);
	int i;

	for (i = digits - 1; i >= 0; i--) {
		p[i] = hex_digits[v & 15];
		v >>= 4;
	}
	outbuf_commit(ob, (size_t)digits);
}

/* "0." .. "255." with their lengths: an address is 4 copies. */
static char octets[256][4];
static uint8_t octet_len[256];

static void
octets_init(void)
{
	int i;

	for (i = 0; i < 256; i++) {
		octet_len[i] = (uint8_t)outbuf_fmt_u64(octets[i], (uint64_t)i);
		octets[i][octet_len[i]] = '.';
	}
}

void
outbuf_ipv4(struct outbuf *ob, const uint8_t a[4])
{
	char *p = outbuf_room(ob, 16), *q = p;
	int i;

	if (octet_len[0] == 0)
		octets_init();
	for (i = 0; i < 4; i++) {
		memcpy(q, octets[a[i]], 4);
		q += octet_len[a[i]] + 1;
	}
	outbuf_commit(ob, (size_t)(q - p) - 1); /* not the last '.' */
}

/* The longest run (>= 2) of zero groups, the first one on a tie. */
static void
ipv6_zero_run(const uint16_t w[8], int *base, int *len)
{
	int i, cur = -1, curlen = 0;

	*base = -1;
	*len = 0;
	for (i = 0; i <= 8; i++) {
		if (i < 8 && w[i] == 0) {
			if (cur < 0)
				cur = i, curlen = 0;
			curlen++;
			continue;
		}
		if (cur >= 0 && curlen > *len && curlen >= 2)
			*base = cur, *len = curlen;
		cur = -1;
	}
}

static char *
fmt_hex16(char *q, unsigned v)
{
	int shift = 12;

	while (shift > 0 && ((v >> shift) & 15) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*q++ = hex_digits[(v >> shift) & 15];
	return q;
}

void
outbuf_ipv6(struct outbuf *ob, const uint8_t a[16])
{
	char *p = outbuf_room(ob, 46), *q = p;
	uint16_t w[8];
	int i, base, len;

	for (i = 0; i < 8; i++)
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	ipv6_zero_run(w, &base, &len);
	for (i = 0; i < 8; i++) {
		if (i == base) {
			*q++ = ':';
			if (base + len == 8)
				*q++ = ':';
			i += len - 1;
			continue;
		}
		if (i > 0)
			*q++ = ':';
		/* As inet_ntop: ::a.b.c.d and ::ffff:a.b.c.d keep IPv4 form. */
		if (i == 6 && base == 0 &&
		    (len == 6 || (len == 5 && w[5] == 0xffff))) {
			outbuf_commit(ob, (size_t)(q - p));
			outbuf_ipv4(ob, a + 12);
			return;
		}
		q = fmt_hex16(q, w[i]);
	}
	outbuf_commit(ob, (size_t)(q - p));
}
