// SPDX-License-Identifier: GPL-2.0
/*
 * ksample: sample where CPU 0 spends its time while a command runs, with
 * a cpu-clock perf event, and print the kernel symbols hit most.  Under
 * QEMU -icount the clock counts instructions, so the counts are shares
 * of instructions.  No libraries: built static with the test helpers.
 *
 * usage: ksample PERIOD_NS TOP COMMAND [ARGS...]
 */
#define _GNU_SOURCE
#include <linux/perf_event.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define RING_PAGES 256
#define MAX_SAMPLES 2000000

struct sym {
	uint64_t addr;
	char name[128];
	unsigned long hits;
};

static uint64_t *ips;
static unsigned long nips, nuser;

static void drain(struct perf_event_mmap_page *meta, char *data, size_t size)
{
	uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = meta->data_tail;

	while (tail < head) {
		struct perf_event_header *h = (void *)(data + tail % size);
		uint64_t ip;

		if (h->type == PERF_RECORD_SAMPLE) {
			size_t off = (tail + sizeof(*h)) % size;

			memcpy(&ip, data + off, sizeof(ip));
			if (ip < 0xffff800000000000ULL)
				nuser++;
			else if (nips < MAX_SAMPLES)
				ips[nips++] = ip;
		}
		tail += h->size;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
}

static int by_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int by_hits(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->hits < y->hits ? 1 : x->hits > y->hits ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct perf_event_attr attr = { 0 };
	struct perf_event_mmap_page *meta;
	size_t page = sysconf(_SC_PAGESIZE), nsyms = 0, cap = 131072;
	struct sym *syms;
	char line[256], type, name[128];
	unsigned long long addr;
	unsigned long i, top, other = 0;
	int fd, status;
	pid_t pid;
	FILE *f;

	if (argc < 4) {
		fprintf(stderr, "usage: ksample PERIOD_NS TOP COMMAND...\n");
		return 2;
	}
	top = strtoul(argv[2], NULL, 0);
	ips = malloc(MAX_SAMPLES * sizeof(*ips));
	syms = malloc(cap * sizeof(*syms));
	if (!ips || !syms)
		return 1;

	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = strtoull(argv[1], NULL, 0);
	attr.sample_type = PERF_SAMPLE_IP;
	attr.disabled = 1;
	attr.wakeup_events = 64;
	fd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, 0);
	if (fd < 0) {
		perror("perf_event_open");
		return 1;
	}
	meta = mmap(NULL, (RING_PAGES + 1) * page, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	if (meta == MAP_FAILED) {
		perror("mmap");
		return 1;
	}

	pid = fork();
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		poll(&p, 1, 100);
		drain(meta, (char *)meta + page, RING_PAGES * page);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	drain(meta, (char *)meta + page, RING_PAGES * page);

	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &addr, &type, name) != 3)
			continue;
		if (type != 't' && type != 'T')
			continue;
		if (nsyms == cap) {
			cap *= 2;
			syms = realloc(syms, cap * sizeof(*syms));
			if (!syms)
				return 1;
		}
		syms[nsyms].addr = addr;
		snprintf(syms[nsyms].name, sizeof(syms[nsyms].name), "%s", name);
		syms[nsyms].hits = 0;
		nsyms++;
	}
	fclose(f);
	qsort(syms, nsyms, sizeof(*syms), by_addr);
	for (i = 0; i < nips; i++) {
		size_t lo = 0, hi = nsyms;

		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;

			if (syms[mid].addr <= ips[i])
				lo = mid;
			else
				hi = mid;
		}
		if (nsyms && syms[lo].addr <= ips[i])
			syms[lo].hits++;
		else
			other++;
	}
	qsort(syms, nsyms, sizeof(*syms), by_hits);
	printf("ksample: samples kernel=%lu user=%lu unresolved=%lu period_ns=%s\n",
	       nips, nuser, other, argv[1]);
	for (i = 0; i < top && i < nsyms && syms[i].hits; i++)
		printf("ksample: %6.2f%% %8lu %s\n", 100.0 * syms[i].hits /
		       (nips + nuser), syms[i].hits, syms[i].name);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
