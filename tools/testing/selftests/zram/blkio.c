// SPDX-License-Identifier: GPL-2.0
/*
 * blkio: one I/O request on a block device, reported precisely.
 *
 * usage: blkio [-d] [-f] [-p BYTE] [-s SHIFT] DEV read|write|discard|zeroout
 *              OFFSET LEN
 *
 *   -d       open with O_DIRECT (the buffer is page aligned)
 *   -f       fault injection's make-it-fail on for the read or write call
 *            only (debug kernels: what fails is set up in debugfs)
 *   -p BYTE  fill written data with BYTE (default 0x5a); a read checks
 *            that every byte it got equals BYTE and fails with "BADDATA"
 *            otherwise (without -p a read checks nothing)
 *   -s SHIFT the buffer starts SHIFT bytes into a page, so that with -d
 *            each page of the device comes in two pieces
 *
 * A write is followed by fsync(), so that errors of buffered writes show.
 * discard and zeroout are the BLKDISCARD and BLKZEROOUT ioctls.  Prints
 * "OK N" with the bytes transferred (short transfers show as a smaller N),
 * or the errno name ("EINVAL", "EIO", "ENOSPC", ...).  Exit status 0 unless
 * the usage is wrong (2) or the data read back is wrong (1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "test_io.h"

static int do_range_ioctl(int fd, unsigned long req, unsigned long long off,
			  unsigned long long len)
{
	unsigned long long range[2] = { off, len };

	if (ioctl(fd, req, range) < 0)
		report_errno(errno);
	else
		printf("OK %llu\n", len);
	return 0;
}

static int do_rw(int fd, int write_op, unsigned long long off, size_t len,
		 int pattern, bool faulty, size_t shift)
{
	unsigned char *base, *buf;
	int fail_fd = -1;
	ssize_t ret;
	size_t i;

	if (posix_memalign((void **)&base, 4096, len + shift + 1))
		return 2;
	buf = base + shift;
	memset(buf, pattern < 0 ? 0x5a : pattern, len);
	if (faulty) {
		fail_fd = fault_switch_open();
		if (fail_fd < 0)
			return 2;
		fault_switch_set(fail_fd, 1);
	}
	if (write_op)
		ret = pwrite(fd, buf, len, off);
	else
		ret = pread(fd, buf, len, off);
	fault_switch_set(fail_fd, 0);
	if (ret >= 0 && write_op && fsync(fd) < 0)
		ret = -1;
	if (ret < 0) {
		report_errno(errno);
		return 0;
	}
	if (!write_op && pattern >= 0) {
		for (i = 0; i < (size_t)ret; i++) {
			if (buf[i] != pattern) {
				printf("BADDATA at %llu: 0x%02x\n",
				       off + i, buf[i]);
				return 1;
			}
		}
	}
	printf("OK %zd\n", ret);
	free(base);
	return 0;
}

int main(int argc, char **argv)
{
	int flags = 0, pattern = -1, opt, fd;
	bool faulty = false;
	size_t shift = 0;
	const char *op;
	unsigned long long off, len;

	while ((opt = getopt(argc, argv, "dfp:s:")) != -1) {
		switch (opt) {
		case 'd':
			flags |= O_DIRECT;
			break;
		case 'f':
			faulty = true;
			break;
		case 'p':
			pattern = strtol(optarg, NULL, 0) & 0xff;
			break;
		case 's':
			shift = strtoul(optarg, NULL, 0) % 4096;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 4) {
		fprintf(stderr, "usage: blkio [-d] [-f] [-p BYTE] [-s SHIFT] DEV %s OFFSET LEN\n",
			"read|write|discard|zeroout");
		return 2;
	}
	op = argv[optind + 1];
	off = strtoull(argv[optind + 2], NULL, 0);
	len = strtoull(argv[optind + 3], NULL, 0);

	fd = open(argv[optind], (strcmp(op, "read") ? O_RDWR : O_RDONLY) | flags);
	if (fd < 0) {
		report_errno(errno);
		return 0;
	}
	if (!strcmp(op, "read"))
		return do_rw(fd, 0, off, len, pattern, faulty, shift);
	if (!strcmp(op, "write"))
		return do_rw(fd, 1, off, len, pattern, faulty, shift);
	if (!strcmp(op, "discard"))
		return do_range_ioctl(fd, BLKDISCARD, off, len);
	if (!strcmp(op, "zeroout"))
		return do_range_ioctl(fd, BLKZEROOUT, off, len);
	fprintf(stderr, "blkio: unknown operation %s\n", op);
	return 2;
}
