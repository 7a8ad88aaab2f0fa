// SPDX-License-Identifier: GPL-2.0
/*
 * hotcold: a program whose memory is partly cold, for the policy benchmark
 * (tools/testing/bench/policy.sh).
 *
 * usage: hotcold COLD_MIB HOT_MIB ROUNDS [THINK_MS]
 *
 * Writes COLD_MIB of cold pages and HOT_MIB of hot pages once, then for
 * ROUNDS rounds checks and rewrites every hot page, sleeping THINK_MS
 * between rounds (time for aging and writeback to act); the cold pages are
 * left alone until the end, when every page is checked once more.  Pages
 * compress about 2-3:1 like real memory and every eighth is zero-filled;
 * each page's content depends on its index and on the round that last
 * wrote it, so a page that comes back from swap stale or from the wrong
 * slot is caught.
 *
 * Prints one line, "hotcold: cold_mib=N hot_mib=N rounds=N checked=N bad=N",
 * and exits 1 if a page differed.  Run it in a memory cgroup smaller than
 * COLD_MIB + HOT_MIB so that it swaps; the OOM killer may end it early.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#define PAGE_BYTES 4096UL

static const char words[] =
	"an idle page waits in the pool until its age says it may leave for the disk ";

/* Page @idx as written in round @round (0: the first write). */
static void fill_page(unsigned char *p, uint64_t idx, unsigned int round)
{
	uint64_t seed = (idx + 1) * 0x9e3779b97f4a7c15ULL ^ round;
	size_t off, span = sizeof(words) - 1 - 48;

	if (idx % 8 == 7) {
		memset(p, 0, PAGE_BYTES);
		return;
	}
	for (off = 0; off < PAGE_BYTES; off += 64) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		memcpy(p + off, words + seed % span, 48);
		memcpy(p + off + 48, &seed, 8);
		memcpy(p + off + 56, &idx, 8);
	}
}

/* Counts page @idx in @bad unless it is as round @round wrote it. */
static void check_page(const unsigned char *mem, unsigned long idx,
		       unsigned int round, unsigned long *bad)
{
	static unsigned char expect[PAGE_BYTES];

	fill_page(expect, idx, round);
	if (memcmp(mem + idx * PAGE_BYTES, expect, PAGE_BYTES) && (*bad)++ < 10)
		fprintf(stderr, "hotcold: page %lu differs\n", idx);
}

static void think(unsigned long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (ms && nanosleep(&ts, &ts))
		;
}

int main(int argc, char **argv)
{
	unsigned long cold, pages, i, think_ms, bad = 0;
	unsigned long cold_mib, hot_mib;
	unsigned int round, rounds;
	unsigned char *mem;

	if (argc < 4) {
		fprintf(stderr, "usage: hotcold COLD_MIB HOT_MIB ROUNDS [THINK_MS]\n");
		return 2;
	}
	cold_mib = strtoul(argv[1], NULL, 0);
	hot_mib = strtoul(argv[2], NULL, 0);
	rounds = strtoul(argv[3], NULL, 0);
	think_ms = argc > 4 ? strtoul(argv[4], NULL, 0) : 0;
	cold = cold_mib * (1024 * 1024 / PAGE_BYTES);
	pages = cold + hot_mib * (1024 * 1024 / PAGE_BYTES);
	mem = mmap(NULL, pages * PAGE_BYTES, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("hotcold: mmap");
		return 2;
	}

	for (i = 0; i < pages; i++)
		fill_page(mem + i * PAGE_BYTES, i, 0);
	/* One pass per round: a hot page is checked, then written anew. */
	for (round = 1; round <= rounds; round++) {
		think(think_ms);
		for (i = cold; i < pages; i++) {
			check_page(mem, i, round - 1, &bad);
			fill_page(mem + i * PAGE_BYTES, i, round);
		}
	}
	for (i = 0; i < pages; i++)
		check_page(mem, i, i < cold ? 0 : rounds, &bad);

	printf("hotcold: cold_mib=%lu hot_mib=%lu rounds=%u checked=%lu bad=%lu\n",
	       cold_mib, hot_mib, rounds, pages, bad);
	return bad ? 1 : 0;
}
