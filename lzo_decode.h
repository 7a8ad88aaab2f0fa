/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An LZO1X decompressor (lzo and lzo-rle streams) that needs fewer
 * instructions per page than lib/lzo's; see lzo_decode.c.
 */
#ifndef _LZO_DECODE_H_
#define _LZO_DECODE_H_

#include <linux/types.h>

int lzo_decode(const u8 *src, size_t src_len, u8 *dst, size_t *dst_len);

#endif /* _LZO_DECODE_H_ */
