// SPDX-License-Identifier: GPL-2.0
/*
 * LZ4 block compression for zram's lz4 pages, written from the block format
 * (lz4's doc/lz4_Block_format.md) and meant to need fewer instructions per
 * page than lib/lz4's LZ4_compress_fast().  Its output is an ordinary LZ4
 * block, which LZ4_decompress_safe() reads.
 *
 * The format.  A block is a list of sequences: a token byte whose high
 * four bits count the literals and low four bits the match length minus 4,
 * each 15 meaning "and more": extra bytes of 255 and a last one below 255
 * are added to it; then the literals, the match's distance in two
 * little-endian bytes, and the match length's extra bytes.  The last
 * sequence is literals only.  A decoder may rely on two rules at the end:
 * the last five bytes are literals, and no match starts in the last twelve.
 *
 * How it finds matches: the fast search it shares with lzo_encode.c
 * (codec_find_match() in codec_common.h), a table of 2^LZ4_ENCODE_HASH_BITS
 * 16-bit positions, with a step that grows along a run of literals
 * (starting at the "acceleration", zram's level for lz4, as lib/lz4 does).
 * A match found is extended backwards over the literals before it, then
 * forwards eight bytes at a time.  What it saves against lib/lz4: a 8 KiB
 * table instead of a 16 KiB state to clear per page, no checks of the
 * output's room (the caller gives room for the worst case, checked once)
 * and literals copied eight bytes at a time.
 *
 * The table is indexed by the hash of five bytes, where lib/lz4 hashes
 * four, so that nearly every match it offers is five bytes or longer.  A
 * four-byte match saves a byte or two of output but is a whole sequence
 * for the decoder to take apart, and a page read back pays for that on
 * every read: on zram's benchmark corpus its pages decode with 17% fewer
 * instructions (LZ4_decompress_safe()) for 0.9% more bytes stored, and the
 * search, which now passes over the bytes four-byte matches used to cover,
 * costs 7% more (Documentation/benchmarks.rst, "lz4's shortest match"),
 * which its loop per stretch of literals more than paid back.
 *
 * Inputs up to LZ4_ENCODE_MAX_IN bytes, so that positions fit the table's
 * 16 bits and every distance fits the format's.
 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>

#include "lz4_encode.h"
#include "codec_common.h"

/* The search's step grows by one each 2^LZ4_SKIP_SHIFT literals. */
#define LZ4_SKIP_SHIFT		6
/* The end rules: the last literals, and where the last match may start. */
#define LZ4_LAST_LITERALS	5
#define LZ4_MATCH_START_LIMIT	12
#define LZ4_MIN_MATCH		4
/* A token's field, and the "more" value of it. */
#define LZ4_FIELD_BITS		4
#define LZ4_FIELD_MORE		15

/* The extra bytes of a count of @more past its field: 255s, then 0-254. */
static u8 *lz4_put_more(u8 *op, size_t more)
{
	while (more >= 255) {
		*op++ = 255;
		more -= 255;
	}
	*op++ = more;
	return op;
}

/* A token with @count literals and the match field; then their extras. */
static __always_inline u8 *lz4_put_token(u8 *op, size_t count,
					 unsigned int match_field)
{
	if (count < LZ4_FIELD_MORE) {
		*op++ = (count << LZ4_FIELD_BITS) | match_field;
		return op;
	}
	*op++ = (LZ4_FIELD_MORE << LZ4_FIELD_BITS) | match_field;
	return lz4_put_more(op, count - LZ4_FIELD_MORE);
}

/*
 * A sequence: @count literals from @lit (eight bytes at a time; at least
 * LZ4_MATCH_START_LIMIT bytes of input follow them), then a match of @len
 * bytes @dist back.
 */
static __always_inline u8 *lz4_put_sequence(u8 *op, const u8 *lit,
					    size_t count, size_t len,
					    size_t dist)
{
	size_t field = len - LZ4_MIN_MATCH;
	u8 *end;

	op = lz4_put_token(op, count,
			   field < LZ4_FIELD_MORE ? field : LZ4_FIELD_MORE);
	end = op + count;
	while (op < end) {
		codec_copy8(op, lit);
		op += 8;
		lit += 8;
	}
	op = end;
	*op++ = dist;
	*op++ = dist >> 8;
	if (field >= LZ4_FIELD_MORE)
		op = lz4_put_more(op, field - LZ4_FIELD_MORE);
	return op;
}

/*
 * Encodes the sequences of @in that end in a match; returns the output's
 * end and sets *@pending to the literals left for the last sequence.
 * Positions are offsets from @in, as the table keeps them.
 */
static __always_inline u8 *lz4_put_sequences(const u8 *in, size_t in_len,
					     u8 *op, u16 *table, size_t step,
					     const u8 **pending)
{
	const struct codec_search search = {
		.in = in,
		.table = table,
		.step = step,
		.last = in_len - LZ4_MATCH_START_LIMIT,
		.hash_bytes = 5,
		.hash_bits = LZ4_ENCODE_HASH_BITS,
		.skip_shift = LZ4_SKIP_SHIFT,
	};
	const u8 *const match_limit = in + in_len - LZ4_LAST_LITERALS;
	size_t pos = step, lit = 0, from, len;

	memset(table, 0, LZ4_ENCODE_TABLE_SIZE);
	for (;;) {
		pos = codec_find_match(&search, pos, lit, &from);
		if (pos > search.last)
			break;
		while (pos > lit && from && in[pos - 1] == in[from - 1]) {
			pos--;
			from--;
		}
		len = codec_match_len(in + pos, in + from, match_limit);
		op = lz4_put_sequence(op, in + lit, pos - lit, len, pos - from);
		pos += len;
		lit = pos;
	}
	*pending = in + lit;
	return op;
}

/**
 * lz4_encode - compress to an LZ4 block
 * @src: the data, at most LZ4_ENCODE_MAX_IN bytes
 * @src_len: its length
 * @dst: where to write the block
 * @dst_len: room at @dst, at least lz4_encode_room(@src_len); on success,
 *	the block's length
 * @table: LZ4_ENCODE_TABLE_SIZE bytes of scratch memory
 * @acceleration: the search's first step, 1 or more (lib/lz4's meaning:
 *	higher is faster and compresses less)
 *
 * Return: 0, or -EINVAL if @src_len, @dst_len or @acceleration is beyond
 * those limits.
 */
int lz4_encode(const u8 *src, size_t src_len, u8 *dst, size_t *dst_len,
	       void *table, unsigned int acceleration)
{
	const u8 *lit = src;
	size_t count;
	u8 *op = dst;

	if (src_len > LZ4_ENCODE_MAX_IN || !acceleration ||
	    *dst_len < lz4_encode_room(src_len))
		return -EINVAL;
	/* The default level gets a copy of the search with a constant step. */
	if (src_len > LZ4_MATCH_START_LIMIT && acceleration == 1)
		op = lz4_put_sequences(src, src_len, op, table, 1, &lit);
	else if (src_len > LZ4_MATCH_START_LIMIT)
		op = lz4_put_sequences(src, src_len, op, table, acceleration,
				       &lit);
	count = src + src_len - lit;
	op = lz4_put_token(op, count, 0);
	memcpy(op, lit, count);
	*dst_len = op + count - dst;
	return 0;
}
