// SPDX-License-Identifier: GPL-2.0
/*
 * memhog: touch more anonymous memory than fits, then check every byte.
 *
 * usage: memhog [-s] MIB [PASSES]
 *
 * -s stops the program (SIGSTOP) once its pages are first written, so that
 * whoever runs it can look at swap while the pages are out; SIGCONT lets it
 * check them and go on.
 *
 * Each 4 KiB page gets content derived from its index: a header with the
 * index, then text-like bytes that compress about 2-3:1 like real memory,
 * with every eighth page zero-filled.  Run inside a memory cgroup smaller
 * than MIB, the pages go to swap and come back; any byte that differs on
 * the way back is reported and the exit status is 1.
 *
 * The last line also says how many of the checked pages were in swap when
 * the check reached them (their page-table entry a swap entry, from
 * /proc/self/pagemap, read for PAGEMAP_BATCH pages at a time), so that a
 * soak can count the bytes that made the round trip through swap rather
 * than those that never left memory.  A page swapped in early, between
 * the read of its batch and its check, is not counted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>

#define PAGE 4096UL
#define PAGEMAP_SWAPPED_BIT 62
/*
 * Pages whose pagemap entries are read at once.  6.1 walks a whole page
 * table (512 pages) for every read, however little it asks for: one read
 * per page made that walk a quarter of a swap run's time.
 */
#define PAGEMAP_BATCH 512

static const char words[] =
	"the quick brown fox jumps over the lazy dog while zram packs pages into zspages ";

static void fill_page(unsigned char *p, uint64_t idx, unsigned int pass)
{
	uint64_t seed = idx * 0x9e3779b97f4a7c15ULL + pass;
	size_t off;

	if (idx % 8 == 7) {
		memset(p, 0, PAGE);
		return;
	}
	for (off = 0; off < PAGE; off += 64) {
		size_t wlen = sizeof(words) - 1, start;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		start = seed % (wlen - 64);
		memcpy(p + off, words + start, 48);
		memcpy(p + off + 48, &seed, 8);
		memcpy(p + off + 56, &idx, 8);
	}
}

/*
 * Which of the N pages from ADDR are in swap now: bit PAGEMAP_SWAPPED_BIT
 * of their ENTRIES.  Reading pagemap does not fault them in.  Without
 * pagemap (fd < 0), or if it cannot be read, none counts as swapped.
 */
static void read_pagemap(int pagemap, const void *addr, uint64_t *entries,
			 size_t n)
{
	off_t off = (uintptr_t)addr / PAGE * sizeof(*entries);
	ssize_t len = n * sizeof(*entries);

	if (pagemap < 0 || pread(pagemap, entries, len, off) != len)
		memset(entries, 0, len);
}

int main(int argc, char **argv)
{
	unsigned long mib, pages, i, bad = 0, from_swap = 0;
	int pagemap;
	unsigned int pass, passes;
	unsigned char *mem, expect[PAGE];
	uint64_t entries[PAGEMAP_BATCH];
	int stop = argc > 1 && !strcmp(argv[1], "-s");

	argc -= stop;
	argv += stop;
	if (argc < 2) {
		fprintf(stderr, "usage: memhog [-s] MIB [PASSES]\n");
		return 2;
	}
	mib = strtoul(argv[1], NULL, 0);
	passes = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	pages = mib * (1024 * 1024 / PAGE);
	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("memhog: mmap");
		return 2;
	}
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	for (pass = 0; pass < passes; pass++) {
		for (i = 0; i < pages; i++)
			fill_page(mem + i * PAGE, i, pass);
		if (stop && pass == 0)
			raise(SIGSTOP);
		for (i = 0; i < pages; i++) {
			if (i % PAGEMAP_BATCH == 0)
				read_pagemap(pagemap, mem + i * PAGE, entries,
					     pages - i < PAGEMAP_BATCH ?
					     pages - i : PAGEMAP_BATCH);
			fill_page(expect, i, pass);
			from_swap += (entries[i % PAGEMAP_BATCH] >>
				      PAGEMAP_SWAPPED_BIT) & 1;
			if (memcmp(mem + i * PAGE, expect, PAGE)) {
				if (bad++ < 10)
					fprintf(stderr, "memhog: page %lu differs\n", i);
			}
		}
	}
	printf("memhog: %lu MiB x %u passes, %lu bad pages, %lu pages checked after swap-in\n",
	       mib, passes, bad, from_swap);
	return bad ? 1 : 0;
}
