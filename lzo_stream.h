/* SPDX-License-Identifier: GPL-2.0 */
/* The LZO1X stream header, as lzo_encode.c writes and lzo_decode.c reads it. */
#ifndef _LZO_STREAM_H_
#define _LZO_STREAM_H_

/* The first byte that starts a versioned stream, and lzo-rle's version. */
#define LZO_VERSION_MARK	17
#define LZO_VERSION_RLE		1

/*
 * lzo-rle's zero run: opcodes 24-31 whose 14 distance bits are all ones
 * stand for 4-2051 zero bytes.
 */
#define LZO_RLE_DISTANCE	0x3fff
#define LZO_ZERO_RUN_MARKER	24
#define LZO_ZERO_RUN_MIN	4
#define LZO_ZERO_RUN_MAX	(LZO_ZERO_RUN_MIN + 2047)

#endif /* _LZO_STREAM_H_ */
