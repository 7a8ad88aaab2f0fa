// SPDX-License-Identifier: GPL-2.0
/*
 * zsmalloc benchmark.
 *
 * Measures, on module load, what it costs to map and unmap an object and
 * how densely a realistic mix of compressed sizes is stored, and prints one
 * machine-readable line per result to the kernel log:
 *
 *   zsbench: impl=ours mapping=copy test=map_ro_span ns_per_op=812
 *   zsbench: impl=ours test=space_eff value=0.9612 objects=50000 pages=...
 *
 * The same source builds two modules.  zsmalloc_bench.ko includes our
 * allocator (zsmalloc.c) and runs the mapping tests for both mapping
 * methods.  zsmalloc_bench_kernel.ko defines ZSBENCH_KERNEL_ZSMALLOC before
 * including this file and links against the kernel's own zsmalloc.ko
 * instead, which in 6.1 only copies.  Both stay loaded after printing;
 * remove them to run again.
 *
 * Tests:
 *  map_{ro,wo}_{span,nospan}: ns per zsm_map_object() + one byte touched +
 *	zsm_unmap_object(), for objects that span two pages or lie in one.
 *	Median of @reps runs of @iters operations, the two mappings of ours
 *	interleaved.
 *  space_eff: bytes requested / bytes of pool pages after allocating
 *	@objects objects with sizes shaped like LZO output for memory pages.
 *  space_eff_churn: the same after freeing a random half and compacting.
 *  space_eff_small: space_eff with @objects / 10 objects.
 */

#define pr_fmt(fmt) "zsbench: " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#ifdef ZSBENCH_KERNEL_ZSMALLOC
#include "zsmalloc_bench_kernel.h"

#define ZSB_IMPL "kernel"

/* 6.1 returns an error pointer value rather than 0 on failure. */
static bool zsb_handle_ok(unsigned long handle)
{
	return handle && !IS_ERR_VALUE(handle);
}

static struct zs_pool *zsb_create_pool(const char *name, int mapping)
{
	return zs_create_pool(name);
}

static const char * const zsb_mapping_names[] = { "copy" };

/* The kernel's slab metadata cannot be seen from here. */
static bool zsb_metadata_bytes(struct zs_pool *pool, u64 *bytes)
{
	return false;
}
#else
#include "zsmalloc.c"

#define ZSB_IMPL "ours"

static bool zsb_handle_ok(unsigned long handle)
{
	return handle;
}

static struct zs_pool *zsb_create_pool(const char *name, int mapping)
{
	return zs_create_pool_mapping(name, mapping);
}

static const char * const zsb_mapping_names[] = {
	[ZS_MAPPING_COPY] = "copy",
	[ZS_MAPPING_PGTABLE] = "pgtable",
};

/* Slab memory held for the pool outside its pages: handles, descriptors. */
static bool zsb_metadata_bytes(struct zs_pool *pool, u64 *bytes)
{
	struct size_class *class;
	struct zspage *zspage;
	unsigned int group;
	u64 total = 0;

	for (class = zs_next_class(pool, NULL); class;
	     class = zs_next_class(pool, class)) {
		spin_lock(&class->lock);
		total += class->objs_inuse * sizeof(struct zs_handle);
		for (group = 0; group < ZS_NR_GROUPS; group++)
			list_for_each_entry(zspage, &class->groups[group], node)
				total += ksize(zspage);
		spin_unlock(&class->lock);
	}
	*bytes = total;
	return true;
}
#endif

static unsigned int iters = 20000;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "Map+unmap operations per timed run");

static unsigned int reps = 5;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "Timed runs per result (the median is printed)");

static unsigned int mappings = ~0U;
module_param(mappings, uint, 0444);
MODULE_PARM_DESC(mappings, "Mapping methods to time: bit 0 copy, bit 1 pgtable");

static unsigned int objects = 50000;
module_param(objects, uint, 0444);
MODULE_PARM_DESC(objects, "Objects allocated by the space efficiency tests");

#define ZSB_MAP_OBJECTS		512
#define ZSB_MAX_REPS		15
#define ZSB_SIZE_NOSPAN		1016	/* 1 KiB slots in both allocators */
#define ZSB_SIZE_SPAN		2700

/*
 * Objects for the map tests, split by whether they span two pages, and
 * room for the addresses they map at.
 */
struct zsb_handles {
	unsigned long span[ZSB_MAP_OBJECTS];
	unsigned long nospan[ZSB_MAP_OBJECTS];
	unsigned int nr_span, nr_nospan;
	unsigned long all[ZSB_MAP_OBJECTS];
	unsigned int nr_all;
	unsigned long addrs[ZSB_MAP_OBJECTS];
	unsigned long sorted[ZSB_MAP_OBJECTS];
};

static int zsb_cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * An allocator maps a spanning object either through a per-CPU bounce
 * buffer, whose address repeats from object to object, or through a
 * window in vmalloc space.  Objects inside one page get their own address
 * in the direct map.  Classify by that, on one CPU so that the buffer
 * address is the same for all.
 */
static void zsb_classify(struct zs_pool *pool, struct zsb_handles *h)
{
	unsigned long *addrs = h->addrs, *sorted = h->sorted;
	unsigned long bounce = 0;
	unsigned int i;

	get_cpu();
	for (i = 0; i < h->nr_all; i++) {
		addrs[i] = (unsigned long)zsm_map_object(pool, h->all[i],
							ZS_MM_RO);
		zsm_unmap_object(pool, h->all[i]);
	}
	put_cpu();

	memcpy(sorted, addrs, h->nr_all * sizeof(addrs[0]));
	sort(sorted, h->nr_all, sizeof(sorted[0]), zsb_cmp_ulong, NULL);
	for (i = 1; i < h->nr_all; i++)
		if (sorted[i] == sorted[i - 1])
			bounce = sorted[i];

	for (i = 0; i < h->nr_all; i++) {
		if (addrs[i] == bounce || is_vmalloc_addr((void *)addrs[i]))
			h->span[h->nr_span++] = h->all[i];
		else
			h->nospan[h->nr_nospan++] = h->all[i];
	}
}

static bool zsb_alloc_map_objects(struct zs_pool *pool, struct zsb_handles *h)
{
	unsigned int i;
	size_t size;
	void *p;

	for (i = 0; i < ZSB_MAP_OBJECTS; i++) {
		size = i % 2 ? ZSB_SIZE_SPAN : ZSB_SIZE_NOSPAN;
		h->all[i] = zsm_malloc(pool, size, GFP_KERNEL);
		if (!zsb_handle_ok(h->all[i]))
			break;
		h->nr_all++;
		p = zsm_map_object(pool, h->all[i], ZS_MM_WO);
		memset(p, i, size);
		zsm_unmap_object(pool, h->all[i]);
	}
	if (h->nr_all < ZSB_MAP_OBJECTS)
		return false;
	zsb_classify(pool, h);
	return h->nr_span && h->nr_nospan;
}

static void zsb_free_map_objects(struct zs_pool *pool, struct zsb_handles *h)
{
	unsigned int i;

	for (i = 0; i < h->nr_all; i++)
		zsm_free(pool, h->all[i]);
}

/* One timed run: ns per map + touch + unmap. */
static u64 zsb_time_maps(struct zs_pool *pool, const unsigned long *handles,
			 unsigned int nr, enum zs_mapmode mm)
{
	unsigned int i;
	u64 start;
	u8 sink = 0;
	u8 *p;

	start = ktime_get_ns();
	for (i = 0; i < iters; i++) {
		unsigned long handle = handles[i % nr];

		p = zsm_map_object(pool, handle, mm);
		if (mm == ZS_MM_RO)
			sink += READ_ONCE(*p);
		else
			WRITE_ONCE(*p, (u8)i);
		zsm_unmap_object(pool, handle);
		if (!(i % 1024))
			cond_resched();
	}
	barrier_data(&sink);
	return div_u64(ktime_get_ns() - start, iters);
}

static int zsb_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 zsb_median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), zsb_cmp_u64, NULL);
	return v[n / 2];
}

struct zsb_map_test {
	const char *name;
	bool span;
	enum zs_mapmode mm;
};

static const struct zsb_map_test zsb_map_tests[] = {
	{ "map_ro_span", true, ZS_MM_RO },
	{ "map_wo_span", true, ZS_MM_WO },
	{ "map_ro_nospan", false, ZS_MM_RO },
	{ "map_wo_nospan", false, ZS_MM_WO },
};

#define ZSB_NR_MAPPINGS ARRAY_SIZE(zsb_mapping_names)

struct zsb_map_state {
	struct zs_pool *pool[ZSB_NR_MAPPINGS];
	struct zsb_handles handles[ZSB_NR_MAPPINGS];
	u64 ns[ZSB_NR_MAPPINGS][ARRAY_SIZE(zsb_map_tests)][ZSB_MAX_REPS];
};

static void zsb_map_round(struct zsb_map_state *st, unsigned int rep)
{
	unsigned int m, t;

	for (t = 0; t < ARRAY_SIZE(zsb_map_tests); t++) {
		const struct zsb_map_test *test = &zsb_map_tests[t];

		/* Alternate which mapping goes first from round to round. */
		for (m = 0; m < ZSB_NR_MAPPINGS; m++) {
			unsigned int which = (m + rep) % ZSB_NR_MAPPINGS;
			struct zsb_handles *h = &st->handles[which];

			if (!st->pool[which])
				continue;
			st->ns[which][t][rep] =
				zsb_time_maps(st->pool[which],
					      test->span ? h->span : h->nospan,
					      test->span ? h->nr_span :
							   h->nr_nospan,
					      test->mm);
		}
	}
}

static void zsb_map_report(struct zsb_map_state *st, unsigned int nr_reps)
{
	unsigned int m, t;

	for (m = 0; m < ZSB_NR_MAPPINGS; m++) {
		if (!st->pool[m])
			continue;
		pr_info("impl=%s mapping=%s span_objects=%u nospan_objects=%u\n",
			ZSB_IMPL, zsb_mapping_names[m],
			st->handles[m].nr_span, st->handles[m].nr_nospan);
		for (t = 0; t < ARRAY_SIZE(zsb_map_tests); t++)
			pr_info("impl=%s mapping=%s test=%s ns_per_op=%llu\n",
				ZSB_IMPL, zsb_mapping_names[m],
				zsb_map_tests[t].name,
				zsb_median(st->ns[m][t], nr_reps));
	}
}

static int zsb_map_bench(void)
{
	unsigned int nr_reps = clamp(reps, 1U, (unsigned int)ZSB_MAX_REPS);
	struct zsb_map_state *st;
	unsigned int m, rep;
	int err = 0;

	st = kvzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	for (m = 0; m < ZSB_NR_MAPPINGS && !err; m++) {
		if (!(mappings & BIT(m)))
			continue;
		st->pool[m] = zsb_create_pool(zsb_mapping_names[m], m);
		if (!st->pool[m] ||
		    !zsb_alloc_map_objects(st->pool[m], &st->handles[m]))
			err = -ENOMEM;
	}
	if (!err && iters) {
		for (rep = 0; rep < nr_reps; rep++)
			zsb_map_round(st, rep);
		zsb_map_report(st, nr_reps);
	}
	for (m = 0; m < ZSB_NR_MAPPINGS; m++) {
		if (!st->pool[m])
			continue;
		zsb_free_map_objects(st->pool[m], &st->handles[m]);
		zsm_destroy_pool(st->pool[m]);
	}
	kvfree(st);
	return err;
}

/* Space efficiency */

/*
 * Sizes shaped like LZO output for memory pages: 30% around 1-1.5 KiB,
 * 55% spread over 200-3500 bytes, 10% nearly incompressible (3600 bytes
 * to a page) and 5% tiny.
 */
static u32 zsb_compressed_size(struct rnd_state *rnd)
{
	u32 pick = prandom_u32_state(rnd) % 100;

	if (pick < 30)
		return 1024 + prandom_u32_state(rnd) % 513;
	if (pick < 85)
		return 200 + prandom_u32_state(rnd) % 3301;
	if (pick < 95)
		return 3600 + prandom_u32_state(rnd) % (PAGE_SIZE - 3600 + 1);
	return 1 + prandom_u32_state(rnd) % 200;
}

struct zsb_space {
	struct zs_pool *pool;
	unsigned long *handles;
	u32 *sizes;
	unsigned int nr;		/* objects allocated */
	unsigned int live;		/* of which not freed */
	u64 stored;
};

static void zsb_space_report(struct zsb_space *s, const char *test)
{
	unsigned long pages = zsm_get_total_pages(s->pool);
	u64 ratio = pages ? div64_u64(s->stored * 10000, pages * PAGE_SIZE) : 0;

	u64 meta;

	pr_info("impl=%s test=%s value=%llu.%04llu objects=%u bytes=%llu pages=%lu\n",
		ZSB_IMPL, test, div_u64(ratio, 10000), ratio % 10000, s->live,
		s->stored, pages);
	if (zsb_metadata_bytes(s->pool, &meta))
		pr_info("impl=%s test=%s_metadata bytes=%llu bytes_per_object=%llu\n",
			ZSB_IMPL, test, meta, div_u64(meta, max(s->live, 1U)));
}

static bool zsb_space_fill(struct zsb_space *s)
{
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, 0x2a5b);
	for (i = 0; i < s->nr; i++) {
		u32 size = zsb_compressed_size(&rnd);

		s->handles[i] = zsm_malloc(s->pool, size, GFP_KERNEL);
		if (!zsb_handle_ok(s->handles[i]))
			return false;
		s->sizes[i] = size;
		s->stored += size;
		s->live++;
		if (!(i % 1024))
			cond_resched();
	}
	return true;
}

static void zsb_space_churn(struct zsb_space *s)
{
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, 0x7e57);
	for (i = 0; i < s->nr; i++) {
		if (prandom_u32_state(&rnd) % 2)
			continue;
		zsm_free(s->pool, s->handles[i]);
		s->handles[i] = 0;
		s->stored -= s->sizes[i];
		s->live--;
	}
	zsm_compact(s->pool);
}

static int zsb_space_run(unsigned int nr, bool churn, const char *test)
{
	struct zsb_space s = { .nr = nr };
	unsigned int i;
	int err = -ENOMEM;

	s.pool = zsb_create_pool("space", 0);
	s.handles = kvcalloc(nr, sizeof(*s.handles), GFP_KERNEL);
	s.sizes = kvcalloc(nr, sizeof(*s.sizes), GFP_KERNEL);
	if (s.pool && s.handles && s.sizes && zsb_space_fill(&s)) {
		zsb_space_report(&s, test);
		if (churn) {
			zsb_space_churn(&s);
			zsb_space_report(&s, "space_eff_churn");
		}
		err = 0;
	}
	for (i = 0; s.pool && s.handles && i < nr; i++)
		if (zsb_handle_ok(s.handles[i]))
			zsm_free(s.pool, s.handles[i]);
	kvfree(s.sizes);
	kvfree(s.handles);
	if (s.pool)
		zsm_destroy_pool(s.pool);
	return err;
}

static int zsb_space_bench(void)
{
	int err;

	err = zsb_space_run(objects, true, "space_eff");
	if (!err)
		err = zsb_space_run(max(objects / 10, 1U), false,
				    "space_eff_small");
	return err;
}

static int __init zsb_init(void)
{
	struct zs_pool *pool = zsb_create_pool("probe", 0);
	u64 start = ktime_get_ns();
	int err;

	if (!pool)
		return -ENOMEM;
	pr_info("impl=%s test=huge_class_size value=%zu\n", ZSB_IMPL,
		zsm_huge_class_size(pool));
	zsm_destroy_pool(pool);

	err = zsb_map_bench();
	if (!err)
		err = zsb_space_bench();
	pr_info("impl=%s done in %llu ms%s\n", ZSB_IMPL,
		div_u64(ktime_get_ns() - start, NSEC_PER_MSEC),
		err ? " (failed)" : "");
	return 0;
}

static void __exit zsb_exit(void)
{
}

module_init(zsb_init);
module_exit(zsb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("zsmalloc benchmark: " ZSB_IMPL " allocator");
