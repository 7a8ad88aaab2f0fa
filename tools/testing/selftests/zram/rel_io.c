// SPDX-License-Identifier: GPL-2.0
/*
 * rel_io: write and check pages of a block device, with the kernel's fault
 * injection aimed at this process only, and say exactly what was lost.
 *
 * usage: rel_io [options] MODE DEV
 *
 * Page I of generation G has content derived from (I, G) alone: zero,
 * same-filled, incompressible or text-like (about 2:1), the kind changing
 * with G, so that rewriting a page replaces one kind of slot by another.
 * Non-trivial pages start with their index and generation.  I/O is
 * O_DIRECT, so every request reaches the driver from this task, where
 * failslab and fail_page_alloc can find it.
 *
 * MODE:
 *   write    write generation G over the range
 *   verify   every page must be generation G; with -O OLD, OLD is also
 *            accepted; with -z, an all-zero page is too
 *   cycle    the fault-injection cycle, in one process so that it knows
 *            which writes failed:
 *              1. with faults (-F): write generation G over the range,
 *                 generation OLD (-O) being there before
 *              2. without faults: a page whose write succeeded must be G,
 *                 one whose write failed must be G or OLD
 *              3. with faults: read everything; a read may fail but
 *                 must never return wrong data
 *            then compares the errors it saw with failed_reads and
 *            failed_writes in io_stat: every failure zram counted must
 *            have reached this task as an error
 *   nth      systematic faults (/proc/thread-self/fail-nth): for one page
 *            of each kind, fail the 1st, 2nd, ... allocation of a write
 *            and then of a read until one completes with no fault left to
 *            inject; the same for writes to "compact".  Pages must always
 *            hold old or new data, reads must be right or fail
 *   setup    systematic faults in disksize (of DEV, uninitialised), in
 *            reset and in hot_add: each must succeed or fail with ENOMEM
 *            (hot_add also with the block layer's EINVAL) and leave the
 *            device as it was
 *   fill     write generation G from the first page on, stopping at the
 *            first failure (or after -e failures); prints the progress as
 *            "# rel_io: filled N" lines
 *   compact  with faults (-F), write "1" to compact for -t seconds
 *   hold     touch -n MiB of anonymous memory and sleep until killed, a
 *            ballast for the OOM killer (DEV is ignored)
 *
 * Options:
 *   -g G      generation to write or expect (default 1)
 *   -O OLD    the generation the pages held before (cycle, verify)
 *   -f FIRST  first page (default 0)
 *   -n PAGES  number of pages (default: up to the end of the device)
 *   -b PAGES  pages per request (default 1)
 *   -F        inject faults: set /proc/self/make-it-fail during the I/O
 *   -r        incompressible pages only
 *   -z        verify accepts all-zero pages
 *   -e N      fill: stop after N failed requests (default 1)
 *   -t SEC    compact: how long (default 10)
 *
 * The last line is "# rel_io MODE: key=value ..."; exit status 0 when no
 * data was wrong and the counters agree, 1 otherwise, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#include "test_io.h"

#define PAGE		4096UL
#define MAX_BATCH	64

enum kind { ZERO, SAME, RANDOM, TEXT };

/* What the command line asked for. */
struct options {
	const char *mode, *dev;
	unsigned int gen, old_gen;
	int have_old, faults, random_only, zero_ok, pages_set;
	unsigned long first, pages, batch, max_errors, seconds;
};

static struct options opt = {
	.gen = 1, .batch = 1, .max_errors = 1, .seconds = 10,
};

static int dev_fd, fail_fd = -1, nth_fd = -1;
static unsigned char *buf, *expect, *expect_old;

static const char words[] =
	"zram keeps compressed pages in memory and returns them intact, faults or not ";

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static enum kind page_kind(uint64_t idx, unsigned int gen)
{
	unsigned int k = (idx * 7 + gen) % 16;

	if (opt.random_only)
		return RANDOM;
	if (k == 0)
		return ZERO;
	if (k == 1)
		return SAME;
	if (k <= 4)
		return RANDOM;
	return TEXT;
}

static void fill_page(unsigned char *p, uint64_t idx, unsigned int gen)
{
	uint64_t seed = mix(idx * 0x9e3779b97f4a7c15ULL + gen), w;
	size_t off;

	switch (page_kind(idx, gen)) {
	case ZERO:
		memset(p, 0, PAGE);
		return;
	case SAME:
		w = seed | 1;
		for (off = 0; off < PAGE; off += 8)
			memcpy(p + off, &w, 8);
		return;
	case RANDOM:
		for (off = 0; off < PAGE; off += 8) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			memcpy(p + off, &seed, 8);
		}
		break;
	case TEXT:
		for (off = 0; off < PAGE; off += 64) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			memcpy(p + off, words + seed % (sizeof(words) - 49), 48);
			memcpy(p + off + 48, &seed, 8);
			memcpy(p + off + 56, &idx, 8);
		}
		break;
	}
	memcpy(p, &idx, 8);
	w = gen;
	memcpy(p + 8, &w, 8);
}

static int is_zero(const unsigned char *p)
{
	size_t i;

	for (i = 0; i < PAGE; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Is PAGE I as read right: generation GEN, or OLD if allowed, or zero? */
static int page_ok(const unsigned char *p, uint64_t idx, int allow_old)
{
	fill_page(expect, idx, opt.gen);
	if (!memcmp(p, expect, PAGE))
		return 1;
	if (allow_old) {
		fill_page(expect_old, idx, opt.old_gen);
		if (!memcmp(p, expect_old, PAGE))
			return 1;
	}
	return opt.zero_ok && is_zero(p);
}

static void describe_bad(const unsigned char *p, uint64_t idx)
{
	uint64_t hdr_idx, hdr_gen;

	memcpy(&hdr_idx, p, 8);
	memcpy(&hdr_gen, p + 8, 8);
	printf("# page %llu: wrong data (header says page %llu gen %llu%s)\n",
	       (unsigned long long)idx, (unsigned long long)hdr_idx,
	       (unsigned long long)hdr_gen, is_zero(p) ? ", all zero" : "");
}

/* Faults apply to this task while make-it-fail is 1. */
static void faults(int on)
{
	fault_switch_set(fail_fd, on);
}

static void read_io_stat(unsigned long long *failed_reads,
			 unsigned long long *failed_writes)
{
	const char *name = strrchr(opt.dev, '/');
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/block/%s/io_stat",
		 name ? name + 1 : opt.dev);
	*failed_reads = *failed_writes = 0;
	f = fopen(path, "r");
	if (!f)
		return;
	if (fscanf(f, "%llu %llu", failed_reads, failed_writes) != 2)
		*failed_reads = *failed_writes = 0;
	fclose(f);
}

static ssize_t write_pages(unsigned long idx, unsigned long n,
			   unsigned int gen)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		fill_page(buf + i * PAGE, idx + i, gen);
	return pwrite(dev_fd, buf, n * PAGE, idx * PAGE);
}

static ssize_t read_pages(unsigned long idx, unsigned long n)
{
	return pread(dev_fd, buf, n * PAGE, idx * PAGE);
}

static unsigned long batch_at(unsigned long idx, unsigned long end)
{
	return end - idx < opt.batch ? end - idx : opt.batch;
}

/* --- modes ----------------------------------------------------------------- */

static int do_write(void)
{
	unsigned long idx, end = opt.first + opt.pages, n, errors = 0;

	faults(opt.faults);
	for (idx = opt.first; idx < end; idx += n) {
		n = batch_at(idx, end);
		if (write_pages(idx, n, opt.gen) != (ssize_t)(n * PAGE))
			errors++;
	}
	faults(0);
	printf("# rel_io write: pages=%lu errors=%lu\n", opt.pages, errors);
	return errors ? 1 : 0;
}

static unsigned long reported_bad;

/* Check page IDX as read into P; returns 1 if it is wrong. */
static unsigned long check_page_at(const unsigned char *p, unsigned long idx,
				   int allow_old)
{
	if (page_ok(p, idx, allow_old))
		return 0;
	if (reported_bad++ < 5)
		describe_bad(p, idx);
	return 1;
}

/* Check pages [idx, idx + n) in BUF; returns how many are wrong. */
static unsigned long check_pages(unsigned long idx, unsigned long n,
				 int allow_old)
{
	unsigned long i, bad = 0;

	for (i = 0; i < n; i++)
		bad += check_page_at(buf + i * PAGE, idx + i, allow_old);
	return bad;
}

static int do_verify(void)
{
	unsigned long idx, end = opt.first + opt.pages, n, bad = 0, errors = 0;

	for (idx = opt.first; idx < end; idx += n) {
		n = batch_at(idx, end);
		if (read_pages(idx, n) != (ssize_t)(n * PAGE)) {
			errors++;
			continue;
		}
		bad += check_pages(idx, n, opt.have_old);
	}
	printf("# rel_io verify: pages=%lu read_errors=%lu bad=%lu bytes=%lu\n",
	       opt.pages, errors, bad, opt.pages * PAGE);
	return bad || errors ? 1 : 0;
}

static int do_cycle(void)
{
	unsigned long idx, end = opt.first + opt.pages, n, i, bad = 0;
	unsigned long write_errors = 0, read_errors = 0, failed_pages = 0;
	unsigned long long fr0, fw0, fr1, fw1, fr2, fw2;
	unsigned char *failed = calloc(opt.pages, 1);
	int status = 0;

	if (!failed || !opt.have_old) {
		fprintf(stderr, "rel_io: cycle needs -O and memory\n");
		return 2;
	}
	read_io_stat(&fr0, &fw0);
	faults(opt.faults);
	for (idx = opt.first; idx < end; idx += n) {
		n = batch_at(idx, end);
		if (write_pages(idx, n, opt.gen) == (ssize_t)(n * PAGE))
			continue;
		write_errors++;
		failed_pages += n;
		memset(failed + (idx - opt.first), 1, n);
	}
	faults(0);
	read_io_stat(&fr1, &fw1);

	/* Without faults: new data where the write worked, else old or new. */
	for (idx = opt.first; idx < end; idx++) {
		if (read_pages(idx, 1) != (ssize_t)PAGE) {
			printf("# page %lu: read without faults failed: %s\n",
			       idx, strerror(errno));
			bad++;
			continue;
		}
		bad += check_pages(idx, 1, failed[idx - opt.first]);
	}

	/* With faults: reads fail or are right, never wrong. */
	faults(opt.faults);
	for (idx = opt.first; idx < end; idx += n) {
		n = batch_at(idx, end);
		if (read_pages(idx, n) != (ssize_t)(n * PAGE)) {
			read_errors++;
			continue;
		}
		for (i = 0; i < n; i++)
			bad += check_page_at(buf + i * PAGE, idx + i,
					     failed[idx + i - opt.first]);
	}
	faults(0);
	read_io_stat(&fr2, &fw2);

	printf("# rel_io cycle: pages=%lu requests_failed=%lu", opt.pages,
	       write_errors);
	printf(" pages_failed=%lu failed_writes+=%llu", failed_pages,
	       fw1 - fw0);
	printf(" read_requests_failed=%lu failed_reads+=%llu", read_errors,
	       fr2 - fr1);
	printf(" bad=%lu bytes_verified=%lu\n", bad, 2 * opt.pages * PAGE);
	if (bad)
		status = 1;
	if (fw1 - fw0 > failed_pages) {
		printf("# failed_writes grew by %llu, only %lu pages failed\n",
		       fw1 - fw0, failed_pages);
		status = 1;
	}
	if (fr2 - fr1 > read_errors * opt.batch) {
		printf("# failed_reads grew by %llu, only %lu reads failed\n",
		       fr2 - fr1, read_errors);
		status = 1;
	}
	if (fr1 != fr0) {
		printf("# failed_reads grew by %llu during writes\n", fr1 - fr0);
		status = 1;
	}
	free(failed);
	return status;
}

/* fail-nth unusable once opened: no run can be trusted, so none goes on. */
static void nth_broken(const char *what)
{
	perror(what);
	exit(2);
}

/* Fail the Nth fault point of the next call. */
static void arm_nth(unsigned int nth)
{
	char num[16];
	int len = snprintf(num, sizeof(num), "%u", nth);

	if (pwrite(nth_fd, num, len, 0) != len)
		nth_broken("rel_io: writing fail-nth");
}

/* Fault points of the last call not reached: 0 means the fault was hit. */
static unsigned int left_nth(void)
{
	char num[16];
	ssize_t len = pread(nth_fd, num, sizeof(num) - 1, 0);

	if (len <= 0)
		nth_broken("rel_io: reading fail-nth");
	num[len] = '\0';
	arm_nth(0);
	return strtoul(num, NULL, 10);
}

/* Outcome counts of the systematic runs. */
struct nth_stats {
	unsigned long calls, failed, bad;
};

static void nth_write(unsigned long idx, unsigned int old_gen,
		      unsigned int gen, struct nth_stats *st)
{
	unsigned int nth, left;
	ssize_t ret;

	for (nth = 1; nth < 1000; nth++) {
		/* Start from the old generation each time. */
		if (write_pages(idx, opt.batch, old_gen) !=
		    (ssize_t)(opt.batch * PAGE)) {
			printf("# page %lu: write without faults failed\n", idx);
			st->bad++;
			return;
		}
		arm_nth(nth);
		ret = write_pages(idx, opt.batch, gen);
		left = left_nth();
		st->calls++;
		if (ret != (ssize_t)(opt.batch * PAGE))
			st->failed++;
		if (read_pages(idx, opt.batch) != (ssize_t)(opt.batch * PAGE)) {
			printf("# page %lu: read after fault %u failed\n", idx,
			       nth);
			st->bad++;
		} else {
			opt.gen = gen;
			opt.old_gen = old_gen;
			st->bad += check_pages(idx, opt.batch,
					       ret != (ssize_t)(opt.batch * PAGE));
		}
		if (left)
			return;
	}
}

static void nth_read(unsigned long idx, unsigned int gen,
		     struct nth_stats *st)
{
	unsigned int nth, left;
	ssize_t ret;

	opt.gen = gen;
	for (nth = 1; nth < 1000; nth++) {
		arm_nth(nth);
		ret = read_pages(idx, opt.batch);
		left = left_nth();
		st->calls++;
		if (ret != (ssize_t)(opt.batch * PAGE))
			st->failed++;
		else
			st->bad += check_pages(idx, opt.batch, 0);
		if (left)
			return;
	}
}

static void nth_compact(struct nth_stats *st)
{
	const char *name = strrchr(opt.dev, '/');
	unsigned int nth, left;
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/sys/block/%s/compact",
		 name ? name + 1 : opt.dev);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return;
	for (nth = 1; nth < 1000; nth++) {
		arm_nth(nth);
		if (write(fd, "1", 1) != 1)
			st->failed++;
		left = left_nth();
		st->calls++;
		if (left)
			break;
	}
	close(fd);
}

static int do_nth(void)
{
	struct nth_stats st = { 0 };
	unsigned int gen = opt.gen;
	unsigned long k, idx;

	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0) {
		perror("rel_io: /proc/thread-self/fail-nth");
		return 2;
	}
	/* One page (or batch) starting with each kind, over each kind. */
	for (k = 0; k < 16 && (k + 1) * opt.batch <= opt.pages; k++) {
		idx = opt.first + k * opt.batch;
		nth_write(idx, gen + 100, gen, &st);
		nth_read(idx, gen, &st);
		nth_compact(&st);
	}
	printf("# rel_io nth: calls=%lu failed=%lu bad=%lu\n", st.calls,
	       st.failed, st.bad);
	return st.bad ? 1 : 0;
}

/* --- systematic faults in device setup and teardown --------------------- */

static const char *dev_name(void)
{
	const char *name = strrchr(opt.dev, '/');

	return name ? name + 1 : opt.dev;
}

static int sysfs_fd(const char *dir, const char *attr, int flags)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	return open(path, flags);
}

static int dev_attr_fd(const char *attr, int flags)
{
	char dir[128];

	snprintf(dir, sizeof(dir), "/sys/block/%s", dev_name());
	return sysfs_fd(dir, attr, flags);
}

static int dev_initstate(void)
{
	char state[8] = "";
	int fd = dev_attr_fd("initstate", O_RDONLY);

	if (fd < 0 || read(fd, state, sizeof(state) - 1) < 1)
		state[0] = '?';
	if (fd >= 0)
		close(fd);
	return state[0] == '1' ? 1 : state[0] == '0' ? 0 : -1;
}

/* Write VALUE to ATTR of the device; 0 or an errno. */
static int dev_attr_write(const char *attr, const char *value, int nth)
{
	int fd = dev_attr_fd(attr, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (nth)
		arm_nth(nth);
	if (write(fd, value, strlen(value)) < 0)
		err = errno;
	close(fd);
	return err;
}

static int zram_exists(int id)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/block/zram%d", id);
	return access(path, F_OK) == 0;
}

/* How many zram devices exist. */
static int zram_count(void)
{
	DIR *dir = opendir("/sys/block");
	struct dirent *entry;
	int n = 0;

	if (!dir)
		return -1;
	while ((entry = readdir(dir)))
		n += strncmp(entry->d_name, "zram", 4) == 0;
	closedir(dir);
	return n;
}

/*
 * Outcome of a call under fail-nth: fine, or what was wrong with it.
 * Besides ENOMEM, @also_ok is an errno the kernel itself gives for a
 * failed allocation on this path (0: none).
 */
static void nth_outcome(struct nth_stats *st, const char *what,
			unsigned int nth, int err, int also_ok, int consistent)
{
	st->calls++;
	if (err)
		st->failed++;
	if (err && err != ENOMEM && err != also_ok) {
		printf("# %s, fault %u: failed with %s, not ENOMEM\n", what,
		       nth, strerrorname_np(err));
		st->bad++;
	}
	if (!consistent) {
		printf("# %s, fault %u (%s): device left inconsistent\n",
		       what, nth, err ? strerrorname_np(err) : "OK");
		st->bad++;
	}
}

/*
 * Device setup has hundreds of fault points (slab caches, sysfs, per-CPU
 * streams) and each try costs a setup and a reset: try every one of the
 * first few, then a sixth of the way further each time.
 */
static unsigned int next_nth(unsigned int nth)
{
	return nth < 24 ? nth + 1 : nth + nth / 6;
}

static void nth_disksize(struct nth_stats *st)
{
	unsigned int nth;
	int err, left;

	for (nth = 1; nth < 100000; nth = next_nth(nth)) {
		err = dev_attr_write("disksize", "16M", nth);
		left = left_nth();
		nth_outcome(st, "disksize", nth, err, 0,
			    dev_initstate() == (err ? 0 : 1));
		if (!err && dev_attr_write("reset", "1", 0))
			st->bad++;
		if (left)
			return;
	}
}

static void nth_reset(struct nth_stats *st)
{
	unsigned int nth;
	int err, left;

	for (nth = 1; nth < 100000; nth = next_nth(nth)) {
		if (dev_attr_write("disksize", "16M", 0)) {
			st->bad++;
			return;
		}
		err = dev_attr_write("reset", "1", nth);
		left = left_nth();
		nth_outcome(st, "reset", nth, err, 0,
			    dev_initstate() == (err ? 1 : 0));
		if (err && dev_attr_write("reset", "1", 0))
			st->bad++;
		if (left)
			return;
	}
}

static void nth_hot_add(struct nth_stats *st)
{
	char num[16];
	unsigned int nth;
	int fd, err, left, id, before;
	ssize_t len;

	for (nth = 1; nth < 100000; nth = next_nth(nth)) {
		before = zram_count();
		fd = sysfs_fd("/sys/class/zram-control", "hot_add", O_RDONLY);
		if (fd < 0)
			return;
		arm_nth(nth);
		len = read(fd, num, sizeof(num) - 1);
		err = len < 0 ? errno : 0;
		left = left_nth();
		close(fd);
		id = -1;
		if (len > 0) {
			num[len] = '\0';
			id = atoi(num);
		}
		/*
		 * 6.1's device_add_disk() ignores a failure to allocate the
		 * disk's name, and device_add() then refuses the nameless
		 * device with EINVAL.  Either way no device may be left.
		 */
		nth_outcome(st, "hot_add", nth, err, EINVAL,
			    err ? zram_count() == before : zram_exists(id));
		if (id >= 0) {
			fd = sysfs_fd("/sys/class/zram-control", "hot_remove",
				      O_WRONLY);
			if (fd < 0 || write(fd, num, strlen(num)) < 0 ||
			    zram_exists(id)) {
				printf("# hot_remove of zram%d failed\n", id);
				st->bad++;
			}
			if (fd >= 0)
				close(fd);
		}
		if (left)
			return;
	}
}

static int do_setup(void)
{
	struct nth_stats st = { 0 };

	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0) {
		perror("rel_io: /proc/thread-self/fail-nth");
		return 2;
	}
	if (dev_initstate() != 0) {
		fprintf(stderr, "rel_io: setup needs an uninitialised device\n");
		return 2;
	}
	nth_disksize(&st);
	nth_reset(&st);
	nth_hot_add(&st);
	printf("# rel_io setup: calls=%lu failed=%lu bad=%lu\n", st.calls,
	       st.failed, st.bad);
	return st.bad ? 1 : 0;
}

static int do_fill(void)
{
	unsigned long idx, end = opt.first + opt.pages, n, errors = 0;
	unsigned long filled = 0;

	for (idx = opt.first; idx < end; idx += n) {
		n = batch_at(idx, end);
		if (write_pages(idx, n, opt.gen) != (ssize_t)(n * PAGE)) {
			printf("# rel_io: write at page %lu failed: %s\n", idx,
			       strerror(errno));
			if (++errors >= opt.max_errors)
				break;
			continue;
		}
		if (!errors)
			filled = idx + n - opt.first;
		if (filled % 4096 == 0)
			printf("# rel_io: filled %lu\n", filled);
	}
	printf("# rel_io: filled %lu\n", filled);
	printf("# rel_io fill: pages=%lu errors=%lu\n", filled, errors);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_compact(void)
{
	const char *name = strrchr(opt.dev, '/');
	unsigned long calls = 0, errors = 0;
	double end = now() + opt.seconds;
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/sys/block/%s/compact",
		 name ? name + 1 : opt.dev);
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	faults(opt.faults);
	while (now() < end) {
		if (write(fd, "1", 1) != 1)
			errors++;
		calls++;
	}
	faults(0);
	close(fd);
	printf("# rel_io compact: calls=%lu errors=%lu\n", calls, errors);
	return 0;
}

/* Ballast the OOM killer can take: -n MiB of anonymous memory, held. */
static int do_hold(void)
{
	size_t len = opt.pages << 20;
	char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t off;

	if (mem == MAP_FAILED)
		return 1;
	for (off = 0; off < len; off += PAGE)
		mem[off] = (char)(off >> 12) | 1;
	printf("# rel_io hold: %lu MiB\n", opt.pages);
	for (;;)
		pause();
}

/* --- main ------------------------------------------------------------------ */

static int setup(void)
{
	unsigned long long size;
	int flags = O_RDWR | O_DIRECT;

	dev_fd = open(opt.dev, flags);
	if (dev_fd < 0 || ioctl(dev_fd, BLKGETSIZE64, &size)) {
		perror(opt.dev);
		return -1;
	}
	if (!opt.pages_set || opt.first + opt.pages > size / PAGE)
		opt.pages = size / PAGE > opt.first ? size / PAGE - opt.first : 0;
	if (opt.batch < 1 || opt.batch > MAX_BATCH)
		return -1;
	if (posix_memalign((void **)&buf, PAGE, MAX_BATCH * PAGE) ||
	    posix_memalign((void **)&expect, PAGE, PAGE) ||
	    posix_memalign((void **)&expect_old, PAGE, PAGE))
		return -1;
	memset(buf, 0, MAX_BATCH * PAGE);
	if (opt.faults) {
		fail_fd = fault_switch_open();
		if (fail_fd < 0)
			return -1;
	}
	/*
	 * Under fault injection a page fault of our own could fail: have
	 * every page we will touch present and locked beforehand.
	 */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		perror("rel_io: mlockall");
	return 0;
}

int main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "g:O:f:n:b:Frze:t:")) != -1) {
		switch (c) {
		case 'g':
			opt.gen = strtoul(optarg, NULL, 0);
			break;
		case 'O':
			opt.old_gen = strtoul(optarg, NULL, 0);
			opt.have_old = 1;
			break;
		case 'f':
			opt.first = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			opt.pages = strtoul(optarg, NULL, 0);
			opt.pages_set = 1;
			break;
		case 'b':
			opt.batch = strtoul(optarg, NULL, 0);
			break;
		case 'F':
			opt.faults = 1;
			break;
		case 'r':
			opt.random_only = 1;
			break;
		case 'z':
			opt.zero_ok = 1;
			break;
		case 'e':
			opt.max_errors = strtoul(optarg, NULL, 0);
			break;
		case 't':
			opt.seconds = strtoul(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	opt.mode = argv[optind];
	opt.dev = argv[optind + 1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(opt.mode, "setup"))
		return do_setup();
	if (!strcmp(opt.mode, "hold"))
		return do_hold();
	if (setup())
		return 2;
	if (!strcmp(opt.mode, "write"))
		return do_write();
	if (!strcmp(opt.mode, "verify"))
		return do_verify();
	if (!strcmp(opt.mode, "cycle"))
		return do_cycle();
	if (!strcmp(opt.mode, "nth"))
		return do_nth();
	if (!strcmp(opt.mode, "fill"))
		return do_fill();
	if (!strcmp(opt.mode, "compact"))
		return do_compact();
usage:
	fputs("usage: rel_io [-g G] [-O OLD] [-f FIRST] [-n PAGES] [-b PAGES]\n"
	      "              [-F] [-r] [-z] [-e N] [-t SEC] MODE DEV\n"
	      "MODE: write verify cycle nth setup fill compact hold\n",
	      stderr);
	return 2;
}
