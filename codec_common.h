/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What zram's own encoders and decoders (lzo_encode.c, lzo_decode.c,
 * lz4_encode.c) share: unaligned loads, stores and copies, made through
 * packed structures so that neither the compiler nor UBSan on the host
 * assumes an alignment, and the encoders' hash and match extension.
 */
#ifndef _CODEC_COMMON_H_
#define _CODEC_COMMON_H_

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
