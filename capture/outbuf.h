/*
 * labsniff's output buffer: lines are formatted by hand (no printf per
 * field) into one buffer that goes out in one write() per batch of lines.
 *
 * Interface:
 *	outbuf_init(ob, fd, cap)   allocate a buffer writing to fd
 *	outbuf_mem(ob, buf, cap)   format into buf (no fd; never free it);
 *	                           on overflow all is dropped, failed set
 *	outbuf_flush(ob)           write out what is buffered (-1 on error)
 *	outbuf_free(ob)            flush and free
 *	outbuf_room(ob, n)         a pointer to n free bytes (n <= cap);
 *	                           outbuf_commit(ob, n) then keeps them
 *	outbuf_put/putc/puts       raw bytes
 *	outbuf_u64(ob, v)          decimal; outbuf_u64w pads to a width
 *	outbuf_frac(ob, v, digits) v zero-padded to digits (the ".000123")
 *	outbuf_ipv4/outbuf_ipv6    addresses (IPv6 as RFC 5952, like
 *	                           inet_ntop)
 *	outbuf_hex(ob, v, digits)  lowercase hex, zero-padded
 */
#ifndef OUTBUF_H
#define OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct outbuf {
	char *buf;
	size_t len, cap;
	int fd;
	int failed; /* errno of the first failed write, 0 if none */
};

int outbuf_init(struct outbuf *ob, int fd, size_t cap);
void outbuf_mem(struct outbuf *ob, char *buf, size_t cap);
int outbuf_flush(struct outbuf *ob);
void outbuf_free(struct outbuf *ob);
void outbuf_put_slow(struct outbuf *ob, const void *p, size_t n);
void outbuf_u64(struct outbuf *ob, uint64_t v);
void outbuf_u64w(struct outbuf *ob, uint64_t v, int width, char pad);
void outbuf_i64(struct outbuf *ob, int64_t v);
void outbuf_frac(struct outbuf *ob, uint64_t v, int digits);
void outbuf_hex(struct outbuf *ob, uint64_t v, int digits);
void outbuf_ipv4(struct outbuf *ob, const uint8_t a[4]);
void outbuf_ipv6(struct outbuf *ob, const uint8_t a[16]);

static inline char *
outbuf_room(struct outbuf *ob, size_t n)
{
	if (ob->cap - ob->len < n)
		outbuf_flush(ob);
	return ob->buf + ob->len;
}

static inline void
outbuf_commit(struct outbuf *ob, size_t n)
{
	ob->len += n;
}

static inline void
outbuf_putc(struct outbuf *ob, char c)
{
	if (ob->len == ob->cap)
		outbuf_flush(ob);
	ob->buf[ob->len++] = c;
}

/* Inline: most pieces are a few bytes that fit (a literal's length and
 * copy are then worked out by the compiler); the rest goes piecewise. */
static inline void
outbuf_put(struct outbuf *ob, const void *p, size_t n)
{
	if (n <= ob->cap - ob->len) {
		memcpy(ob->buf + ob->len, p, n);
		ob->len += n;
	} else {
		outbuf_put_slow(ob, p, n);
	}
}

static inline void
outbuf_puts(struct outbuf *ob, const char *s)
{
	outbuf_put(ob, s, strlen(s));
}

/* Format v in decimal at p; returns the number of characters (<= 20). */
size_t outbuf_fmt_u64(char *p, uint64_t v);

#endif
