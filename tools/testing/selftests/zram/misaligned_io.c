// SPDX-License-Identifier: GPL-2.0
/*
 * misaligned_io: O_DIRECT I/O whose user buffer is not page aligned, so that
 * every device page arrives split over two bio segments.
 *
 * usage: misaligned_io DEV OFFSET PAGES SHIFT [verify]
 *
 * Writes PAGES pages at byte OFFSET of DEV from a buffer that starts SHIFT
 * bytes (a multiple of 512) into a page, reads them back through a buffer
 * shifted differently, and compares.  With "verify" nothing is written:
 * the pages an earlier run wrote there are read and checked.  The data mixes same-filled, text-like
 * and random pages so every kind of slot is crossed.  Prints "OK" or what
 * went wrong; exit status 0 only for OK.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096

static void fill_page(unsigned char *p, unsigned long seed)
{
	unsigned long x = seed * 2654435761UL + 1;
	int i;

	switch (seed % 3) {
	case 0:
		memset(p, (int)(seed & 0xff), PAGE);
		break;
	case 1:
		for (i = 0; i < PAGE; i++)
			p[i] = "zram compresses text well "[(i + seed) % 26];
		break;
	default:
		for (i = 0; i < PAGE; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p[i] = (unsigned char)x;
		}
	}
}

int main(int argc, char **argv)
{
	unsigned char *wbuf, *rbuf, *w, *r;
	unsigned long pages, shift, i;
	size_t len;
	off_t off;
	int fd;

	if (argc != 5 && !(argc == 6 && !strcmp(argv[5], "verify"))) {
		fprintf(stderr, "usage: %s DEV OFFSET PAGES SHIFT [verify]\n",
			argv[0]);
		return 2;
	}
	off = strtoll(argv[2], NULL, 0);
	pages = strtoul(argv[3], NULL, 0);
	shift = strtoul(argv[4], NULL, 0) % PAGE;
	len = pages * PAGE;

	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0) {
		perror("open");
		return 1;
	}
	if (posix_memalign((void **)&wbuf, PAGE, len + PAGE) ||
	    posix_memalign((void **)&rbuf, PAGE, len + PAGE))
		return 1;
	w = wbuf + shift;
	r = rbuf + (shift + 1024) % PAGE;
	for (i = 0; i < pages; i++)
		fill_page(w + i * PAGE, off / PAGE + i);

	if (argc == 5 && pwrite(fd, w, len, off) != (ssize_t)len) {
		perror("pwrite");
		return 1;
	}
	memset(r, 0xee, len);
	if (pread(fd, r, len, off) != (ssize_t)len) {
		perror("pread");
		return 1;
	}
	for (i = 0; i < pages; i++) {
		if (memcmp(w + i * PAGE, r + i * PAGE, PAGE)) {
			printf("MISMATCH in page %lu\n", i);
			return 1;
		}
	}
	printf("OK\n");
	return 0;
}
