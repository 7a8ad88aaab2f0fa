/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What zram's own encoders and decoders (lzo_encode.c, lzo_decode.c,
 * lz4_encode.c) share: unaligned loads, stores and copies, made through
 * packed structures so that neither the compiler nor UBSan on the host
 * assumes an alignment, and the encoders' search and match extension.
 */
#ifndef _CODEC_COMMON_H_
#define _CODEC_COMMON_H_

#include <linux/hash.h>
#include <linux/types.h>
#include <asm/byteorder.h>

struct codec_una64 { u64 v; } __packed;
struct codec_una32 { u32 v; } __packed;
struct codec_una16 { __le16 v; } __packed;

static __always_inline void codec_copy8(u8 *dst, const u8 *src)
{
	((struct codec_una64 *)dst)->v = ((const struct codec_una64 *)src)->v;
}

static __always_inline void codec_copy4(u8 *dst, const u8 *src)
{
	((struct codec_una32 *)dst)->v = ((const struct codec_una32 *)src)->v;
}

static __always_inline unsigned int codec_le16(const u8 *p)
{
	return le16_to_cpu(((const struct codec_una16 *)p)->v);
}

/* Eight bytes as a number whose lowest byte is the first. */
static __always_inline u64 codec_le64(const u8 *p)
{
	return le64_to_cpu((__force __le64)((const struct codec_una64 *)p)->v);
}

/* Four bytes as a number whose lowest byte is the first. */
static __always_inline u32 codec_le32(const u8 *p)
{
	return le32_to_cpu((__force __le32)((const struct codec_una32 *)p)->v);
}

static __always_inline u32 codec_load32(const u8 *p)
{
	return ((const struct codec_una32 *)p)->v;
}

/*
 * Copies @len bytes, at least one, from @src to @dst sixteen at a time,
 * rounded up: reads and writes up to 15 bytes past both ends, which the
 * caller's slack covers.  @src may be earlier output 16 or more bytes back.
 */
static __always_inline void codec_copy_wild16(u8 *dst, const u8 *src,
					      size_t len)
{
	u8 *end = dst + len;

	do {
		codec_copy8(dst, src);
		codec_copy8(dst + 8, src + 8);
		dst += 16;
		src += 16;
	} while (dst < end);
}

/* The table index of four bytes, @bits wide (Knuth's multiplicative hash). */
static __always_inline u32 codec_hash4(u32 four_bytes, unsigned int bits)
{
	return (four_bytes * 2654435761u) >> (32 - bits);
}

/*
 * The fast LZ77 search of both encoders.  A table of 2^@hash_bits 16-bit
 * positions, offsets from @in, is indexed by the hash of the @hash_bytes
 * (4 or 5) bytes at a position.  Each position searched is entered, and
 * the one it replaces is a match if its first four bytes are the same.
 * Along a run of literals the search steps @step bytes at first, one more
 * each 2^@skip_shift literals, so that data which does not compress costs
 * few searches.  Built as a constant by each encoder, so that the inlined
 * search is specialised for it.
 */
struct codec_search {
	const u8 *in;
	u16 *table;
	size_t step;
	size_t last;		/* the last position a match may start at */
	unsigned int hash_bytes;
	unsigned int hash_bits;
	unsigned int skip_shift;
};

/* The table index of the bytes at @p. */
static __always_inline u32 codec_hash(const struct codec_search *search,
				      const u8 *p)
{
	if (search->hash_bytes == 4)
		return codec_hash4(codec_load32(p), search->hash_bits);
	/* The multiplier shifted, not the load: the bytes past five drop out. */
	return (codec_le64(p) * (GOLDEN_RATIO_64 << 24)) >>
		(64 - search->hash_bits);
}

/*
 * Enters @pos in the table and sets *@from to the position it replaces;
 * true if the four bytes there are those at @pos.
 */
static __always_inline bool codec_probe(const struct codec_search *search,
					size_t pos, size_t *from)
{
	u16 *slot = &search->table[codec_hash(search, search->in + pos)];

	*from = *slot;
	*slot = pos;
	return codec_load32(search->in + pos) ==
	       codec_load32(search->in + *from);
}

/* Enters @pos in the table, whatever it replaces. */
static __always_inline void codec_enter(const struct codec_search *search,
					size_t pos)
{
	search->table[codec_hash(search, search->in + pos)] = pos;
}

/*
 * The first position from @pos on that codec_probe() finds a match for,
 * stepping as along the literals from @lit; past search->last if none.
 * The step is the same across each stretch of 2^skip_shift literals, so
 * each stretch gets a loop that only adds it (lz4: 12 instructions per
 * position instead of 17 for working the step out at each one).  The
 * first stretch, where most matches are found, is entered with no sums.
 */
static __always_inline size_t codec_find_match(const struct codec_search *search,
					       size_t pos, size_t lit,
					       size_t *from)
{
	const unsigned int shift = search->skip_shift;
	size_t stretch_end = lit + ((size_t)1 << shift);
	size_t step = search->step, stretch;

	for (;;) {
		if (stretch_end > search->last + 1)
			stretch_end = search->last + 1;
		for (; pos < stretch_end; pos += step)
			if (codec_probe(search, pos, from))
				return pos;
		if (pos > search->last)
			return pos;
		stretch = (pos - lit) >> shift;
		stretch_end = lit + ((stretch + 1) << shift);
		step = search->step + stretch;
	}
}

/*
 * How far the four equal bytes at @ip and @from go on, up to @limit: eight
 * bytes at a time, the first difference found by its lowest set bit.
 */
static __always_inline size_t codec_match_len(const u8 *ip, const u8 *from,
					      const u8 *limit)
{
	size_t len = 4;
	u64 diff;

	while (limit - ip - len >= 8) {
		diff = codec_le64(ip + len) ^ codec_le64(from + len);
		if (diff)
			return len + __builtin_ctzll(diff) / 8;
		len += 8;
	}
	while (ip + len < limit && ip[len] == from[len])
		len++;
	return len;
}

#endif /* _CODEC_COMMON_H_ */
