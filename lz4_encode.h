/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An LZ4 block compressor that needs fewer instructions per page than
 * lib/lz4's; see lz4_encode.c.
 */
#ifndef _LZ4_ENCODE_H_
#define _LZ4_ENCODE_H_

#include <linux/types.h>

/* The longest input: its positions fit the table's 16-bit entries. */
#define LZ4_ENCODE_MAX_IN	65535
/* Scratch memory per compression: the table of positions, by hash. */
#define LZ4_ENCODE_HASH_BITS	12
#define LZ4_ENCODE_TABLE_SIZE	(sizeof(u16) << LZ4_ENCODE_HASH_BITS)

/*
 * Room for the block of @len bytes: all literals with their count, and 8
 * bytes that literal copies may write past.
 */
static inline size_t lz4_encode_room(size_t len)
{
	return len + len / 255 + 16 + 8;
}

int lz4_encode(const u8 *src, size_t src_len, u8 *dst, size_t *dst_len,
	       void *table, unsigned int acceleration);

#endif /* _LZ4_ENCODE_H_ */
