// SPDX-License-Identifier: GPL-2.0
/*
 * LZO1X compression for zram's lzo and lzo-rle pages, written from the
 * stream format (Documentation/staging/lzo.rst; lzo_decode.c sums it up)
 * and meant to need fewer instructions per page than lib/lzo's
 * lzo1x_1_compress().  Its streams are plain LZO1X: lib/lzo's
 * lzo1x_decompress_safe() reads them, and so does lzo_decode().
 *
 * How it finds matches.  A table of 2^LZO_ENCODE_HASH_BITS 16-bit entries
 * maps the hash of four bytes to the last position where they were seen.  At
 * each position the four bytes there are hashed, the entry is swapped for
 * the position, and if the four bytes at the old position are the same, the
 * match is extended back over the literals before it, then forwards eight
 * bytes at a time.  Of the positions inside a match, only the last two are
 * entered: data that repeats often repeats again from just before the end
 * of the last match, and these entries find it.  On the benchmark's corpus
 * they store 0.9% fewer bytes for 6% more instructions (entering every
 * position: 1.2% fewer for 44% more).  The longer a run of literals grows,
 * the further the next search steps (one more byte per 2^LZO_SKIP_SHIFT
 * literals), so that data which does not compress costs few searches.  This
 * is the classic fast LZ77 search, as lib/lzo's lzo1x_1 does it too; the
 * output differs from lib/lzo's only in which matches are found.
 *
 * Where the instructions go, and what is done about them:
 *
 *  - The search loop is most of the work (one search per literal, about
 *    1300 per page of the benchmark's corpus).  Here it is one load, a
 *    multiply and shift, the table's load and store and one compare, with
 *    no test for zero runs (a zero run is found as a match, like any
 *    other) and no test of the room left in the output (the caller gives
 *    room for the worst case, checked once); not even the step's sum
 *    within a stretch of literals where the step stays the same
 *    (codec_find_match() in codec_common.h, which lz4_encode.c shares).
 *  - lzo-rle: a match that starts with four zero bytes and is a run of
 *    more than 33 zeros is written as zero-run opcodes, which a decoder
 *    fills with zeros instead of copying earlier output: on pages with
 *    long zero runs, lzo_decode() reads them in half the instructions.
 *  - The table is cleared for every page: 8 KiB with 12 bits, half of
 *    lib/lzo's 16 KiB, enough for the 4096 positions of a page.
 *  - Literals are copied 16 bytes at a time, rounded up, inside the room
 *    the worst case leaves; matches are encoded with no loop for their
 *    length unless it is 34 bytes or more.
 *
 * Limits.  Inputs up to LZO_ENCODE_MAX_IN bytes, so that every distance
 * fits the 16 KiB matches (opcodes 32-63) and 2 KiB ones (64-255): the
 * long-distance matches (16-31) are never written, and opcodes 24-31 only
 * as lzo-rle's zero runs, so the same search serves lzo and lzo-rle.
 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>

#include "lzo_encode.h"
#include "codec_common.h"
#include "lzo_stream.h"

/* A search one byte further each 2^LZO_SKIP_SHIFT literals in a row. */
#define LZO_SKIP_SHIFT		5
/*
 * Searches stop this far from the end, so that the 16-byte literal copies
 * and 8-byte match compares of the loop stay inside the input.
 */
#define LZO_TAIL		20
/*
 * The first literals: a stream cannot start with 1-3 of them and a match,
 * so neither the first search nor a match moved back starts before.
 */
#define LZO_FIRST_SEARCH	4

/* The opcode ranges written: 2 KiB matches, 16 KiB ones, literal runs. */
#define LZO_M2_MAX_LEN		8
#define LZO_M2_MAX_DIST		2048
#define LZO_M3_MARKER		32
#define LZO_M3_MAX_LEN		33
#define LZO_RUN_MAX_LEN		18
#define LZO_FIRST_RUN_MAX	238
/* The end of a stream: a long-distance match of distance zero. */
#define LZO_END_MARKER		17

/* Writes a length too big for its bit field: 255 per zero byte, then 1-255. */
static u8 *lzo_put_long_length(u8 *op, size_t len)
{
	while (len > 255) {
		*op++ = 0;
		len -= 255;
	}
	*op++ = len;
	return op;
}

/*
 * Writes how many literals follow, @count >= 1: 1-3 go into the low bits of
 * *@state, a byte of the match just written, more take an opcode.
 */
static __always_inline u8 *lzo_put_literal_count(u8 *op, u8 *state,
						 size_t count)
{
	if (count <= 3) {
		*state |= count;
		return op;
	}
	if (count <= LZO_RUN_MAX_LEN) {
		*op++ = count - 3;
		return op;
	}
	*op++ = 0;
	return lzo_put_long_length(op, count - LZO_RUN_MAX_LEN);
}

/*
 * Literals before a match, in whole 16-byte steps: at least LZO_TAIL bytes
 * of input follow them, and the caller's room covers the output.
 */
static __always_inline u8 *lzo_put_literals(u8 *op, u8 *state,
					    const u8 *lit, size_t count)
{
	op = lzo_put_literal_count(op, state, count);
	codec_copy_wild16(op, lit, count);
	return op + count;
}

static __always_inline u8 *lzo_put_match(u8 *op, size_t len, size_t dist)
{
	dist--;
	if (len <= LZO_M2_MAX_LEN && dist < LZO_M2_MAX_DIST) {
		*op++ = ((len - 1) << 5) | ((dist & 7) << 2);
		*op++ = dist >> 3;
		return op;
	}
	if (len <= LZO_M3_MAX_LEN) {
		*op++ = LZO_M3_MARKER | (len - 2);
	} else {
		*op++ = LZO_M3_MARKER;
		op = lzo_put_long_length(op, len - LZO_M3_MAX_LEN);
	}
	*op++ = dist << 2;
	*op++ = dist >> 6;
	return op;
}

/* One zero run opcode; its byte for a literal count is @op[1]. */
static __always_inline u8 *lzo_put_zero_opcode(u8 *op, size_t len)
{
	len -= LZO_ZERO_RUN_MIN;
	*op++ = LZO_ZERO_RUN_MARKER | (len & 7);
	*op++ = (LZO_RLE_DISTANCE << 2) & 0xff;
	*op++ = LZO_RLE_DISTANCE >> 6;
	*op++ = len >> 3;
	return op;
}

/*
 * An lzo-rle zero run of @len bytes, at least LZO_ZERO_RUN_MIN, in as many
 * opcodes as it takes; sets *@state to the last one's literal count byte.
 */
static u8 *lzo_put_zero_run(u8 *op, size_t len, u8 **state)
{
	const size_t step = LZO_ZERO_RUN_MAX + 1 - LZO_ZERO_RUN_MIN;

	/* Steps that leave at least LZO_ZERO_RUN_MIN for the last opcode. */
	while (len > LZO_ZERO_RUN_MAX) {
		op = lzo_put_zero_opcode(op, step);
		len -= step;
	}
	*state = op + 1;
	return lzo_put_zero_opcode(op, len);
}

/* How many zero bytes, at least four, start at @p, before @limit. */
static __always_inline size_t lzo_zero_len(const u8 *p, const u8 *limit)
{
	const u8 *q = p + 4;
	u64 word;

	while (limit - q >= 8) {
		word = codec_le64(q);
		if (word)
			return q - p + __builtin_ctzll(word) / 8;
		q += 8;
	}
	while (q < limit && !*q)
		q++;
	return q - p;
}

/*
 * Encodes the matches of @in and the literals before each; returns the
 * output's end and sets *@pending to the literals left after the last one.
 * Positions are offsets from @in, as the table keeps them.
 */
static u8 *lzo_put_matches(const u8 *in, size_t in_len, u8 *op, u16 *table,
			   bool rle, const u8 **pending, u8 **state)
{
	const struct codec_search search = {
		.in = in,
		.table = table,
		.step = 1,
		.last = in_len - LZO_TAIL - 1,
		.hash_bytes = 4,
		.hash_bits = LZO_ENCODE_HASH_BITS,
		.skip_shift = LZO_SKIP_SHIFT,
	};
	const u8 *const in_end = in + in_len;
	size_t pos = LZO_FIRST_SEARCH + 1, lit = 0, from, len;
	u8 *count_at = NULL;
	u32 four;

	memset(table, 0, LZO_ENCODE_TABLE_SIZE);
	for (;;) {
		pos = codec_find_match(&search, pos, lit, &from);
		if (pos > search.last)
			break;
		four = codec_load32(in + pos);
		while (pos > lit && from && in[pos - 1] == in[from - 1] &&
		       (lit || pos > LZO_FIRST_SEARCH)) {
			pos--;
			from--;
		}
		if (pos != lit)
			op = lzo_put_literals(op, count_at, in + lit, pos - lit);
		/* lzo-rle writes a long zero run as zero-run opcodes. */
		if (rle && !four && !codec_load32(in + pos)) {
			len = lzo_zero_len(in + pos, in_end);
			if (len > LZO_M3_MAX_LEN) {
				op = lzo_put_zero_run(op, len, &count_at);
				goto matched;
			}
		}
		len = codec_match_len(in + pos, in + from, in_end);
		op = lzo_put_match(op, len, pos - from);
		count_at = op - 2;
matched:
		pos += len;
		lit = pos;
		if (pos <= search.last) {
			codec_enter(&search, pos - 2);
			codec_enter(&search, pos - 1);
		}
	}
	*pending = in + lit;
	*state = count_at;
	return op;
}

/* The literals after the last match, copied exactly, and the end marker. */
static u8 *lzo_put_end(u8 *op, const u8 *data_start, u8 *state,
		       const u8 *lit, size_t count)
{
	if (count) {
		if (op == data_start && count <= LZO_FIRST_RUN_MAX)
			*op++ = LZO_END_MARKER + count;
		else
			op = lzo_put_literal_count(op, state, count);
		memcpy(op, lit, count);
		op += count;
	}
	*op++ = LZO_END_MARKER;
	*op++ = 0;
	*op++ = 0;
	return op;
}

/**
 * lzo_encode - compress to an lzo or lzo-rle stream
 * @src: the data, at most LZO_ENCODE_MAX_IN bytes
 * @src_len: its length
 * @dst: where to write the stream
 * @dst_len: room at @dst, at least lzo_encode_room(@src_len); on success,
 *	the stream's length
 * @table: LZO_ENCODE_TABLE_SIZE bytes of scratch memory
 * @rle: write an lzo-rle stream (version 1) rather than a plain one
 *
 * Return: 0, or -EINVAL if @src or @dst_len is beyond those limits.
 */
int lzo_encode(const u8 *src, size_t src_len, u8 *dst, size_t *dst_len,
	       void *table, bool rle)
{
	const u8 *lit = src;
	u8 *op = dst, *state = NULL;

	if (src_len > LZO_ENCODE_MAX_IN || *dst_len < lzo_encode_room(src_len))
		return -EINVAL;
	if (rle) {
		*op++ = LZO_VERSION_MARK;
		*op++ = LZO_VERSION_RLE;
	}
	if (src_len > LZO_TAIL + LZO_FIRST_SEARCH)
		op = lzo_put_matches(src, src_len, op, table, rle, &lit,
				     &state);
	op = lzo_put_end(op, dst + (rle ? 2 : 0), state, lit,
			 src + src_len - lit);
	*dst_len = op - dst;
	return 0;
}
