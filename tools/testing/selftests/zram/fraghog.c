// SPDX-License-Identifier: GPL-2.0
/*
 * fraghog: scatter free memory into small holes.
 *
 * usage: fraghog MIB READY_FILE
 *
 * Allocates MIB MiB of anonymous memory and gives back all but one 4 KiB
 * page in every 64 KiB (MADV_DONTNEED), so that the memory free afterwards
 * lies in small holes all over RAM, none of them a whole 2 MiB block;
 * writes "ready" to READY_FILE and sleeps until it is killed.  Whatever
 * is allocated meanwhile lands in the holes; killing fraghog then frees
 * the pages around it, and only compaction that can move those
 * allocations can make large free blocks again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>

#define PAGE 4096UL
/*
 * One page kept in every 16: no 2 MiB block is left free, the holes are
 * small blocks that the page allocator hands out first, and the freeing
 * takes one call per 64 KiB rather than per page, which costs under
 * emulation.
 */
#define KEEP_EVERY 16UL

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* since Linux 5.14 */
#endif

int main(int argc, char **argv)
{
	unsigned long size, off;
	unsigned char *mem;
	FILE *ready;

	if (argc != 3) {
		fprintf(stderr, "usage: fraghog MIB READY_FILE\n");
		return 2;
	}
	size = strtoul(argv[1], NULL, 0) << 20;
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("fraghog: mmap");
		return 1;
	}
	/*
	 * Single pages, no transparent huge pages: those would only split
	 * their mapping on MADV_DONTNEED and free nothing.  A kernel built
	 * without THP (the debug kernel) rejects the advice with EINVAL, and
	 * there every page is a single page anyway.
	 */
	if (madvise(mem, size, MADV_NOHUGEPAGE) && errno != EINVAL) {
		perror("fraghog: madvise(MADV_NOHUGEPAGE)");
		return 1;
	}
	/* One populate call instead of a fault per page (slow emulated). */
	if (madvise(mem, size, MADV_POPULATE_WRITE)) {
		perror("fraghog: madvise(MADV_POPULATE_WRITE)");
		return 1;
	}
	for (off = 0; off < size; off += KEEP_EVERY * PAGE)
		if (madvise(mem + off + PAGE, (KEEP_EVERY - 1) * PAGE,
			    MADV_DONTNEED)) {
			perror("fraghog: madvise");
			return 1;
		}
	ready = fopen(argv[2], "w");
	if (!ready || fputs("ready\n", ready) == EOF || fclose(ready)) {
		perror("fraghog: ready file");
		return 1;
	}
	for (;;)
		pause();
}
