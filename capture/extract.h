/*
 * Bounds-checked reads from a captured packet (tcpdump's GET_BE_U_2):
 * every packet field is read through these, never through a struct laid
 * over the bytes, so a packet cut "at any random position" is safe.
 *
 * Interface: each getter returns 0 and stores the value, or -1 when the
 * bytes [off, off + n) are not all inside the buffer (nothing stored).
 *	get_u8(b, off, v)   get_be16(b, off, v)   get_be32(b, off, v)
 *	get_le32(b, off, v) get_bytes(b, off, n, dst)   buf_has(b, off, n)
 */
#ifndef CAP_EXTRACT_H
#define CAP_EXTRACT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A window on captured bytes: p[0 .. len-1] may be read. */
struct cap_buf {
	const uint8_t *p;
	size_t len;
};

static inline int
buf_has(const struct cap_buf *b, size_t off, size_t n)
{
	return n <= b->len && off <= b->len - n;
}

static inline int
get_u8(const struct cap_buf *b, size_t off, uint8_t *v)
{
	if (!buf_has(b, off, 1))
		return -1;
	*v = b->p[off];
	return 0;
}

static inline int
get_be16(const struct cap_buf *b, size_t off, uint16_t *v)
{
	if (!buf_has(b, off, 2))
		return -1;
	*v = (uint16_t)(b->p[off] << 8 | b->p[off + 1]);
	return 0;
}

static inline int
get_be32(const struct cap_buf *b, size_t off, uint32_t *v)
{
	if (!buf_has(b, off, 4))
		return -1;
	*v = (uint32_t)b->p[off] << 24 | (uint32_t)b->p[off + 1] << 16 |
	     (uint32_t)b->p[off + 2] << 8 | b->p[off + 3];
	return 0;
}

static inline int
get_le32(const struct cap_buf *b, size_t off, uint32_t *v)
{
	if (!buf_has(b, off, 4))
		return -1;
	*v = (uint32_t)b->p[off + 3] << 24 | (uint32_t)b->p[off + 2] << 16 |
	     (uint32_t)b->p[off + 1] << 8 | b->p[off];
	return 0;
}

static inline int
get_bytes(const struct cap_buf *b, size_t off, size_t n, void *dst)
{
	if (!buf_has(b, off, n))
		return -1;
	memcpy(dst, b->p + off, n);
	return 0;
}

#endif
