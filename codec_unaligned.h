/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unaligned loads and stores for zram's own encoders and decoders
 * (lzo_encode.c, lzo_decode.c, lz4_encode.c), made through packed
 * structures so that neither the compiler nor UBSan on the host assumes an
 * alignment.
 */
#ifndef _CODEC_UNALIGNED_H_
#define _CODEC_UNALIGNED_H_

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

static __always_inline u32 codec_load32(const u8 *p)
{
	return ((const struct codec_una32 *)p)->v;
}

#endif /* _CODEC_UNALIGNED_H_ */
