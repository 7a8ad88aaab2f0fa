// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test for zram's own codecs (lzo_decode.c, lzo_encode.c and
 * lz4_encode.c) inside the kernel, where KASAN sees every byte they read
 * and write.  The module compiles its own copy of each (it includes them)
 * and on load decodes streams made by the kernel's lib/lzo and by
 * lzo_encode(), lzo and lzo-rle, in buffers allocated to their exact sizes:
 * synthetic and text-like pages, pieces of every size up to a page, output
 * that does not fit, malformed and cut streams, and fuzz_rounds mutated
 * streams whose verdicts are compared with lib/lzo's.  Every stream
 * lzo_encode() writes must decode, with lib/lzo's decoder and ours, to what
 * it was given, and every block lz4_encode() writes, at several levels,
 * must decode with lib/lz4's LZ4_decompress_safe(), with few matches of
 * four bytes.  page_incompressible() (incompressible.c) must recognise
 * random pages and no page that compresses.  Results go to the kernel log
 * in KTAP, prefixed with the module name; loading succeeds whatever they
 * are.  tools/testing/codecs runs the same comparisons on the host, under
 * ASan, with far more rounds.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "incompressible.c"
#include "lz4_encode.c"
#include "lzo_decode.c"
#include "lzo_encode.c"
#include "lzo_decode_fuzz.h"

#include <linux/lz4.h>
#include <linux/lzo.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/slab.h>

static unsigned int fuzz_rounds = 3000;
module_param(fuzz_rounds, uint, 0444);
MODULE_PARM_DESC(fuzz_rounds, "Mutated streams to decode (default 3000)");

#define LT_PAGE		4096
#define LT_PERIODS	40

/*
 * What one test run has: a source page, room for its compressed stream,
 * lib/lzo's work memory and the random state; and what it found.
 */
struct lt_ctx {
	u8 *page;
	u8 *comp;
	void *wrkmem;
	struct rnd_state rnd;
	struct lzo_fuzz_tally t;
};

static u32 lt_rand(struct lt_ctx *ctx)
{
	return prandom_u32_state(&ctx->rnd);
}

static u32 lt_fuzz_rand(void *rnd_state)
{
	return prandom_u32_state(rnd_state);
}

/* lib/lzo's compressor, or with @ours lzo_encode(), into ctx->comp. */
static size_t lt_compress(struct lt_ctx *ctx, const u8 *src, size_t len,
			  bool rle, bool ours)
{
	size_t out_len = lzo1x_worst_compress(LT_PAGE);
	int ret;

	if (ours)
		ret = lzo_encode(src, len, ctx->comp, &out_len, ctx->wrkmem,
				 rle);
	else if (rle)
		ret = lzorle1x_1_compress(src, len, ctx->comp, &out_len,
					  ctx->wrkmem);
	else
		ret = lzo1x_1_compress(src, len, ctx->comp, &out_len,
				       ctx->wrkmem);
	return ret == LZO_E_OK ? out_len : 0;
}

/* kmalloc() of exactly @len bytes, so that KASAN guards both ends. */
static u8 *lt_exact(const u8 *from, size_t len)
{
	u8 *buf = kmalloc(len ? len : 1, GFP_KERNEL);

	if (buf && from)
		memcpy(buf, from, len);
	return buf;
}

/*
 * Both decoders on @comp, each into exactly @room bytes.  With @orig, ours
 * must give back @orig_len bytes equal to it.  Returns our result.
 */
static int lt_decode_both(struct lt_ctx *ctx, const u8 *comp, size_t comp_len,
			  size_t room, const u8 *orig, size_t orig_len)
{
	u8 *in = lt_exact(comp, comp_len);
	u8 *ours = lt_exact(NULL, room);
	u8 *ref = lt_exact(NULL, room);
	size_t ours_len = room, ref_len = room;
	int ours_ret = -ENOMEM, ref_ret;

	if (!in || !ours || !ref) {
		ctx->t.wrong++;
		goto out;
	}
	ours_ret = lzo_decode(in, comp_len, ours, &ours_len);
	ref_ret = lzo1x_decompress_safe(in, comp_len, ref, &ref_len);
	if (orig && (ours_ret || ours_len != orig_len ||
		     memcmp(ours, orig, orig_len)))
		ctx->t.wrong++;
	lzo_fuzz_judge(&ctx->t, !ours_ret, ref_ret == LZO_E_OK,
		       !ours_ret && ours_len == ref_len &&
		       !memcmp(ours, ref, ref_len));
out:
	kfree(in);
	kfree(ours);
	kfree(ref);
	return ours_ret;
}

/*
 * lzo_encode() with its input, table and output each in a buffer of exactly
 * the size it may use, into ctx->comp; 0 if it fails.
 */
static size_t lt_encode_exact(struct lt_ctx *ctx, const u8 *data, size_t len,
			      bool rle)
{
	size_t room = lzo_encode_room(len), out_len = room;
	u8 *in = lt_exact(data, len);
	u8 *table = lt_exact(NULL, LZO_ENCODE_TABLE_SIZE);
	u8 *out = lt_exact(NULL, room);

	if (!in || !table || !out ||
	    lzo_encode(in, len, out, &out_len, table, rle))
		out_len = 0;
	else
		memcpy(ctx->comp, out, out_len);
	kfree(in);
	kfree(table);
	kfree(out);
	return out_len;
}

/*
 * @len bytes of @data through lz4_encode() at @acceleration and back through
 * lib/lz4, each buffer of exactly the size it may use.
 */
static void lt_lz4_round_trip(struct lt_ctx *ctx, const u8 *data, size_t len,
			      unsigned int acceleration)
{
	size_t room = lz4_encode_room(len), comp_len = room;
	u8 *in = lt_exact(data, len);
	u8 *table = lt_exact(NULL, LZ4_ENCODE_TABLE_SIZE);
	u8 *comp = lt_exact(NULL, room);
	u8 *out = lt_exact(NULL, len);
	u8 *block = NULL;
	bool ok = false;

	if (in && table && comp && out &&
	    !lz4_encode(in, len, comp, &comp_len, table, acceleration))
		block = lt_exact(comp, comp_len);
	if (block)
		ok = LZ4_decompress_safe(block, out, comp_len, len) == len &&
		     !memcmp(out, data, len);
	ctx->t.streams++;
	if (!ok)
		ctx->t.wrong++;
	kfree(in);
	kfree(table);
	kfree(comp);
	kfree(out);
	kfree(block);
}

/*
 * @len bytes of @data through both LZO compressors, lzo and lzo-rle, and
 * back, and through lz4_encode() at its default level.
 */
static void lt_round_trip(struct lt_ctx *ctx, const u8 *data, size_t len)
{
	size_t comp_len;
	int rle, ours;

	lt_lz4_round_trip(ctx, data, len, 1);

	for (rle = 0; rle < 2; rle++) {
		for (ours = 0; ours < 2; ours++) {
			comp_len = ours ? lt_encode_exact(ctx, data, len, rle) :
					  lt_compress(ctx, data, len, rle,
						      false);
			if (!comp_len) {
				ctx->t.wrong++;
				continue;
			}
			lt_decode_both(ctx, ctx->comp, comp_len, len, data,
				       len);
		}
	}
}

/* Decimal numbers, one a line, as "seq" prints them: text that compresses. */
static void lt_text_page(u8 *page, unsigned long first)
{
	size_t pos = 0;

	while (pos < LT_PAGE)
		pos += scnprintf(page + pos, LT_PAGE + 1 - pos, "%lu\n",
				 first++);
}

/*
 * Copies at every short period reach the overlapping copies of the wild
 * path; runs of zeros make lzo-rle's zero runs.
 */
static void lt_periodic_page(struct lt_ctx *ctx, u8 *page, size_t period)
{
	size_t i;

	for (i = 0; i < LT_PAGE; i++)
		page[i] = i % period ? (u8)lt_rand(ctx) : 0x5a;
	for (i = period; i < LT_PAGE; i++)
		if (i % 512 >= 64)
			page[i] = page[i - period];
}

/* Fills @page with random bytes, then maps each through @shape. */
static void lt_shaped_page(struct lt_ctx *ctx, u8 *page,
			   u8 (*shape)(u8 byte, size_t pos))
{
	size_t i;

	prandom_bytes_state(&ctx->rnd, page, LT_PAGE);
	if (!shape)
		return;
	for (i = 0; i < LT_PAGE; i++)
		page[i] = shape(page[i], i);
}

static bool lt_clean(const struct lzo_fuzz_tally *t)
{
	bool clean = !t->wrong && !t->outputs_differ && !t->only_ours_fails &&
		     !t->only_ref_fails;

	if (!clean)
		pr_info("# %lu streams: %lu wrong, %lu outputs differ, only ours rejects %lu, only lib/lzo rejects %lu\n",
			t->streams, t->wrong, t->outputs_differ,
			t->only_ours_fails, t->only_ref_fails);
	return clean;
}

static bool lt_synthetic_pages(struct lt_ctx *ctx)
{
	size_t i, period;

	memset(ctx->page, 0, LT_PAGE);
	lt_round_trip(ctx, ctx->page, LT_PAGE);
	lt_shaped_page(ctx, ctx->page, NULL);
	lt_round_trip(ctx, ctx->page, LT_PAGE);
	memset(ctx->page + LT_PAGE / 2, 0, LT_PAGE / 2);
	lt_round_trip(ctx, ctx->page, LT_PAGE);
	for (period = 1; period <= LT_PERIODS; period++) {
		lt_periodic_page(ctx, ctx->page, period);
		lt_round_trip(ctx, ctx->page, LT_PAGE);
	}
	for (i = 0; i < 8; i++) {
		lt_text_page(ctx->page, 1000000 + i * 100000);
		lt_round_trip(ctx, ctx->page, LT_PAGE);
	}
	return lt_clean(&ctx->t);
}

/*
 * Pieces of 1 to 600 bytes, then of 600 to a page in steps of 7: every
 * tail of the careful copy, and its hand-over from the fast one.
 */
static bool lt_pieces(struct lt_ctx *ctx)
{
	size_t len;

	lt_text_page(ctx->page, 424242);
	for (len = 1; len <= 600; len++)
		lt_round_trip(ctx, ctx->page, len);
	for (len = 600; len <= LT_PAGE; len += 7)
		lt_round_trip(ctx, ctx->page + LT_PAGE - len, len);
	return lt_clean(&ctx->t);
}

/*
 * A page decoded into less room than it needs: -ENOSPC, nothing written
 * past.  lib/lzo's lzo stream, and lzo_encode()'s lzo-rle one.
 */
static bool lt_small_room(struct lt_ctx *ctx)
{
	size_t comp_len, room;
	bool ok = true;
	int rle;

	lt_text_page(ctx->page, 77);
	for (rle = 0; rle < 2; rle++) {
		comp_len = lt_compress(ctx, ctx->page, LT_PAGE, rle, rle);
		for (room = 0; room < LT_PAGE; room += 97)
			if (lt_decode_both(ctx, ctx->comp, comp_len, room,
					   NULL, 0) != -ENOSPC)
				ok = false;
	}
	return ok && !ctx->t.outputs_differ && !ctx->t.only_ref_fails;
}

/*
 * Every cut of a stream, which both decoders must judge alike (a cut may
 * itself be a whole, shorter stream: "17 1 0" is an empty lzo-rle one),
 * then a stream with a byte after its end and one with a bad version.
 */
static bool lt_malformed(struct lt_ctx *ctx)
{
	size_t comp_len, cut;
	int ours;
	bool ok;

	lt_periodic_page(ctx, ctx->page, 13);
	for (ours = 0; ours < 2; ours++) {
		comp_len = lt_compress(ctx, ctx->page, LT_PAGE, true, ours);
		for (cut = 0; cut < comp_len; cut++)
			lt_decode_both(ctx, ctx->comp, cut, LT_PAGE, NULL, 0);
	}
	ok = lt_clean(&ctx->t);
	ctx->comp[comp_len] = 0;
	if (lt_decode_both(ctx, ctx->comp, comp_len + 1, LT_PAGE, NULL, 0) !=
	    -EINVAL)
		ok = false;
	ctx->comp[1] = 2;
	if (lt_decode_both(ctx, ctx->comp, comp_len, LT_PAGE, NULL, 0) !=
	    -EINVAL)
		ok = false;
	return ok && !ctx->t.outputs_differ && !ctx->t.only_ref_fails;
}

/*
 * Mutated streams of text and periodic pages.  Either decoder may reject
 * what the other takes (lib/lzo is laxer about a few corner cases), but
 * where both decode, the output must be the same.
 */
static bool lt_fuzz(struct lt_ctx *ctx)
{
	size_t room_max = lzo1x_worst_compress(LT_PAGE);
	size_t comp_len, room, steps;
	unsigned int round;

	for (round = 0; round < fuzz_rounds; round++) {
		if (round % 2)
			lt_text_page(ctx->page, lt_rand(ctx) % 1000000);
		else
			lt_periodic_page(ctx, ctx->page,
					 1 + lt_rand(ctx) % LT_PERIODS);
		comp_len = lt_compress(ctx, ctx->page, LT_PAGE,
				       lt_rand(ctx) % 2, lt_rand(ctx) % 2);
		for (steps = 1 + lt_rand(ctx) % 3; steps; steps--)
			comp_len = lzo_fuzz_mutate(ctx->comp, comp_len,
						   room_max, lt_fuzz_rand,
						   &ctx->rnd);
		room = LT_PAGE;
		if (lt_rand(ctx) % 4 == 0)
			room = lt_rand(ctx) % (LT_PAGE + 64);
		lt_decode_both(ctx, ctx->comp, comp_len, room, NULL, 0);
		cond_resched();
	}
	pr_info("# fuzz: %lu streams: both decode %lu, both reject %lu, only ours rejects %lu, only lib/lzo rejects %lu\n",
		ctx->t.streams, ctx->t.both_ok, ctx->t.both_fail,
		ctx->t.only_ours_fails, ctx->t.only_ref_fails);
	return !ctx->t.wrong && !ctx->t.outputs_differ;
}

/*
 * lzo_encode() and lz4_encode() refuse input longer than they can encode,
 * output room short of their worst case and (lz4) a level of 0, and change
 * nothing then.
 */
static bool lt_encode_limits(struct lt_ctx *ctx)
{
	size_t room = lzo_encode_room(LT_PAGE) - 1, out_len = room;
	size_t big = lzo1x_worst_compress(LT_PAGE);
	bool ok = true;

	lt_text_page(ctx->page, 4242);
	if (lzo_encode(ctx->page, LT_PAGE, ctx->comp, &out_len, ctx->wrkmem,
		       false) != -EINVAL || out_len != room)
		ok = false;
	out_len = big;
	if (lzo_encode(ctx->page, LZO_ENCODE_MAX_IN + 1, ctx->comp, &out_len,
		       ctx->wrkmem, true) != -EINVAL)
		ok = false;
	room = lz4_encode_room(LT_PAGE) - 1;
	out_len = room;
	if (lz4_encode(ctx->page, LT_PAGE, ctx->comp, &out_len, ctx->wrkmem,
		       1) != -EINVAL || out_len != room)
		ok = false;
	out_len = big;
	if (lz4_encode(ctx->page, LT_PAGE, ctx->comp, &out_len, ctx->wrkmem,
		       0) != -EINVAL ||
	    lz4_encode(ctx->page, LZ4_ENCODE_MAX_IN + 1, ctx->comp, &out_len,
		       ctx->wrkmem, 1) != -EINVAL || out_len != big)
		ok = false;
	return ok;
}

/*
 * lz4_encode() at other levels (lib/lz4's accelerations, up to the highest
 * zram takes) on text, periodic and random pages and on pieces.
 */
static bool lt_lz4_levels(struct lt_ctx *ctx)
{
	static const unsigned int levels[] = { 2, 3, 9, 100, 65537 };
	unsigned int i, period;
	size_t len;

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		lt_text_page(ctx->page, 31337 + i);
		lt_lz4_round_trip(ctx, ctx->page, LT_PAGE, levels[i]);
		for (len = 1; len <= 64; len++)
			lt_lz4_round_trip(ctx, ctx->page, len, levels[i]);
		for (period = 1; period <= LT_PERIODS; period += 3) {
			lt_periodic_page(ctx, ctx->page, period);
			lt_lz4_round_trip(ctx, ctx->page, LT_PAGE, levels[i]);
		}
		prandom_bytes_state(&ctx->rnd, ctx->page, LT_PAGE);
		lt_lz4_round_trip(ctx, ctx->page, LT_PAGE, levels[i]);
	}
	return lt_clean(&ctx->t);
}

/*
 * The sequences of the LZ4 block @block of @len bytes (lz4_encode()'s, so
 * well formed), and how many of them have a match of the format's shortest
 * length, four bytes.
 */
static void lt_lz4_count_matches(const u8 *block, size_t len,
				 size_t *sequences, size_t *shortest)
{
	const u8 *ip = block, *end = block + len;
	size_t literals, extra;
	u8 token;

	*sequences = 0;
	*shortest = 0;
	for (;;) {
		token = *ip++;
		literals = token >> 4;
		if (literals == 15) {
			do {
				extra = *ip++;
				literals += extra;
			} while (extra == 255);
		}
		ip += literals;
		if (ip >= end)
			return;
		ip += 2;
		(*sequences)++;
		if ((token & 15) == 0)
			(*shortest)++;
		else if ((token & 15) == 15)
			while (*ip++ == 255)
				;
	}
}

/*
 * A page of four-byte words from a vocabulary of 32, each followed by a
 * random byte, repeats four bytes long nearly everywhere: lz4_encode()
 * indexes its table by five bytes so as to leave such repeats to literals
 * (see lz4_encode.c), and may take at most one in 16 of the page's 819
 * words as a four-byte match.  A table indexed by four bytes takes most.
 */
static bool lt_lz4_shortest_match(struct lt_ctx *ctx)
{
	size_t pos, len = lz4_encode_room(LT_PAGE), sequences, shortest;
	u8 words[32][4];

	prandom_bytes_state(&ctx->rnd, words, sizeof(words));
	for (pos = 0; pos + 5 <= LT_PAGE; pos += 5) {
		memcpy(ctx->page + pos, words[lt_rand(ctx) % 32], 4);
		ctx->page[pos + 4] = lt_rand(ctx);
	}
	memset(ctx->page + pos, 0, LT_PAGE - pos);
	lt_lz4_round_trip(ctx, ctx->page, LT_PAGE, 1);
	if (lz4_encode(ctx->page, LT_PAGE, ctx->comp, &len, ctx->wrkmem, 1))
		return false;
	lt_lz4_count_matches(ctx->comp, len, &sequences, &shortest);
	pr_info("# %zu bytes, %zu sequences, %zu with a four-byte match\n",
		len, sequences, shortest);
	return lt_clean(&ctx->t) && shortest <= LT_PAGE / 5 / 16;
}

/*
 * lzo-rle streams of lzo_encode() with zero runs of the lengths where their
 * encoding changes (a match up to 33 bytes, then one zero-run opcode up to
 * 2051, then two), each run followed by 1-4 literals.  A zero page takes
 * two zero-run opcodes: the 2-byte header, an opcode and the 5 literals
 * before the first search, two opcodes of 4 bytes and the 3-byte end, 19
 * bytes (with a match instead, 30).
 */
static bool lt_zero_runs(struct lt_ctx *ctx)
{
	static const size_t runs[] = {
		33, 34, 35, 288, 289, 2051, 2052, 2053, 2055, 4000
	};
	size_t i, at, gap, n;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		for (at = 0, gap = 1; at < LT_PAGE; gap = gap % 4 + 1) {
			n = min(runs[i], LT_PAGE - at);
			memset(ctx->page + at, 0, n);
			at += n;
			for (n = 0; n < gap && at < LT_PAGE; n++)
				ctx->page[at++] = lt_rand(ctx) | 1;
		}
		lt_round_trip(ctx, ctx->page, LT_PAGE);
	}
	ok = lt_clean(&ctx->t);
	memset(ctx->page, 0, LT_PAGE);
	n = lt_encode_exact(ctx, ctx->page, LT_PAGE, true);
	if (n != 19) {
		pr_info("# a zero page's lzo-rle stream: %zu bytes\n", n);
		ok = false;
	}
	return ok;
}

/*
 * A page of random bytes whose second half repeats its first:
 * lzo_encode()'s search, by then stepping far apart, first finds the
 * repeat 339 bytes into it and moves the match back to where the repeat
 * starts, so each stream holds the first half as literals (a 9-byte count),
 * one 2048-byte match (11 bytes) and the 3-byte end, plus lzo-rle's 2-byte
 * header.  The search has that one chance only, and about one random half
 * in 70 loses it to a hash collision and is written as literals: the sizes
 * hold for the data of the fixed seed.
 */
static bool lt_match_moved_back(struct lt_ctx *ctx)
{
	const size_t half = LT_PAGE / 2, expected = 9 + half + 11 + 3;
	size_t len;
	bool ok = true;
	int rle;

	lt_shaped_page(ctx, ctx->page, NULL);
	memcpy(ctx->page + half, ctx->page, half);
	for (rle = 0; rle < 2; rle++) {
		len = lt_encode_exact(ctx, ctx->page, LT_PAGE, rle);
		if (len != expected + (rle ? 2 : 0)) {
			pr_info("# rle=%d: %zu bytes, not %zu\n", rle, len,
				expected + (rle ? 2 : 0));
			ok = false;
		}
	}
	lt_round_trip(ctx, ctx->page, LT_PAGE);
	return lt_clean(&ctx->t) && ok;
}

/* fio's "random" buffers: every eighth byte takes one of 20 values. */
static u8 lt_narrow_lane(u8 byte, size_t pos)
{
	return pos % 8 ? byte : byte % 20;
}

static u8 lt_base64(u8 byte, size_t pos)
{
	return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[byte & 63];
}

static u8 lt_hex(u8 byte, size_t pos)
{
	return "0123456789abcdef"[byte & 15];
}

/* Pixels with an opaque alpha channel, and wide characters. */
static u8 lt_rgba(u8 byte, size_t pos)
{
	return pos % 4 == 3 ? 0xff : byte;
}

static u8 lt_utf16(u8 byte, size_t pos)
{
	return pos % 2 ? 0 : byte;
}

static u8 lt_seven_of_eight(u8 byte, size_t pos)
{
	return pos % 8 ? byte : 0;
}

/* A four-byte record marker every 64 bytes of random payload. */
static u8 lt_marked(u8 byte, size_t pos)
{
	return pos % 64 < 4 ? "REC:"[pos % 64] : byte;
}

static u8 lt_random_then_zero(u8 byte, size_t pos)
{
	return pos < 2048 ? byte : 0;
}

/* A random page but for the probe's sample, which is all zero bytes. */
static u8 lt_zero_sample(u8 byte, size_t pos)
{
	return pos % INCOMP_SAMPLE_STRIDE == 0 &&
	       pos < INCOMP_SAMPLES * INCOMP_SAMPLE_STRIDE ? 0 : byte;
}

/* Whether page_incompressible() fails on a page that compresses. */
static bool lt_taken_for_random(const u8 *page, struct incomp_table *table,
				const char *what, size_t which)
{
	if (!page_incompressible(page, table))
		return false;
	pr_info("# %s page %zu taken for random\n", what, which);
	return true;
}

/*
 * The sample alone must turn a page away: one whose sampled bytes are all
 * equal, though the whole-page checks would take it for random (64 zeros
 * among random bytes leave its entropy and its repeats as they were).
 */
static bool lt_sample_decides(struct lt_ctx *ctx, struct incomp_table *table)
{
	u16 count[256];
	bool whole_page_random;

	lt_shaped_page(ctx, ctx->page, lt_zero_sample);
	incomp_count(ctx->page, count);
	whole_page_random = incomp_codes_long(count) &&
			    incomp_few_repeats(ctx->page, table);
	if (!whole_page_random)
		pr_info("# the zero-sampled page is not random to the whole-page checks\n");
	return whole_page_random &&
	       !lt_taken_for_random(ctx->page, table, "zero-sampled", 0);
}

/*
 * page_incompressible() must pass random pages, uniform or with a narrow
 * lane, whatever its table holds from before, and stop every page a
 * compressor can shrink: skewed bytes (text, base64, hex, fixed channels
 * or bytes), repeats (of a random half, of a random 256 bytes, of a
 * marker) or both (periodic pages); and its sample must decide alone.
 */
static bool lt_incompressible(struct lt_ctx *ctx)
{
	static u8 (*const shapes[])(u8 byte, size_t pos) = {
		lt_base64, lt_hex, lt_rgba, lt_utf16, lt_seven_of_eight,
		lt_marked, lt_random_then_zero,
	};
	struct incomp_table *table;
	size_t i, period;
	bool ok = true;

	table = kmalloc(sizeof(*table), GFP_KERNEL);
	if (!table)
		return false;
	prandom_bytes_state(&ctx->rnd, table, sizeof(*table));
	for (i = 0; i < 16; i++) {
		lt_shaped_page(ctx, ctx->page, i % 2 ? lt_narrow_lane : NULL);
		if (!page_incompressible(ctx->page, table)) {
			pr_info("# random page %zu not recognised\n", i);
			ok = false;
		}
		lt_shaped_page(ctx, ctx->page, shapes[i % ARRAY_SIZE(shapes)]);
		if (lt_taken_for_random(ctx->page, table, "shaped",
					i % ARRAY_SIZE(shapes)))
			ok = false;
	}
	lt_shaped_page(ctx, ctx->page, NULL);
	memcpy(ctx->page + LT_PAGE / 2, ctx->page, LT_PAGE / 2);
	if (lt_taken_for_random(ctx->page, table, "repeated half", 0))
		ok = false;
	for (i = 1; i < LT_PAGE / 256; i++)
		memcpy(ctx->page + i * 256, ctx->page, 256);
	if (lt_taken_for_random(ctx->page, table, "repeated 256", 0))
		ok = false;
	for (period = 1; period <= LT_PERIODS; period++) {
		lt_periodic_page(ctx, ctx->page, period);
		if (lt_taken_for_random(ctx->page, table, "periodic", period))
			ok = false;
	}
	lt_text_page(ctx->page, 1000000);
	if (lt_taken_for_random(ctx->page, table, "text", 0))
		ok = false;
	memset(ctx->page, 0, LT_PAGE);
	if (lt_taken_for_random(ctx->page, table, "zero", 0))
		ok = false;
	if (!lt_sample_decides(ctx, table))
		ok = false;
	kfree(table);
	return ok;
}

struct lt_case {
	const char *name;
	bool (*run)(struct lt_ctx *ctx);
};

static const struct lt_case lt_cases[] = {
	{ "synthetic_pages", lt_synthetic_pages },
	{ "pieces", lt_pieces },
	{ "small_room", lt_small_room },
	{ "malformed", lt_malformed },
	{ "fuzz", lt_fuzz },
	{ "encode_limits", lt_encode_limits },
	{ "lz4_levels", lt_lz4_levels },
	{ "lz4_shortest_match", lt_lz4_shortest_match },
	{ "zero_runs", lt_zero_runs },
	{ "match_moved_back", lt_match_moved_back },
	{ "incompressible", lt_incompressible },
};

/* A fresh context per case, seeded alike, so a failure can be rerun. */
static bool lt_run_case(const struct lt_case *tc)
{
	struct lt_ctx ctx = { };
	bool ok = false;

	ctx.page = kmalloc(LT_PAGE + 1, GFP_KERNEL);
	ctx.comp = kmalloc(lzo1x_worst_compress(LT_PAGE), GFP_KERNEL);
	ctx.wrkmem = kmalloc(LZO1X_1_MEM_COMPRESS, GFP_KERNEL);
	if (ctx.page && ctx.comp && ctx.wrkmem) {
		prandom_seed_state(&ctx.rnd, 20261202);
		ok = tc->run(&ctx);
	}
	kfree(ctx.page);
	kfree(ctx.comp);
	kfree(ctx.wrkmem);
	return ok;
}

static int __init codec_test_init(void)
{
	unsigned int i;

	pr_info("KTAP version 1\n");
	pr_info("1..%zu\n", ARRAY_SIZE(lt_cases));
	for (i = 0; i < ARRAY_SIZE(lt_cases); i++)
		pr_info("%s %u - %s\n",
			lt_run_case(&lt_cases[i]) ? "ok" : "not ok", i + 1,
			lt_cases[i].name);
	return 0;
}

static void __exit codec_test_exit(void)
{
}

module_init(codec_test_init);
module_exit(codec_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Self-test of zram's own LZO and LZ4 codecs against lib/lzo and lib/lz4, results in KTAP in the kernel log");
