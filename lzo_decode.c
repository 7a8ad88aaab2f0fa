// SPDX-License-Identifier: GPL-2.0
/*
 * LZO1X decompression for zram's lzo and lzo-rle pages, written from the
 * stream format described in the kernel's Documentation/staging/lzo.rst and
 * meant to need fewer instructions per page than lib/lzo's decompressor.
 * zram's "lzo" pages are read through it unless CONFIG_ZRAM_LZO_DECODE is
 * off.  codec_test.c checks it against lib/lzo in the kernel, under
 * KASAN on the debug kernel, and tools/testing/codecs/ on the host.
 *
 * The format.  A stream is a list of instructions, each one byte of opcode
 * and a few bytes of operands, with literal bytes in between.  A match
 * copies bytes from earlier output, at a distance and of a length that the
 * opcode range encodes (16-31: up to 48 KiB away, 32-63: up to 16 KiB,
 * 64-255: 3-8 bytes up to 2 KiB away); its low two bits (of the opcode or
 * of the 16-bit distance) say how many literals, 0-3, follow it.  Opcodes
 * 0-15 depend on what came before: after no literals they start a literal
 * run of 4 or more, after 1-3 literals they are a 2-byte match, after a run
 * a 3-byte match 2-3 KiB away.  Lengths too big for their bit field are
 * stored as a zero field, then one byte per 255 and a final non-zero byte.
 * The first byte may stand for a literal run (18-255: 1-238 literals); a
 * first byte 17 followed by a version byte (1: lzo-rle) starts a versioned
 * stream, in which opcode 24-31 with distance bits 0x3fff is a run of
 * zeros.  A match at distance 16384, written 17, 0, 0 (length field 1,
 * which lib/lzo insists on too), ends the stream.
 *
 * Where the instructions go.  lib/lzo checks the room left in input and
 * output for each piece it reads or writes, copies the few literals after a
 * match one opcode at a time and loops over every copy.  Here:
 *
 *  - Until the last LZO_IN_SLACK bytes of input or LZO_OUT_SLACK bytes of
 *    output, one pair of comparisons per instruction, made where the
 *    previous one ends, covers every read and write of an instruction whose
 *    length fits its bit field (at most 7 bytes read, 3 + 33 written): it
 *    is decoded and copied without another bounds check.  Only lengths with
 *    extension bytes and zero runs are checked against the room left.
 *  - Copies are "wild": whole 8-byte words, rounded up, so a 3-8 byte
 *    match is one load and one store, a literal run of 4-18 bytes three of
 *    each, and the 0-3 literals after a match one 4-byte load and store
 *    and two additions, with no loop and no branch on the count.  Bytes
 *    written past the end of a copy are inside the slack, and are
 *    overwritten by what comes next.
 *  - Matches 16 or more bytes back copy 16 bytes per turn of the loop;
 *    overlapping ones closer than 8 bytes double their distance each
 *    8-byte step (a copy with period d also has period 2d) instead of
 *    copying byte by byte.
 *  - What an opcode 0-15 means is kept in the position in the code, not in
 *    a variable: each of the three states has its own entry, and each
 *    entry tests for the commonest opcodes (64-255) first.
 *  - Distances are checked by forming the source pointer, which the copy
 *    needs anyway, and comparing it with the start of the output.
 *
 * With lib/lzo's compressor on the benchmark corpus this needs about 21%
 * fewer instructions per page than lib/lzo's lzo1x_decompress_safe()
 * (tools/testing/codecs, "make count").
 *
 * Safety.  The same code is compiled twice (lzo_tokens() with careful
 * false and true).  The fast copy runs while the room left is above the
 * slack and hands over, between two instructions, to the careful copy,
 * which checks every read and write exactly and copies only what the stream
 * says.  Every distance is checked against the output written so far; an
 * extension length is read one checked byte at a time.  Malformed,
 * truncated or overlong input returns -EINVAL, output that would not fit
 * -ENOSPC; nothing outside src[0, src_len) is read and nothing outside
 * dst[0, *dst_len) is written.  Bytes of dst past the decoded length may be
 * overwritten.  Stricter than lib/lzo in one way: a version byte other
 * than 0 or 1 is rejected (lib/lzo's compressor writes no other).
 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>

#include "lzo_decode.h"
#include "codec_common.h"
#include "lzo_stream.h"

/* Bytes of input and output kept from the end while copying wild. */
#define LZO_IN_SLACK		24
#define LZO_OUT_SLACK		64

/* lzo_tokens() stopped between two instructions near the end. */
#define LZO_PAUSED		1

/*
 * A match of @len bytes from @from, before @op, 8 or 16 bytes at a time;
 * writes up to 15 bytes past @op + @len.
 */
static __always_inline u8 *lzo_match_wild(u8 *op, const u8 *from, size_t len)
{
	u8 *end = op + len;
	size_t dist = op - from;

	if (dist >= 16) {
		codec_copy_wild16(op, from, len);
		return end;
	}
	while (dist < 8) {
		codec_copy8(op, op - dist);
		op += dist;
		dist *= 2;
	}
	do {
		codec_copy8(op, op - dist);
		op += 8;
	} while (op < end);
	return end;
}

static __always_inline void lzo_match_exact(u8 *op, const u8 *from,
					    size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		op[i] = from[i];
}

/*
 * Adds an extension length (zero bytes worth 255 each, then a non-zero
 * byte) to *@len; returns the input after it, or NULL if it is cut short.
 */
static __always_inline const u8 *lzo_ext_len(const u8 *ip, const u8 *in_end,
					     size_t *len)
{
	size_t zeros = 0;

	while (ip < in_end && !*ip) {
		zeros += 255;
		ip++;
	}
	if (ip >= in_end)
		return NULL;
	*len += zeros + *ip;
	return ip + 1;
}

/*
 * A stream being decoded, between two instructions: @state is what the last
 * one copied, 0 (no literals), 1-3 (a match, with that many literals still
 * to copy) or 4 (a literal run); @rle is set for a version 1 stream.  Only
 * the caller of lzo_decode() uses it.
 */
struct lzo_cursor {
	const u8 *ip;
	const u8 *in_end;
	u8 *op;
	u8 *out;
	u8 *out_end;
	unsigned int state;
	bool rle;
};

/*
 * Decodes instructions from @c until the end marker, an error or, unless
 * @careful, the point where the slack runs out (LZO_PAUSED, with @c saved).
 */
static __always_inline int lzo_tokens(struct lzo_cursor *c, const bool careful)
{
	const u8 *ip = c->ip;
	const u8 *const in_end = c->in_end;
	const u8 *const ip_limit = careful ? in_end : in_end - LZO_IN_SLACK;
	u8 *op = c->op;
	u8 *const out = c->out;
	u8 *const out_end = c->out_end;
	u8 *const op_limit = careful ? out_end : out_end - LZO_OUT_SLACK;
	const bool rle = c->rle;
	unsigned int t, next;
	size_t len, dist;
	u8 *from;

	next = c->state;
	if (next == 0)
		goto after_nothing;
	if (next == 4)
		goto after_run;
	goto after_match;

after_nothing:
	if (!careful && (ip >= ip_limit || op >= op_limit)) {
		c->state = 0;
		goto pause;
	}
	if (careful && ip >= in_end)
		goto malformed;
	t = *ip++;
	if (t >= 64)
		goto short_match;
	if (t >= 16)
		goto match;
	if (likely(t) && !careful) {
		/* 4-18 literals: 24 bytes, inside the slack. */
		codec_copy8(op, ip);
		codec_copy8(op + 8, ip + 8);
		codec_copy8(op + 16, ip + 16);
		op += t + 3;
		ip += t + 3;
		goto after_run;
	}
	len = t + 3;
	if (!t) {
		len = 15 + 3;
		ip = lzo_ext_len(ip, in_end, &len);
		if (!ip)
			goto malformed;
	}
	if (careful || (ptrdiff_t)len > ip_limit - ip ||
	    (ptrdiff_t)len > op_limit - op) {
		if (len > (size_t)(in_end - ip))
			goto malformed;
		if (len > (size_t)(out_end - op))
			goto overrun;
		memcpy(op, ip, len);
	} else {
		/* codec_copy_wild16() here costs 0.3% more instructions. */
		size_t i = 0;

		do {
			codec_copy8(op + i, ip + i);
			codec_copy8(op + i + 8, ip + i + 8);
			i += 16;
		} while (i < len);
	}
	op += len;
	ip += len;

after_run:
	if (!careful && (ip >= ip_limit || op >= op_limit)) {
		c->state = 4;
		goto pause;
	}
	if (careful && ip >= in_end)
		goto malformed;
	t = *ip++;
	if (t >= 64)
		goto short_match;
	if (t >= 16)
		goto match;
	if (careful && ip >= in_end)
		goto malformed;
	from = op - (t >> 2) - ((size_t)*ip++ << 2) - 2049;
	next = t & 3;
	if (from < out)
		goto malformed;
	if (careful && out_end - op < 3)
		goto overrun;
	op[0] = from[0];
	op[1] = from[1];
	op[2] = from[2];
	op += 3;
	goto match_done;

short_match:
	if (careful && ip >= in_end)
		goto malformed;
	dist = ((t >> 2) & 7) + ((size_t)*ip++ << 3) + 1;
	from = op - dist;
	if (from < out)
		goto malformed;
	next = t & 3;
	len = (t >> 5) + 1;
	if (careful) {
		if (len > (size_t)(out_end - op))
			goto overrun;
		lzo_match_exact(op, from, len);
		op += len;
	} else if (dist >= 8) {
		codec_copy8(op, from);
		op += len;
	} else {
		op = lzo_match_wild(op, from, len);
	}
	goto match_done;

match:
	if (careful && in_end - ip < 2)
		goto malformed;
	if (t >= 32) {
		len = (t & 31) + 2;
		if (len == 2) {
			len = 31 + 2;
			ip = lzo_ext_len(ip, in_end, &len);
			if (!ip || in_end - ip < 2)
				goto malformed;
		}
		next = codec_le16(ip);
		ip += 2;
		from = op - (next >> 2) - 1;
		next &= 3;
		if (from < out)
			goto malformed;
		/* Without extension bytes, 3-33 bytes: inside the slack. */
		if (!careful && len <= 31 + 2) {
			op = lzo_match_wild(op, from, len);
			goto match_done;
		}
		goto copy_match;
	} else {
		if (rle && (t & 8)) {
			next = codec_le16(ip);
			if ((next >> 2) == LZO_RLE_DISTANCE)
				goto zero_run;
		}
		len = (t & 7) + 2;
		if (len == 2) {
			len = 7 + 2;
			ip = lzo_ext_len(ip, in_end, &len);
			if (!ip || in_end - ip < 2)
				goto malformed;
		}
		next = codec_le16(ip);
		ip += 2;
		dist = ((t & 8) << 11) + (next >> 2);
		if (!dist)
			goto end;
		dist += 16384;
		next &= 3;
	}
	if (dist > (size_t)(op - out))
		goto malformed;
	from = op - dist;
copy_match:
	if (careful || (ptrdiff_t)len > op_limit - op) {
		if (len > (size_t)(out_end - op))
			goto overrun;
		lzo_match_exact(op, from, len);
		op += len;
	} else {
		op = lzo_match_wild(op, from, len);
	}
	goto match_done;

zero_run:
	if (careful && in_end - ip < 3)
		goto malformed;
	len = ((ip[2] << 3) | (t & 7)) + 4;
	next &= 3;
	ip += 3;
	if (careful || (ptrdiff_t)len > op_limit - op) {
		if (len > (size_t)(out_end - op))
			goto overrun;
		memset(op, 0, len);
	} else {
		size_t i = 0;

		do {
			*(struct codec_una64 *)(op + i) =
				(struct codec_una64){ 0 };
			*(struct codec_una64 *)(op + i + 8) =
				(struct codec_una64){ 0 };
			i += 16;
		} while (i < len);
	}
	op += len;

match_done:
	if (!next)
		goto after_nothing;
after_match:
	if (!careful && (ip >= ip_limit || op >= op_limit)) {
		c->state = next;
		goto pause;
	}
	if (careful) {
		if ((size_t)(in_end - ip) <= next)
			goto malformed;
		if ((size_t)(out_end - op) < next)
			goto overrun;
		memcpy(op, ip, next);
	} else {
		codec_copy4(op, ip);
	}
	op += next;
	ip += next;
	t = *ip++;
	if (t >= 64)
		goto short_match;
	if (t >= 16)
		goto match;
	if (careful && ip >= in_end)
		goto malformed;
	from = op - (t >> 2) - ((size_t)*ip++ << 2) - 1;
	next = t & 3;
	if (from < out)
		goto malformed;
	if (careful && out_end - op < 2)
		goto overrun;
	op[0] = from[0];
	op[1] = from[1];
	op += 2;
	goto match_done;

end:
	/* The marker is exactly 17, 0, 0 and the last bytes of the stream. */
	c->op = op;
	return t == 17 && ip == in_end ? 0 : -EINVAL;
pause:
	c->ip = ip;
	c->op = op;
	return LZO_PAUSED;
malformed:
	return -EINVAL;
overrun:
	return -ENOSPC;
}

static noinline int lzo_tokens_fast(struct lzo_cursor *c)
{
	return lzo_tokens(c, false);
}

static noinline int lzo_tokens_careful(struct lzo_cursor *c)
{
	return lzo_tokens(c, true);
}

/**
 * lzo_decode - decompress an lzo or lzo-rle stream
 * @src: the compressed stream
 * @src_len: its length, all of which must be used
 * @dst: where to decompress it
 * @dst_len: room at @dst; on success, how much was written
 *
 * Return: 0, -EINVAL if @src is not one whole valid stream or -ENOSPC if
 * its output does not fit in *@dst_len bytes.
 */
int lzo_decode(const u8 *src, size_t src_len, u8 *dst, size_t *dst_len)
{
	struct lzo_cursor c = {
		.ip = src,
		.in_end = src + src_len,
		.op = dst,
		.out = dst,
		.out_end = dst + *dst_len,
	};
	size_t len;
	int ret;

	if (src_len >= 5 && src[0] == LZO_VERSION_MARK) {
		if (src[1] > LZO_VERSION_RLE)
			return -EINVAL;
		c.rle = src[1] == LZO_VERSION_RLE;
		c.ip += 2;
	}
	if (c.ip >= c.in_end)
		return -EINVAL;
	if (*c.ip > 17) {
		len = *c.ip++ - 17;
		if (len < 4) {
			c.state = len;
		} else {
			if (len > (size_t)(c.in_end - c.ip))
				return -EINVAL;
			if (len > *dst_len)
				return -ENOSPC;
			memcpy(c.op, c.ip, len);
			c.ip += len;
			c.op += len;
			c.state = 4;
		}
	}
	ret = LZO_PAUSED;
	if (src_len >= LZO_IN_SLACK && *dst_len >= LZO_OUT_SLACK)
		ret = lzo_tokens_fast(&c);
	if (ret == LZO_PAUSED)
		ret = lzo_tokens_careful(&c);
	if (!ret)
		*dst_len = c.op - dst;
	return ret;
}
