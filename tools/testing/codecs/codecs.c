// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for zram's own codecs, lzo_decode.c, lzo_encode.c and
 * lz4_encode.c, against the kernel's lib/lzo and lib/lz4, built as user
 * programs from the kernel source (see Makefile; nothing of them is kept
 * here), and for incompressible.c's page_incompressible().
 *
 *   codecs check FILE...       every 4 KiB page of FILE (and pieces of other
 *                              sizes, plus zero, random and periodic pages)
 *                              compressed by lzo and lzo-rle, with lib/lzo
 *                              and with lzo_encode(), must decode to the
 *                              original with both decoders, and compressed
 *                              by lz4_encode(), with lib/lz4's decoder;
 *                              also inputs longer than a page, up to each
 *                              encoder's limit; page_incompressible() must
 *                              take random pages and no page that lzo gets
 *                              under PROBE_BOUND or that is plainly
 *                              structured (zeros, text, repeats)
 *   codecs fuzz N SEED FILE    N mutated or truncated streams: ours must
 *                              stay in bounds (run it under ASan/UBSan),
 *                              and its verdicts are compared with lib/lzo's
 *   codecs decode ours|ref lzo|rle|lz4 FILE
 *                              decode every page of FILE once, for counting
 *                              instructions with callgrind (lz4: with
 *                              lib/lz4's decoder, blocks of our encoder or
 *                              of lib/lz4's)
 *   codecs encode ours|ref lzo|rle|lz4 FILE
 *                              the same for compression, with the sizes
 *   codecs density FILE...     lzo_encode()'s lzo and lzo-rle streams of
 *                              the pages must be smaller than lib/lzo's
 *
 * Exit status 0 only if no page decoded wrongly, (check) the probe judged
 * every page it was shown rightly, (fuzz) ours never accepted a stream
 * with output that differs from lib/lzo's and (density) ours' streams were
 * small enough.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/lz4.h>
#include <linux/lzo.h>

#include "../../../incompressible.h"
#include "../../../lz4_encode.h"
#include "../../../lzo_decode.h"
#include "../../../lzo_encode.h"
#include "../../../lzo_decode_fuzz.h"

#define PAGE		4096
#define HUGE_SIZE	3633
/*
 * zsmalloc's huge threshold, 8/9 of a page: page_incompressible() takes
 * only pages that zstd, deflate and lz4hc cannot get under it, so none
 * that lzo gets under it either.
 */
#define PROBE_BOUND	3641
#define COMP_ROOM	(PAGE + PAGE / 16 + 64 + 3 + 2)

static unsigned char work_mem[LZO1X_1_MEM_COMPRESS];
static unsigned char table[LZO_ENCODE_TABLE_SIZE];
static unsigned char lz4_mem[LZ4_MEM_COMPRESS];
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long size = -1;

	if (f && !fseek(f, 0, SEEK_END))
		size = ftell(f);
	if (size < 0) {
		perror(path);
		exit(2);
	}
	rewind(f);
	buf = malloc(size + 1);
	if (!buf || fread(buf, 1, size, f) != (size_t)size) {
		perror(path);
		exit(2);
	}
	fclose(f);
	*len = size;
	return buf;
}

/* lib/lz4's compressor, or with @ours lz4_encode(), both at level 1. */
static size_t compress_lz4(const unsigned char *src, size_t len, bool ours,
			   unsigned char *dst)
{
	size_t out = COMP_ROOM;
	int ret = -1;

	if (ours && !lz4_encode(src, len, dst, &out, table, 1))
		ret = out;
	else if (!ours)
		ret = LZ4_compress_fast((const char *)src, (char *)dst, len,
					COMP_ROOM, 1, lz4_mem);
	if (ret <= 0) {
		fprintf(stderr, "%s: %d\n", __func__, ret);
		exit(2);
	}
	return ret;
}

/* lib/lzo's compressor, or with @ours lzo_encode(). */
static size_t compress(const unsigned char *src, size_t len, bool rle,
		       bool ours, unsigned char *dst)
{
	size_t out = COMP_ROOM;
	int ret;

	if (ours)
		ret = lzo_encode(src, len, dst, &out, table, rle);
	else if (rle)
		ret = lzorle1x_1_compress(src, len, dst, &out, work_mem);
	else
		ret = lzo1x_1_compress(src, len, dst, &out, work_mem);
	if (ret != LZO_E_OK) {
		fprintf(stderr, "%s: %d\n", __func__, ret);
		exit(2);
	}
	return out;
}

/* One page compressed as @alg (lzo, rle or lz4) by ours or the library's. */
static size_t compress_page(const char *alg, bool ours,
			    const unsigned char *src, unsigned char *dst)
{
	if (!strcmp(alg, "lz4"))
		return compress_lz4(src, PAGE, ours, dst);
	return compress(src, PAGE, !strcmp(alg, "rle"), ours, dst);
}

/*
 * lzo_encode() on a copy of @src in a buffer of exactly @len bytes, into
 * one of exactly the room it asks for, so that ASan sees any stray access.
 */
static size_t encode_exact(const unsigned char *src, size_t len, bool rle,
			   unsigned char *dst)
{
	size_t room = lzo_encode_room(len), out = room;
	unsigned char *in = malloc(len ? len : 1);
	unsigned char *buf = malloc(room);

	memcpy(in, src, len);
	if (lzo_encode(in, len, buf, &out, table, rle) || out > room) {
		fprintf(stderr, "%s: %zu bytes failed\n", __func__, len);
		exit(2);
	}
	memcpy(dst, buf, out);
	free(in);
	free(buf);
	return out;
}

/* With LZO_VERBOSE set, where the decoders disagree and how streams begin. */
static void note(const char *what, const unsigned char *in, size_t len,
		 int ours_ret, int ref_ret)
{
	if (!getenv("LZO_VERBOSE"))
		return;
	fprintf(stderr, "%s: ours %d, lib/lzo %d; %zu bytes: %02x %02x %02x\n",
		what, ours_ret, ref_ret, len, len > 0 ? in[0] : 0,
		len > 1 ? in[1] : 0, len > 2 ? in[2] : 0);
}

/* Both decoders on one stream in buffers of exactly its and @room bytes. */
static void decode_both(const unsigned char *comp, size_t comp_len,
			size_t room, const unsigned char *orig,
			size_t orig_len, struct lzo_fuzz_tally *t)
{
	unsigned char *in = malloc(comp_len ? comp_len : 1);
	unsigned char *ours = malloc(room ? room : 1);
	unsigned char *ref = malloc(room ? room : 1);
	size_t ours_len = room, ref_len = room;
	int ours_ret, ref_ret;
	bool same;

	memcpy(in, comp, comp_len);
	ours_ret = lzo_decode(in, comp_len, ours, &ours_len);
	ref_ret = lzo1x_decompress_safe(in, comp_len, ref, &ref_len);
	if (orig && (ours_ret || ours_len != orig_len ||
		     memcmp(ours, orig, orig_len))) {
		t->wrong++;
		fprintf(stderr, "wrong: %zu bytes from %zu: ret %d len %zu\n",
			orig_len, comp_len, ours_ret, ours_len);
	}
	same = !ours_ret && ours_len == ref_len && !memcmp(ours, ref, ref_len);
	lzo_fuzz_judge(t, !ours_ret, !ref_ret, same);
	if (!ours_ret != !ref_ret)
		note("only one rejects", in, comp_len, ours_ret, ref_ret);
	else if (!ours_ret && !same)
		note("outputs differ", in, comp_len, ours_ret, ref_ret);
	free(in);
	free(ours);
	free(ref);
}

/*
 * lz4_encode() from, into and with buffers of exactly their sizes, and
 * lib/lz4's decoder on a copy of the block of exactly its size.
 */
static void check_lz4(const unsigned char *data, size_t len,
		      struct lzo_fuzz_tally *t)
{
	size_t room = lz4_encode_room(len), out = room;
	unsigned char *in = malloc(len ? len : 1);
	unsigned char *tab = malloc(LZ4_ENCODE_TABLE_SIZE);
	unsigned char *buf = malloc(room);
	unsigned char *block, *back = malloc(len ? len : 1);

	memcpy(in, data, len);
	t->streams++;
	if (lz4_encode(in, len, buf, &out, tab, 1) || out > room) {
		t->wrong++;
		fprintf(stderr, "lz4: %zu bytes failed\n", len);
	} else {
		block = malloc(out);
		memcpy(block, buf, out);
		if (LZ4_decompress_safe((char *)block, (char *)back, out,
					len) != (int)len ||
		    memcmp(back, data, len)) {
			t->wrong++;
			fprintf(stderr, "lz4: %zu bytes wrong\n", len);
		}
		free(block);
	}
	free(in);
	free(tab);
	free(buf);
	free(back);
}

/*
 * Both LZO compressors, both stream versions, both decoders on each
 * stream; and lz4_encode().
 */
static void check_piece(const unsigned char *data, size_t len,
			struct lzo_fuzz_tally *t)
{
	static unsigned char comp[COMP_ROOM];
	size_t comp_len;
	int rle;

	check_lz4(data, len, t);
	for (rle = 0; rle < 2; rle++) {
		comp_len = compress(data, len, rle, false, comp);
		decode_both(comp, comp_len, len, data, len, t);
		comp_len = encode_exact(data, len, rle, comp);
		decode_both(comp, comp_len, len, data, len, t);
	}
}

static void random_page(unsigned char *page)
{
	size_t i;

	for (i = 0; i < PAGE; i++)
		page[i] = rng();
}

/*
 * Random bytes, every @period-th one 0x5a, then in the last 448 bytes of
 * each 512 copies at distance @period: short and overlapping matches.
 */
static void periodic_page(unsigned char *page, size_t period)
{
	size_t i;

	for (i = 0; i < PAGE; i++)
		page[i] = i % period ? (unsigned char)rng() : 0x5a;
	for (i = period; i < PAGE; i++)
		if (i % 512 >= 64)
			page[i] = page[i - period];
}

static void synthetic_pages(struct lzo_fuzz_tally *t)
{
	static unsigned char page[PAGE];
	size_t period;

	memset(page, 0, PAGE);
	check_piece(page, PAGE, t);
	random_page(page);
	check_piece(page, PAGE, t);
	memset(page + PAGE / 2, 0, PAGE / 2);
	check_piece(page, PAGE, t);
	for (period = 1; period <= 40; period++) {
		periodic_page(page, period);
		check_piece(page, PAGE, t);
	}
}

/* What page_incompressible() was shown, and where it went wrong. */
struct probe_tally {
	unsigned long random, missed;
	unsigned long compressible, taken_wrongly;
	unsigned long file_pages, file_beyond_lzo, file_taken;
};

/*
 * The probe's table, kept from page to page; zcomp.c lends it the
 * stream's output buffer, so it starts with whatever that holds.
 */
static struct incomp_table *probe_table;

/* page_incompressible() on a copy of @page in a buffer of exactly a page. */
static bool probe(const unsigned char *page)
{
	unsigned char *copy = malloc(PAGE);
	bool taken;

	memcpy(copy, page, PAGE);
	taken = page_incompressible(copy, probe_table);
	free(copy);
	return taken;
}

/* A random page, which the probe must take. */
static void probe_random(const unsigned char *page, const char *what,
			 size_t which, struct probe_tally *pt)
{
	pt->random++;
	if (probe(page))
		return;
	pt->missed++;
	fprintf(stderr, "incompressible: %s page %zu not taken\n", what,
		which);
}

/* A page that compresses, which the probe must not take. */
static void probe_compressible(const unsigned char *page, const char *what,
			       size_t which, struct probe_tally *pt)
{
	pt->compressible++;
	if (!probe(page))
		return;
	pt->taken_wrongly++;
	fprintf(stderr, "incompressible: %s page %zu taken for random\n", what,
		which);
}

/* The shortest of a page's lzo and lzo-rle streams, lib/lzo's and ours. */
static size_t lzo_shortest(const unsigned char *page)
{
	static unsigned char comp[COMP_ROOM];
	size_t shortest = COMP_ROOM, len;
	int rle, ours;

	for (rle = 0; rle < 2; rle++) {
		for (ours = 0; ours < 2; ours++) {
			len = compress(page, PAGE, rle, ours, comp);
			if (len < shortest)
				shortest = len;
		}
	}
	return shortest;
}

/*
 * A page of a file: the probe may take it only if no lzo stream of it is
 * shorter than PROBE_BOUND.
 */
static void probe_file_page(const unsigned char *page, const char *path,
			    size_t which, struct probe_tally *pt)
{
	pt->file_pages++;
	if (lzo_shortest(page) < PROBE_BOUND) {
		probe_compressible(page, path, which, pt);
		return;
	}
	pt->file_beyond_lzo++;
	if (probe(page))
		pt->file_taken++;
}

/*
 * Random pages, uniform or with fio's narrow lane (every eighth byte one
 * of 20 values), and pages a compressor plainly shrinks: skewed bytes
 * (zeros, text, base64, wide characters, random bytes of seven bits),
 * repeats (a random half twice, periodic pages) or both (random, then
 * zeros).  Seven random bits a byte pass the probe's sample and have no
 * repeats, but zstd and deflate code them in about 3620 bytes.
 */
static void probe_pages(struct probe_tally *pt)
{
	static const char base64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	/* Room for the last line of text to run over the page. */
	static unsigned char page[PAGE + 32];
	size_t i, n, number;

	for (n = 0; n < 64; n++) {
		random_page(page);
		if (n % 2)
			for (i = 0; i < PAGE; i += 8)
				page[i] %= 20;
		probe_random(page, n % 2 ? "narrow lane" : "random", n, pt);
	}
	memset(page, 0, PAGE);
	probe_compressible(page, "zero", 0, pt);
	/* Decimal numbers, one a line, as seq prints them. */
	for (n = 0; n < 8; n++) {
		number = 1000000 + n * 100000;
		for (i = 0; i < PAGE;)
			i += sprintf((char *)page + i, "%zu\n", number++);
		probe_compressible(page, "text", n, pt);
	}
	for (n = 0; n < 8; n++) {
		for (i = 0; i < PAGE; i++)
			page[i] = base64[rng() & 63];
		probe_compressible(page, "base64", n, pt);
		for (i = 0; i < PAGE; i++)
			page[i] = rng() & 0x7f;
		probe_compressible(page, "seven-bit", n, pt);
		random_page(page);
		for (i = 1; i < PAGE; i += 2)
			page[i] = 0;
		probe_compressible(page, "utf-16", n, pt);
		random_page(page);
		memcpy(page + PAGE / 2, page, PAGE / 2);
		probe_compressible(page, "repeated half", n, pt);
		memset(page + PAGE / 2, 0, PAGE / 2);
		probe_compressible(page, "half zero", n, pt);
	}
	for (n = 1; n <= 40; n++) {
		periodic_page(page, n);
		probe_compressible(page, "periodic", n, pt);
	}
}

/*
 * Inputs longer than a page, up to each encoder's limit, each from and into
 * buffers of exactly their sizes: lzo_encode()'s streams through both
 * decoders, lz4_encode()'s blocks through lib/lz4's.
 */
static void check_big(const unsigned char *data, size_t len,
		      struct lzo_fuzz_tally *t)
{
	size_t room = lzo_encode_room(len), out;
	unsigned char *in = malloc(len);
	unsigned char *comp = malloc(room);
	int rle;

	memcpy(in, data, len);
	for (rle = 0; rle < 2 && len <= LZO_ENCODE_MAX_IN; rle++) {
		out = room;
		if (lzo_encode(in, len, comp, &out, table, rle)) {
			t->wrong++;
			continue;
		}
		decode_both(comp, out, len, data, len, t);
	}
	check_lz4(data, len, t);
	free(in);
	free(comp);
}

static int cmd_check(int argc, char **argv)
{
	static const size_t big[] = { PAGE + 1, 8192, 12289, LZO_ENCODE_MAX_IN,
				      30000, LZ4_ENCODE_MAX_IN };
	struct lzo_fuzz_tally t = { 0 };
	struct probe_tally pt = { 0 };
	unsigned char *data;
	size_t len, off, piece;
	int i;

	rng_state = 1;
	synthetic_pages(&t);
	/* Any state will do for the probe's table: start it with noise. */
	probe_table = malloc(sizeof(*probe_table));
	for (off = 0; off < sizeof(*probe_table); off++)
		((unsigned char *)probe_table)[off] = rng();
	probe_pages(&pt);
	for (i = 0; i < argc; i++) {
		data = read_file(argv[i], &len);
		for (off = 0; off + PAGE <= len; off += PAGE) {
			check_piece(data + off, PAGE, &t);
			probe_file_page(data + off, argv[i], off / PAGE, &pt);
		}
		/* Pieces of other sizes reach every tail of the careful copy. */
		for (piece = 1, off = 0; off + piece <= len && piece <= PAGE;
		     off += piece, piece++)
			check_piece(data + off, piece, &t);
		for (piece = 0; piece < sizeof(big) / sizeof(*big); piece++)
			if (big[piece] <= len)
				check_big(data, big[piece], &t);
		free(data);
	}
	free(probe_table);
	printf("check: %lu streams, %lu wrong; lib/lzo: %lu rejected, %lu differ\n",
	       t.streams, t.wrong, t.only_ref_fails + t.both_fail,
	       t.outputs_differ);
	printf("check: probe: %lu random pages, %lu not taken; %lu that compress, %lu taken\n",
	       pt.random, pt.missed, pt.compressible, pt.taken_wrongly);
	printf("check: probe: %lu file pages, %lu that lzo leaves at %d bytes or more, %lu taken\n",
	       pt.file_pages, pt.file_beyond_lzo, PROBE_BOUND, pt.file_taken);
	return t.wrong || t.only_ref_fails || t.only_ours_fails ||
	       t.outputs_differ || pt.missed || pt.taken_wrongly;
}

/* The harness's one generator: lzo_fuzz_mutate() needs no state of its own. */
static u32 fuzz_rand(void *state)
{
	(void)state;
	return rng();
}

static int cmd_fuzz(unsigned long rounds, unsigned long seed, const char *path)
{
	static unsigned char comp[COMP_ROOM + 64];
	struct lzo_fuzz_tally t = { 0 };
	unsigned char *data;
	size_t len, pages, comp_len, room, steps;
	unsigned long r;

	rng_state = seed | 1;
	data = read_file(path, &len);
	pages = len / PAGE;
	if (!pages)
		return 2;
	for (r = 0; r < rounds; r++) {
		const unsigned char *page = data + rng() % pages * PAGE;

		comp_len = compress(page, PAGE, rng() % 2, rng() % 2, comp);
		for (steps = 1 + rng() % 3; steps; steps--)
			comp_len = lzo_fuzz_mutate(comp, comp_len, sizeof(comp),
						   fuzz_rand, NULL);
		/* Mostly exact pages; sometimes too little or spare room. */
		room = PAGE;
		if (rng() % 4 == 0)
			room = rng() % (PAGE + 64);
		decode_both(comp, comp_len, room, NULL, 0, &t);
	}
	free(data);
	printf("fuzz: %lu streams: both decode %lu (outputs differ %lu), both reject %lu, ",
	       t.streams, t.both_ok, t.outputs_differ, t.both_fail);
	printf("only ours rejects %lu, only lib/lzo rejects %lu\n",
	       t.only_ours_fails, t.only_ref_fails);
	return t.outputs_differ != 0;
}

/* zram stores a page of one repeated word without compressing it. */
static bool same_filled(const unsigned char *page)
{
	const uint64_t *word = (const uint64_t *)page;
	size_t i;

	for (i = 1; i < PAGE / sizeof(*word); i++)
		if (word[i] != word[0])
			return false;
	return true;
}

/*
 * One page back from @comp into @out: lzo with ours or lib/lzo's decoder;
 * lz4 always with lib/lz4's, @ours having chosen the encoder of @comp.
 */
static bool decode_page(bool ours, bool lz4, const unsigned char *comp,
			size_t comp_len, unsigned char *out)
{
	size_t out_len = PAGE;
	int ret;

	if (lz4)
		return LZ4_decompress_safe((const char *)comp, (char *)out,
					   comp_len, PAGE) == PAGE;
	if (ours)
		ret = lzo_decode(comp, comp_len, out, &out_len);
	else
		ret = lzo1x_decompress_safe(comp, comp_len, out, &out_len);
	return !ret && out_len == PAGE;
}

/*
 * The pages zram would decompress: not same-filled, and compressed below
 * the size above which ours stores pages whole (3633 bytes on x86-64, as
 * measured in Documentation/benchmarks.rst).  lzo and lzo-rle streams come
 * from lib/lzo; lz4 blocks from lz4_encode() (ours) or lib/lz4 (ref).
 */
static int cmd_decode(bool ours, const char *alg, const char *path)
{
	static unsigned char comp[COMP_ROOM], out[PAGE];
	bool lz4 = !strcmp(alg, "lz4");
	unsigned long pages = 0, bytes = 0;
	unsigned char *data;
	size_t len, off, comp_len;

	data = read_file(path, &len);
	for (off = 0; off + PAGE <= len; off += PAGE) {
		if (same_filled(data + off))
			continue;
		comp_len = compress_page(alg, ours && lz4, data + off, comp);
		if (comp_len >= HUGE_SIZE)
			continue;
		if (!decode_page(ours, lz4, comp, comp_len, out) ||
		    memcmp(out, data + off, PAGE)) {
			fprintf(stderr, "decode: page %zu wrong\n", off / PAGE);
			return 1;
		}
		pages++;
		bytes += comp_len;
	}
	printf("decode: %s %s: %lu pages, %lu compressed bytes\n",
	       ours ? "ours" : "ref", alg, pages, bytes);
	free(data);
	return 0;
}

/* What one compressor makes of a file's pages, as zram would store them. */
struct encode_tally {
	unsigned long pages;	/* not same-filled */
	unsigned long huge;	/* stored whole */
	unsigned long bytes;	/* compressed bytes of the others */
};

/*
 * Compress every page zram would (not same-filled) of @data with one
 * compressor of @alg (lzo, rle or lz4); lz4 blocks are checked with
 * lib/lz4's decoder.  False if one decodes wrongly.
 */
static bool encode_pages(bool ours, const char *alg, const unsigned char *data,
			 size_t len, struct encode_tally *tally)
{
	static unsigned char comp[COMP_ROOM], back[PAGE];
	bool lz4 = !strcmp(alg, "lz4");
	size_t off, comp_len;

	memset(tally, 0, sizeof(*tally));
	for (off = 0; off + PAGE <= len; off += PAGE) {
		if (same_filled(data + off))
			continue;
		comp_len = compress_page(alg, ours, data + off, comp);
		if (lz4 && (LZ4_decompress_safe((char *)comp, (char *)back,
						comp_len, PAGE) != PAGE ||
			    memcmp(back, data + off, PAGE))) {
			fprintf(stderr, "encode: page %zu wrong\n", off / PAGE);
			return false;
		}
		tally->pages++;
		if (comp_len >= HUGE_SIZE)
			tally->huge++;
		else
			tally->bytes += comp_len;
	}
	return true;
}

/* What zram would keep of the pages: compressed bytes, whole pages. */
static unsigned long encode_stored(const struct encode_tally *tally)
{
	return tally->bytes + tally->huge * PAGE;
}

static int cmd_encode(bool ours, const char *alg, const char *path)
{
	struct encode_tally tally;
	unsigned char *data;
	size_t len;
	bool ok;

	data = read_file(path, &len);
	ok = encode_pages(ours, alg, data, len, &tally);
	free(data);
	if (!ok)
		return 1;
	printf("encode: %s %s: %lu pages, %lu stored whole, %lu compressed bytes in the others\n",
	       ours ? "ours" : "ref", alg, tally.pages, tally.huge,
	       tally.bytes);
	return 0;
}

/*
 * lzo_encode() enters the last two positions of each match, which lib/lzo
 * does not (lzo_encode.c): on real data its lzo and lzo-rle streams must
 * need at most DENSITY_PERMILLE of what lib/lzo's need, stored as zram
 * would.  The benchmark corpus and Python's sources together: 0.979 and
 * 0.977 of lib/lzo's; 0.990 and 0.988 without those entries.
 */
#define DENSITY_PERMILLE	984

static int cmd_density(int files, char **paths)
{
	static const char *const algs[] = { "lzo", "rle" };
	unsigned long ours[2] = { 0 }, ref[2] = { 0 }, permille;
	struct encode_tally tally;
	unsigned char *data;
	int ret = 0, i, f;
	size_t len;

	for (f = 0; f < files; f++) {
		data = read_file(paths[f], &len);
		for (i = 0; i < 2; i++) {
			if (!encode_pages(true, algs[i], data, len, &tally))
				ret = 1;
			ours[i] += encode_stored(&tally);
			encode_pages(false, algs[i], data, len, &tally);
			ref[i] += encode_stored(&tally);
		}
		free(data);
	}
	for (i = 0; i < 2; i++) {
		permille = ours[i] * 1000 / ref[i];
		printf("density: %s: ours %lu bytes, lib/lzo %lu: %lu per mille (at most %d)\n",
		       algs[i], ours[i], ref[i], permille, DENSITY_PERMILLE);
		if (permille > DENSITY_PERMILLE)
			ret = 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (argc == 5 && !strcmp(argv[1], "fuzz"))
		return cmd_fuzz(strtoul(argv[2], NULL, 0),
				strtoul(argv[3], NULL, 0), argv[4]);
	if (argc == 5 && !strcmp(argv[1], "decode"))
		return cmd_decode(!strcmp(argv[2], "ours"), argv[3], argv[4]);
	if (argc == 5 && !strcmp(argv[1], "encode"))
		return cmd_encode(!strcmp(argv[2], "ours"), argv[3], argv[4]);
	if (argc >= 3 && !strcmp(argv[1], "density"))
		return cmd_density(argc - 2, argv + 2);
	fprintf(stderr, "usage: codecs check FILE... | fuzz N SEED FILE |\n"
		"       decode ours|ref lzo|rle|lz4 FILE |\n"
		"       encode ours|ref lzo|rle|lz4 FILE | density FILE...\n");
	return 2;
}
