/* SPDX-License-Identifier: GPL-2.0 */
/* The LZO1X stream header, as lzo_encode.c writes and lzo_decode.c reads it. */
#ifndef _LZO_STREAM_H_
#define _LZO_STREAM_H_

/* The first byte that starts a versioned stream, and lzo-rle's version. */
#define LZO_VERSION_MARK	17
#define LZO_VERSION_RLE		1

#endif /* _LZO_STREAM_H_ */
