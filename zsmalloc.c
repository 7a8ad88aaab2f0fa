// SPDX-License-Identifier: GPL-2.0
/*
 * zsmalloc: an allocator that packs compressed pages densely.
 *
 * What it is for
 * --------------
 * zram compresses every 4 KiB page it is given and needs somewhere to keep
 * the result, which may be anything from a few bytes to a whole page.
 * kmalloc() would round each object up to a power of two and waste up to
 * half of it; vmalloc() would waste most of a page.  This allocator instead
 * cuts runs of ordinary pages into equal slots of almost exactly the right
 * size, lets a slot straddle the boundary between two pages, and hands out
 * an opaque handle instead of an address so that objects can be moved later
 * to give whole pages back.
 *
 * Size classes
 * ------------
 * Sizes from ZS_MIN_ALLOC_SIZE (32 bytes) to PAGE_SIZE are rounded up to a
 * multiple of ZS_CLASS_STEP (16 bytes with 4 KiB pages), giving 255 sizes.
 * Every size gets a geometry: how many pages its zspages have (1 to
 * ZS_MAX_PAGES_PER_ZSPAGE) and how many objects fit in them.  Among the
 * candidates we take the fewest pages whose fill is within
 * ZS_FILL_SLACK_PERCENT of the best fill.  A zspage gets its pages only as
 * its objects reach them (below), so whatever its geometry, a class's one
 * partly used zspage holds less than a page that no object uses, and
 * compaction leaves it so (see "Compaction").  What a tighter slack costs
 * is more classes, each with its partly used page.  Zspages of up to 12
 * pages within 2 points of the best fill hold zram's benchmark corpus in
 * 0.6-0.7% fewer pages than 8 within 4, and a pool that lost a random
 * half of its objects, then was compacted, in 0.7% fewer
 * (Documentation/benchmarks.rst, "Zspages of up to 12 pages" and
 * "Compaction frees a zspage's tail").
 * Candidates stop at ZS_MAX_OBJS_PER_ZSPAGE objects, the most a handle
 * can address; only sizes under 96 bytes meet that limit, and they take
 * one page anyway.  Adjacent sizes that end up with the same geometry
 * share one struct size_class, whose slot size is the largest of them:
 * there is no point in keeping two classes that would lay out their
 * zspages identically.  Sizes above PAGE_SIZE * 8 / 9 bytes, which eight
 * pages hold no more of than one, get one object per single-page zspage
 * (see ZS_HUGE_PAGES) and form the "huge" class; zsm_huge_class_size()
 * tells the caller where that begins, because storing such an object
 * compressed saves little.
 *
 * Zspages and slots
 * -----------------
 * A zspage is a group of order-0 pages (never a higher-order allocation, so
 * it can always be found under fragmentation) treated as one byte array
 * that is divided into objs_per_zspage slots of the class size.  Slot i
 * starts at byte i * size; a slot may begin near the end of one page and
 * continue in the next, but never touches three pages because no object is
 * bigger than a page.
 *
 * A zspage gets its pages as its slots reach them, not all at creation.
 * Slots are handed out in order until each has been used once (a freed
 * slot goes to the front of the free list, ahead of those never used), so
 * the pages in use are always the first ones, and a slot needs at most one
 * page more than the slot before it.  A class then holds no page that no
 * object has reached, where its newest zspage used to hold them all: 79
 * pages fewer, 1.1%, for zram's 64 MiB benchmark corpus with lzo and
 * zspages of up to 8 pages (Documentation/benchmarks.rst, "Pages as slots
 * reach them").
 *
 * Everything the allocator knows about a zspage lives in one kmalloc()
 * allocation sized for its class: a struct zspage (how many slots are
 * used, its list, its locks), then its pages, then one word per slot.  A
 * used slot's word points back to the handle of the object in it; a free
 * slot's word holds the index of the next free slot, tagged with the low bit
 * (handles are aligned, so the low bit of a real pointer is clear).
 *
 * The pages carry only what page migration needs (see "Page migration"
 * below): page->mapping holds our movable_operations, tagged
 * PAGE_MAPPING_MOVABLE by __SetPageMovable(), and page->private the zspage.
 * We set no page flag and use no other field.  Code elsewhere in the
 * kernel that walks the memory map (compaction, memory failure,
 * page_owner, crash dump tools...) reads a mapping with the movable tag as
 * "non-LRU page owned by a driver", never as a page-cache mapping or an
 * anon_vma, and leaves page->private of such pages to their owner, so it
 * cannot misread our bookkeeping.  The pages are allocated with
 * __GFP_MOVABLE: they can be moved, so they do not pin pageblocks.
 *
 * Handles
 * -------
 * A handle is the address of one word from a per-pool kmem_cache.  The
 * word records where the object is now, its zspage and slot, and holds the
 * bit spinlock that pins the object there.  Compaction moves an object by
 * copying it and rewriting the word, so the value the caller holds stays
 * valid: one level of indirection buys movability.  The class is the
 * zspage's.  Eight bytes of slab per object are the whole price.  A
 * descriptor's address is a multiple of 8, as kmalloc() guarantees, which
 * leaves 3 low bits free; the pin bit and a slot (zspages are capped at
 * ZS_MAX_OBJS_PER_ZSPAGE objects) take 10, so the address is shifted up
 * by 7 bits.  Those 7 top bits are copies of the sign bit in every kernel
 * address of the 64-bit architectures we build for (x86-64 with 4- or
 * 5-level paging, arm64 and riscv without pointer tags), and an arithmetic
 * shift brings them back.  zspage_create() checks each descriptor and
 * fails the allocation where that would not hold.
 *
 * Fullness groups
 * ---------------
 * A class keeps its zspages on ZS_NR_GROUPS lists: ZS_PARTIAL_GROUPS lists
 * for partly used zspages, bucketed by the fraction of slots in use, and one
 * list for full ones.  Allocation takes a slot from the fullest partial
 * zspage whose next slot has its page (the zspage that is still growing
 * gets a page only when no other has room), so that sparse zspages are
 * left to drain; compaction does the opposite and empties the sparsest
 * zspage into the fullest ones, into slots whose pages are there.  A zspage
 * whose last object is freed is released at once.
 *
 * Mapping
 * -------
 * Objects are reached through zsm_map_object()/zsm_unmap_object() and only in
 * between.  An object that lies inside one page is simply mapped with
 * kmap_local_page().  For one that spans two pages there are two methods,
 * chosen per pool when it is created (see the zsmalloc_mapping module
 * parameter and CONFIG_ZSMALLOC_PGTABLE_MAPPING):
 *
 *  - copy: the object is copied into a per-CPU bounce buffer on map (unless
 *    the caller only writes) and copied back on unmap (unless the caller
 *    only reads);
 *  - pgtable: each CPU owns a two-page window of kernel virtual address
 *    space; map points its two PTEs at the object's pages, unmap clears
 *    them and invalidates this CPU's TLB entries for the window.  Only x86
 *    has the exported pieces this needs (lookup_address() to find the
 *    PTEs), elsewhere pools fall back to copying.  They do so on x86 too
 *    when page table isolation is on (see zs_pgtable_unsafe_reason()).
 *
 * Either way the per-CPU area is held from map to unmap with preemption
 * disabled, so a caller must not sleep while an object is mapped and may
 * map only one object of a pool at a time on a CPU.
 *
 * Page migration
 * --------------
 * The kernel's compaction (and memory offlining, CMA...) isolates a page,
 * then asks us to migrate it to a new page or to put it back.  Migration
 * copies the page and swaps it into zspage->pages[]: objects are found by
 * (zspage, slot), so every object in the page moves at once, including one
 * that spans into the neighbouring page, and no handle changes.  It holds
 * the class lock and only trylocks zspage->migrate_lock for writing; a
 * mapper holds that for reading, so a page under a mapped object is
 * refused (-EAGAIN) and the kernel retries or gives up.
 *
 * A zspage that is being freed is marked dying under the class lock, after
 * which its pages[] never changes; each page is then locked and detached
 * (__ClearPageMovable()) before it is freed, so no callback ever sees a
 * dead zspage.  zsm_free() may be atomic and only trylocks; pages the
 * kernel holds locked right then are left to a worker that can wait.
 * Pool destruction waits for every page and for the worker, so once it
 * returns no page points at our callbacks and the module may go, even if
 * the kernel still holds one of our former pages isolated.
 *
 * Compaction
 * ----------
 * Freed slots scatter over many zspages.  When a class has at least a whole
 * zspage worth of free slots in the pages it holds, zsm_compact()
 * repeatedly takes its sparsest zspage off the lists, moves each object
 * into the fullest zspage that has a slot with its page, and frees the
 * pages once it is empty.  It never allocates a page, and it empties the
 * zspage that is still growing last, when the others have room for its
 * objects.  That leaves fewer free slots than a zspage holds, spread over
 * the class, so last it gathers them in one zspage (zs_class_trim()): the
 * growing one if there is one, else the sparsest.  Its objects, from the
 * top slot down, move into the other zspages' free slots while there are
 * any, then into its own lowest free slots, and its pages past them are
 * freed; it is the growing zspage from then on.  So once compacted a
 * class holds less than a page of free slots.  It runs when asked (zram's
 * compact attribute) and from a shrinker under memory pressure, which
 * counts the pages it would free: all but those the class's objects need,
 * packed.  An object that is mapped at that moment is skipped and its
 * zspage stays; a page the kernel's migration holds keeps the last step
 * from freeing its zspage's pages.
 *
 * Locking
 * -------
 *  - class->lock (spinlock) protects a class's lists and counters, every
 *    zspage of the class (slot words, inuse, group) and the location fields
 *    of every handle in the class.  zsm_malloc(), zsm_free() and compaction
 *    take it; mapping does not, so mapping never contends on a shared lock.
 *  - the pin bit of a handle's word (a bit spinlock) pins one object where
 *    it is.  zsm_map_object() takes it and zsm_unmap_object() drops it;
 *    zsm_free() holds it to find the object's class, then takes the class
 *    lock inside it; compaction only ever tries it with class->lock held
 *    and skips the object when it is busy.  So a mapper or zsm_free() (pin,
 *    then class lock) and compaction (class lock, then trylock) never wait
 *    for each other in a cycle.  Lockdep does not see the pin bit.
 *  - zspage->migrate_lock (rwlock): a mapper takes it for reading inside
 *    the pin bit; page migration holds class->lock and only trylocks it
 *    for writing, so it never waits for a mapper, and a mapper that
 *    allocates or frees while mapped (class->lock inside) cannot deadlock.
 *  - the page lock: the kernel holds it around our migration callbacks;
 *    we take it (trylock, or sleeping only in the free worker and at pool
 *    destruction, with no spinlock held) to detach a page before freeing.
 *  - the per-CPU map area's local_lock nests inside the pin bit and
 *    migrate_lock.
 *  - zs_debugfs_mutex only serialises creation and removal of debugfs
 *    directories at pool create/destroy time.
 * Nothing here sleeps with a spinlock held and mapping never sleeps.
 * Compaction drops class->lock between zspages and reschedules there.
 */

/* Modules that include this file may have their own prefix. */
#ifndef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#endif

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/local_lock.h>
#include <linux/migrate.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/zsmalloc.h>

#include "zram_compat.h"

#ifdef CONFIG_X86
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#define ZS_HAVE_PGTABLE_MAPPING 1
#else
#define ZS_HAVE_PGTABLE_MAPPING 0
#endif

#define ZS_MIN_ALLOC_SIZE	32
#define ZS_MAX_ALLOC_SIZE	PAGE_SIZE
#define ZS_CLASS_STEP		(PAGE_SIZE >> 8)
#define ZS_NR_SIZES \
	((ZS_MAX_ALLOC_SIZE - ZS_MIN_ALLOC_SIZE) / ZS_CLASS_STEP + 1)

#define ZS_MAX_PAGES_PER_ZSPAGE	12
#define ZS_FILL_SLACK_PERCENT	2
/*
 * Sizes that ZS_HUGE_PAGES pages hold no more of than one page does get a
 * page each: 12-page zspages would fit 13 objects of 3633-3776 bytes, but
 * that saves under a ninth of a page per object, and zram reads a page
 * kept whole by copying it where it would otherwise decompress 3.7 KiB
 * (Documentation/benchmarks.rst, "Zspages of up to 12 pages").
 */
#define ZS_HUGE_PAGES		8

#define ZS_PARTIAL_GROUPS	8
#define ZS_GROUP_FULL		ZS_PARTIAL_GROUPS
#define ZS_NR_GROUPS		(ZS_PARTIAL_GROUPS + 1)

/* Low bit of a slot word: the slot is free and the rest links the next. */
#define ZS_SLOT_FREE		1UL

/*
 * Layout of a handle's word (see "Handles" above): bit 0 pins the object,
 * the next ZS_SLOT_BITS hold its slot and the rest the address of its
 * zspage's descriptor, shifted up by ZS_LOCATION_SHIFT.  Descriptors come
 * from kmalloc(), aligned to at least ZS_ZSPAGE_ALIGN, so the shift loses
 * no bit at the bottom; it may lose at most 7 at the top, the copies of
 * the sign bit that x86-64 kernel addresses have with 5-level paging.
 */
#define ZS_HANDLE_PIN_BIT	0
#define ZS_SLOT_SHIFT		1
#define ZS_SLOT_BITS		9
#define ZS_MAX_OBJS_PER_ZSPAGE	BIT(ZS_SLOT_BITS)
#define ZS_LOCATION_LOW_BITS	(ZS_SLOT_SHIFT + ZS_SLOT_BITS)
#define ZS_ZSPAGE_ALIGN_SHIFT	3
#define ZS_ZSPAGE_ALIGN		BIT(ZS_ZSPAGE_ALIGN_SHIFT)
#define ZS_LOCATION_SHIFT	(ZS_LOCATION_LOW_BITS - ZS_ZSPAGE_ALIGN_SHIFT)

/*
 * A handle: where one object lives.  The location changes only while
 * compaction holds both the class lock and the pin bit; a mapper and
 * zsm_free() read it with the pin bit held.
 */
struct zs_handle {
	unsigned long word;		/* pin bit, slot and zspage */
};

/*
 * Descriptor of one zspage, allocated with its page pointers and, after
 * them, its slot words (see zs_slots()), sized for the class: one
 * allocation per zspage, and small zspages do not pay for the largest
 * geometry.  @class is fixed at creation.  The entries of @pages change
 * only when a page is migrated, under the class lock with @migrate_lock
 * held for writing; mappers read them under @migrate_lock held for
 * reading, the class lock's holders under that.  Only the first
 * @populated entries are pages; the class lock's holders add one at the
 * end when the slot at @free_head needs it (see zspage_needs_page()).
 * @dying is set under the class lock once the zspage is off the lists for
 * good, and from then on @pages no longer changes.  Everything else is
 * protected by the class lock.
 */
struct zspage {
	struct list_head node;		/* on class->groups or pool->deferred */
	struct size_class *class;
	rwlock_t migrate_lock;		/* read: objects mapped; write: migrating */
	bool dying;
	u8 group:4;			/* index of the list we are on */
	u8 populated:4;			/* pages allocated, from the first */
	u16 inuse;			/* used slots */
	u16 free_head;			/* first free slot, objs_per_zspage if none */
	u16 backed;			/* slots that lie wholly in @pages */
	struct page *pages[];		/* pages_per_zspage pages, then the slots */
};

/*
 * One size class: its geometry (fixed at pool creation) and its zspages.
 * @lock protects the lists, the counters and the zspages on the lists.
 * At most one zspage of a class has fewer pages than pages_per_zspage,
 * @growing: a zspage is created only when no other has a free slot, and
 * it is partly used, so no other is created until it is full; compaction
 * frees pages of a zspage that keeps its objects only if it is @growing
 * or there is none (zs_class_trim()).
 */
struct size_class {
	spinlock_t lock;		/* see the comment above */
	struct list_head groups[ZS_NR_GROUPS];
	unsigned long group_count[ZS_NR_GROUPS];
	unsigned long zspages;
	unsigned long objs_inuse;
	struct zspage *growing;		/* the one still short of pages, if any */
	unsigned int size;
	unsigned int objs_per_zspage;
	unsigned int pages_per_zspage;
	unsigned int index;		/* in pool->classes[] of @size */
	struct zs_pool *pool;
};

/*
 * Per-CPU state for mapping one object.  @lock is held from map to unmap;
 * the rest describes the mapping in progress and the CPU's bounce buffer
 * or virtual window, set up once at pool creation.
 */
struct zs_map_area {
	local_lock_t lock;
	enum zs_mapmode mm;
	void *kaddr;			/* kmap_local address of an in-page object */
	char *bounce;			/* copy mode: PAGE_SIZE buffer */
#if ZS_HAVE_PGTABLE_MAPPING
	char *window;			/* pgtable mode: two pages of address space */
	pte_t *ptes[2];
	pgprot_t prot;
	struct page *placeholder;	/* backs the window while it is idle */
#endif
};

/*
 * A pool.  @classes maps every size index to its (possibly shared) class;
 * the classes and the caches are fixed from creation to destruction.
 * @pages and @stats are atomics; the rest never changes after creation.
 */
struct zs_pool {
	char *name;
	enum zs_mapping mapping;
	size_t huge_class_size;
	struct size_class *classes[ZS_NR_SIZES];
	struct kmem_cache *handle_cache;
	const char *mapping_fallback;	/* why not the mapping asked for */
	struct zs_map_area __percpu *areas;
	atomic_long_t pages;
	struct zsm_pool_stats stats;
	atomic_long_t pages_migrated;
	atomic_long_t migrations_refused;
	spinlock_t deferred_lock;	/* protects @deferred */
	struct list_head deferred;	/* dying zspages whose pages were busy */
	struct work_struct deferred_work;
	struct shrinker *shrinker;
	bool debugfs_added;
	struct dentry *debugfs_dir;
};

/*
 * Test hooks.  Only the self-test module, which includes this file, defines
 * ZSMALLOC_TEST_HOOKS; it then supplies these functions to fail allocations
 * on demand and to count what is alive.
 */
enum zs_tracked {
	ZS_TRACK_PAGES,
	ZS_TRACK_ZSPAGES,
	ZS_TRACK_HANDLES,
	ZS_NR_TRACKED,
};

#ifdef ZSMALLOC_TEST_HOOKS
static bool zs_test_fail_alloc(void);
static void zs_test_track(enum zs_tracked what, long delta);
#else
static inline bool zs_test_fail_alloc(void)
{
	return false;
}

static inline void zs_test_track(enum zs_tracked what, long delta)
{
}
#endif

/* Module parameter: the mapping method new pools get. */

static const char * const zs_mapping_names[] = {
	[ZS_MAPPING_COPY] = "copy",
	[ZS_MAPPING_PGTABLE] = "pgtable",
};

static enum zs_mapping zs_default_mapping =
	(IS_ENABLED(CONFIG_ZSMALLOC_PGTABLE_MAPPING) && ZS_HAVE_PGTABLE_MAPPING) ?
	ZS_MAPPING_PGTABLE : ZS_MAPPING_COPY;

const char *zsm_mapping_name(enum zs_mapping mapping)
{
	if (mapping >= ARRAY_SIZE(zs_mapping_names))
		return "unknown";
	return zs_mapping_names[mapping];
}

#if ZS_HAVE_PGTABLE_MAPPING
/*
 * Why page-table mapping would be wrong on this machine, or NULL.  Under
 * page table isolation kernel PTEs are not global: a translation of the
 * window is cached under the address space (PCID) it was made in.  A CPU
 * can change address space between map and unmap (a lazy-TLB kernel
 * thread that gets a TLB flush IPI moves to init_mm), and unmap then
 * invalidates the window in the new PCID only; the old translation
 * survives until that address space runs again, and reads the wrong page.
 * Invalidating every PCID takes flush_tlb_kernel_range() or flush_tlb_all(),
 * which modules cannot call.  Without isolation the PTEs are global and a
 * single invlpg drops them from every PCID.
 */
static const char *zs_pgtable_unsafe_reason(void)
{
	if (boot_cpu_has(X86_FEATURE_PTI))
		return "unsafe with page table isolation (PTI)";
	return NULL;
}
#else
static const char *zs_pgtable_unsafe_reason(void)
{
	return "needs x86";
}
#endif

/* The mapping a pool that asks for @mapping gets on this machine. */
static enum zs_mapping zs_mapping_in_use(enum zs_mapping mapping)
{
	if (mapping == ZS_MAPPING_PGTABLE && zs_pgtable_unsafe_reason())
		return ZS_MAPPING_COPY;
	return mapping;
}

static void zs_report_fallback(void)
{
	pr_notice_once("zsmalloc: pgtable mapping %s; pools copy instead\n",
		       zs_pgtable_unsafe_reason());
}

static int zs_mapping_param_set(const char *val, const struct kernel_param *kp)
{
	int mapping = sysfs_match_string(zs_mapping_names, val);

	if (mapping < 0)
		return -EINVAL;
	if (mapping == ZS_MAPPING_PGTABLE && !ZS_HAVE_PGTABLE_MAPPING)
		return -EINVAL;
	zs_default_mapping = mapping;
	if (zs_mapping_in_use(mapping) != mapping)
		zs_report_fallback();
	return 0;
}

/* Reports the mapping new pools really get, not the one asked for. */
static int zs_mapping_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  zsm_mapping_name(zs_mapping_in_use(zs_default_mapping)));
}

static const struct kernel_param_ops zs_mapping_param_ops = {
	.set = zs_mapping_param_set,
	.get = zs_mapping_param_get,
};

module_param_cb(zsmalloc_mapping, &zs_mapping_param_ops, NULL, 0444);
MODULE_PARM_DESC(zsmalloc_mapping,
		 "How pools map objects that span two pages: copy or pgtable");

/* Size classes */

static unsigned int zs_size_index(size_t size)
{
	if (size <= ZS_MIN_ALLOC_SIZE)
		return 0;
	return DIV_ROUND_UP(size - ZS_MIN_ALLOC_SIZE, ZS_CLASS_STEP);
}

static unsigned int zs_index_size(unsigned int index)
{
	return ZS_MIN_ALLOC_SIZE + index * ZS_CLASS_STEP;
}

/* Bytes used by @size objects in a zspage of @pages pages, per mille. */
static unsigned int zs_fill_permille(unsigned int size, unsigned int pages)
{
	unsigned long bytes = pages * PAGE_SIZE;

	return (bytes / size) * size * 1000 / bytes;
}

/* Objects of @size get a page each: see ZS_HUGE_PAGES. */
static bool zs_size_stored_whole(unsigned int size)
{
	return ZS_HUGE_PAGES * PAGE_SIZE / size <= ZS_HUGE_PAGES;
}

/*
 * The most pages a zspage of @size objects may have: what a handle's slot
 * can address, and one for the sizes stored whole.
 */
static unsigned int zs_max_pages_per_zspage(unsigned int size)
{
	if (zs_size_stored_whole(size))
		return 1;
	return min_t(unsigned int, ZS_MAX_PAGES_PER_ZSPAGE,
		     ZS_MAX_OBJS_PER_ZSPAGE * size / PAGE_SIZE);
}

static unsigned int zs_pick_pages_per_zspage(unsigned int size)
{
	unsigned int best = 0, pages, most = zs_max_pages_per_zspage(size);

	for (pages = 1; pages <= most; pages++)
		best = max(best, zs_fill_permille(size, pages));

	for (pages = 1; pages < most; pages++)
		if (zs_fill_permille(size, pages) + ZS_FILL_SLACK_PERCENT * 10 >=
		    best)
			break;
	return pages;
}

static bool zs_class_is_huge(const struct size_class *class)
{
	return class->objs_per_zspage == 1 && class->pages_per_zspage == 1;
}

static struct size_class *zs_class_create(struct zs_pool *pool,
					  unsigned int index,
					  unsigned int pages, unsigned int objs)
{
	struct size_class *class = kzalloc(sizeof(*class), GFP_KERNEL);
	unsigned int group;

	if (!class)
		return NULL;
	spin_lock_init(&class->lock);
	for (group = 0; group < ZS_NR_GROUPS; group++)
		INIT_LIST_HEAD(&class->groups[group]);
	class->index = index;
	class->size = zs_index_size(index);
	class->pages_per_zspage = pages;
	class->objs_per_zspage = objs;
	class->pool = pool;
	return class;
}

/*
 * The class of @pool after @class (the first if NULL), or NULL.  Classes
 * are shared by runs of sizes; each is met once, at the index of its own
 * size.
 */
static struct size_class *zs_next_class(struct zs_pool *pool,
					struct size_class *class)
{
	int i;

	for (i = class ? class->index + 1 : 0; i < ZS_NR_SIZES; i++) {
		class = pool->classes[i];
		if (class && class->index == i)
			return class;
	}
	return NULL;
}

/*
 * Build the classes from the largest size down: a size whose geometry
 * matches the class just above it joins that class.
 */
static int zs_pool_init_classes(struct zs_pool *pool)
{
	struct size_class *above = NULL;
	unsigned int size, pages, objs;
	int index;

	for (index = ZS_NR_SIZES - 1; index >= 0; index--) {
		size = zs_index_size(index);
		pages = zs_pick_pages_per_zspage(size);
		objs = pages * PAGE_SIZE / size;
		if (!above || above->pages_per_zspage != pages ||
		    above->objs_per_zspage != objs) {
			above = zs_class_create(pool, index, pages, objs);
			if (!above)
				return -ENOMEM;
		}
		pool->classes[index] = above;
	}

	/* Find the smallest request size from which on every class is huge. */
	for (index = ZS_NR_SIZES - 1; index > 0; index--)
		if (!zs_class_is_huge(pool->classes[index - 1]))
			break;
	pool->huge_class_size = index ? zs_index_size(index - 1) + 1 : 1;
	return 0;
}

static void zs_pool_free_classes(struct zs_pool *pool)
{
	struct size_class *class;
	int i;

	for (i = 0; i < ZS_NR_SIZES; i++) {
		class = pool->classes[i];
		if (class && class->index == i)
			kfree(class);
	}
}

/* Slots and fullness groups; all under class->lock. */

/* Each slot's word: a handle pointer or a free-slot link. */
static unsigned long *zs_slots(struct zspage *zspage)
{
	return (unsigned long *)&zspage->pages[zspage->class->pages_per_zspage];
}

static bool zs_slot_is_free(unsigned long word)
{
	return word & ZS_SLOT_FREE;
}

static unsigned long zs_free_slot_word(unsigned int next)
{
	return ((unsigned long)next << 1) | ZS_SLOT_FREE;
}

static unsigned int zs_take_slot(struct zspage *zspage, struct zs_handle *h)
{
	unsigned long *slots = zs_slots(zspage);
	unsigned int slot = zspage->free_head;

	zspage->free_head = slots[slot] >> 1;
	slots[slot] = (unsigned long)h;
	zspage->inuse++;
	return slot;
}

static void zs_put_slot(struct zspage *zspage, unsigned int slot)
{
	zs_slots(zspage)[slot] = zs_free_slot_word(zspage->free_head);
	zspage->free_head = slot;
	zspage->inuse--;
}

/* How many slots lie wholly in the first @pages pages of a zspage. */
static unsigned int zs_slots_in_pages(const struct size_class *class,
				      unsigned int pages)
{
	return min_t(unsigned int, class->objs_per_zspage,
		     pages * PAGE_SIZE / class->size);
}

/* How many pages of a zspage its first @slots slots reach. */
static unsigned int zs_pages_for_slots(const struct size_class *class,
				       unsigned int slots)
{
	return DIV_ROUND_UP(slots * class->size, PAGE_SIZE);
}

/*
 * The slot zs_take_slot() would hand out next reaches past the zspage's
 * pages.  Never the case for a slot that was used before, and one more
 * page always covers it: no slot is bigger than a page.
 */
static bool zspage_needs_page(const struct zspage *zspage)
{
	return zspage->free_head >= zspage->backed;
}

static unsigned int zs_group_of(const struct size_class *class,
				const struct zspage *zspage)
{
	if (zspage->inuse == class->objs_per_zspage)
		return ZS_GROUP_FULL;
	return zspage->inuse * ZS_PARTIAL_GROUPS / class->objs_per_zspage;
}

static void zs_class_link(struct size_class *class, struct zspage *zspage)
{
	zspage->group = zs_group_of(class, zspage);
	list_add(&zspage->node, &class->groups[zspage->group]);
	class->group_count[zspage->group]++;
}

static void zs_class_unlink(struct size_class *class, struct zspage *zspage)
{
	list_del(&zspage->node);
	class->group_count[zspage->group]--;
}

/* Move @zspage to the list matching its current fill. */
static void zs_class_refile(struct size_class *class, struct zspage *zspage)
{
	if (zspage->group == zs_group_of(class, zspage))
		return;
	zs_class_unlink(class, zspage);
	zs_class_link(class, zspage);
}

/*
 * The fullest partly used zspage whose next slot has its page.  Only
 * class->growing can lack one, so each list is looked at no further than
 * its second entry.
 */
static struct zspage *zs_class_fullest_backed(struct size_class *class)
{
	struct zspage *zspage;
	int group;

	for (group = ZS_PARTIAL_GROUPS - 1; group >= 0; group--)
		list_for_each_entry(zspage, &class->groups[group], node)
			if (!zspage_needs_page(zspage))
				return zspage;
	return NULL;
}

/*
 * The sparsest partly used zspage that has all its pages.  Compaction
 * empties class->growing last (see zs_class_compact_source()): it gives
 * back fewer pages than a zspage's worth of free slots promises.
 */
static struct zspage *zs_class_sparsest(struct size_class *class)
{
	struct zspage *zspage;
	int group;

	for (group = 0; group < ZS_PARTIAL_GROUPS; group++)
		list_for_each_entry(zspage, &class->groups[group], node)
			if (zspage != class->growing)
				return zspage;
	return NULL;
}

/*
 * Page migration.  Every page of a zspage is a non-LRU movable page: while
 * it is attached, page->mapping holds our movable_operations (tagged with
 * PAGE_MAPPING_MOVABLE, set by __SetPageMovable()) and page->private the
 * zspage, so that the callbacks, which get only the page, find the rest.
 * Both are set and cleared with the page locked, and the kernel calls the
 * callbacks with it locked, so a callback always sees an attached page and
 * a live zspage.  The kernel checks that the page is still movable, under
 * the same lock, before each callback: a page we have detached is never
 * handed to us again.
 */
static const struct movable_operations zs_movable_ops;

static struct zspage *zs_page_zspage(struct page *page)
{
	return (struct zspage *)page_private(page);
}

/*
 * The page is ours alone, but the kernel's compaction may already look at
 * it: trylock cannot fail unless it does, and then the page just stays
 * unmovable.
 */
static void zs_page_attach(struct page *page, struct zspage *zspage)
{
	if (!trylock_page(page))
		return;
	set_page_private(page, (unsigned long)zspage);
	zram_page_set_movable(page, &zs_movable_ops);
	unlock_page(page);
}

/* With the page locked: no callback of ours will see it again. */
static void zs_page_detach(struct page *page)
{
	if (!page_private(page))
		return;
	zram_page_clear_movable(page);
	set_page_private(page, 0);
}

static bool zs_page_isolate(struct page *page, isolate_mode_t mode)
{
	/* A dying zspage's pages are about to be freed, not worth moving. */
	return !READ_ONCE(zs_page_zspage(page)->dying);
}

static int zs_page_index(struct zspage *zspage, struct page *page)
{
	int i;

	for (i = 0; i < zspage->class->pages_per_zspage; i++)
		if (zspage->pages[i] == page)
			return i;
	return -1;
}

/*
 * Move the contents of @src to @dst and put @dst in its place in the
 * zspage.  Objects are found through (zspage, slot) and the zspage finds
 * its pages through @pages, so replacing one entry there moves every
 * object that lies in @src, including those that span into a neighbouring
 * page, and no handle changes.  The class lock keeps malloc, free and
 * compaction out; the migrate lock, taken for writing only if no object of
 * the zspage is mapped, keeps mappers out.  We never wait: a busy zspage
 * is refused with -EAGAIN and the kernel tries again later or puts the
 * page back.
 */
static int zs_page_migrate(struct page *dst, struct page *src,
			   enum migrate_mode mode)
{
	struct zspage *zspage = zs_page_zspage(src);
	struct size_class *class = zspage->class;
	struct zs_pool *pool = class->pool;
	int index;

	spin_lock(&class->lock);
	index = zs_page_index(zspage, src);
	if (zspage->dying || index < 0 ||
	    !write_trylock(&zspage->migrate_lock)) {
		spin_unlock(&class->lock);
		atomic_long_inc(&pool->migrations_refused);
		return -EAGAIN;
	}
	copy_highpage(dst, src);
	zspage->pages[index] = dst;
	/* The zspage's reference moves from @src to @dst. */
	get_page(dst);
	set_page_private(dst, (unsigned long)zspage);
	zram_page_set_movable(dst, &zs_movable_ops);
	write_unlock(&zspage->migrate_lock);
	spin_unlock(&class->lock);

	zs_page_detach(src);
	put_page(src);
	atomic_long_inc(&pool->pages_migrated);
	return MIGRATEPAGE_SUCCESS;
}

static void zs_page_putback(struct page *page)
{
	/* Isolation took nothing from the zspage, so there is nothing to undo. */
}

static const struct movable_operations zs_movable_ops = {
	.isolate_page = zs_page_isolate,
	.migrate_page = zs_page_migrate,
	.putback_page = zs_page_putback,
};

/* Allocating and freeing memory */

static gfp_t zs_slab_gfp(gfp_t gfp)
{
	return gfp & ~(__GFP_HIGHMEM | __GFP_MOVABLE);
}

static struct page *zs_alloc_page(gfp_t gfp)
{
	struct page *page;

	if (zs_test_fail_alloc())
		return NULL;
	/* zs_page_attach() makes it movable, so it may come from anywhere. */
	page = alloc_page(gfp | __GFP_MOVABLE);
	if (page)
		zs_test_track(ZS_TRACK_PAGES, 1);
	return page;
}

static void zs_free_page(struct page *page)
{
	__free_page(page);
	zs_test_track(ZS_TRACK_PAGES, -1);
}

/*
 * Free a descriptor and whichever of its pages were allocated.  Pages that
 * were attached to migration must have been detached.
 */
static void zspage_release(struct zs_pool *pool, struct zspage *zspage)
{
	unsigned int i;

	for (i = 0; i < zspage->class->pages_per_zspage; i++)
		if (zspage->pages[i])
			zs_free_page(zspage->pages[i]);
	kfree(zspage);
	zs_test_track(ZS_TRACK_ZSPAGES, -1);
}

static void zspage_destroy(struct zs_pool *pool, struct zspage *zspage)
{
	atomic_long_sub(zspage->populated, &pool->pages);
	zspage_release(pool, zspage);
}

/*
 * Detach the pages of a dying zspage from migration.  Its pages no longer
 * change (see struct zspage), so they can be locked without the class
 * lock.  Without @wait, a page the kernel holds locked at this moment is
 * left attached and this returns false.
 */
static bool zspage_detach_pages(struct zspage *zspage, bool wait)
{
	unsigned int i;
	bool all = true;

	for (i = 0; i < zspage->populated; i++) {
		struct page *page = zspage->pages[i];

		if (wait) {
			lock_page(page);
		} else if (!trylock_page(page)) {
			all = false;
			continue;
		}
		zs_page_detach(page);
		unlock_page(page);
	}
	return all;
}

static void zs_deferred_free_work(struct work_struct *work)
{
	struct zs_pool *pool = container_of(work, struct zs_pool,
					    deferred_work);
	struct zspage *zspage;

	for (;;) {
		spin_lock(&pool->deferred_lock);
		zspage = list_first_entry_or_null(&pool->deferred,
						  struct zspage, node);
		if (zspage)
			list_del(&zspage->node);
		spin_unlock(&pool->deferred_lock);
		if (!zspage)
			return;
		zspage_detach_pages(zspage, true);
		zspage_release(pool, zspage);
	}
}

/*
 * Free a dying zspage.  We may be in atomic context, so a page that the
 * kernel's migration holds locked is left to a worker, which can wait.
 */
static void zspage_free(struct zs_pool *pool, struct zspage *zspage)
{
	if (zspage_detach_pages(zspage, false)) {
		zspage_destroy(pool, zspage);
		return;
	}
	/* The pages hold nothing of the pool's any more: stop counting them. */
	atomic_long_sub(zspage->populated, &pool->pages);
	spin_lock(&pool->deferred_lock);
	list_add_tail(&zspage->node, &pool->deferred);
	spin_unlock(&pool->deferred_lock);
	schedule_work(&pool->deferred_work);
}

/* A handle's word without the pin bit; see ZS_LOCATION_SHIFT. */
static unsigned long zs_location(struct zspage *zspage, unsigned int slot)
{
	return (unsigned long)zspage << ZS_LOCATION_SHIFT |
	       (unsigned long)slot << ZS_SLOT_SHIFT;
}

/* The arithmetic shift restores the top bits from the sign bit. */
static struct zspage *zs_location_zspage(unsigned long word)
{
	long high = word & ~(BIT(ZS_LOCATION_LOW_BITS) - 1);

	return (struct zspage *)(high >> ZS_LOCATION_SHIFT);
}

/* Put @page after the pages @zspage has. */
static void zspage_append_page(struct zspage *zspage, struct page *page)
{
	zspage->pages[zspage->populated++] = page;
	zspage->backed = zs_slots_in_pages(zspage->class, zspage->populated);
}

/*
 * A new zspage of @class with @page as its first, not yet counted or
 * movable (see zs_class_add()); frees @page on failure.
 */
static struct zspage *zspage_create(struct zs_pool *pool,
				    struct size_class *class,
				    struct page *page, gfp_t gfp)
{
	unsigned int i, objs = class->objs_per_zspage;
	struct zspage *zspage = NULL;
	unsigned long *slots;

	/* Zeroed: pages not yet allocated are NULL. */
	BUILD_BUG_ON(sizeof(struct page *) != sizeof(unsigned long));
	if (!zs_test_fail_alloc())
		zspage = kzalloc(struct_size(zspage, pages,
					     class->pages_per_zspage + objs),
				 zs_slab_gfp(gfp));
	if (!zspage) {
		zs_free_page(page);
		return NULL;
	}
	zs_test_track(ZS_TRACK_ZSPAGES, 1);
	zspage->class = class;
	rwlock_init(&zspage->migrate_lock);
	zspage_append_page(zspage, page);
	if (zs_location_zspage(zs_location(zspage, 0)) != zspage) {
		pr_err_once("a zspage descriptor's address does not fit in a handle\n");
		zspage_release(pool, zspage);
		return NULL;
	}

	slots = zs_slots(zspage);
	for (i = 0; i < objs; i++)
		slots[i] = zs_free_slot_word(i + 1);
	zspage->free_head = 0;
	return zspage;
}

static struct zs_handle *zs_handle_of(unsigned long handle)
{
	return (struct zs_handle *)handle;
}

/*
 * The pin bit is a bit spinlock (see "Locking" above).  Not the kernel's
 * bit_spin_lock(): its trylock hides a conditional lock from sparse, and
 * on uniprocessor kernels it leaves the bit alone, which the self-test
 * checks.
 */
static void zs_pin(struct zs_handle *h)
	__acquires(handle_pin)
{
	preempt_disable();
	while (test_and_set_bit_lock(ZS_HANDLE_PIN_BIT, &h->word)) {
		preempt_enable();
		while (test_bit(ZS_HANDLE_PIN_BIT, &h->word))
			cpu_relax();
		preempt_disable();
	}
	__acquire(handle_pin);
}

static bool zs_pin_if_free(struct zs_handle *h)
{
	preempt_disable();
	if (!test_and_set_bit_lock(ZS_HANDLE_PIN_BIT, &h->word))
		return true;
	preempt_enable();
	return false;
}

#define zs_trypin(h)	__cond_lock(handle_pin, zs_pin_if_free(h))

static void zs_unpin(struct zs_handle *h)
	__releases(handle_pin)
{
	clear_bit_unlock(ZS_HANDLE_PIN_BIT, &h->word);
	preempt_enable();
	__release(handle_pin);
}

/* Where the object is; stable while @h is pinned or the class lock held. */
static struct zspage *zs_handle_zspage(struct zs_handle *h)
{
	return zs_location_zspage(READ_ONCE(h->word));
}

static unsigned int zs_handle_slot(struct zs_handle *h)
{
	return (READ_ONCE(h->word) >> ZS_SLOT_SHIFT) & (BIT(ZS_SLOT_BITS) - 1);
}

static struct zs_handle *zs_handle_alloc(struct zs_pool *pool, gfp_t gfp)
{
	struct zs_handle *h = NULL;

	if (!zs_test_fail_alloc())
		h = kmem_cache_alloc(pool->handle_cache, zs_slab_gfp(gfp));
	if (!h)
		return NULL;
	h->word = 0;
	zs_test_track(ZS_TRACK_HANDLES, 1);
	return h;
}

static void zs_handle_free(struct zs_pool *pool, struct zs_handle *h)
{
	kmem_cache_free(pool->handle_cache, h);
	zs_test_track(ZS_TRACK_HANDLES, -1);
}

/* Point @h at @slot of @zspage, keeping its pin bit. */
static void zs_handle_relocate(struct zs_handle *h, struct zspage *zspage,
			       unsigned int slot)
{
	unsigned long pin = h->word & BIT(ZS_HANDLE_PIN_BIT);

	WRITE_ONCE(h->word, zs_location(zspage, slot) | pin);
}

/*
 * Put @h into a free slot of @zspage, which must have one.  Compaction
 * calls this with @h pinned, and the pin bit stays as it is.
 */
static void zs_place_object(struct size_class *class, struct zspage *zspage,
			    struct zs_handle *h)
{
	zs_handle_relocate(h, zspage, zs_take_slot(zspage, h));
	zs_class_refile(class, zspage);
}

/* Count a new zspage in the pool and its class, file it, make it movable. */
static void zs_class_add(struct zs_pool *pool, struct size_class *class,
			 struct zspage *zspage)
{
	class->zspages++;
	if (zspage->populated < class->pages_per_zspage)
		class->growing = zspage;
	zs_class_link(class, zspage);
	atomic_long_inc(&pool->pages);
	zs_page_attach(zspage->pages[0], zspage);
}

/* Give class->growing its next page, with the class lock held. */
static struct zspage *zs_class_grow(struct zs_pool *pool,
				    struct size_class *class, struct page *page)
{
	struct zspage *zspage = class->growing;

	zspage_append_page(zspage, page);
	if (zspage->populated == class->pages_per_zspage)
		class->growing = NULL;
	atomic_long_inc(&pool->pages);
	zs_page_attach(page, zspage);
	return zspage;
}

/* Take an empty zspage, off the lists, out of its class for good. */
static void zs_class_drop(struct size_class *class, struct zspage *zspage)
{
	class->zspages--;
	if (class->growing == zspage)
		class->growing = NULL;
	zspage->dying = true;
}

/*
 * A zspage of @class with room for one more object, with the class lock
 * held.  A slot whose page is there comes first, so that no zspage gets a
 * page while another has a slot to give; then the growing zspage, given
 * *@page; then *@fresh, a new zspage, if no zspage is partly used.  NULL
 * if it takes what the caller has not brought.
 */
static struct zspage *zs_class_room(struct zs_pool *pool,
				    struct size_class *class,
				    struct page **page, struct zspage **fresh)
{
	struct zspage *zspage = zs_class_fullest_backed(class);

	if (zspage)
		return zspage;
	if (class->growing) {
		if (!*page)
			return NULL;
		zspage = zs_class_grow(pool, class, *page);
		*page = NULL;
		return zspage;
	}
	zspage = *fresh;
	if (zspage)
		zs_class_add(pool, class, zspage);
	*fresh = NULL;
	return zspage;
}

/*
 * Without the class lock, allocate what zs_class_room() asked for: a page
 * if @grow, else a new zspage (with the page, if there is one).
 */
static bool zs_class_bring(struct zs_pool *pool, struct size_class *class,
			   bool grow, struct page **page,
			   struct zspage **fresh, gfp_t gfp)
{
	if (!*page)
		*page = zs_alloc_page(gfp);
	if (!*page)
		return false;
	if (grow || *fresh)
		return true;
	*fresh = zspage_create(pool, class, *page, gfp);
	*page = NULL;
	return *fresh;
}

/* Free what zs_class_bring() allocated and zs_class_room() did not take. */
static void zs_class_unused(struct zs_pool *pool, struct page *page,
			    struct zspage *fresh)
{
	if (page)
		zs_free_page(page);
	if (fresh)
		zspage_release(pool, fresh);
}

unsigned long zsm_malloc(struct zs_pool *pool, size_t size, gfp_t gfp)
{
	struct zspage *zspage, *fresh = NULL;
	struct page *page = NULL;
	struct size_class *class;
	struct zs_handle *h;

	if (!size || size > ZS_MAX_ALLOC_SIZE)
		return 0;
	class = pool->classes[zs_size_index(size)];

	h = zs_handle_alloc(pool, gfp);
	if (!h)
		return 0;

	/* Pages and descriptors are allocated without the lock: look again. */
	spin_lock(&class->lock);
	while (!(zspage = zs_class_room(pool, class, &page, &fresh))) {
		bool grow = class->growing;

		spin_unlock(&class->lock);
		if (!zs_class_bring(pool, class, grow, &page, &fresh, gfp))
			goto fail;
		spin_lock(&class->lock);
	}
	zs_place_object(class, zspage, h);
	class->objs_inuse++;
	spin_unlock(&class->lock);
	zs_class_unused(pool, page, fresh);
	return (unsigned long)h;

fail:
	zs_class_unused(pool, page, fresh);
	zs_handle_free(pool, h);
	return 0;
}

void zsm_free(struct zs_pool *pool, unsigned long handle)
{
	struct zs_handle *h = zs_handle_of(handle);
	struct size_class *class;
	struct zspage *zspage;
	bool empty;

	if (!h)
		return;
	/* Pinned, the object cannot move: its zspage, and so its class, stay. */
	zs_pin(h);
	zspage = zs_handle_zspage(h);
	class = zspage->class;

	spin_lock(&class->lock);
	zs_put_slot(zspage, zs_handle_slot(h));
	class->objs_inuse--;
	empty = !zspage->inuse;
	if (empty) {
		zs_class_unlink(class, zspage);
		zs_class_drop(class, zspage);
	} else {
		zs_class_refile(class, zspage);
	}
	spin_unlock(&class->lock);
	zs_unpin(h);

	if (empty)
		zspage_free(pool, zspage);
	zs_handle_free(pool, h);
}

size_t zsm_huge_class_size(struct zs_pool *pool)
{
	return pool->huge_class_size;
}

unsigned long zsm_get_total_pages(struct zs_pool *pool)
{
	return atomic_long_read(&pool->pages);
}

void zsm_pool_stats(struct zs_pool *pool, struct zsm_pool_stats *stats)
{
	atomic_long_set(&stats->pages_compacted,
			atomic_long_read(&pool->stats.pages_compacted));
}

enum zs_mapping zsm_pool_mapping(struct zs_pool *pool)
{
	return pool->mapping;
}

/* Copying object bytes; an object covers at most two pages. */

enum zs_copy_dir {
	ZS_COPY_FROM_ZSPAGE,
	ZS_COPY_TO_ZSPAGE,
};

static void zspage_copy(struct zspage *zspage, unsigned long offset,
			void *buf, size_t len, enum zs_copy_dir dir)
{
	while (len) {
		unsigned int in_page = offset_in_page(offset);
		size_t chunk = min_t(size_t, len, PAGE_SIZE - in_page);
		char *kaddr = kmap_local_page(zspage->pages[offset >> PAGE_SHIFT]);

		if (dir == ZS_COPY_FROM_ZSPAGE)
			memcpy(buf, kaddr + in_page, chunk);
		else
			memcpy(kaddr + in_page, buf, chunk);
		kunmap_local(kaddr);
		buf += chunk;
		offset += chunk;
		len -= chunk;
	}
}

/* Copy one object between slots of the same class, page by page. */
static void zs_move_bytes(const struct size_class *class,
			  struct zspage *dst, unsigned int dst_slot,
			  struct zspage *src, unsigned int src_slot)
{
	unsigned long dst_off = (unsigned long)dst_slot * class->size;
	unsigned long src_off = (unsigned long)src_slot * class->size;
	size_t left = class->size;

	while (left) {
		unsigned int din = offset_in_page(dst_off);
		unsigned int sin = offset_in_page(src_off);
		size_t chunk = min3(left, PAGE_SIZE - din, PAGE_SIZE - sin);
		char *s = kmap_local_page(src->pages[src_off >> PAGE_SHIFT]);
		char *d = kmap_local_page(dst->pages[dst_off >> PAGE_SHIFT]);

		memcpy(d + din, s + sin, chunk);
		kunmap_local(d);
		kunmap_local(s);
		dst_off += chunk;
		src_off += chunk;
		left -= chunk;
	}
}

/* Page-table mapping through a per-CPU two-page window (x86 only). */

#if ZS_HAVE_PGTABLE_MAPPING
/*
 * Forget this CPU's translation of one window page.  A window PTE is only
 * present between map and unmap, which run on one CPU with preemption
 * disabled and without a change of address space, and x86 never caches a
 * non-present PTE.  So no other CPU and no other PCID can hold the entry,
 * and a single local invalidation is enough; the global shootdown that
 * flush_tlb_kernel_range() would do is neither needed nor exported.  Under
 * paravirt we go through the hypervisor-aware hook, otherwise invlpg.
 */
static void zs_flush_local_tlb_page(unsigned long addr)
{
#ifdef CONFIG_PARAVIRT
	__flush_tlb_one_user(addr);
#else
	asm volatile("invlpg (%0)" : : "r" (addr) : "memory");
#endif
}

static void zs_tlb_flush_all_local(void *unused)
{
	__flush_tlb_all();
}

static void *zs_window_map(struct zs_map_area *area, struct page **pages,
			   unsigned int in_page)
{
	set_pte(area->ptes[0], mk_pte(pages[0], area->prot));
	set_pte(area->ptes[1], mk_pte(pages[1], area->prot));
	return area->window + in_page;
}

static void zs_window_unmap(struct zs_map_area *area)
{
	unsigned long addr = (unsigned long)area->window;

	set_pte(area->ptes[0], __pte(0));
	set_pte(area->ptes[1], __pte(0));
	zs_flush_local_tlb_page(addr);
	zs_flush_local_tlb_page(addr + PAGE_SIZE);
}

/*
 * Reserve the window with vmap() of a placeholder page, which also builds
 * the page tables for it, then find its two PTEs and clear them.
 */
static int zs_window_setup(struct zs_map_area *area, int cpu)
{
	struct page *pages[2];
	unsigned int level, i;

	area->placeholder = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL, 0);
	if (!area->placeholder)
		return -ENOMEM;
	pages[0] = area->placeholder;
	pages[1] = area->placeholder;
	area->window = vmap(pages, 2, VM_MAP, PAGE_KERNEL);
	if (!area->window)
		return -ENOMEM;

	for (i = 0; i < 2; i++) {
		area->ptes[i] = lookup_address((unsigned long)area->window +
					       i * PAGE_SIZE, &level);
		if (!area->ptes[i] || level != PG_LEVEL_4K)
			return -EINVAL;
	}
	area->prot = pte_pgprot(*area->ptes[0]);
	set_pte(area->ptes[0], __pte(0));
	set_pte(area->ptes[1], __pte(0));
	return 0;
}

static void zs_window_teardown(struct zs_map_area *area)
{
	unsigned int i;

	if (area->window) {
		/* Hand vunmap() the mapping it created. */
		for (i = 0; i < 2 && area->ptes[i]; i++)
			set_pte(area->ptes[i],
				mk_pte(area->placeholder, area->prot));
		vunmap(area->window);
	}
	if (area->placeholder)
		__free_page(area->placeholder);
}
#else
static void *zs_window_map(struct zs_map_area *area, struct page **pages,
			   unsigned int in_page)
{
	return NULL;
}

static void zs_window_unmap(struct zs_map_area *area)
{
}
#endif

/* Per-CPU map areas */

static void zs_areas_destroy(struct zs_pool *pool)
{
	int cpu;

	if (!pool->areas)
		return;
	for_each_possible_cpu(cpu) {
		struct zs_map_area *area = per_cpu_ptr(pool->areas, cpu);

		kfree(area->bounce);
#if ZS_HAVE_PGTABLE_MAPPING
		zs_window_teardown(area);
#endif
	}
	free_percpu(pool->areas);
}

static int zs_area_setup(struct zs_pool *pool, int cpu)
{
	struct zs_map_area *area = per_cpu_ptr(pool->areas, cpu);

	local_lock_init(&area->lock);
#if ZS_HAVE_PGTABLE_MAPPING
	if (pool->mapping == ZS_MAPPING_PGTABLE)
		return zs_window_setup(area, cpu);
#endif
	area->bounce = kmalloc_node(PAGE_SIZE, GFP_KERNEL, cpu_to_node(cpu));
	return area->bounce ? 0 : -ENOMEM;
}

/*
 * Windows and buffers are made for every possible CPU up front, so CPU
 * hotplug needs no callbacks.
 */
static int zs_areas_create(struct zs_pool *pool)
{
	int cpu, err;

	pool->areas = alloc_percpu(struct zs_map_area);
	if (!pool->areas)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		err = zs_area_setup(pool, cpu);
		if (err)
			return err;
	}
#if ZS_HAVE_PGTABLE_MAPPING
	/* vmap() made the windows present for a moment: forget that anywhere. */
	if (pool->mapping == ZS_MAPPING_PGTABLE)
		on_each_cpu(zs_tlb_flush_all_local, NULL, 1);
#endif
	return 0;
}

/* Mapping */

/*
 * Returns with the object pinned and preemption disabled; the caller must
 * not sleep before zsm_unmap_object() and must not map another object of
 * this pool meanwhile.
 */
void *zsm_map_object(struct zs_pool *pool, unsigned long handle,
		     enum zs_mapmode mm)
	__acquires(handle_pin) __acquires(migrate_lock)
{
	struct zs_handle *h = zs_handle_of(handle);
	struct zs_map_area *area;
	struct zspage *zspage;
	unsigned int size, in_page;
	unsigned long offset;
	struct page **pages;

	zs_pin(h);
	zspage = zs_handle_zspage(h);
	read_lock(&zspage->migrate_lock);
	local_lock(&pool->areas->lock);
	area = this_cpu_ptr(pool->areas);
	area->mm = mm;

	size = zspage->class->size;
	offset = (unsigned long)zs_handle_slot(h) * size;
	pages = &zspage->pages[offset >> PAGE_SHIFT];
	in_page = offset_in_page(offset);

	if (in_page + size <= PAGE_SIZE) {
		area->kaddr = kmap_local_page(pages[0]);
		return area->kaddr + in_page;
	}
	if (pool->mapping == ZS_MAPPING_PGTABLE)
		return zs_window_map(area, pages, in_page);
	if (mm != ZS_MM_WO)
		zspage_copy(zspage, offset, area->bounce, size,
			    ZS_COPY_FROM_ZSPAGE);
	return area->bounce;
}

void zsm_unmap_object(struct zs_pool *pool, unsigned long handle)
	__releases(handle_pin) __releases(migrate_lock)
{
	struct zs_handle *h = zs_handle_of(handle);
	struct zs_map_area *area = this_cpu_ptr(pool->areas);
	struct zspage *zspage = zs_handle_zspage(h);
	unsigned int size = zspage->class->size;
	unsigned long offset = (unsigned long)zs_handle_slot(h) * size;

	if (offset_in_page(offset) + size <= PAGE_SIZE)
		kunmap_local(area->kaddr);
	else if (pool->mapping == ZS_MAPPING_PGTABLE)
		zs_window_unmap(area);
	else if (area->mm != ZS_MM_RO)
		zspage_copy(zspage, offset, area->bounce, size,
			    ZS_COPY_TO_ZSPAGE);

	local_unlock(&pool->areas->lock);
	read_unlock(&zspage->migrate_lock);
	zs_unpin(h);
}

/* Compaction */

/* The pages a class holds, and how many slots lie in them. */
static unsigned long zs_class_pages(const struct size_class *class,
				    unsigned long *slots)
{
	unsigned long whole = class->zspages - !!class->growing;
	unsigned long pages = whole * class->pages_per_zspage;

	*slots = whole * class->objs_per_zspage;
	if (class->growing) {
		pages += class->growing->populated;
		*slots += class->growing->backed;
	}
	return pages;
}

/* Free slots of the zspages with all their pages: see zs_class_sparsest(). */
static unsigned long zs_class_free_slots(const struct size_class *class)
{
	unsigned long free = class->zspages * class->objs_per_zspage -
			     class->objs_inuse;

	if (class->growing)
		free -= class->objs_per_zspage - class->growing->inuse;
	return free;
}

static bool zs_class_has_spare_zspage(const struct size_class *class)
{
	return zs_class_free_slots(class) >= class->objs_per_zspage;
}

/*
 * Pages that compacting the class would give back: all but those of full
 * zspages for its objects and of one more for the rest, up to the last
 * page they reach (see zs_class_trim()).
 */
static unsigned long zs_class_compactable_pages(const struct size_class *class)
{
	unsigned long objs = class->objs_inuse, slots, least;
	unsigned long held = zs_class_pages(class, &slots);

	least = objs / class->objs_per_zspage * class->pages_per_zspage +
		zs_pages_for_slots(class, objs % class->objs_per_zspage);
	return held > least ? held - least : 0;
}

/*
 * Move every object of @src, which is off the lists, into the fullest
 * zspages of the class.  Mapped objects stay.  Returns false if any object
 * stayed.
 */
static bool zs_evacuate(struct size_class *class, struct zspage *src)
{
	unsigned long *slots = zs_slots(src);
	unsigned int slot;
	bool all_moved = true;

	lockdep_assert_held(&class->lock);
	for (slot = 0; slot < class->objs_per_zspage && src->inuse; slot++) {
		unsigned long word = slots[slot];
		struct zs_handle *h = (struct zs_handle *)word;
		struct zspage *dst;

		if (zs_slot_is_free(word))
			continue;
		dst = zs_class_fullest_backed(class);
		if (!dst)
			return false;
		if (!zs_trypin(h)) {
			all_moved = false;
			continue;
		}
		zs_place_object(class, dst, h);
		zs_move_bytes(class, dst, zs_handle_slot(h), src, slot);
		zs_unpin(h);
		zs_put_slot(src, slot);
	}
	return all_moved;
}

/*
 * The zspage compaction should empty next: the sparsest with all its
 * pages while a whole zspage's worth of slots is free, and then the
 * growing one if the others have room for its objects.
 */
static struct zspage *zs_class_compact_source(struct size_class *class)
{
	struct zspage *growing = class->growing;

	if (zs_class_has_spare_zspage(class))
		return zs_class_sparsest(class);
	if (growing && growing->inuse <= zs_class_free_slots(class))
		return growing;
	return NULL;
}

/*
 * Empty a sparse zspage of @class.  Returns it, unlinked and uncounted,
 * for the caller to free outside the lock, or NULL if it could not be
 * emptied or nothing is worth moving; *done tells whether to stop.
 */
static struct zspage *zs_class_compact_one(struct size_class *class,
					   bool *done)
{
	struct zspage *src;

	lockdep_assert_held(&class->lock);
	*done = true;
	src = zs_class_compact_source(class);
	if (!src)
		return NULL;

	zs_class_unlink(class, src);
	if (!zs_evacuate(class, src) || src->inuse) {
		zs_class_link(class, src);
		return NULL;
	}
	zs_class_drop(class, src);
	*done = false;
	return src;
}

/* Link the free slots of @zspage lowest first, as zspage_needs_page() wants. */
static void zspage_relink_free_slots(struct size_class *class,
				     struct zspage *zspage)
{
	unsigned long *slots = zs_slots(zspage);
	unsigned int slot = class->objs_per_zspage;

	zspage->free_head = class->objs_per_zspage;
	while (slot--) {
		if (zs_slot_is_free(slots[slot])) {
			slots[slot] = zs_free_slot_word(zspage->free_head);
			zspage->free_head = slot;
		}
	}
}

/*
 * Move the objects of @zspage, which is off the lists, from its top slot
 * down: into other zspages of the class while they have a slot with its
 * page, then into its own lowest free slots, until its objects fill its
 * lowest slots.  Its free list is left for the caller to relink.  Returns
 * false if a mapped object stopped it.
 */
static bool zs_gather(struct size_class *class, struct zspage *zspage)
{
	unsigned long *slots = zs_slots(zspage);
	unsigned int slot = class->objs_per_zspage, hole = 0;

	while (slot--) {
		struct zs_handle *h = (struct zs_handle *)slots[slot];
		struct zspage *dst;

		if (zs_slot_is_free(slots[slot]))
			continue;
		dst = zs_class_fullest_backed(class);
		if (!dst && slot < zspage->inuse)
			break;
		if (!zs_trypin(h))
			return false;
		if (dst) {
			zs_place_object(class, dst, h);
			zs_move_bytes(class, dst, zs_handle_slot(h), zspage,
				      slot);
			zs_put_slot(zspage, slot);
		} else {
			while (!zs_slot_is_free(slots[hole]))
				hole++;
			slots[hole] = (unsigned long)h;
			zs_handle_relocate(h, zspage, hole);
			zs_move_bytes(class, zspage, hole, zspage, slot);
			slots[slot] = ZS_SLOT_FREE;
		}
		zs_unpin(h);
	}
	return true;
}

/*
 * Free the pages of @zspage past the ones its objects, gathered in its
 * lowest slots, lie in; it becomes the class's growing zspage.  Mappers
 * never look at those pages, since no object is left there, but the
 * kernel's migration may hold one: then nothing is freed.  Returns the
 * pages freed.
 */
static unsigned int zspage_trim(struct zs_pool *pool,
				struct size_class *class, struct zspage *zspage)
{
	unsigned int keep = zs_pages_for_slots(class, zspage->inuse);
	unsigned int i, locked, freed;

	if (!keep || keep >= zspage->populated)
		return 0;
	for (locked = keep; locked < zspage->populated; locked++)
		if (!trylock_page(zspage->pages[locked]))
			break;
	if (locked < zspage->populated) {
		while (locked-- > keep)
			unlock_page(zspage->pages[locked]);
		return 0;
	}
	for (i = keep; i < zspage->populated; i++) {
		zs_page_detach(zspage->pages[i]);
		unlock_page(zspage->pages[i]);
		zs_free_page(zspage->pages[i]);
		zspage->pages[i] = NULL;
	}
	freed = zspage->populated - keep;
	zspage->populated = keep;
	zspage->backed = zs_slots_in_pages(class, keep);
	atomic_long_sub(freed, &pool->pages);
	class->growing = zspage;
	return freed;
}

/*
 * Compaction's last step in @class: gather the free slots that emptying
 * whole zspages left, fewer than a zspage holds, in one zspage and free
 * its pages past its objects.  That zspage is the growing one if there is
 * one, else the sparsest.  Adds the pages freed to *@freed; returns the
 * zspage, unlinked and uncounted, if it was emptied, for the caller to
 * free outside the lock.
 */
static struct zspage *zs_class_trim(struct zs_pool *pool,
				    struct size_class *class,
				    unsigned long *freed)
{
	struct zspage *zspage = class->growing;

	lockdep_assert_held(&class->lock);
	if (!zspage)
		zspage = zs_class_sparsest(class);
	if (!zspage || class->pages_per_zspage == 1)
		return NULL;
	zs_class_unlink(class, zspage);
	if (zs_gather(class, zspage))
		*freed += zspage_trim(pool, class, zspage);
	zspage_relink_free_slots(class, zspage);
	if (!zspage->inuse) {
		zs_class_drop(class, zspage);
		return zspage;
	}
	zs_class_link(class, zspage);
	return NULL;
}

static unsigned long zs_class_compact(struct zs_pool *pool,
				      struct size_class *class)
{
	unsigned long freed = 0;
	bool done = false;

	while (!done) {
		struct zspage *empty;

		spin_lock(&class->lock);
		empty = zs_class_compact_one(class, &done);
		if (done)
			empty = zs_class_trim(pool, class, &freed);
		spin_unlock(&class->lock);
		if (empty) {
			freed += empty->populated;
			zspage_free(pool, empty);
		}
		cond_resched();
	}
	return freed;
}

unsigned long zsm_compact(struct zs_pool *pool)
{
	struct size_class *class;
	unsigned long freed = 0;

	for (class = zs_next_class(pool, NULL); class;
	     class = zs_next_class(pool, class))
		freed += zs_class_compact(pool, class);
	atomic_long_add(freed, &pool->stats.pages_compacted);
	return freed;
}

unsigned long zsm_compactable_pages(struct zs_pool *pool)
{
	struct size_class *class;
	unsigned long pages = 0;

	for (class = zs_next_class(pool, NULL); class;
	     class = zs_next_class(pool, class)) {
		spin_lock(&class->lock);
		pages += zs_class_compactable_pages(class);
		spin_unlock(&class->lock);
	}
	return pages;
}

static unsigned long zs_shrinker_count(struct shrinker *shrinker,
				       struct shrink_control *sc)
{
	return zsm_compactable_pages(zram_shrinker_private(shrinker));
}

static unsigned long zs_shrinker_scan(struct shrinker *shrinker,
				      struct shrink_control *sc)
{
	struct zs_pool *pool = zram_shrinker_private(shrinker);
	unsigned long freed = zsm_compact(pool);

	return freed ? freed : SHRINK_STOP;
}

static int zs_shrinker_register(struct zs_pool *pool)
{
	char name[64];

	snprintf(name, sizeof(name), "zsmalloc-%s", pool->name);
	pool->shrinker = zram_shrinker_create(name, zs_shrinker_count,
					      zs_shrinker_scan, pool);
	return pool->shrinker ? 0 : -ENOMEM;
}

/* debugfs: <debugfs>/zsmalloc-<module>/<pool>/{classes,pool} */

#define ZS_DEBUGFS_ROOT "zsmalloc-" KBUILD_MODNAME

static DEFINE_MUTEX(zs_debugfs_mutex);
static struct dentry *zs_debugfs_root;
static unsigned int zs_debugfs_pools;

static int zs_classes_show(struct seq_file *s, void *unused)
{
	struct zs_pool *pool = s->private;
	struct size_class *class;
	unsigned long pages, slots;
	unsigned int group;

	seq_printf(s, "%5s %5s %5s %5s %8s %9s %9s %8s",
		   "class", "size", "objs", "pages", "zspages",
		   "obj_alloc", "obj_used", "pages");
	for (group = 0; group < ZS_PARTIAL_GROUPS; group++)
		seq_printf(s, " %4s%u", "fill", group);
	seq_puts(s, "  full\n");

	for (class = zs_next_class(pool, NULL); class;
	     class = zs_next_class(pool, class)) {
		spin_lock(&class->lock);
		pages = zs_class_pages(class, &slots);
		seq_printf(s, "%5u %5u %5u %5u %8lu %9lu %9lu %8lu",
			   class->index, class->size, class->objs_per_zspage,
			   class->pages_per_zspage, class->zspages, slots,
			   class->objs_inuse, pages);
		for (group = 0; group < ZS_NR_GROUPS; group++)
			seq_printf(s, " %5lu", class->group_count[group]);
		spin_unlock(&class->lock);
		seq_putc(s, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zs_classes);

static int zs_pool_show(struct seq_file *s, void *unused)
{
	struct zs_pool *pool = s->private;

	seq_printf(s, "name: %s\n", pool->name);
	seq_printf(s, "mapping: %s\n", zsm_mapping_name(pool->mapping));
	if (pool->mapping_fallback)
		seq_printf(s, "mapping_fallback: %s\n", pool->mapping_fallback);
	seq_printf(s, "pages: %lu\n", zsm_get_total_pages(pool));
	seq_printf(s, "pages_compacted: %lu\n",
		   atomic_long_read(&pool->stats.pages_compacted));
	seq_printf(s, "huge_class_size: %zu\n", pool->huge_class_size);
	seq_printf(s, "pages_migrated: %lu\n",
		   atomic_long_read(&pool->pages_migrated));
	seq_printf(s, "migrations_refused: %lu\n",
		   atomic_long_read(&pool->migrations_refused));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zs_pool);

static void zs_debugfs_add(struct zs_pool *pool)
{
	struct dentry *dir;

	mutex_lock(&zs_debugfs_mutex);
	if (!zs_debugfs_pools++)
		zs_debugfs_root = debugfs_create_dir(ZS_DEBUGFS_ROOT, NULL);
	/* A duplicate pool name only costs that pool its statistics. */
	dir = debugfs_create_dir(pool->name, zs_debugfs_root);
	if (!IS_ERR(dir)) {
		debugfs_create_file("classes", 0444, dir, pool,
				    &zs_classes_fops);
		debugfs_create_file("pool", 0444, dir, pool, &zs_pool_fops);
		pool->debugfs_dir = dir;
	}
	pool->debugfs_added = true;
	mutex_unlock(&zs_debugfs_mutex);
}

static void zs_debugfs_remove(struct zs_pool *pool)
{
	mutex_lock(&zs_debugfs_mutex);
	debugfs_remove_recursive(pool->debugfs_dir);
	pool->debugfs_dir = NULL;
	if (!--zs_debugfs_pools) {
		debugfs_remove_recursive(zs_debugfs_root);
		zs_debugfs_root = NULL;
	}
	mutex_unlock(&zs_debugfs_mutex);
}

/* Pool creation and destruction */

/* Free a zspage of a dying pool together with the handles of its objects. */
static void zspage_destroy_with_handles(struct zs_pool *pool,
					struct zspage *zspage)
{
	unsigned int slot, objs = zspage->class->objs_per_zspage;
	unsigned long *slots = zs_slots(zspage);

	for (slot = 0; slot < objs; slot++)
		if (!zs_slot_is_free(slots[slot]))
			zs_handle_free(pool, zs_handle_of(slots[slot]));
	zspage_destroy(pool, zspage);
}

static void zs_class_mark_dying(struct size_class *class)
{
	struct zspage *zspage;
	unsigned int group;

	spin_lock(&class->lock);
	for (group = 0; group < ZS_NR_GROUPS; group++)
		list_for_each_entry(zspage, &class->groups[group], node)
			zspage->dying = true;
	spin_unlock(&class->lock);
}

/*
 * Every page is detached, waiting for the kernel where it holds one, before
 * it is freed: once we return no page refers to our movable_operations,
 * even one that the kernel has isolated and will only drop later.
 */
static void zs_pool_free_objects(struct zs_pool *pool)
{
	struct zspage *zspage, *next;
	struct size_class *class;
	unsigned int group;

	for (class = zs_next_class(pool, NULL); class;
	     class = zs_next_class(pool, class)) {
		zs_class_mark_dying(class);
		for (group = 0; group < ZS_NR_GROUPS; group++)
			list_for_each_entry_safe(zspage, next,
						 &class->groups[group], node) {
				zspage_detach_pages(zspage, true);
				zspage_destroy_with_handles(pool, zspage);
			}
	}
	flush_work(&pool->deferred_work);
}

/* Tear down whatever zs_create_pool_mapping() managed to set up. */
static void zs_pool_release(struct zs_pool *pool)
{
	if (pool->shrinker)
		zram_shrinker_destroy(pool->shrinker);
	if (pool->debugfs_added)
		zs_debugfs_remove(pool);
	zs_pool_free_objects(pool);
	zs_areas_destroy(pool);
	kmem_cache_destroy(pool->handle_cache);
	zs_pool_free_classes(pool);
	kfree(pool->name);
	kfree(pool);
}

/*
 * Slab caches that cannot be merged (as under KASAN or slub_debug) need a
 * unique name for sysfs, so name them after the module, pool and a serial.
 */
static struct kmem_cache *zs_cache_create(const char *kind, const char *pool,
					  int serial, unsigned int size)
{
	struct kmem_cache *cache;
	char *name;

	name = kasprintf(GFP_KERNEL, "%s-%s-%s-%d", kind, KBUILD_MODNAME,
			 pool, serial);
	if (!name)
		return NULL;
	cache = kmem_cache_create(name, size, 0, 0, NULL);
	kfree(name);
	return cache;
}

static struct zs_pool *zs_create_pool_mapping(const char *name,
					      enum zs_mapping mapping)
{
	static atomic_t zs_pool_serial = ATOMIC_INIT(0);
	struct zs_pool *pool;
	int serial;

	/* A handle's word has room for a zspage's address and any slot. */
	BUILD_BUG_ON(ZS_LOCATION_SHIFT < 0 || ZS_LOCATION_SHIFT > 7);
	BUILD_BUG_ON(ZS_ZSPAGE_ALIGN > ARCH_KMALLOC_MINALIGN);
	BUILD_BUG_ON(PAGE_SIZE / ZS_MIN_ALLOC_SIZE > ZS_MAX_OBJS_PER_ZSPAGE);
	BUILD_BUG_ON(BITS_PER_LONG != 64);
	/* struct zspage's four-bit fields */
	BUILD_BUG_ON(ZS_NR_GROUPS > 16 || ZS_MAX_PAGES_PER_ZSPAGE > 15);

	if (!name)
		return NULL;

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return NULL;
	atomic_long_set(&pool->pages, 0);
	atomic_long_set(&pool->stats.pages_compacted, 0);
	atomic_long_set(&pool->pages_migrated, 0);
	atomic_long_set(&pool->migrations_refused, 0);
	spin_lock_init(&pool->deferred_lock);
	INIT_LIST_HEAD(&pool->deferred);
	INIT_WORK(&pool->deferred_work, zs_deferred_free_work);
	pool->mapping = zs_mapping_in_use(mapping);
	if (pool->mapping != mapping) {
		pool->mapping_fallback = zs_pgtable_unsafe_reason();
		zs_report_fallback();
	}
	pool->name = kstrdup(name, GFP_KERNEL);
	if (!pool->name || zs_pool_init_classes(pool))
		goto fail;

	serial = atomic_inc_return(&zs_pool_serial);
	pool->handle_cache = zs_cache_create("zs_handle", pool->name, serial,
					     sizeof(struct zs_handle));
	if (!pool->handle_cache)
		goto fail;
	if (zs_areas_create(pool))
		goto fail;
	if (zs_shrinker_register(pool))
		goto fail;
	zs_debugfs_add(pool);

	pr_info("zsmalloc pool %s: %s mapping, huge objects from %zu bytes\n",
		pool->name, zsm_mapping_name(pool->mapping),
		pool->huge_class_size);
	return pool;

fail:
	zs_pool_release(pool);
	return NULL;
}

struct zs_pool *zsm_create_pool(const char *name)
{
	return zs_create_pool_mapping(name, zs_default_mapping);
}

/*
 * Frees every object still in the pool too: the caller must not use any
 * handle of it afterwards.
 */
void zsm_destroy_pool(struct zs_pool *pool)
{
	if (pool)
		zs_pool_release(pool);
}
