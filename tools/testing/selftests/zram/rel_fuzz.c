// SPDX-License-Identifier: GPL-2.0
/*
 * rel_fuzz: write hostile strings to zram's sysfs attributes and check
 * that every answer is success or an error the interface documents.
 *
 * usage: rel_fuzz [-s SEED] [-n N] [-c N] [-H CYCLES] [-a ATTRS] DEV:STATE...
 *
 *   DEV     a device name, "zram3"
 *   STATE   what the calling script made of it, which decides the answers
 *           allowed (Documentation/admin-guide/blockdev/zram.rst, 6.1):
 *             uninit   no disksize yet
 *             init     initialised and holding data that must survive:
 *                      "reset" is not fuzzed on it
 *             fresh    initialised, nothing worth keeping: "reset" is
 *                      fuzzed, and after every reset the disksize is set
 *                      again
 *             open     initialised, held open by the caller
 *             mounted  initialised, holding a mounted file system
 *             swap     initialised, an active swap device
 *   -s SEED    the random generator's seed (default 1): runs repeat exactly
 *   -n N       random inputs per attribute and device, after the fixed
 *              edge cases (default 200)
 *   -c N       random inputs to comp_algorithm of an uninitialised device
 *              (default 20; initialised ones get only the fixed words):
 *              every name is looked up and may run modprobe, which costs
 *              a quarter of a second under TCG
 *   -H CYCLES  hot_add/hot_remove cycles (default 20)
 *   -a ATTRS   comma-separated attributes to fuzz (default: all known)
 *
 * Inputs: empty, whitespace, signs, overflowing numbers, every memparse
 * suffix, binary bytes, embedded NULs, strings of a page and more, and
 * mutated algorithm names.  A few inputs have one exact documented answer
 * (disksize "0" is EINVAL, reset "1" of a busy device is EBUSY, ...) and
 * are checked for it.  After every attribute the device must still be in
 * its state: same initstate, same disksize.
 *
 * Two things are kept away from the kernel on purpose: disksizes whose
 * table would take most of the VM's memory (the OOM killer would end the
 * run, not the driver) and hot_remove inputs that could name a device the
 * caller keeps (its data would be gone).  Both are counted as "skipped".
 *
 * Output: "# " lines with counts per attribute and every unexpected answer;
 * the last line is "# rel_fuzz: N inputs, N unexpected, N skipped".  Exit
 * status 1 when anything was unexpected, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define fallthrough	__attribute__((__fallthrough__))
#define MAX_DEVS	16
#define INPUT_MAX	(64 * 1024)
#define FRESH_SIZE	"16M"
#define CTL		"/sys/class/zram-control"
#define ANSWER_OK	0
#define END		(-1)

enum dev_state { UNINIT, INIT, FRESH, OPEN, MOUNTED, SWAP, NR_STATES };

static const char * const state_names[NR_STATES] = {
	"uninit", "init", "fresh", "open", "mounted", "swap",
};

#define S(x)		(1u << (x))
#define ANY		(S(NR_STATES) - 1)
#define INITED		(ANY & ~S(UNINIT))
#define BUSY		(S(OPEN) | S(MOUNTED) | S(SWAP))

/* A device under test and what the script made of it. */
struct device {
	char name[32];
	int id;
	enum dev_state state;
	char disksize[32];	/* as read before fuzzing */
};

/* The answers an attribute may give in a set of states; 0 is success. */
struct rule {
	const char *attr;
	unsigned int states;
	int answers[8];
};

/*
 * Parsers differ in how they treat overflow (ERANGE from kstrto*) and
 * anything at all may be refused as EINVAL; beyond that, only the errors
 * zram.rst lists: EBUSY for a device in use or already initialised,
 * ENOMEM when a disksize cannot be allocated, ENODEV for hot_remove of a
 * device that does not exist.
 */
static const struct rule rules[] = {
	{ "disksize", S(UNINIT), { ANSWER_OK, EINVAL, ERANGE, ENOMEM, END } },
	{ "disksize", INITED, { EBUSY, EINVAL, ERANGE, END } },
	{ "reset", S(UNINIT) | S(FRESH), { ANSWER_OK, EINVAL, ERANGE, END } },
	{ "reset", BUSY, { EBUSY, EINVAL, ERANGE, END } },
	{ "comp_algorithm", S(UNINIT), { ANSWER_OK, EINVAL, END } },
	{ "comp_algorithm", INITED, { EBUSY, EINVAL, END } },
	{ "max_comp_streams", ANY, { ANSWER_OK, EINVAL, ERANGE, END } },
	{ "mem_limit", ANY, { ANSWER_OK, EINVAL, ERANGE, END } },
	{ "mem_used_max", ANY, { ANSWER_OK, EINVAL, ERANGE, END } },
	{ "compact", S(UNINIT), { EINVAL, END } },
	{ "compact", INITED, { ANSWER_OK, EINVAL, END } },
	{ "idle", S(UNINIT), { EINVAL, ERANGE, END } },
	{ "idle", INITED, { ANSWER_OK, EINVAL, ERANGE, END } },
	{ "writeback_limit", ANY, { ANSWER_OK, EINVAL, ERANGE, END } },
	{ "writeback_limit_enable", ANY, { ANSWER_OK, EINVAL, ERANGE, END } },
	{ "hot_remove", ANY, { EBUSY, EINVAL, ERANGE, ENODEV, END } },
	/* The devices have no backing device: writeback has nowhere to go. */
	{ "writeback", ANY, { EINVAL, ENODEV, END } },
	{ "writeback_batch_size", ANY, { ANSWER_OK, EINVAL, END } },
	{ "writeback_compressed", S(UNINIT), { ANSWER_OK, EINVAL, END } },
	{ "writeback_compressed", INITED, { EBUSY, EINVAL, END } },
	{ "compressed_writeback", S(UNINIT), { ANSWER_OK, EINVAL, END } },
	{ "compressed_writeback", INITED, { EBUSY, EINVAL, END } },
	{ "recomp_algorithm", S(UNINIT), { ANSWER_OK, EINVAL, ERANGE, END } },
	{ "recomp_algorithm", INITED, { EBUSY, EINVAL, ERANGE, END } },
	{ "recompress", S(UNINIT), { EINVAL, ERANGE, END } },
	{ "recompress", INITED, { ANSWER_OK, EINVAL, ERANGE, END } },
	{ "algorithm_params", S(UNINIT),
	  { ANSWER_OK, EINVAL, ERANGE, EOPNOTSUPP, END } },
	{ "algorithm_params", INITED, { EBUSY, EINVAL, ERANGE, END } },
	{ "policy", ANY, { ANSWER_OK, EINVAL, ENODEV, END } },
};

/* Inputs with exactly one right answer, from zram.rst and the ABI file. */
struct exact {
	const char *attr;
	unsigned int states;
	const char *input;
	int answer;
};

static const struct exact exacts[] = {
	{ "disksize", S(UNINIT), "0", EINVAL },
	{ "disksize", S(UNINIT), "bogus", EINVAL },
	{ "disksize", INITED, "16M", EBUSY },
	{ "reset", ANY, "0", EINVAL },
	{ "reset", ANY, "bogus", EINVAL },
	{ "reset", BUSY, "1", EBUSY },
	{ "comp_algorithm", S(UNINIT), "no-such-algorithm", EINVAL },
	{ "comp_algorithm", S(UNINIT), "lzo", ANSWER_OK },
	{ "comp_algorithm", INITED, "lzo", EBUSY },
	{ "mem_limit", ANY, "bogus", EINVAL },
	{ "mem_limit", ANY, "64M", ANSWER_OK },
	{ "mem_limit", ANY, "0", ANSWER_OK },
	{ "mem_used_max", ANY, "0", ANSWER_OK },
	{ "mem_used_max", ANY, "5", EINVAL },
	{ "compact", S(UNINIT), "1", EINVAL },
	{ "compact", INITED, "1", ANSWER_OK },
	{ "idle", S(UNINIT), "all", EINVAL },
	{ "idle", INITED, "all", ANSWER_OK },
	{ "idle", ANY, "bogus", EINVAL },
	{ "hot_remove", ANY, "-1", EINVAL },
	{ "hot_remove", ANY, "bogus", EINVAL },
	{ "hot_remove", ANY, "999999", ENODEV },
	{ "writeback", S(UNINIT), "idle", EINVAL },
	{ "writeback", INITED, "idle", ENODEV },
	{ "writeback", INITED, "type=bogus", EINVAL },
	{ "writeback_batch_size", ANY, "0", EINVAL },
	{ "writeback_batch_size", ANY, "4294967296", EINVAL },
	{ "writeback_compressed", INITED, "1", EBUSY },
	{ "recomp_algorithm", ANY, "algo=zstd priority=4", EINVAL },
	{ "recomp_algorithm", INITED, "algo=zstd priority=1", EBUSY },
	{ "recompress", S(UNINIT), "type=idle", EINVAL },
	{ "recompress", ANY, "type=bogus", EINVAL },
	{ "algorithm_params", INITED, "priority=0 level=1", EBUSY },
	{ "algorithm_params", ANY, "priority=9 level=1", EINVAL },
	{ "policy", ANY, "bogus", EINVAL },
	{ "policy", ANY, "mem_limit=writeback", ENODEV },
};

/*
 * Fuzzed attributes.  Not backing_dev: it opens whatever path it is given,
 * and a path to one of the devices under test would tie two of them
 * together (zram_writeback.sh tests its errors).
 */
static const char * const known_attrs[] = {
	"disksize", "reset", "comp_algorithm", "max_comp_streams",
	"mem_limit", "mem_used_max", "compact", "idle", "writeback_limit",
	"writeback_limit_enable", "writeback", "writeback_batch_size",
	"writeback_compressed", "compressed_writeback", "recomp_algorithm",
	"recompress", "algorithm_params", "policy", NULL,
};

static const char * const algorithms[] = {
	"lzo", "lzo-rle", "lz4", "lz4hc", "zstd", "deflate", "842",
};

/* Inputs every attribute gets: no value, blanks, bytes, paths. */
static const char * const generic_edges[] = {
	"", "\n", " ", "\t\n", "\n\n", "\r", "%s%s%s%n",
	"../../../etc/passwd", "/dev/zram0", "\xff\xfe\xfd", "\x80", "\x7f",
	"\x1b[2J", "\xc3\xa9t\xc3\xa9", NULL,
};

/* Numbers: signs, bases, every memparse suffix, each integer limit. */
static const char * const number_edges[] = {
	"0", "0\n", "1", "1\n", "2", "-1", "-0", "+1", "+0", "00", "01", "007",
	"0x0", "0x10", "0X1F", "0x", "010", "0b1", "1 ", " 1", "1\n\n",
	"1\r\n", "1\t", "4095", "4096", "4097", "65536", "1K", "1k", "1KB",
	"1KiB", "1Kx", "64M", "64m", "1G", "4G\n", "1T", "1P", "1E", "8E",
	"15E", "16E", "1Z", "1.5G", "1e9", "1,000", "1_000", "KMG", "K",
	"-4G", "--1", "+-1", "127", "128", "255", "256", "2147483647",
	"2147483648", "-2147483648", "-2147483649", "4294967295",
	"4294967296", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "18446744073709551615",
	"18446744073709551616", "18446744073709547520",
	"99999999999999999999999999999999999999", "0x7fffffffffffffff",
	"0xffffffffffffffff", "0x10000000000000000", NULL,
};

/* Lengths around sysfs's page-sized buffer, filled with digits. */
static const char * const long_lengths[] = {
	"4095", "4096", "4097", "65536", NULL,
};

/* Words some attribute knows, and near misses. */
static const char * const word_edges[] = {
	"all", "ALL", "all\n", "alll", " all", "al", "now", "huge", "idle",
	"lzo", "lzo\n", "lzo ", " lzo", "LZO", "lzo-rle", "lzorle", "lz4",
	"lz4hc", "zstd", "deflate", "842", "lzo\nzstd", "[lzo]", "lzo lz4",
	"crypto-lzo", NULL,
};

/* Keys and values of the key=value attributes, and near misses. */
static const char * const keys[] = {
	"algo", "priority", "type", "threshold", "max_pages", "level", "dict",
	"page_index", "page_indexes", "age", "writeback_watermark",
	"recompress_watermark", "mem_limit", "fragmentation", "algo ", "=", "",
	"TYPE",
};

static const char * const key_values[] = {
	"idle", "huge", "huge_idle", "incompressible", "all", "off", "fail",
	"writeback", "zstd", "lz4", "lzo-rle", "/nonexistent", "/dev/zero",
	"/", "", "0-1", "1-0", "0-", "-", "0", "1", "3", "100", "101", "-1",
	"4294967296",
};

static struct device devs[MAX_DEVS];
static int nr_devs;
static uint64_t rng_state = 1;
static unsigned long inputs_tried, unexpected, skipped;
static char input[INPUT_MAX + 64];

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned int rnd_below(unsigned int n)
{
	return rnd() % n;
}

/* The input as a printable string, shortened. */
static const char *show(const char *buf, size_t len)
{
	static char out[200];
	size_t i, o = 0;

	for (i = 0; i < len && o < 120; i++) {
		unsigned char c = buf[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = c;
		else
			o += snprintf(out + o, sizeof(out) - o, "\\x%02x", c);
	}
	if (i < len)
		snprintf(out + o, sizeof(out) - o, "...(%zu bytes)", len);
	else
		out[o] = '\0';
	return out;
}

static const char *answer_name(int answer)
{
	static char other[32];
	const char *name;

	if (answer == ANSWER_OK)
		return "OK";
	name = strerrorname_np(answer);
	if (name)
		return name;
	snprintf(other, sizeof(other), "ERRNO%d", answer);
	return other;
}

/* Write LEN bytes in one write(); 0 or the errno of open() or write(). */
static int write_attr(const char *path, const char *buf, size_t len)
{
	int fd, answer = ANSWER_OK;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, buf, len) < 0)
		answer = errno;
	close(fd);
	return answer;
}

static int read_attr(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return n;
}

static void dev_path(char *path, size_t size, const struct device *dev,
		     const char *attr)
{
	snprintf(path, size, "/sys/block/%s/%s", dev->name, attr);
}

static int dev_read(const struct device *dev, const char *attr, char *buf,
		    size_t size)
{
	char path[300];

	dev_path(path, sizeof(path), dev, attr);
	return read_attr(path, buf, size);
}

static int dev_write(const struct device *dev, const char *attr,
		     const char *value)
{
	char path[300];

	dev_path(path, sizeof(path), dev, attr);
	return write_attr(path, value, strlen(value));
}

static int dev_exists(int id)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/block/zram%d", id);
	return stat(path, &st) == 0;
}

static void report(const char *what, const struct device *dev,
		   const char *attr, const char *buf, size_t len, int answer)
{
	unexpected++;
	printf("# UNEXPECTED %s: %s (%s) %s \"%s\" -> %s\n", what,
	       dev ? dev->name : CTL, dev ? state_names[dev->state] : "-",
	       attr, show(buf, len), answer_name(answer));
}

static int allowed(const char *attr, enum dev_state state, int answer)
{
	const struct rule *r;
	const int *a;

	for (r = rules; r < rules + ARRAY_SIZE(rules); r++) {
		if (strcmp(r->attr, attr) || !(r->states & S(state)))
			continue;
		for (a = r->answers; *a != END; a++)
			if (*a == answer)
				return 1;
	}
	return 0;
}

static int has_rule(const char *attr, enum dev_state state)
{
	const struct rule *r;

	for (r = rules; r < rules + ARRAY_SIZE(rules); r++)
		if (!strcmp(r->attr, attr) && (r->states & S(state)))
			return 1;
	return 0;
}

/*
 * The value memparse() would make of the input, read generously: leading
 * blanks and signs skipped, wrapping on overflow like simple_strtoull,
 * one suffix.  Only used to keep dangerous disksizes away.
 */
static uint64_t generous_memparse(const char *s, size_t len)
{
	const char *end = s + len;
	uint64_t v = 0, base = 10;
	int digit;

	while (s < end && (*s == ' ' || *s == '\t' || *s == '+' || *s == '-'))
		s++;
	if (end - s > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (end - s > 1 && s[0] == '0') {
		base = 8;
	}
	for (; s < end; s++) {
		if (*s >= '0' && *s <= '9')
			digit = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = *s - 'A' + 10;
		else
			break;
		if (digit >= (int)base)
			break;
		v = v * base + digit;
	}
	if (s < end) {
		switch (*s | 0x20) {
		case 'e':
			v <<= 10;
			fallthrough;
		case 'p':
			v <<= 10;
			fallthrough;
		case 't':
			v <<= 10;
			fallthrough;
		case 'g':
			v <<= 10;
			fallthrough;
		case 'm':
			v <<= 10;
			fallthrough;
		case 'k':
			v <<= 10;
		}
	}
	return v;
}

/*
 * A disksize between 8 GiB and 4 TiB would make the driver allocate a
 * table close to the VM's memory: the OOM killer, not the driver, would
 * decide the outcome.  Larger sizes are refused outright (or cost nothing)
 * and stay in.
 */
static int disksize_is_dangerous(const char *buf, size_t len)
{
	uint64_t v = generous_memparse(buf, len);

	return v >= (8ULL << 30) && v < (4ULL << 40);
}

/* Could any parser read this as the id of a device we keep? */
static int may_name_kept_device(const char *buf, size_t len)
{
	const char *s = buf, *end = buf + len;
	uint64_t v = 0, hex = 0;
	int i, digits = 0;

	while (s < end && strchr(" \t\n+-", *s) && *s)
		s++;
	if (end - s > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (s += 2; s < end && strchr("0123456789abcdefABCDEF", *s) &&
		     *s; s++, digits++) {
			int d = *s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10;

			hex = hex * 16 + d;
		}
		v = hex;
	} else {
		for (; s < end && *s >= '0' && *s <= '9'; s++, digits++)
			v = v * 10 + (*s - '0');
	}
	if (!digits)
		return 0;
	for (i = 0; i < nr_devs; i++) {
		if (devs[i].state == UNINIT || devs[i].state == INIT ||
		    devs[i].state == FRESH)
			if (v == (uint64_t)devs[i].id ||
			    (v & 0xffffffffULL) == (uint64_t)devs[i].id)
				return 1;
	}
	return 0;
}

/* --- input generators --------------------------------------------------- */

static size_t gen_number(char *buf)
{
	static const char suffixes[] = "kKmMgGtTpPeEzZbx";
	size_t len = 0;
	int i, n;

	if (rnd_below(8) == 0)
		buf[len++] = rnd_below(2) ? '-' : '+';
	if (rnd_below(8) == 0) {
		buf[len++] = '0';
		buf[len++] = 'x';
	}
	/* Mostly short numbers, sometimes long enough to overflow. */
	n = rnd_below(4) ? 1 + rnd_below(10) : 1 + rnd_below(40);
	for (i = 0; i < n; i++)
		buf[len++] = '0' + rnd_below(10);
	if (rnd_below(2))
		buf[len++] = suffixes[rnd_below(sizeof(suffixes) - 1)];
	if (rnd_below(3) == 0)
		buf[len++] = '\n';
	if (rnd_below(10) == 0)
		buf[len++] = ' ';
	return len;
}

static size_t gen_binary(char *buf)
{
	size_t len = rnd_below(64), i;

	for (i = 0; i < len; i++)
		buf[i] = rnd();
	return len;
}

static size_t gen_printable(char *buf)
{
	size_t len = 1 + rnd_below(300), i;

	for (i = 0; i < len; i++)
		buf[i] = 0x20 + rnd_below(0x5f);
	return len;
}

static size_t gen_long(char *buf)
{
	static const size_t sizes[] = {
		127, 128, 129, 4095, 4096, 4097, 8192, 65536,
	};
	size_t len = sizes[rnd_below(ARRAY_SIZE(sizes))];

	memset(buf, rnd_below(2) ? '9' : 'A', len);
	return len;
}

static size_t gen_algorithm(char *buf)
{
	const char *alg = algorithms[rnd_below(ARRAY_SIZE(algorithms))];
	size_t len = strlen(alg);

	memcpy(buf, alg, len);
	switch (rnd_below(6)) {
	case 0:
		buf[rnd_below(len)] ^= 0x20;	/* change a letter's case */
		break;
	case 1:
		len = rnd_below(len);		/* truncate */
		break;
	case 2:
		buf[len++] = 0x21 + rnd_below(0x5e);
		break;
	case 3:
		buf[len++] = '\n';
		buf[len++] = '\n';
		break;
	case 4:
		memmove(buf + 1, buf, len++);
		buf[0] = ' ';
		break;
	}
	return len;
}

/* One to four "key=value" words, sometimes a bare word or a number. */
static size_t gen_words(char *buf)
{
	int i, n = 1 + rnd_below(4);
	size_t len = 0;

	for (i = 0; i < n; i++) {
		if (i)
			buf[len++] = rnd_below(8) ? ' ' : '\n';
		len += sprintf(buf + len, "%s", keys[rnd_below(ARRAY_SIZE(keys))]);
		if (rnd_below(8))
			buf[len++] = '=';
		if (rnd_below(3))
			len += sprintf(buf + len, "%s",
				       key_values[rnd_below(ARRAY_SIZE(key_values))]);
		else
			len += gen_number(buf + len);
	}
	return len;
}

/* A valid-looking value, a NUL, then garbage the parser must not see. */
static size_t gen_embedded_nul(char *buf)
{
	size_t len = rnd_below(2) ? gen_number(buf) : gen_algorithm(buf);

	buf[len++] = '\0';
	return len + gen_printable(buf + len) % 16;
}

static size_t gen_input(char *buf)
{
	switch (rnd_below(10)) {
	case 0:
		return gen_binary(buf);
	case 1:
		return gen_printable(buf);
	case 2:
		return gen_long(buf);
	case 3:
	case 4:
		return gen_algorithm(buf);
	case 5:
		return gen_embedded_nul(buf);
	case 6:
		return gen_words(buf);
	default:
		return gen_number(buf);
	}
}

/* --- keeping the device in its state ------------------------------------- */

static int dev_initstate(const struct device *dev)
{
	char buf[16];

	if (dev_read(dev, "initstate", buf, sizeof(buf)) < 0)
		return -1;
	return atoi(buf);
}

/* Put back what a successful write changed; returns 0 if all went well. */
static int restore_after_success(struct device *dev, const char *attr,
				 const char *buf, size_t len)
{
	int answer;

	if (!strcmp(attr, "disksize") && dev->state == UNINIT) {
		if (dev_initstate(dev) != 1) {
			report("accepted but not initialised", dev, attr,
			       buf, len, ANSWER_OK);
			return -1;
		}
		answer = dev_write(dev, "reset", "1");
		if (answer != ANSWER_OK || dev_initstate(dev) != 0) {
			report("reset after disksize failed", dev, "reset",
			       "1", 1, answer);
			return -1;
		}
	} else if (!strcmp(attr, "reset") && dev->state == FRESH) {
		if (dev_initstate(dev) != 0) {
			report("accepted but still initialised", dev, attr,
			       buf, len, ANSWER_OK);
			return -1;
		}
		answer = dev_write(dev, "disksize", FRESH_SIZE);
		if (answer != ANSWER_OK) {
			report("disksize after reset failed", dev, "disksize",
			       FRESH_SIZE, strlen(FRESH_SIZE), answer);
			return -1;
		}
	}
	return 0;
}

static int devices_present(void)
{
	int i;

	for (i = 0; i < nr_devs; i++)
		if (!dev_exists(devs[i].id))
			return 0;
	return 1;
}

/* The device must still be what the script made of it. */
static void check_state(struct device *dev, const char *after)
{
	char size[32];
	int want = dev->state == UNINIT ? 0 : 1;

	if (dev_initstate(dev) != want) {
		unexpected++;
		printf("# UNEXPECTED: %s (%s) initstate %d after %s\n",
		       dev->name, state_names[dev->state], dev_initstate(dev),
		       after);
	}
	if (dev->state == UNINIT || dev->state == FRESH)
		return;
	if (dev_read(dev, "disksize", size, sizeof(size)) < 0 ||
	    strcmp(size, dev->disksize)) {
		unexpected++;
		printf("# UNEXPECTED: %s (%s) disksize %s, was %s, after %s\n",
		       dev->name, state_names[dev->state], size,
		       dev->disksize, after);
	}
}

/* --- fuzzing -------------------------------------------------------------- */

/* Counts of each answer for one attribute of one device. */
struct tally {
	unsigned long n, ok, skipped, empty;
	struct timespec start;
	unsigned long errors[4096];
};

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) +
	       (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void print_tally(const struct device *dev, const char *attr,
			const struct tally *t)
{
	char line[512];
	size_t o;
	int e;

	o = snprintf(line, sizeof(line), "# %s (%s) %s: %lu inputs, OK %lu",
		     dev ? dev->name : CTL, dev ? state_names[dev->state] : "-",
		     attr, t->n, t->ok);
	for (e = 1; e < 4096 && o < sizeof(line) - 32; e++)
		if (t->errors[e])
			o += snprintf(line + o, sizeof(line) - o, ", %s %lu",
				      answer_name(e), t->errors[e]);
	if (t->skipped)
		o += snprintf(line + o, sizeof(line) - o, ", skipped %lu",
			      t->skipped);
	printf("%s, empty %lu, %.1f s\n", line, t->empty,
	       seconds_since(&t->start));
}

static void count(struct tally *t, int answer)
{
	t->n++;
	inputs_tried++;
	if (answer == ANSWER_OK)
		t->ok++;
	else if (answer > 0 && answer < 4096)
		t->errors[answer]++;
}

/* One input to one attribute of one device (or to hot_remove). */
static void try_input(struct device *dev, const char *attr, const char *buf,
		      size_t len, int exact, struct tally *t)
{
	enum dev_state state = dev ? dev->state : UNINIT;
	char path[300];
	int answer, i;

	if (dev && !strcmp(attr, "disksize") && disksize_is_dangerous(buf, len)) {
		t->skipped++;
		skipped++;
		return;
	}
	if (!dev && may_name_kept_device(buf, len)) {
		t->skipped++;
		skipped++;
		return;
	}
	if (dev)
		dev_path(path, sizeof(path), dev, attr);
	else
		snprintf(path, sizeof(path), CTL "/%s", attr);
	answer = write_attr(path, buf, len);
	if (len == 0) {
		/* sysfs returns 0 without calling the driver */
		t->empty++;
		inputs_tried++;
		if (answer != ANSWER_OK)
			report("empty write", dev, attr, buf, len, answer);
		return;
	}
	count(t, answer);

	if (exact != END && answer != exact)
		report("want exactly", dev, attr, buf, len, answer);
	else if (!allowed(attr, state, answer))
		report("not allowed", dev, attr, buf, len, answer);
	if (!dev) {
		/* hot_remove: no device may go; busy ones must answer EBUSY. */
		if (answer == ANSWER_OK)
			report("hot_remove accepted", NULL, attr, buf, len,
			       answer);
		for (i = 0; i < nr_devs; i++)
			if (!dev_exists(devs[i].id))
				printf("# UNEXPECTED: %s vanished\n",
				       devs[i].name);
		if (!devices_present()) {
			unexpected++;
			printf("# stopping: devices are gone\n");
			exit(1);
		}
		return;
	}
	if (answer == ANSWER_OK)
		restore_after_success(dev, attr, buf, len);
}

/* Who is fuzzed: is ATTR on the -a list (or is there no list)? */
static const char *only_attrs;

static int selected(const char *attr)
{
	const char *p = only_attrs;
	size_t n = strlen(attr);

	if (!p)
		return 1;
	while ((p = strstr(p, attr))) {
		if ((p == only_attrs || p[-1] == ',') &&
		    (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static void fuzz_attr(struct device *dev, const char *attr, int randoms)
{
	static struct tally t;
	enum dev_state state = dev ? dev->state : UNINIT;
	const struct exact *x;
	const char * const *e;
	size_t len;
	int i, full;

	memset(&t, 0, sizeof(t));
	clock_gettime(CLOCK_MONOTONIC, &t.start);
	for (x = exacts; x < exacts + ARRAY_SIZE(exacts); x++)
		if (!strcmp(x->attr, attr) && (x->states & S(state)))
			try_input(dev, attr, x->input, strlen(x->input),
				  x->answer, &t);
	for (e = word_edges; *e; e++)
		try_input(dev, attr, *e, strlen(*e), END, &t);
	/*
	 * Algorithm names are looked up, which may run modprobe: a quarter
	 * of a second each under TCG.  Only an uninitialised device, where
	 * they can succeed, gets more than the words.
	 */
	full = strcmp(attr, "comp_algorithm") || state == UNINIT;
	if (!full)
		randoms = 0;
	for (e = generic_edges; *e && full; e++)
		try_input(dev, attr, *e, strlen(*e), END, &t);
	for (e = number_edges; *e && strcmp(attr, "comp_algorithm"); e++)
		try_input(dev, attr, *e, strlen(*e), END, &t);
	/* Embedded NULs and long runs cannot be C strings in the table. */
	try_input(dev, attr, "\0", 1, END, &t);
	try_input(dev, attr, "1\0002", 3, END, &t);
	try_input(dev, attr, "lzo\0zstd", 8, END, &t);
	for (e = long_lengths; *e && full; e++) {
		len = strtoul(*e, NULL, 10);
		memset(input, '9', len);
		try_input(dev, attr, input, len, END, &t);
	}
	for (i = 0; i < randoms; i++) {
		len = strcmp(attr, "comp_algorithm") ? gen_input(input) :
						       gen_algorithm(input);
		try_input(dev, attr, input, len, END, &t);
	}
	print_tally(dev, attr, &t);
	if (dev) {
		/* Leave no limit behind to fail later writes. */
		if (!strcmp(attr, "mem_limit"))
			dev_write(dev, "mem_limit", "0");
		check_state(dev, attr);
	}
}

static void fuzz_device(struct device *dev, int randoms, int alg_randoms)
{
	const char * const *a;
	char path[300];

	for (a = known_attrs; *a; a++) {
		if (!selected(*a))
			continue;
		dev_path(path, sizeof(path), dev, *a);
		if (access(path, F_OK)) {
			printf("# %s: no attribute %s\n", dev->name, *a);
			continue;
		}
		if (!has_rule(*a, dev->state))
			continue;	/* reset of a device with data */
		fuzz_attr(dev, *a, strcmp(*a, "comp_algorithm") ? randoms :
				   alg_randoms);
	}
}

/* Writable attributes of the device that the fuzzer does not know. */
static void list_unfuzzed(const struct device *dev)
{
	const char * const *a;
	struct dirent *de;
	struct stat st;
	char path[300];
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/block/%s", dev->name);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		snprintf(path, sizeof(path), "/sys/block/%s/%s", dev->name,
			 de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode) ||
		    !(st.st_mode & 0222))
			continue;
		for (a = known_attrs; *a; a++)
			if (!strcmp(*a, de->d_name))
				break;
		if (!*a)
			printf("# %s: %s is writable but not fuzzed\n",
			       dev->name, de->d_name);
	}
	closedir(dir);
}

/* Every readable attribute must read without error in every state. */
static void read_all(const struct device *dev)
{
	char path[300], buf[8192];
	struct dirent *de;
	struct stat st;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/block/%s", dev->name);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		snprintf(path, sizeof(path), "/sys/block/%s/%s", dev->name,
			 de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode) ||
		    !(st.st_mode & 0444))
			continue;
		if (read_attr(path, buf, sizeof(buf)) < 0) {
			unexpected++;
			printf("# UNEXPECTED: reading %s failed: %s\n", path,
			       answer_name(errno));
		}
	}
	closedir(dir);
}

/* --- hot_add and hot_remove ------------------------------------------------ */

static int add_device(void)
{
	char buf[32];
	int id;

	if (read_attr(CTL "/hot_add", buf, sizeof(buf)) < 0)
		return -1;
	id = atoi(buf);
	if (!dev_exists(id)) {
		unexpected++;
		printf("# UNEXPECTED: hot_add said %s, no such device\n", buf);
		return -1;
	}
	return id;
}

static int remove_device(const char *value)
{
	return write_attr(CTL "/hot_remove", value, strlen(value));
}

/* Remove ID with VALUE: fine if refused as EINVAL, then plainly. */
static void remove_as(int id, const char *value)
{
	char plain[16];
	int answer = remove_device(value);

	if (answer == ANSWER_OK && dev_exists(id))
		report("removed but still there", NULL, "hot_remove", value,
		       strlen(value), answer);
	if (answer != ANSWER_OK && answer != EINVAL)
		report("not allowed", NULL, "hot_remove", value,
		       strlen(value), answer);
	if (answer != ANSWER_OK && !dev_exists(id))
		report("refused but gone", NULL, "hot_remove", value,
		       strlen(value), answer);
	inputs_tried++;
	if (!dev_exists(id))
		return;
	snprintf(plain, sizeof(plain), "%d", id);
	answer = remove_device(plain);
	inputs_tried++;
	if (answer != ANSWER_OK || dev_exists(id))
		report("plain remove failed", NULL, "hot_remove", plain,
		       strlen(plain), answer);
}

/* Remove a device another file descriptor holds open: EBUSY, then fine. */
static void remove_while_open(int id)
{
	char node[32], value[16];
	int fd, answer;

	snprintf(node, sizeof(node), "/dev/zram%d", id);
	snprintf(value, sizeof(value), "%d", id);
	fd = open(node, O_RDONLY);
	if (fd < 0) {
		printf("# %s: cannot open: %s\n", node, answer_name(errno));
		remove_as(id, value);
		return;
	}
	answer = remove_device(value);
	inputs_tried++;
	if (answer != EBUSY || !dev_exists(id))
		report("want EBUSY while open", NULL, "hot_remove", value,
		       strlen(value), answer);
	close(fd);
	remove_as(id, value);
}

/* An initialised device with data in it, not open: removable. */
static void remove_initialised(int id)
{
	struct device dev = { .id = id, .state = FRESH };
	char node[32], value[16], page[4096];
	int fd, answer;

	snprintf(dev.name, sizeof(dev.name), "zram%d", id);
	snprintf(node, sizeof(node), "/dev/zram%d", id);
	snprintf(value, sizeof(value), "%d", id);
	answer = dev_write(&dev, "disksize", "1M");
	if (answer != ANSWER_OK) {
		report("disksize of a new device", &dev, "disksize", "1M", 2,
		       answer);
	} else {
		fd = open(node, O_WRONLY);
		memset(page, 0x5a, sizeof(page));
		if (fd < 0 || write(fd, page, sizeof(page)) != sizeof(page)) {
			printf("# UNEXPECTED: cannot write %s\n", node);
			unexpected++;
		}
		if (fd >= 0)
			close(fd);
	}
	remove_as(id, value);
}

/* Busy devices: removing them must be refused, with EBUSY. */
static void remove_busy_devices(void)
{
	char value[16];
	int i, answer;

	for (i = 0; i < nr_devs; i++) {
		if (!(S(devs[i].state) & BUSY))
			continue;
		snprintf(value, sizeof(value), "%d\n", devs[i].id);
		answer = remove_device(value);
		inputs_tried++;
		if (answer != EBUSY || !dev_exists(devs[i].id))
			report("want EBUSY", &devs[i], "hot_remove", value,
			       strlen(value), answer);
	}
}

static void hotplug_cycles(int cycles)
{
	static const char * const forms[] = {
		"%d", "%d\n", "+%d", " %d", "%d ", "%dx", "0%d", "%d\n\n",
	};
	char value[32];
	int i, id, answer;

	answer = write_attr(CTL "/hot_add", "1", 1);
	inputs_tried++;
	if (answer != EACCES && answer != EPERM && answer != EIO)
		report("writing hot_add", NULL, "hot_add", "1", 1, answer);
	for (i = 0; i < cycles; i++) {
		id = add_device();
		if (id < 0) {
			unexpected++;
			printf("# UNEXPECTED: hot_add failed\n");
			return;
		}
		switch (i % 3) {
		case 0:
			snprintf(value, sizeof(value),
				 forms[(i / 3) % ARRAY_SIZE(forms)],
				 id);
			remove_as(id, value);
			break;
		case 1:
			remove_while_open(id);
			break;
		default:
			remove_initialised(id);
		}
		snprintf(value, sizeof(value), "%d", id);
		answer = remove_device(value);
		inputs_tried++;
		if (answer != ENODEV)
			report("removing twice", NULL, "hot_remove", value,
			       strlen(value), answer);
	}
	printf("# hot_add/hot_remove: %d cycles\n", cycles);
}

/* --- main ------------------------------------------------------------------- */

static int parse_device(const char *arg)
{
	struct device *dev = &devs[nr_devs];
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : 0;
	int s;

	if (!colon || n == 0 || n >= sizeof(dev->name) || nr_devs == MAX_DEVS ||
	    sscanf(arg, "zram%d", &dev->id) != 1)
		return -1;
	memcpy(dev->name, arg, n);
	dev->name[n] = '\0';
	for (s = 0; s < NR_STATES; s++)
		if (!strcmp(colon + 1, state_names[s]))
			break;
	if (s == NR_STATES)
		return -1;
	dev->state = s;
	if (dev_read(dev, "disksize", dev->disksize, sizeof(dev->disksize)) < 0)
		return -1;
	nr_devs++;
	return 0;
}

int main(int argc, char **argv)
{
	int opt, i, randoms = 200, alg_randoms = 20, cycles = 20;

	while ((opt = getopt(argc, argv, "s:n:c:H:a:")) != -1) {
		switch (opt) {
		case 's':
			rng_state = strtoull(optarg, NULL, 0) | 1;
			break;
		case 'n':
			randoms = atoi(optarg);
			break;
		case 'c':
			alg_randoms = atoi(optarg);
			break;
		case 'H':
			cycles = atoi(optarg);
			break;
		case 'a':
			only_attrs = optarg;
			break;
		default:
			goto usage;
		}
	}
	for (i = optind; i < argc; i++) {
		if (parse_device(argv[i])) {
			fprintf(stderr, "rel_fuzz: bad device %s\n", argv[i]);
			goto usage;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < nr_devs; i++) {
		list_unfuzzed(&devs[i]);
		fuzz_device(&devs[i], randoms, alg_randoms);
		read_all(&devs[i]);
	}
	if (selected("hot_remove")) {
		remove_busy_devices();
		fuzz_attr(NULL, "hot_remove", randoms);
	}
	if (selected("hot_add") && cycles > 0)
		hotplug_cycles(cycles);
	for (i = 0; i < nr_devs; i++)
		check_state(&devs[i], "everything");
	printf("# rel_fuzz: %lu inputs, %lu unexpected, %lu skipped\n",
	       inputs_tried, unexpected, skipped);
	return unexpected ? 1 : 0;
usage:
	fprintf(stderr,
		"usage: rel_fuzz [-s SEED] [-n COUNT] [-c COUNT] [-H CYCLES] [-a ATTRS] DEV:STATE...\n");
	return 2;
}
