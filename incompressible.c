// SPDX-License-Identifier: GPL-2.0
/*
 * Telling pages of random bytes from the rest, cheaply.
 *
 * zstd, deflate and lz4hc spend as long on a page of random bytes (from an
 * encrypted or compressed file, a key, a random pool) as on any other page,
 * only to write more than a page, which zram throws away to store the page
 * as it is.  page_incompressible() recognises such pages in under a third
 * of zstd's time, and most pages that do compress in a few hundred
 * instructions.
 *
 * All three shrink a page in two ways only: by coding common byte values
 * in fewer bits (Huffman codes; lz4hc has none), and by replacing a
 * repeated sequence with a reference to its first occurrence.  A page is
 * called incompressible when neither can bring it under zsmalloc's huge
 * threshold, 8/9 of a page (3641 bytes), where it would be stored whole
 * anyway:
 *
 *  - Its bytes are nearly as unpredictable as random ones: their entropy,
 *    from the counts of the 256 byte values, is at least 7.5 bits a byte,
 *    so no code of single bytes gets a page under INCOMP_CODED_MIN bytes.
 *    Bytes need not be uniform for that: fio's "random" buffers, whose
 *    every eighth byte takes one of 20 values, qualify.
 *  - Hardly any of it repeats: the positions where four bytes recur,
 *    found through a hash table of the latest even position of each hash
 *    of four bytes, cover fewer than INCOMP_REPEATS_MAX bytes.  Taking a byte out of
 *    the code above saves at most 12 bits (a value seen once in 4096), so
 *    the repeats leave more than 3648 bytes however the rest is coded.
 *
 * A sample of INCOMP_SAMPLES bytes from all over the page decides whether
 * the rest is looked at, by its pairs of equal bytes: text, code, tables
 * and runs of zeros show their skew there already, while uniformly random
 * bytes make about n * (n - 1) / 512 pairs in n bytes.  The sample's
 * stride is odd, so that it does not see only one byte of every word.
 *
 * Every page of the benchmark's corpus taken for random comes out of zstd,
 * at level 3, longer than it went in; of fio's "random" buffers, at 3942
 * bytes or more (Documentation/benchmarks.rst).
 */
#include <linux/string.h>

#include "codec_common.h"
#include "incompressible.h"

#define INCOMP_SAMPLES		64
#define INCOMP_SAMPLE_STRIDE	61
/* 7.9 pairs expected, standard deviation 2.8. */
#define INCOMP_SAMPLE_PAIRS_MAX	24
/* 7.5 bits a byte. */
#define INCOMP_CODED_MIN	3840
#define INCOMP_REPEATS_MAX	128

/*
 * How many pairs of equal bytes the sample of @page holds; @count is
 * scratch space.
 */
static unsigned int incomp_sample_pairs(const u8 *page, u16 *count)
{
	unsigned int pos, pairs = 0;

	memset(count, 0, 256 * sizeof(*count));
	for (pos = 0; pos < INCOMP_SAMPLES * INCOMP_SAMPLE_STRIDE;
	     pos += INCOMP_SAMPLE_STRIDE)
		pairs += count[page[pos]]++;
	return pairs;
}

/* Counts the bytes of @page into @count. */
static void incomp_count(const u8 *page, u16 *count)
{
	unsigned int from;

	memset(count, 0, 256 * sizeof(*count));
	for (from = 0; from < INCOMP_PAGE_SIZE; from += 4) {
		count[page[from]]++;
		count[page[from + 1]]++;
		count[page[from + 2]]++;
		count[page[from + 3]]++;
	}
}

/* 1024 * log2(i), rounded, for i from 1 to 63. */
static const u16 incomp_log2_table[64] = {
	0, 0, 1024, 1623, 2048, 2378, 2647, 2875,
	3072, 3246, 3402, 3542, 3671, 3789, 3899, 4001,
	4096, 4186, 4270, 4350, 4426, 4498, 4566, 4632,
	4695, 4755, 4813, 4869, 4923, 4975, 5025, 5073,
	5120, 5165, 5210, 5252, 5294, 5334, 5374, 5412,
	5450, 5486, 5522, 5556, 5590, 5624, 5656, 5688,
	5719, 5749, 5779, 5809, 5837, 5865, 5893, 5920,
	5947, 5973, 5999, 6024, 6049, 6073, 6097, 6121,
};

/* 1024 * log2(@n), with @n cut to its six highest bits. */
static unsigned int incomp_log2(unsigned int n)
{
	unsigned int shift = 0;

	while (n >= 64) {
		n >>= 1;
		shift++;
	}
	return incomp_log2_table[n] + (shift << 10);
}

/*
 * Whether a code of single bytes for a page whose byte values occur @count
 * times needs INCOMP_CODED_MIN bytes or more: whether its entropy in bits,
 * page size * log2(page size) - sum of c * log2(c) over the counts c,
 * comes to eight times that.  All scaled by 1024.
 */
static bool incomp_codes_long(const u16 *count)
{
	unsigned int value, sum = 0;

	for (value = 0; value < 256; value++)
		sum += count[value] * incomp_log2(count[value]);
	return (INCOMP_PAGE_SIZE * INCOMP_PAGE_SHIFT << 10) - sum >=
	       INCOMP_CODED_MIN * 8 << 10;
}

/* Enters position @at, where @four starts, in @table. */
static __always_inline void incomp_enter(struct incomp_table *table,
					 unsigned int at, u32 four)
{
	table->pos[codec_hash4(four, INCOMP_HASH_BITS)] = at;
}

/* 4 if @table knows an earlier position where @four starts, else 0. */
static __always_inline unsigned int incomp_seen(const u8 *page,
						struct incomp_table *table,
						unsigned int at, u32 four)
{
	unsigned int seen = table->pos[codec_hash4(four, INCOMP_HASH_BITS)];

	return seen < at && codec_le32(page + seen) == four ? 4 : 0;
}

/*
 * Whether fewer than INCOMP_REPEATS_MAX bytes start a repeat of four.  The
 * even positions go into the table, and two of every eight, one odd and
 * one even, are looked up: whatever its distance, a repeat of eleven bytes
 * or more has one of its positions looked up whose first occurrence was
 * entered.  Each position found counts for the four it stands for.
 */
static bool incomp_few_repeats(const u8 *page, struct incomp_table *table)
{
	unsigned int pos, covered = 0;

	for (pos = 0; pos + 12 <= INCOMP_PAGE_SIZE; pos += 8) {
		u64 low = codec_le64(page + pos);
		u64 high = codec_le64(page + pos + 4);

		covered += incomp_seen(page, table, pos, low);
		covered += incomp_seen(page, table, pos + 1, low >> 8);
		if (covered >= INCOMP_REPEATS_MAX)
			return false;
		incomp_enter(table, pos, low);
		incomp_enter(table, pos + 2, low >> 16);
		incomp_enter(table, pos + 4, high);
		incomp_enter(table, pos + 6, high >> 16);
	}
	return true;
}

/*
 * Whether the page at @page, INCOMP_PAGE_SIZE bytes, looks like random
 * bytes; @table is the caller's scratch space, in any state.
 */
bool page_incompressible(const u8 *page, struct incomp_table *table)
{
	u16 count[256];

	if (incomp_sample_pairs(page, count) > INCOMP_SAMPLE_PAIRS_MAX)
		return false;
	incomp_count(page, count);
	if (!incomp_codes_long(count))
		return false;
	return incomp_few_repeats(page, table);
}
