// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs_io: read or write one attribute and say exactly how the kernel
 * answered.
 *
 * usage: sysfs_io write PATH VALUE     VALUE plus a newline, as echo does
 *        sysfs_io write-n PATH VALUE   VALUE alone
 *        sysfs_io read PATH
 *        sysfs_io write-faulty PATH VALUE
 *                              as write, with the kernel's fault injection
 *                              (/proc/self/make-it-fail) on for the write
 *                              call alone
 *
 * A write prints "OK" when the whole value was accepted; a read prints
 * "OK " and the first line read.  On failure either prints the name of
 * the errno that open(), write() or read() gave ("EINVAL", "EBUSY", ...).
 * The exit status is 0 in both cases (2 for a usage error): a shell's
 * "echo > file" only says that something failed, the tests need to know
 * what.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_io.h"

/* Opened beforehand, so that switching faults on and off cannot fail. */
static int make_it_fail_fd = -1;

static int do_write(const char *path, const char *value, int newline)
{
	size_t len = strlen(value);
	char *buf = malloc(len + 2);
	ssize_t ret;
	int fd, err;

	if (!buf)
		return 2;
	memcpy(buf, value, len);
	if (newline)
		buf[len++] = '\n';
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		report_errno(errno);
		free(buf);
		return 0;
	}
	fault_switch_set(make_it_fail_fd, 1);
	ret = write(fd, buf, len);
	err = errno;
	fault_switch_set(make_it_fail_fd, 0);
	errno = err;
	if (ret < 0)
		report_errno(errno);
	else if ((size_t)ret != len)
		printf("SHORT %zd\n", ret);
	else
		printf("OK\n");
	close(fd);
	free(buf);
	return 0;
}

static int do_read(const char *path)
{
	char buf[4096];
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		report_errno(errno);
		return 0;
	}
	ret = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (ret < 0) {
		report_errno(errno);
		return 0;
	}
	buf[ret] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("OK %s\n", buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3], 1);
	if (argc == 4 && !strcmp(argv[1], "write-n"))
		return do_write(argv[2], argv[3], 0);
	if (argc == 3 && !strcmp(argv[1], "read"))
		return do_read(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "write-faulty")) {
		make_it_fail_fd = fault_switch_open();
		if (make_it_fail_fd < 0)
			return 2;
		return do_write(argv[2], argv[3], 1);
	}
	fprintf(stderr, "usage: sysfs_io write|write-n|write-faulty PATH VALUE | read PATH\n");
	return 2;
}
