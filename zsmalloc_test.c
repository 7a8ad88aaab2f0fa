// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test for zsmalloc.
 *
 * This module compiles its own private copy of the allocator (it includes
 * zsmalloc.c), so it can look at classes, zspages and handle records
 * directly and can make allocations fail on demand through the test hooks.
 * On load it runs every test once per mapping method and prints the results
 * in KTAP format to the kernel log, prefixed with the module name.  Loading
 * succeeds whatever the results; the module then keeps one small pool named
 * "inspect" so that its debugfs files can be read, until it is removed.
 *
 * Parameters: fault_inject=1 also runs the test that relies on the kernel's
 * failslab/fail_page_alloc being armed with task-filter (the selftest script
 * arms them when they exist).
 */

#define ZSMALLOC_TEST_HOOKS
#include "zsmalloc.c"

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/prandom.h>

static bool fault_inject;
module_param(fault_inject, bool, 0444);
MODULE_PARM_DESC(fault_inject,
		 "Run the test that needs failslab/fail_page_alloc armed");

#define zt_diag(fmt, ...) pr_info("# " fmt "\n", ##__VA_ARGS__)

/* Test hooks called by the allocator */

static atomic_long_t zt_live[ZS_NR_TRACKED];
static atomic_t zt_fail_countdown;	/* fail the n-th allocation from now */
static atomic_t zt_failures;

static bool zs_test_fail_alloc(void)
{
	if (atomic_read(&zt_fail_countdown) <= 0)
		return false;
	if (atomic_dec_return(&zt_fail_countdown))
		return false;
	atomic_inc(&zt_failures);
	return true;
}

static void zs_test_track(enum zs_tracked what, long delta)
{
	atomic_long_add(delta, &zt_live[what]);
}

struct zt_census {
	long live[ZS_NR_TRACKED];
};

static void zt_take_census(struct zt_census *census)
{
	int i;

	for (i = 0; i < ZS_NR_TRACKED; i++)
		census->live[i] = atomic_long_read(&zt_live[i]);
}

static bool zt_census_unchanged(const struct zt_census *before)
{
	struct zt_census now;
	bool same = true;
	int i;

	zt_take_census(&now);
	for (i = 0; i < ZS_NR_TRACKED; i++) {
		if (now.live[i] == before->live[i])
			continue;
		zt_diag("tracked object kind %d: %ld live, expected %ld",
			i, now.live[i], before->live[i]);
		same = false;
	}
	return same;
}

/* Object contents */

static u8 zt_pattern_byte(u32 seed, size_t i)
{
	return (u8)(((seed + (u32)i) * 2654435761u) >> 24);
}

static void zt_fill(u8 *buf, size_t len, u32 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = zt_pattern_byte(seed, i);
}

/* Do bytes @from to @to of object @obj hold their pattern for @seed? */
static bool zt_matches_range(const u8 *obj, size_t from, size_t to, u32 seed)
{
	size_t i;

	for (i = from; i < to; i++)
		if (obj[i] != zt_pattern_byte(seed, i))
			return false;
	return true;
}

static bool zt_matches(const u8 *buf, size_t len, u32 seed)
{
	return zt_matches_range(buf, 0, len, seed);
}

static void zt_write(struct zs_pool *pool, unsigned long handle, size_t len,
		     u32 seed)
{
	zt_fill(zsm_map_object(pool, handle, ZS_MM_WO), len, seed);
	zsm_unmap_object(pool, handle);
}

static bool zt_check(struct zs_pool *pool, unsigned long handle, size_t len,
		     u32 seed)
{
	bool ok = zt_matches(zsm_map_object(pool, handle, ZS_MM_RO), len, seed);

	zsm_unmap_object(pool, handle);
	if (!ok)
		zt_diag("content of handle %lx (%zu bytes) is wrong", handle,
			len);
	return ok;
}

static bool zt_object_spans(unsigned long handle)
{
	struct zs_handle *h = zs_handle_of(handle);
	unsigned int size = zs_handle_zspage(h)->class->size;

	return offset_in_page((unsigned long)zs_handle_slot(h) * size) + size >
	       PAGE_SIZE;
}

/* Pool consistency: every counter and link must agree with the others. */

static bool zt_zspage_consistent(struct zs_pool *pool,
				 struct size_class *class,
				 struct zspage *zspage)
{
	bool short_of_pages = zspage->populated < class->pages_per_zspage;
	unsigned int slot, used = 0, free = 0, next, i;
	bool growing = zspage == class->growing;
	unsigned long *slots = zs_slots(zspage);

	for (i = 0; i < class->pages_per_zspage; i++) {
		bool expected = i < zspage->populated;

		if (!!zspage->pages[i] != expected) {
			zt_diag("class %u zspage: page %u of %u present: %d",
				class->index, i, zspage->populated,
				!!zspage->pages[i]);
			return false;
		}
	}
	if (short_of_pages != growing) {
		zt_diag("class %u zspage: %u pages, not the growing one",
			class->index, zspage->populated);
		return false;
	}
	if (!zspage->populated ||
	    zspage->backed != zs_slots_in_pages(class, zspage->populated)) {
		zt_diag("class %u zspage: %u slots backed by %u pages",
			class->index, zspage->backed, zspage->populated);
		return false;
	}
	for (slot = 0; slot < class->objs_per_zspage; slot++) {
		struct zs_handle *h = zs_handle_of(slots[slot]);

		if (zs_slot_is_free(slots[slot]))
			continue;
		if (slot >= zspage->backed) {
			zt_diag("class %u zspage: slot %u used without its page",
				class->index, slot);
			return false;
		}
		if (zs_handle_zspage(h) != zspage ||
		    zs_handle_slot(h) != slot) {
			zt_diag("slot %u of a zspage in class %u: stale handle",
				slot, class->index);
			return false;
		}
		used++;
	}
	for (next = zspage->free_head; next < class->objs_per_zspage &&
	     free <= class->objs_per_zspage; free++) {
		if (!zs_slot_is_free(slots[next])) {
			zt_diag("free list of class %u runs into a used slot",
				class->index);
			return false;
		}
		next = slots[next] >> 1;
	}
	if (used != zspage->inuse || used + free != class->objs_per_zspage) {
		zt_diag("class %u zspage: inuse %u, used %u, free %u",
			class->index, zspage->inuse, used, free);
		return false;
	}
	return true;
}

static bool zt_class_consistent(struct zs_pool *pool, struct size_class *class,
				unsigned long *pages)
{
	unsigned long zspages = 0, inuse = 0, in_group, held = 0, backed = 0;
	unsigned long slots;
	struct zspage *zspage;
	unsigned int group;

	for (group = 0; group < ZS_NR_GROUPS; group++) {
		in_group = 0;
		list_for_each_entry(zspage, &class->groups[group], node) {
			if (zspage->class != class || zspage->group != group ||
			    zs_group_of(class, zspage) != group ||
			    !zspage->inuse) {
				zt_diag("class %u: zspage on the wrong list",
					class->index);
				return false;
			}
			if (!zt_zspage_consistent(pool, class, zspage))
				return false;
			inuse += zspage->inuse;
			held += zspage->populated;
			backed += zspage->backed;
			in_group++;
		}
		if (in_group != class->group_count[group]) {
			zt_diag("class %u group %u: %lu zspages, counted %lu",
				class->index, group, in_group,
				class->group_count[group]);
			return false;
		}
		zspages += in_group;
	}
	*pages += held;
	if (held != zs_class_pages(class, &slots) || backed != slots) {
		zt_diag("class %u: %lu pages %lu slots, counted %lu %lu",
			class->index, held, backed,
			zs_class_pages(class, &slots), slots);
		return false;
	}
	if (zspages != class->zspages || inuse != class->objs_inuse) {
		zt_diag("class %u: %lu zspages %lu objects, counters %lu %lu",
			class->index, zspages, inuse, class->zspages,
			class->objs_inuse);
		return false;
	}
	return true;
}

static bool zt_pool_consistent(struct zs_pool *pool)
{
	unsigned long pages = 0;
	struct size_class *class;
	bool ok = true;

	for (class = zs_next_class(pool, NULL); class && ok;
	     class = zs_next_class(pool, class)) {
		spin_lock(&class->lock);
		ok = zt_class_consistent(pool, class, &pages);
		spin_unlock(&class->lock);
	}
	if (ok && pages != zsm_get_total_pages(pool)) {
		zt_diag("zspages hold %lu pages, pool says %lu", pages,
			zsm_get_total_pages(pool));
		ok = false;
	}
	return ok;
}

/* A table of live objects with their expected contents */

struct zt_object {
	unsigned long handle;
	u32 size;
	u32 seed;
};

struct zt_table {
	struct zs_pool *pool;
	struct zt_object *objs;
	unsigned int nr;
	struct rnd_state rnd;
};

static u32 zt_rand(struct zt_table *t, u32 bound)
{
	return prandom_u32_state(&t->rnd) % bound;
}

/*
 * Sizes shaped like LZO output for memory pages: many around 1-1.5 KiB,
 * a broad spread, some nearly incompressible and a few tiny.
 */
static u32 zt_compressed_size(struct zt_table *t)
{
	u32 pick = zt_rand(t, 100);

	if (pick < 30)
		return 1024 + zt_rand(t, 513);
	if (pick < 85)
		return 200 + zt_rand(t, 3301);
	if (pick < 95)
		return 3600 + zt_rand(t, PAGE_SIZE - 3600 + 1);
	return 1 + zt_rand(t, 200);
}

static int zt_table_init(struct zt_table *t, struct zs_pool *pool,
			 unsigned int nr, u64 seed)
{
	t->pool = pool;
	t->nr = nr;
	prandom_seed_state(&t->rnd, seed);
	t->objs = kvcalloc(nr, sizeof(*t->objs), GFP_KERNEL);
	return t->objs ? 0 : -ENOMEM;
}

static bool zt_table_store(struct zt_table *t, unsigned int i, u32 size,
			   gfp_t gfp)
{
	struct zt_object *obj = &t->objs[i];

	obj->handle = zsm_malloc(t->pool, size, gfp);
	if (!obj->handle)
		return false;
	obj->size = size;
	obj->seed = prandom_u32_state(&t->rnd);
	zt_write(t->pool, obj->handle, size, obj->seed);
	return true;
}

static void zt_table_drop(struct zt_table *t, unsigned int i)
{
	zsm_free(t->pool, t->objs[i].handle);
	t->objs[i].handle = 0;
}

static bool zt_table_check(struct zt_table *t)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		if (t->objs[i].handle &&
		    !zt_check(t->pool, t->objs[i].handle, t->objs[i].size,
			      t->objs[i].seed))
			return false;
	return true;
}

static void zt_table_destroy(struct zt_table *t)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		if (t->objs[i].handle)
			zt_table_drop(t, i);
	kvfree(t->objs);
}

/* Fill @t with @t->nr objects, then free all but one in @keep_one_in. */
static bool zt_fill_and_thin(struct zt_table *t, unsigned int keep_one_in)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		if (!zt_table_store(t, i, zt_compressed_size(t), GFP_KERNEL))
			return false;
	for (i = 0; i < t->nr; i++)
		if (zt_rand(t, keep_one_in))
			zt_table_drop(t, i);
	return true;
}

/* The tests proper */

enum zt_result {
	ZT_PASS,
	ZT_FAIL,
	ZT_SKIP,
};

/* Log a failed expectation; evaluates to whether @cond held. */
#define ZT_OK(cond) zt_ok(cond, #cond, __func__, __LINE__)

static bool zt_ok(bool cond, const char *what, const char *func, int line)
{
	if (!cond)
		zt_diag("%s:%d: expected %s", func, line, what);
	return cond;
}

/*
 * Every size class, at its smallest and largest size: write, read back,
 * then rewrite half through a read-write mapping and check both halves.
 */
static bool zt_class_size_roundtrip(struct zs_pool *pool, size_t size,
				    unsigned int count, unsigned int *spans)
{
	unsigned long *handles = kcalloc(count, sizeof(*handles), GFP_KERNEL);
	bool ok = handles;
	unsigned int i;
	u8 *p;

	for (i = 0; ok && i < count; i++) {
		handles[i] = zsm_malloc(pool, size, GFP_KERNEL);
		ok = handles[i];
		if (ok)
			zt_write(pool, handles[i], size, i);
	}
	for (i = 0; ok && i < count; i++) {
		*spans += zt_object_spans(handles[i]);
		ok = zt_check(pool, handles[i], size, i);
		p = zsm_map_object(pool, handles[i], ZS_MM_RW);
		ok = ok && zt_matches(p, size, i);
		zt_fill(p, size / 2, ~i);
		zsm_unmap_object(pool, handles[i]);
		p = zsm_map_object(pool, handles[i], ZS_MM_RO);
		ok = ok && zt_matches(p, size / 2, ~i) &&
		     zt_matches_range(p, size / 2, size, i);
		zsm_unmap_object(pool, handles[i]);
	}
	ok = ok && zt_pool_consistent(pool);
	for (i = 0; handles && i < count; i++)
		zsm_free(pool, handles[i]);
	kfree(handles);
	if (!ok)
		zt_diag("size %zu failed", size);
	return ok;
}

static enum zt_result zt_class_sizes(struct zs_pool *pool)
{
	unsigned int index, spans = 0;

	for (index = 0; index < ZS_NR_SIZES; index++) {
		struct size_class *class = pool->classes[index];
		size_t largest = zs_index_size(index);
		size_t smallest = index ? largest - ZS_CLASS_STEP + 1 : 1;
		unsigned int count = class->objs_per_zspage + 1;

		if (!ZT_OK(zt_class_size_roundtrip(pool, smallest, count,
						   &spans)))
			return ZT_FAIL;
		if (!ZT_OK(zt_class_size_roundtrip(pool, largest, count,
						   &spans)))
			return ZT_FAIL;
		if (!ZT_OK(zsm_get_total_pages(pool) == 0))
			return ZT_FAIL;
	}
	zt_diag("%u objects spanned two pages", spans);
	if (!ZT_OK(spans > 0))
		return ZT_FAIL;
	return ZT_PASS;
}

/*
 * Allocations, checks and frees in random order (fixed seed), compacting
 * now and then; all live contents and the page accounting are verified
 * every 5000 operations.
 */
static enum zt_result zt_random_workload(struct zs_pool *pool)
{
	unsigned int op, i, nr_ops = 30000;
	enum zt_result result = ZT_FAIL;
	struct zt_table t;

	if (zt_table_init(&t, pool, 1024, 0x5eed))
		return ZT_FAIL;
	for (op = 1; op <= nr_ops; op++) {
		i = zt_rand(&t, t.nr);
		if (!t.objs[i].handle) {
			if (!zt_table_store(&t, i, zt_compressed_size(&t),
					    GFP_KERNEL))
				goto out;
		} else {
			if (!zt_check(pool, t.objs[i].handle, t.objs[i].size,
				      t.objs[i].seed))
				goto out;
			if (zt_rand(&t, 3))
				zt_table_drop(&t, i);
		}
		if (op % 10000 == 0 && zt_rand(&t, 2))
			zsm_compact(pool);
		if (op % 5000 == 0 &&
		    (!zt_table_check(&t) || !zt_pool_consistent(pool)))
			goto out;
	}
	result = ZT_PASS;
out:
	zt_table_destroy(&t);
	if (!ZT_OK(zsm_get_total_pages(pool) == 0))
		return ZT_FAIL;
	return result;
}

static bool zt_no_spare_zspages(struct zs_pool *pool)
{
	struct size_class *class;
	bool spare = false;

	for (class = zs_next_class(pool, NULL); class;
	     class = zs_next_class(pool, class)) {
		spin_lock(&class->lock);
		spare |= zs_class_has_spare_zspage(class);
		spin_unlock(&class->lock);
	}
	return !spare;
}

static bool zt_compaction_checks(struct zs_pool *pool, struct zt_table *t)
{
	unsigned long before, freed, handles[4];
	struct zsm_pool_stats stats;
	unsigned int i;

	if (!ZT_OK(zt_fill_and_thin(t, 4)))
		return false;
	for (i = 0; i < ARRAY_SIZE(handles); i++)
		handles[i] = t->objs[i].handle;
	before = zsm_get_total_pages(pool);
	freed = zsm_compact(pool);
	zt_diag("%lu pages before, %lu freed", before, freed);
	if (!ZT_OK(freed > 0))
		return false;
	if (!ZT_OK(zsm_get_total_pages(pool) == before - freed))
		return false;
	zsm_pool_stats(pool, &stats);
	if (!ZT_OK(atomic_long_read(&stats.pages_compacted) == freed))
		return false;
	for (i = 0; i < ARRAY_SIZE(handles); i++)
		if (!ZT_OK(t->objs[i].handle == handles[i]))
			return false;
	if (!ZT_OK(zt_table_check(t)))
		return false;
	if (!ZT_OK(zt_pool_consistent(pool)))
		return false;
	if (!ZT_OK(zt_no_spare_zspages(pool)))
		return false;
	if (!ZT_OK(zsm_compact(pool) == 0))
		return false;
	return true;
}

/* Compaction frees pages, keeps handles and contents. */
static enum zt_result zt_compaction(struct zs_pool *pool)
{
	struct zt_table t;
	bool ok;

	if (zt_table_init(&t, pool, 4000, 42))
		return ZT_FAIL;
	ok = zt_compaction_checks(pool, &t);
	zt_table_destroy(&t);
	if (!ZT_OK(ok))
		return ZT_FAIL;
	if (!ZT_OK(zsm_get_total_pages(pool) == 0))
		return ZT_FAIL;
	return ZT_PASS;
}

/*
 * Two full zspages of one class; all objects of the first but one are
 * freed and one of the second, so compaction wants to move the survivor.
 * While it is mapped it must stay put; once unmapped it must move.
 */
static bool zt_pinned_checks(struct zs_pool *pool, unsigned long *handles,
			     unsigned int objs, size_t size)
{
	struct size_class *class = pool->classes[zs_size_index(size)];
	unsigned int nr = 2 * objs;
	struct zs_handle *survivor;
	struct zspage *first, *second, *moved;
	bool done;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		handles[i] = zsm_malloc(pool, size, GFP_KERNEL);
		if (!ZT_OK(handles[i]))
			return false;
		zt_write(pool, handles[i], size, i);
	}
	survivor = zs_handle_of(handles[0]);
	first = zs_handle_zspage(survivor);
	second = zs_handle_zspage(zs_handle_of(handles[nr - 1]));
	if (!ZT_OK(first != second && class->zspages == 2))
		return false;
	for (i = 1; i < nr; i++) {
		if (zs_handle_zspage(zs_handle_of(handles[i])) == first ||
		    i == nr - 1) {
			zsm_free(pool, handles[i]);
			handles[i] = 0;
		}
	}

	zsm_map_object(pool, handles[0], ZS_MM_RO);
	spin_lock(&class->lock);
	moved = zs_class_compact_one(class, &done);
	spin_unlock(&class->lock);
	zsm_unmap_object(pool, handles[0]);
	if (!ZT_OK(!moved && done && zs_handle_zspage(survivor) == first))
		return false;
	if (!ZT_OK(zt_check(pool, handles[0], size, 0)))
		return false;

	if (!ZT_OK(zsm_compact(pool) == class->pages_per_zspage))
		return false;
	if (!ZT_OK(zs_handle_zspage(survivor) == second))
		return false;
	for (i = 0; i < nr; i++)
		if (!ZT_OK(!handles[i] || zt_check(pool, handles[i], size, i)))
			return false;
	return zt_pool_consistent(pool);
}

/*
 * Run @checks with room for the handles of two zspages of @size's class,
 * then free what they left and expect an empty pool.
 */
static enum zt_result zt_two_zspages(struct zs_pool *pool, size_t size,
				     bool (*checks)(struct zs_pool *pool,
						    unsigned long *handles,
						    unsigned int objs,
						    size_t size))
{
	struct size_class *class = pool->classes[zs_size_index(size)];
	unsigned int i, objs = class->objs_per_zspage;
	unsigned long *handles;
	bool ok;

	handles = kcalloc(2 * objs, sizeof(*handles), GFP_KERNEL);
	if (!handles)
		return ZT_FAIL;
	ok = checks(pool, handles, objs, size);
	for (i = 0; i < 2 * objs; i++)
		zsm_free(pool, handles[i]);
	kfree(handles);
	if (!ZT_OK(ok))
		return ZT_FAIL;
	if (!ZT_OK(zsm_get_total_pages(pool) == 0))
		return ZT_FAIL;
	return ZT_PASS;
}

static enum zt_result zt_compaction_skips_mapped(struct zs_pool *pool)
{
	return zt_two_zspages(pool, 1000, zt_pinned_checks);
}

/* The pages a pool needs for @objs objects of @class, filled in order. */
static unsigned long zt_pages_for(const struct size_class *class,
				  unsigned int objs)
{
	unsigned int rest = objs % class->objs_per_zspage;

	return objs / class->objs_per_zspage * class->pages_per_zspage +
	       DIV_ROUND_UP(rest * class->size, PAGE_SIZE);
}

/*
 * Fewer free slots than a zspage holds, so no zspage can be emptied: two
 * full zspages of a class with at least four pages each, and the odd
 * objects of the first freed.  Compaction gathers the survivors in the
 * first zspage's lowest slots and frees its pages past them, unless one
 * in a page to be freed is mapped; the zspage then grows back as objects
 * come.  The shrinker counts those pages.  Without this, a pool that lost
 * a random half of its objects kept 1.4% more pages after compaction
 * (Documentation/benchmarks.rst, "Compaction frees a zspage's tail").
 */
static bool zt_trim_checks(struct zs_pool *pool, unsigned long *handles,
			   unsigned int objs, size_t size)
{
	struct size_class *class = pool->classes[zs_size_index(size)];
	unsigned int i, pages = class->pages_per_zspage, kept;
	unsigned int top = (objs - 1) & ~1u;
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct zspage *first, *empty;
	unsigned long freed = 0;

	for (i = 0; i < 2 * objs; i++) {
		handles[i] = zsm_malloc(pool, size, GFP_KERNEL);
		if (!ZT_OK(handles[i]))
			return false;
		zt_write(pool, handles[i], size, i);
	}
	first = zs_handle_zspage(zs_handle_of(handles[0]));
	for (i = 1; i < objs; i += 2) {
		zsm_free(pool, handles[i]);
		handles[i] = 0;
	}
	kept = zt_pages_for(class, (objs + 1) / 2);
	zt_diag("%u objects of %zu bytes in %u pages kept in %u",
		(objs + 1) / 2, size, pages, kept);

	if (!ZT_OK(kept < pages && top * class->size / PAGE_SIZE >= kept))
		return false;
	if (!ZT_OK(pool->shrinker->count_objects(pool->shrinker, &sc) ==
		   pages - kept))
		return false;
	zsm_map_object(pool, handles[top], ZS_MM_RO);
	spin_lock(&class->lock);
	empty = zs_class_trim(pool, class, &freed);
	spin_unlock(&class->lock);
	zsm_unmap_object(pool, handles[top]);
	if (!ZT_OK(!empty && !freed && first->populated == pages))
		return false;
	if (!ZT_OK(zt_check(pool, handles[top], size, top)))
		return false;

	if (!ZT_OK(zsm_compact(pool) == pages - kept))
		return false;
	if (!ZT_OK(zsm_get_total_pages(pool) == pages + kept))
		return false;
	if (!ZT_OK(class->growing == first && first->populated == kept))
		return false;
	for (i = 0; i < 2 * objs; i++)
		if (!ZT_OK(!handles[i] || zt_check(pool, handles[i], size, i)))
			return false;
	if (!ZT_OK(zt_pool_consistent(pool) && zsm_compact(pool) == 0))
		return false;

	for (i = 1; i < objs; i += 2) {
		handles[i] = zsm_malloc(pool, size, GFP_KERNEL);
		if (!ZT_OK(handles[i]))
			return false;
		zt_write(pool, handles[i], size, i);
	}
	if (!ZT_OK(zsm_get_total_pages(pool) == 2 * pages))
		return false;
	for (i = 0; i < 2 * objs; i++)
		if (!ZT_OK(zt_check(pool, handles[i], size, i)))
			return false;
	return zt_pool_consistent(pool);
}

/* A size of at least 1 KiB whose zspages have @pages pages or more. */
static size_t zt_size_with_pages(struct zs_pool *pool, unsigned int pages)
{
	size_t size;

	for (size = 1024; size < zsm_huge_class_size(pool);
	     size += ZS_CLASS_STEP)
		if (pool->classes[zs_size_index(size)]->pages_per_zspage >=
		    pages)
			return size;
	return 0;
}

static enum zt_result zt_compaction_trims(struct zs_pool *pool)
{
	size_t size = zt_size_with_pages(pool, 4);

	if (!ZT_OK(size))
		return ZT_FAIL;
	return zt_two_zspages(pool, size, zt_trim_checks);
}

/* Concurrency: one worker per CPU plus a compactor, all on one pool. */

#define ZT_SHARED_OBJECTS 16

struct zt_worker {
	struct zt_table table;
	struct zt_table *shared;	/* read by every worker */
	unsigned int ops;
	bool failed;
	struct completion done;
};

/*
 * Sets up @n workers that read @shared and run @ops operations on tables
 * of their own, seeded from @seed; returns how many are ready (fewer than
 * @n if a table could not be allocated).
 */
static unsigned int zt_workers_init(struct zt_worker *workers, unsigned int n,
				    struct zs_pool *pool,
				    struct zt_table *shared, unsigned int ops,
				    unsigned int seed)
{
	unsigned int ready;

	for (ready = 0; ready < n; ready++) {
		struct zt_worker *w = &workers[ready];

		init_completion(&w->done);
		w->shared = shared;
		w->ops = ops;
		if (zt_table_init(&w->table, pool, 256, seed + ready))
			break;
	}
	return ready;
}

static int zt_worker_fn(void *data)
{
	struct zt_worker *w = data;
	struct zt_table *t = &w->table;
	unsigned int op, i;

	for (op = 0; op < w->ops && !w->failed; op++) {
		i = zt_rand(t, t->nr);
		if (!t->objs[i].handle) {
			w->failed = !zt_table_store(t, i, zt_compressed_size(t),
						    GFP_KERNEL);
		} else {
			w->failed = !zt_check(t->pool, t->objs[i].handle,
					      t->objs[i].size,
					      t->objs[i].seed);
			if (zt_rand(t, 2))
				zt_table_drop(t, i);
		}
		i = zt_rand(t, ZT_SHARED_OBJECTS);
		if (!zt_check(t->pool, w->shared->objs[i].handle,
			      w->shared->objs[i].size,
			      w->shared->objs[i].seed))
			w->failed = true;
		cond_resched();
	}
	if (!zt_table_check(t))
		w->failed = true;
	complete(&w->done);
	return 0;
}

struct zt_compactor {
	struct zs_pool *pool;
	unsigned long runs, freed;
	struct completion done;
};

static int zt_compactor_fn(void *data)
{
	struct zt_compactor *c = data;

	while (!kthread_should_stop()) {
		c->freed += zsm_compact(c->pool);
		c->runs++;
		cond_resched();
	}
	complete(&c->done);
	return 0;
}

static int zt_start_worker(struct zt_worker *w, int cpu, unsigned int id)
{
	struct task_struct *task;

	task = kthread_create(zt_worker_fn, w, "zt_worker/%u", id);
	if (IS_ERR(task))
		return PTR_ERR(task);
	if (cpu < nr_cpu_ids)
		kthread_bind(task, cpu);
	wake_up_process(task);
	return 0;
}

static bool zt_run_workers(struct zs_pool *pool, struct zt_worker *workers,
			   unsigned int nr)
{
	struct zt_compactor compactor = { .pool = pool };
	struct task_struct *compact_task;
	bool ok = true;
	unsigned int i;
	int cpu = -1;

	init_completion(&compactor.done);
	compact_task = kthread_run(zt_compactor_fn, &compactor, "zt_compactor");
	if (IS_ERR(compact_task))
		return false;
	for (i = 0; i < nr; i++) {
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (zt_start_worker(&workers[i], cpu, i)) {
			workers[i].failed = true;
			complete(&workers[i].done);
		}
	}
	for (i = 0; i < nr; i++) {
		wait_for_completion(&workers[i].done);
		ok &= !workers[i].failed;
	}
	kthread_stop(compact_task);
	wait_for_completion(&compactor.done);
	zt_diag("%u CPUs online, %lu compactions freed %lu pages",
		num_online_cpus(), compactor.runs, compactor.freed);
	return ok;
}

static enum zt_result zt_concurrent(struct zs_pool *pool)
{
	struct zt_worker workers[2] = {};
	enum zt_result result = ZT_FAIL;
	struct zt_table shared;
	unsigned int i, ready = 0;

	if (zt_table_init(&shared, pool, ZT_SHARED_OBJECTS, 7))
		return ZT_FAIL;
	for (i = 0; i < ZT_SHARED_OBJECTS; i++)
		if (!zt_table_store(&shared, i, zt_compressed_size(&shared),
				    GFP_KERNEL))
			goto out;
	ready = zt_workers_init(workers, ARRAY_SIZE(workers), pool, &shared,
				6000, 100);
	if (ready < ARRAY_SIZE(workers))
		goto out;
	if (zt_run_workers(pool, workers, ARRAY_SIZE(workers)) &&
	    zt_table_check(&shared))
		result = ZT_PASS;
out:
	for (i = 0; i < ready; i++)
		zt_table_destroy(&workers[i].table);
	zt_table_destroy(&shared);
	if (!ZT_OK(zsm_get_total_pages(pool) == 0))
		return ZT_FAIL;
	return result;
}

/*
 * Page migration, driven the way the kernel's migration core drives it:
 * with a reference on the page and the page locked, isolate, then migrate
 * into a fresh locked page, or put back if that is refused.
 */

/* References on every page of @pool, at most @max of them. */
static unsigned int zt_grab_pages(struct zs_pool *pool, struct page **pages,
				  unsigned int max)
{
	struct size_class *class;
	struct zspage *zspage;
	unsigned int n = 0, group, k;

	for (class = zs_next_class(pool, NULL); class;
	     class = zs_next_class(pool, class)) {
		spin_lock(&class->lock);
		for (group = 0; group < ZS_NR_GROUPS; group++)
			list_for_each_entry(zspage, &class->groups[group], node)
				for (k = 0; k < zspage->populated &&
				     n < max; k++) {
					pages[n] = zspage->pages[k];
					get_page(pages[n++]);
				}
		spin_unlock(&class->lock);
	}
	return n;
}

static void zt_put_pages(struct page **pages, unsigned int n)
{
	while (n)
		put_page(pages[--n]);
}

/*
 * 0 if @src moved, -EAGAIN if refused, -ENOENT if it is no longer ours
 * (its zspage was freed meanwhile).
 */
static int zt_migrate_page(struct page *src)
{
	struct page *dst = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	int err = -ENOENT;

	if (!dst)
		return -ENOMEM;
	lock_page(src);
	if (zram_page_movable_ops(src) != &zs_movable_ops)
		goto out;
	err = -EAGAIN;
	if (!zs_movable_ops.isolate_page(src, 0))
		goto out;
	lock_page(dst);
	err = zs_movable_ops.migrate_page(dst, src, MIGRATE_SYNC);
	if (err)
		zs_movable_ops.putback_page(src);
	unlock_page(dst);
out:
	unlock_page(src);
	put_page(dst);
	return err;
}

static long zt_migrated(struct zs_pool *pool)
{
	return atomic_long_read(&pool->pages_migrated);
}

static bool zt_any_in(struct page **pages, unsigned int n,
		      struct page **in, unsigned int in_n)
{
	unsigned int i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < in_n; k++)
			if (pages[i] == in[k])
				return true;
	return false;
}

/* Every page of a quiet pool moves; handles and contents stay. */
static bool zt_migrate_all_checks(struct zs_pool *pool, struct zt_table *t)
{
	unsigned long nr = zsm_get_total_pages(pool);
	long before = zt_migrated(pool);
	struct page **old, **now;
	unsigned int n, n_now, i, moved = 0;
	bool ok = true;

	old = kvcalloc(2 * nr, sizeof(*old), GFP_KERNEL);
	if (!ZT_OK(old))
		return false;
	now = old + nr;
	n = zt_grab_pages(pool, old, nr);
	ok &= ZT_OK(n == nr);
	for (i = 0; i < n; i++)
		moved += zt_migrate_page(old[i]) == 0;
	ok &= ZT_OK(moved == n);
	ok &= ZT_OK(zt_migrated(pool) - before == n);
	n_now = zt_grab_pages(pool, now, nr);
	ok &= ZT_OK(n_now == nr);
	ok &= ZT_OK(!zt_any_in(old, n, now, n_now));
	zt_put_pages(now, n_now);
	zt_put_pages(old, n);
	kvfree(old);
	ok &= ZT_OK(zsm_get_total_pages(pool) == nr);
	ok &= ZT_OK(zt_table_check(t));
	return ok;
}

/*
 * A page under a mapped object is refused while the object is mapped and
 * moves once it is unmapped.  Mapping forbids sleeping, so both pages are
 * locked and the source isolated first, as the kernel does.
 */
static bool zt_migrate_mapped_checks(struct zs_pool *pool, struct zt_table *t)
{
	long refused = atomic_long_read(&pool->migrations_refused);
	unsigned long handle = t->objs[0].handle;
	struct zs_handle *h = zs_handle_of(handle);
	struct zspage *zspage = zs_handle_zspage(h);
	unsigned long offset = zs_handle_slot(h) * zspage->class->size;
	struct page *src = zspage->pages[offset >> PAGE_SHIFT];
	struct page *dst = alloc_page(GFP_KERNEL);
	bool ok = true;
	int err;

	if (!ZT_OK(dst))
		return false;
	get_page(src);
	lock_page(src);
	lock_page(dst);
	ok &= ZT_OK(zs_movable_ops.isolate_page(src, 0));
	zsm_map_object(pool, handle, ZS_MM_RO);
	err = zs_movable_ops.migrate_page(dst, src, MIGRATE_SYNC);
	zsm_unmap_object(pool, handle);
	ok &= ZT_OK(err == -EAGAIN);
	ok &= ZT_OK(atomic_long_read(&pool->migrations_refused) ==
		    refused + 1);
	if (err)
		ok &= ZT_OK(zs_movable_ops.migrate_page(dst, src,
							MIGRATE_SYNC) == 0);
	unlock_page(dst);
	unlock_page(src);
	put_page(dst);
	put_page(src);
	ok &= ZT_OK(zspage->pages[offset >> PAGE_SHIFT] == dst);
	ok &= ZT_OK(zt_table_check(t));
	return ok;
}

struct zt_migrator {
	struct zs_pool *pool;
	unsigned long passes, moved, refused;
	bool failed;
	struct completion done;
};

/* Migrate every page of the pool, over and over, until stopped. */
static int zt_migrator_fn(void *data)
{
	struct zt_migrator *m = data;
	unsigned int n, i, max = 4096;
	struct page **pages;
	int err;

	pages = kvcalloc(max, sizeof(*pages), GFP_KERNEL);
	m->failed = !pages;
	while (pages && !kthread_should_stop()) {
		n = zt_grab_pages(m->pool, pages, max);
		for (i = 0; i < n; i++) {
			err = zt_migrate_page(pages[i]);
			m->moved += !err;
			m->refused += err == -EAGAIN;
			m->failed |= err == -ENOMEM;
		}
		zt_put_pages(pages, n);
		m->passes++;
		cond_resched();
	}
	kvfree(pages);
	complete(&m->done);
	return 0;
}

static enum zt_result zt_migration(struct zs_pool *pool)
{
	struct zt_migrator migrator = { .pool = pool };
	struct zt_worker workers[2] = {};
	struct task_struct *task;
	enum zt_result result = ZT_FAIL;
	unsigned int i, ready = 0;
	struct zt_table t;

	if (zt_table_init(&t, pool, 1500, 21))
		return ZT_FAIL;
	if (!ZT_OK(zt_fill_and_thin(&t, 1)))
		goto out;
	if (!zt_migrate_all_checks(pool, &t) ||
	    !zt_migrate_mapped_checks(pool, &t))
		goto out;

	ready = zt_workers_init(workers, ARRAY_SIZE(workers), pool, &t, 4000,
				300);
	if (ready < ARRAY_SIZE(workers))
		goto out;
	init_completion(&migrator.done);
	task = kthread_run(zt_migrator_fn, &migrator, "zt_migrator");
	if (IS_ERR(task))
		goto out;
	if (zt_run_workers(pool, workers, ARRAY_SIZE(workers)))
		result = ZT_PASS;
	kthread_stop(task);
	wait_for_completion(&migrator.done);
	zt_diag("%lu migration passes moved %lu pages, %lu refused",
		migrator.passes, migrator.moved, migrator.refused);
	if (!ZT_OK(!migrator.failed) || !ZT_OK(migrator.moved > 0) ||
	    !ZT_OK(zt_table_check(&t)))
		result = ZT_FAIL;
out:
	for (i = 0; i < ready; i++)
		zt_table_destroy(&workers[i].table);
	zt_table_destroy(&t);
	flush_work(&pool->deferred_work);
	if (!ZT_OK(zsm_get_total_pages(pool) == 0))
		return ZT_FAIL;
	return result;
}

/* Destroying a pool that still holds objects must free everything. */
static enum zt_result zt_destroy_frees_all(struct zs_pool *fresh)
{
	struct zt_census before;
	struct zs_pool *pool;
	struct zt_table t;

	zt_take_census(&before);
	pool = zs_create_pool_mapping("zt_destroy", fresh->mapping);
	if (!ZT_OK(pool))
		return ZT_FAIL;
	if (zt_table_init(&t, pool, 2000, 3)) {
		zsm_destroy_pool(pool);
		return ZT_FAIL;
	}
	if (!zt_fill_and_thin(&t, 2))
		zt_diag("could not fill the pool");
	kvfree(t.objs);
	if (!ZT_OK(atomic_long_read(&zt_live[ZS_TRACK_PAGES]) >
		   before.live[ZS_TRACK_PAGES]))
		return ZT_FAIL;
	zsm_destroy_pool(pool);
	if (!ZT_OK(zt_census_unchanged(&before)))
		return ZT_FAIL;
	return ZT_PASS;
}

/*
 * Fail the 1st, 2nd, ... allocation inside zsm_malloc() until one call gets
 * through: each failure must return 0 and leave nothing behind.  A size in
 * a class with multi-page zspages reaches every allocation site.
 */
static enum zt_result zt_alloc_failure(struct zs_pool *pool)
{
	const gfp_t gfp = GFP_NOWAIT | __GFP_NOWARN;
	struct zt_census before, first;
	unsigned int nth, sites = 0;
	unsigned long handle = 0;
	size_t size = 2100;

	if (!ZT_OK(pool->classes[zs_size_index(size)]->pages_per_zspage > 1))
		return ZT_FAIL;
	zt_take_census(&before);
	for (nth = 1; !handle && nth < 64; nth++) {
		atomic_set(&zt_failures, 0);
		atomic_set(&zt_fail_countdown, nth);
		handle = zsm_malloc(pool, size, gfp);
		atomic_set(&zt_fail_countdown, 0);
		if (!atomic_read(&zt_failures))
			break;
		sites++;
		if (!ZT_OK(!handle))
			return ZT_FAIL;
		if (!ZT_OK(zt_census_unchanged(&before)))
			return ZT_FAIL;
		if (!ZT_OK(zt_pool_consistent(pool)))
			return ZT_FAIL;
	}
	zt_diag("%u allocation sites failed cleanly", sites);
	if (!ZT_OK(handle))
		return ZT_FAIL;
	/* The handle, the zspage's first page and its descriptor. */
	if (!ZT_OK(sites == 3))
		return ZT_FAIL;

	/* The next slot reaches into the second page, which can fail too. */
	zt_take_census(&first);
	atomic_set(&zt_failures, 0);
	atomic_set(&zt_fail_countdown, 2);
	if (!ZT_OK(!zsm_malloc(pool, size, gfp)))
		return ZT_FAIL;
	atomic_set(&zt_fail_countdown, 0);
	if (!ZT_OK(atomic_read(&zt_failures) == 1 &&
		   zt_census_unchanged(&first) && zt_pool_consistent(pool)))
		return ZT_FAIL;

	/* A failed handle allocation fails the call too. */
	atomic_set(&zt_fail_countdown, 1);
	if (!ZT_OK(!zsm_malloc(pool, size, gfp)))
		return ZT_FAIL;
	atomic_set(&zt_fail_countdown, 0);
	zt_write(pool, handle, size, 9);
	if (!ZT_OK(zt_check(pool, handle, size, 9)))
		return ZT_FAIL;
	zsm_free(pool, handle);
	if (!ZT_OK(zt_census_unchanged(&before)))
		return ZT_FAIL;
	if (!ZT_OK(zt_pool_consistent(pool)))
		return ZT_FAIL;
	return ZT_PASS;
}

#ifdef CONFIG_FAULT_INJECTION
/* Like zt_alloc_failure(), but through the kernel's own fault injection. */
static enum zt_result zt_kernel_fault_injection(struct zs_pool *pool)
{
	struct zt_census before;
	unsigned long handle;
	unsigned int i;

	if (!fault_inject)
		return ZT_SKIP;
	zt_take_census(&before);
	current->make_it_fail = 1;
	for (i = 0; i < 32; i++) {
		handle = zsm_malloc(pool, 100 + i * 120,
				    GFP_NOWAIT | __GFP_NOWARN);
		if (handle)
			break;
	}
	current->make_it_fail = 0;
	if (!ZT_OK(!handle))
		return ZT_FAIL;
	if (!ZT_OK(zt_census_unchanged(&before)))
		return ZT_FAIL;
	if (!ZT_OK(zt_pool_consistent(pool)))
		return ZT_FAIL;
	handle = zsm_malloc(pool, 100, GFP_KERNEL);
	if (!ZT_OK(handle))
		return ZT_FAIL;
	zsm_free(pool, handle);
	if (!ZT_OK(zsm_get_total_pages(pool) == 0))
		return ZT_FAIL;
	return ZT_PASS;
}
#else
static enum zt_result zt_kernel_fault_injection(struct zs_pool *pool)
{
	return ZT_SKIP;
}
#endif

static enum zt_result zt_bad_sizes(struct zs_pool *pool)
{
	unsigned long handle;

	if (!ZT_OK(!zsm_malloc(pool, 0, GFP_KERNEL)))
		return ZT_FAIL;
	if (!ZT_OK(!zsm_malloc(pool, PAGE_SIZE + 1, GFP_KERNEL)))
		return ZT_FAIL;
	if (!ZT_OK(!zsm_malloc(pool, SIZE_MAX, GFP_KERNEL)))
		return ZT_FAIL;
	zsm_free(pool, 0);
	if (!ZT_OK(zsm_get_total_pages(pool) == 0))
		return ZT_FAIL;
	handle = zsm_malloc(pool, PAGE_SIZE, GFP_KERNEL);
	if (!ZT_OK(handle))
		return ZT_FAIL;
	if (!ZT_OK(zsm_get_total_pages(pool) == 1))
		return ZT_FAIL;
	zt_write(pool, handle, PAGE_SIZE, 1);
	if (!ZT_OK(zt_check(pool, handle, PAGE_SIZE, 1)))
		return ZT_FAIL;
	zsm_free(pool, handle);
	if (!ZT_OK(zt_pool_consistent(pool)))
		return ZT_FAIL;
	if (!ZT_OK(zsm_get_total_pages(pool) == 0))
		return ZT_FAIL;
	return ZT_PASS;
}

static bool zt_shrinker_checks(struct zs_pool *pool, struct zt_table *t)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	unsigned long count, before, freed;

	if (!ZT_OK(zt_fill_and_thin(t, 5)))
		return false;
	count = pool->shrinker->count_objects(pool->shrinker, &sc);
	before = zsm_get_total_pages(pool);
	zt_diag("shrinker sees %lu of %lu pages", count, before);
	if (!ZT_OK(count > 0 && count < before))
		return false;
	sc.nr_to_scan = count;
	freed = pool->shrinker->scan_objects(pool->shrinker, &sc);
	if (!ZT_OK(freed >= count))
		return false;
	if (!ZT_OK(zsm_get_total_pages(pool) == before - freed))
		return false;
	if (!ZT_OK(pool->shrinker->count_objects(pool->shrinker, &sc) == 0))
		return false;
	if (!ZT_OK(pool->shrinker->scan_objects(pool->shrinker, &sc) ==
		   SHRINK_STOP))
		return false;
	return zt_table_check(t);
}

/* The shrinker reports what compaction can free, and frees it. */
static enum zt_result zt_shrinker(struct zs_pool *pool)
{
	struct zt_table t;
	bool ok;

	if (zt_table_init(&t, pool, 3000, 11))
		return ZT_FAIL;
	ok = zt_shrinker_checks(pool, &t);
	zt_table_destroy(&t);
	if (!ZT_OK(ok))
		return ZT_FAIL;
	if (!ZT_OK(zsm_get_total_pages(pool) == 0))
		return ZT_FAIL;
	return ZT_PASS;
}

static enum zt_result zt_huge_class(struct zs_pool *pool)
{
	size_t huge = zsm_huge_class_size(pool);
	unsigned long handles[8];
	struct size_class *class;
	unsigned int i;

	zt_diag("huge class from %zu bytes", huge);
	if (!ZT_OK(huge > PAGE_SIZE / 2 && huge <= PAGE_SIZE))
		return ZT_FAIL;
	class = pool->classes[zs_size_index(huge - 1)];
	if (!ZT_OK(!zs_class_is_huge(class)))
		return ZT_FAIL;
	for (i = 0; i < ARRAY_SIZE(handles); i++) {
		handles[i] = zsm_malloc(pool, huge, GFP_KERNEL);
		if (!ZT_OK(handles[i]))
			return ZT_FAIL;
		if (!ZT_OK(zsm_get_total_pages(pool) == i + 1))
			return ZT_FAIL;
	}
	for (i = 0; i < ARRAY_SIZE(handles); i++)
		zsm_free(pool, handles[i]);
	if (!ZT_OK(zsm_get_total_pages(pool) == 0))
		return ZT_FAIL;
	return ZT_PASS;
}

/*
 * A zspage holds only the pages its objects have reached, the zspage that
 * is still growing gets no page while another has a free slot in the
 * pages it holds, and compaction empties it into such slots.
 */
static enum zt_result zt_pages_as_reached(struct zs_pool *pool)
{
	const size_t size = 2100;
	struct size_class *class = pool->classes[zs_size_index(size)];
	enum zt_result result = ZT_FAIL;
	unsigned long *handles, pages, freed;
	unsigned int i, nr, per_zspage;

	per_zspage = class->objs_per_zspage;
	if (!ZT_OK(class->pages_per_zspage > 2))
		return ZT_FAIL;
	/* Two full zspages and a third with one object in one page. */
	nr = 2 * per_zspage + 1;
	handles = kcalloc(nr, sizeof(*handles), GFP_KERNEL);
	if (!handles)
		return ZT_FAIL;
	for (i = 0; i < nr; i++) {
		handles[i] = zsm_malloc(pool, size, GFP_KERNEL);
		if (!ZT_OK(handles[i] &&
			   zsm_get_total_pages(pool) == zt_pages_for(class, i + 1)))
			goto out;
	}
	pages = zsm_get_total_pages(pool);
	for (i = 1; i < per_zspage; i++) {
		zsm_free(pool, handles[i]);
		handles[i] = 0;
	}
	if (!ZT_OK(zsm_get_total_pages(pool) == pages))
		goto out;
	for (i = 1; i < per_zspage; i++) {
		handles[i] = zsm_malloc(pool, size, GFP_KERNEL);
		if (!ZT_OK(handles[i] && zsm_get_total_pages(pool) == pages))
			goto out;
	}
	/*
	 * Compaction empties the growing zspage into the others' holes, then
	 * frees the first zspage's pages past its two objects.
	 */
	for (i = 1; i < per_zspage; i++) {
		zsm_free(pool, handles[i]);
		handles[i] = 0;
	}
	freed = 1 + class->pages_per_zspage - zt_pages_for(class, 2);
	if (!ZT_OK(zsm_compact(pool) == freed &&
		   zsm_get_total_pages(pool) == pages - freed))
		goto out;
	if (!ZT_OK(class->growing == zs_handle_zspage(zs_handle_of(handles[0]))))
		goto out;
	result = zt_pool_consistent(pool) ? ZT_PASS : ZT_FAIL;
out:
	for (i = 0; i < nr; i++)
		zsm_free(pool, handles[i]);
	kfree(handles);
	if (!ZT_OK(zsm_get_total_pages(pool) == 0))
		result = ZT_FAIL;
	return result;
}

/* Tests that do not depend on the mapping method */

static enum zt_result zt_class_table(struct zs_pool *pool)
{
	unsigned int index, pages, best;
	struct size_class *class, *prev = NULL;
	size_t size;
	bool huge;

	for (index = 0; index < ZS_NR_SIZES; index++) {
		class = pool->classes[index];
		if (!ZT_OK(class->size >= zs_index_size(index)))
			return ZT_FAIL;
		if (!ZT_OK(class->pages_per_zspage >= 1 &&
			   class->pages_per_zspage <= ZS_MAX_PAGES_PER_ZSPAGE))
			return ZT_FAIL;
		if (!ZT_OK(class->objs_per_zspage ==
			   class->pages_per_zspage * PAGE_SIZE / class->size))
			return ZT_FAIL;
		/* A handle has room for every slot. */
		if (!ZT_OK(class->objs_per_zspage <= ZS_MAX_OBJS_PER_ZSPAGE))
			return ZT_FAIL;
		/* Neighbouring classes differ, or they would be one. */
		if (prev && prev != class)
			if (!ZT_OK(prev->pages_per_zspage !=
				   class->pages_per_zspage ||
				   prev->objs_per_zspage !=
				   class->objs_per_zspage))
				return ZT_FAIL;
		huge = zs_size_stored_whole(class->size);
		if (!ZT_OK(zs_class_is_huge(class) == huge))
			return ZT_FAIL;
		best = 0;
		for (pages = 1; !huge && pages <= ZS_MAX_PAGES_PER_ZSPAGE &&
		     pages * PAGE_SIZE / class->size <= ZS_MAX_OBJS_PER_ZSPAGE;
		     pages++)
			best = max(best, zs_fill_permille(class->size, pages));
		if (!ZT_OK(zs_fill_permille(class->size,
					    class->pages_per_zspage) +
			   ZS_FILL_SLACK_PERCENT * 10 >= best))
			return ZT_FAIL;
		prev = class;
	}
	for (size = 1; size <= PAGE_SIZE; size++) {
		class = pool->classes[zs_size_index(size)];
		if (!ZT_OK(class->size >= size))
			return ZT_FAIL;
		huge = size >= zsm_huge_class_size(pool);
		if (!ZT_OK(zs_class_is_huge(class) == huge))
			return ZT_FAIL;
	}
	return ZT_PASS;
}

/*
 * What the geometry costs a fresh fill: an object of each step size from
 * 96 bytes (below, a handle's slot limits the zspage) to the huge class,
 * each charged its share of its zspage, must need at most 1.5% more than
 * its size on average and 5.5% at worst (zspages of up to 8 pages within
 * 4 points of the best fill: 2.4% and 10.2%; up to 12 within 2: 1.2% and
 * 5.0%).
 */
static enum zt_result zt_class_fill(struct zs_pool *pool)
{
	unsigned long sizes = 0, charged = 0, worst = 0, cost;
	size_t size, huge = zsm_huge_class_size(pool);
	struct size_class *class;

	for (size = 96; size < huge; size += ZS_CLASS_STEP) {
		class = pool->classes[zs_size_index(size)];
		cost = class->pages_per_zspage * PAGE_SIZE * 1000 /
		       class->objs_per_zspage / size;
		worst = max(worst, cost);
		charged += cost;
		sizes++;
	}
	zt_diag("slot cost per mille of the size: %lu on average, %lu at worst",
		charged / sizes, worst);
	if (!ZT_OK(charged <= 1015 * sizes && worst <= 1055))
		return ZT_FAIL;
	return ZT_PASS;
}

static bool zt_pti_on(void)
{
#ifdef CONFIG_X86
	return boot_cpu_has(X86_FEATURE_PTI);
#else
	return false;
#endif
}

/*
 * zsmalloc_mapping set to @name: it must read back as @expect, the mapping
 * pools really get, and a pool created with the default must get that.
 * @buf is a page, as parameter getters write into a sysfs page.
 */
static bool zt_mapping_param_gives(const char *name, enum zs_mapping expect,
				   char *buf)
{
	struct zs_pool *pool;
	bool ok;

	if (zs_mapping_param_set(name, NULL))
		return false;
	ok = zs_mapping_param_get(buf, NULL) > 0 &&
	     !strcmp(strim(buf), zsm_mapping_name(expect));
	zt_diag("zsmalloc_mapping=%s reads back as %s", name, buf);
	pool = zsm_create_pool("zt_default");
	if (!pool)
		return false;
	ok = ok && zsm_pool_mapping(pool) == expect;
	zsm_destroy_pool(pool);
	return ok;
}

static enum zt_result zt_mapping_reporting(struct zs_pool *unused)
{
	enum zs_mapping saved = zs_default_mapping, expect;
	struct zs_pool *pool;
	bool param_ok;
	char *buf;

	/* Page-table mapping only on x86, and not under page table isolation. */
	expect = ZS_MAPPING_PGTABLE;
	if (!ZS_HAVE_PGTABLE_MAPPING || zt_pti_on())
		expect = ZS_MAPPING_COPY;

	buf = (char *)get_zeroed_page(GFP_KERNEL);
	if (!ZT_OK(buf))
		return ZT_FAIL;
	param_ok = zt_mapping_param_gives("copy", ZS_MAPPING_COPY, buf);
	if (ZS_HAVE_PGTABLE_MAPPING)
		param_ok = param_ok &&
			   zt_mapping_param_gives("pgtable", expect, buf);
	else
		param_ok = param_ok &&
			   zs_mapping_param_set("pgtable", NULL) == -EINVAL;
	param_ok = param_ok && zs_mapping_param_set("bogus", NULL) == -EINVAL;
	zs_default_mapping = saved;
	free_page((unsigned long)buf);
	if (!ZT_OK(param_ok))
		return ZT_FAIL;

	pool = zs_create_pool_mapping("zt_pgtable", ZS_MAPPING_PGTABLE);
	if (!ZT_OK(pool))
		return ZT_FAIL;
	param_ok = zsm_pool_mapping(pool) == expect &&
		   !pool->mapping_fallback == (expect == ZS_MAPPING_PGTABLE);
	zsm_destroy_pool(pool);
	if (!ZT_OK(param_ok))
		return ZT_FAIL;

	if (!ZT_OK(!strcmp(zsm_mapping_name(ZS_MAPPING_COPY), "copy")))
		return ZT_FAIL;
	if (!ZT_OK(!strcmp(zsm_mapping_name(ZS_MAPPING_PGTABLE), "pgtable")))
		return ZT_FAIL;
	return ZT_PASS;
}

/*
 * A handle costs one word of slab, and the word holds every location the
 * pool can hand out: the last slot of any zspage, whose descriptor is
 * aligned as the packing needs.  The pin bit leaves the location alone.
 */
static enum zt_result zt_handle_word(struct zs_pool *pool)
{
	unsigned int last = ZS_MAX_OBJS_PER_ZSPAGE - 1;
	struct zs_handle packed;
	struct zspage *zspage;
	unsigned long handle;
	bool ok, pinned_twice = false;

	if (!ZT_OK(kmem_cache_size(pool->handle_cache) == sizeof(long)))
		return ZT_FAIL;
	handle = zsm_malloc(pool, 100, GFP_KERNEL);
	if (!ZT_OK(handle))
		return ZT_FAIL;
	zspage = zs_handle_zspage(zs_handle_of(handle));
	packed.word = zs_location(zspage, last);
	ok = ZT_OK(IS_ALIGNED((unsigned long)zspage, ZS_ZSPAGE_ALIGN));
	ok &= ZT_OK(zs_handle_zspage(&packed) == zspage);
	ok &= ZT_OK(zs_handle_slot(&packed) == last);
	zs_pin(&packed);
	ok &= ZT_OK(zs_handle_zspage(&packed) == zspage &&
		    zs_handle_slot(&packed) == last);
	if (zs_trypin(&packed)) {
		zs_unpin(&packed);
		pinned_twice = true;
	}
	zs_unpin(&packed);
	ok &= ZT_OK(!pinned_twice);
	ok &= ZT_OK(packed.word == zs_location(zspage, last));
	zsm_free(pool, handle);
	return ok ? ZT_PASS : ZT_FAIL;
}

/* Running the tests */

struct zt_case {
	const char *name;
	enum zt_result (*run)(struct zs_pool *pool);
	bool per_mapping;
};

static const struct zt_case zt_cases[] = {
	{ "class_table", zt_class_table, false },
	{ "class_fill", zt_class_fill, false },
	{ "mapping_reporting", zt_mapping_reporting, false },
	{ "handle_word", zt_handle_word, false },
	{ "class_sizes", zt_class_sizes, true },
	{ "bad_sizes", zt_bad_sizes, true },
	{ "huge_class", zt_huge_class, true },
	{ "pages_as_reached", zt_pages_as_reached, true },
	{ "random_workload", zt_random_workload, true },
	{ "compaction", zt_compaction, true },
	{ "compaction_skips_mapped", zt_compaction_skips_mapped, true },
	{ "compaction_trims", zt_compaction_trims, true },
	{ "shrinker", zt_shrinker, true },
	{ "concurrent", zt_concurrent, true },
	{ "migration", zt_migration, true },
	{ "destroy_frees_all", zt_destroy_frees_all, true },
	{ "alloc_failure", zt_alloc_failure, true },
	{ "kernel_fault_injection", zt_kernel_fault_injection, true },
};

static const enum zs_mapping zt_mappings[] = {
	ZS_MAPPING_COPY, ZS_MAPPING_PGTABLE,
};

static unsigned int zt_number;

static void zt_report(const char *prefix, const char *name,
		      enum zt_result result)
{
	zt_number++;
	if (result == ZT_SKIP)
		pr_info("ok %u - %s%s # SKIP not available here\n", zt_number,
			prefix, name);
	else
		pr_info("%s %u - %s%s\n", result == ZT_PASS ? "ok" : "not ok",
			zt_number, prefix, name);
}

/* Each test gets a fresh pool, which must come back empty and leak-free. */
static enum zt_result zt_run_case(const struct zt_case *tc,
				  enum zs_mapping mapping)
{
	struct zt_census before;
	enum zt_result result;
	struct zs_pool *pool;

	zt_take_census(&before);
	pool = zs_create_pool_mapping(tc->name, mapping);
	if (!pool)
		return ZT_FAIL;
	result = tc->run(pool);
	if (result != ZT_FAIL && !zt_pool_consistent(pool))
		result = ZT_FAIL;
	zsm_destroy_pool(pool);
	if (!zt_census_unchanged(&before))
		result = ZT_FAIL;
	return result;
}

static unsigned int zt_count_cases(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(zt_cases); i++)
		n += zt_cases[i].per_mapping ? ARRAY_SIZE(zt_mappings) : 1;
	return n;
}

static void zt_run_all(void)
{
	unsigned int i, m;
	char prefix[16];

	pr_info("KTAP version 1\n");
	pr_info("1..%u\n", zt_count_cases());
	for (i = 0; i < ARRAY_SIZE(zt_cases); i++) {
		const struct zt_case *tc = &zt_cases[i];

		if (!tc->per_mapping) {
			zt_report("", tc->name,
				  zt_run_case(tc, zs_default_mapping));
			continue;
		}
		for (m = 0; m < ARRAY_SIZE(zt_mappings); m++) {
			snprintf(prefix, sizeof(prefix), "%s_",
				 zsm_mapping_name(zt_mappings[m]));
			zt_report(prefix, tc->name,
				  zt_run_case(tc, zt_mappings[m]));
		}
	}
}

static struct zs_pool *zt_inspect_pool;
static unsigned long zt_inspect_handles[64];

static int __init zsmalloc_test_init(void)
{
	unsigned int i;

	zt_run_all();

	zt_inspect_pool = zsm_create_pool("inspect");
	if (!zt_inspect_pool)
		return 0;
	for (i = 0; i < ARRAY_SIZE(zt_inspect_handles); i++)
		zt_inspect_handles[i] = zsm_malloc(zt_inspect_pool, 700,
						   GFP_KERNEL);
	return 0;
}

static void __exit zsmalloc_test_exit(void)
{
	zsm_destroy_pool(zt_inspect_pool);
}

module_init(zsmalloc_test_init);
module_exit(zsmalloc_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("zsmalloc self-test, results in KTAP in the kernel log");
