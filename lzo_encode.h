/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An LZO1X compressor (lzo and lzo-rle streams) that needs fewer
 * instructions per page than lib/lzo's; see lzo_encode.c.
 */
#ifndef _LZO_ENCODE_H_
#define _LZO_ENCODE_H_

#include <linux/types.h>

/* The longest input: every distance then fits a 16 KiB match. */
#define LZO_ENCODE_MAX_IN	16384
/* Scratch memory per compression: the table of positions, by hash. */
#define LZO_ENCODE_HASH_BITS	12
#define LZO_ENCODE_TABLE_SIZE	(sizeof(u16) << LZO_ENCODE_HASH_BITS)

/*
 * Room for the stream of @len bytes: all literals with their counts, the
 * header and end marker, and 16 bytes that literal copies may write past.
 */
static inline size_t lzo_encode_room(size_t len)
{
	return len + len / 255 + 2 + 3 + 3 + 16;
}

int lzo_encode(const u8 *src, size_t src_len, u8 *dst, size_t *dst_len,
	       void *table, bool rle);

#endif /* _LZO_ENCODE_H_ */
