/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the selftests' I/O tools (blkio, sysfs_io, rel_io) share: the name
 * of a failed call's errno, which the shell tests compare, and fault
 * injection switched on for one call of this task.
 *
 * Fault injection here is the debug kernel's failslab and fail_page_alloc
 * with "task-filter" set: they fail only tasks whose
 * /proc/self/make-it-fail is 1.  The file is opened before faults are
 * switched on, since an open() with faults on could itself fail and leave
 * them on.
 */
#ifndef ZRAM_SELFTEST_TEST_IO_H
#define ZRAM_SELFTEST_TEST_IO_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Prints "EINVAL", "EIO", ... (or "ERRNO<n>" for a number without a name). */
static inline void report_errno(int err)
{
	const char *name = strerrorname_np(err);

	if (name)
		printf("%s\n", name);
	else
		printf("ERRNO%d\n", err);
}

/* The switch for this task's faults, or -1 (said on stderr) without one. */
static inline int fault_switch_open(void)
{
	int fd = open("/proc/self/make-it-fail", O_WRONLY);

	if (fd < 0)
		perror("/proc/self/make-it-fail");
	return fd;
}

static inline void fault_switch_set(int fd, int on)
{
	if (fd >= 0 && pwrite(fd, on ? "1" : "0", 1, 0) != 1)
		perror("/proc/self/make-it-fail");
}

#endif
