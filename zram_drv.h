/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zram: compressed RAM block devices.
 *
 * Shared definitions of the driver's files: zram_drv.c (devices and module),
 * zram_io.c (the I/O path), zram_wb.c (writeback to a backing device),
 * zram_sysfs.c (attributes), zram_recomp.c (recompression),
 * zram_policy.c and zram_policy_recomp.c (self-management) and
 * zram_debugfs.c.
 */
#ifndef _ZRAM_DRV_H_
#define _ZRAM_DRV_H_

#include <linux/atomic.h>
#include <linux/bit_spinlock.h>
#include <linux/blkdev.h>
#include <linux/build_bug.h>
#include <linux/crypto.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/zsmalloc.h>

#include "zcomp.h"
#include "zram_compat.h"
#include "zram_policy.h"

#define SECTORS_PER_PAGE_SHIFT	(PAGE_SHIFT - SECTOR_SHIFT)
#define SECTORS_PER_PAGE	BIT(SECTORS_PER_PAGE_SHIFT)

/*
 * 4 KiB logical blocks, as in 6.1.  The I/O path keeps one block in each
 * slot of a page, so Kconfig allows only 4 KiB pages, and the build checks.
 */
#define ZRAM_LOGICAL_BLOCK_SIZE	4096
static_assert(PAGE_SIZE == ZRAM_LOGICAL_BLOCK_SIZE);
#define ZRAM_SECTORS_PER_LOGICAL_BLOCK	(ZRAM_LOGICAL_BLOCK_SIZE >> SECTOR_SHIFT)

/*
 * The longest discard and write-zeroes bios the queue advertises.  A bio
 * holds its length in 32 bits of bytes, and 6.1's zero-out helper splits a
 * request only at our limit: with a larger one, a zero-out of 4 GiB or more
 * reaches the driver cut to its length modulo 4 GiB.  Whole logical blocks,
 * just below 4 GiB.
 */
#define ZRAM_MAX_DISCARD_SECTORS \
	round_down(UINT_MAX >> SECTOR_SHIFT, ZRAM_SECTORS_PER_LOGICAL_BLOCK)
#define ZRAM_MAX_WRITE_ZEROES_SECTORS	ZRAM_MAX_DISCARD_SECTORS

/*
 * zram_slot.flags: the low ZRAM_SIZE_BITS hold the size of the stored
 * object (PAGE_SIZE included); the bits of enum zram_slot_flag follow.
 */
#define ZRAM_SIZE_BITS		(PAGE_SHIFT + 1)
#define ZRAM_SIZE_MASK		((1UL << ZRAM_SIZE_BITS) - 1)

enum zram_slot_flag {
	ZRAM_LOCK = ZRAM_SIZE_BITS,	/* bit spinlock of the slot */
	ZRAM_SAME,	/* every word of the page is slot->handle */
	ZRAM_HUGE,	/* stored uncompressed: it did not compress */
	ZRAM_IDLE,	/* not accessed since marked through "idle" */
	ZRAM_WB,	/* on the backing device: @handle is the block */
	ZRAM_UNDER_WB,	/* being copied to the backing device */
	ZRAM_INCOMPRESSIBLE,	/* no secondary algorithm shrank it */
	ZRAM_PRIO_BIT0,	/* two bits: the priority of the algorithm */
	ZRAM_PRIO_BIT1,	/* that compressed the object (0: primary) */
	__NR_ZRAM_SLOT_FLAGS,
};

/*
 * Priority 0 is comp_algorithm, 1..3 the recompression algorithms of
 * recomp_algorithm (zram_recomp.c).
 */
#define ZRAM_PRIMARY_COMP	0
#define ZRAM_MAX_COMPS		4
#define ZRAM_PRIO_MASK		(3UL << ZRAM_PRIO_BIT0)
static_assert(ZRAM_MAX_COMPS - 1 <= ZRAM_PRIO_MASK >> ZRAM_PRIO_BIT0);
static_assert(__NR_ZRAM_SLOT_FLAGS <= BITS_PER_LONG);

/* Prepared contents of a slot: a zsmalloc object or a fill word. */
struct zram_obj {
	unsigned long handle;	/* object, or the fill word if @same */
	unsigned int size;	/* object size; PAGE_SIZE: uncompressed */
	unsigned int prio;	/* the algorithm that compressed it */
	bool same;
};

/*
 * The state of one page of the device.  @handle is the zsmalloc object, or
 * the fill word of a ZRAM_SAME page, or the backing device's block of a
 * ZRAM_WB page, or 0 for a page never written (reads as zeroes).
 * @flags packs the object size and the zram_slot_flag bits.
 * @ac_time is when the page was last read or written (zram_now()).
 *
 * Everything is protected by the ZRAM_LOCK bit of @flags, a bit spinlock:
 * holders must not sleep.  Resetting the device needs no slot lock because
 * it runs with no openers and init_lock held for writing.
 */
struct zram_slot {
	unsigned long handle;
	unsigned long flags;
	ktime_t ac_time;
};

/*
 * Device counters.  All atomic: updated from the I/O path of every CPU
 * without other locking; zeroed on reset.  Page counts unless named _size.
 */
struct zram_stats {
	atomic64_t compr_data_size;	/* bytes held by stored objects */
	atomic64_t pages_stored;	/* slots holding data (same incl.) */
	atomic64_t same_pages;		/* slots with a fill word */
	atomic64_t huge_pages;		/* slots stored uncompressed */
	atomic64_t huge_pages_since;	/* huge stores since initialisation */
	atomic_long_t max_used_pages;	/* high-water mark of the pool */
	atomic64_t num_reads;		/* page reads, failed or not */
	atomic64_t num_writes;		/* page writes, failed or not */
	atomic64_t failed_reads;
	atomic64_t failed_writes;	/* includes mem_limit refusals */
	atomic64_t invalid_io;		/* misaligned or out-of-range bios */
	atomic64_t notify_free;		/* swap frees (missed too), discards */
	atomic64_t miss_free;		/* swap frees skipped: slot busy */
	atomic64_t writestall;		/* stores that had to sleep for memory */
	atomic64_t bd_count;		/* backing device blocks in use */
	atomic64_t bd_reads;		/* pages read from the backing device */
	atomic64_t bd_writes;		/* pages written to the backing device */
	atomic64_t spread_chunks;	/* chunks of bios other CPUs did */
};

/*
 * The backing device of a zram device and the state of writeback to it
 * (zram_wb.c).
 *
 * @bdev, @bd_owner (what closes it), @path, @bitmap, @freed and
 * @nr_blocks change only with init_lock held for writing while the device
 * is uninitialised (backing_dev) or being reset, so I/O and writeback use
 * them freely.  @bitmap has a bit per page-sized block, set while the
 * block is taken: set by whoever allocates the block (writeback, which
 * @mutex makes one at a time, or a write redirected to the backing device)
 * with test_and_set_bit().  A slot letting its block go sets the block's
 * bit in @freed, under the slot lock; the block stays taken until
 * zram_wb_recycle() clears both bits.  @next_block, where the next search
 * for a free block starts, is a hint, read and set with no lock.
 * @reuse_lock: backing reads hold it for reading; zram_wb_recycle() takes
 * it for writing before giving the blocks in @freed back, so a block
 * freed under a read in flight gets no new contents before that read is
 * done.  @reads_in_flight counts the reads chained to a bio
 * (zram_wb_read_held()) that outlive their holding of @reuse_lock:
 * zram_wb_recycle() waits for it to drain after taking @reuse_lock for
 * writing, and so does reset.
 * @limit_enable, @limit (in 4 KiB units) and @limit_gen, which counts the
 * writes to writeback_limit, are protected by @limit_lock.
 * @batch_size (most pages in flight) is read once per writeback; it and
 * @compressed (write objects as stored) change under init_lock held for
 * writing, @compressed only while the device is uninitialised.
 */
struct zram_wb {
	struct block_device *bdev;
	void *bd_owner;
	char *path;
	unsigned long *bitmap;
	unsigned long *freed;
	unsigned long nr_blocks;
	unsigned long next_block;
	struct mutex mutex;		/* one writeback at a time */
	struct rw_semaphore reuse_lock;
	atomic_t reads_in_flight;
	spinlock_t limit_lock;		/* @limit_enable, @limit, @limit_gen */
	bool limit_enable;
	u64 limit;
	u64 limit_gen;
	unsigned int batch_size;
	bool compressed;
};

/*
 * One zram device.
 *
 * @init_lock (rwsem) protects the device's configuration: taken for writing
 * to initialise (disksize) and reset, and for reading by attributes that
 * look at the pool or table.  While @disksize is 0 the device is not
 * initialised and @table, @mem_pool and @comp are NULL.  Once initialised
 * they stay until a reset, which cannot happen while the disk is open, so
 * the I/O path uses them without init_lock.
 *
 * @comp_names (the algorithm of each priority; "" for an unused secondary)
 * and @params (their algorithm_params) change only with init_lock held for
 * writing while the device is uninitialised; @comps[] are the compressors
 * made of them at initialisation (NULL for unused priorities).
 *
 * @claim (a reset in progress) and @removing (a removal in progress), both
 * protected by the disk's open_mutex, make opens fail with -EBUSY.
 *
 * @limit_pages (0: no limit) may change at any time; read it once.
 */
struct zram {
	struct zram_slot *table;
	struct zs_pool *mem_pool;
	struct zcomp *comps[ZRAM_MAX_COMPS];
	struct gendisk *disk;
	struct rw_semaphore init_lock;
	u64 disksize;
	unsigned long nr_pages;
	size_t huge_class_size;
	unsigned long limit_pages;
	char comp_names[ZRAM_MAX_COMPS][CRYPTO_MAX_ALG_NAME];
	struct zcomp_params params[ZRAM_MAX_COMPS];
	struct zram_stats stats;
	bool claim;
	bool removing;
	int id;
	struct dentry *debugfs_dir;
	struct zram_wb wb;
	struct zram_policy policy;
};

static inline bool zram_initialized(struct zram *zram)
{
	return zram->disksize != 0;
}

static inline struct zram *dev_to_zram(struct device *dev)
{
	return dev_to_disk(dev)->private_data;
}

/*
 * The clock of @ac_time and of the idle ages compared with it: the boot-time
 * clock as of the last tick.  Ages are whole seconds, and every read and
 * write stamps its slot, where reading the clock source itself cost about
 * 40 more instructions.
 */
static inline ktime_t zram_now(void)
{
	return ktime_get_coarse_boottime();
}

static inline struct zram_slot *zram_slot_at(struct zram *zram,
					     unsigned long index)
{
	return &zram->table[index];
}

static inline void zram_slot_lock(struct zram *zram, unsigned long index)
{
	bit_spin_lock(ZRAM_LOCK, &zram_slot_at(zram, index)->flags);
}

static inline bool zram_slot_trylock(struct zram *zram, unsigned long index)
{
	return bit_spin_trylock(ZRAM_LOCK, &zram_slot_at(zram, index)->flags);
}

static inline void zram_slot_unlock(struct zram *zram, unsigned long index)
{
	bit_spin_unlock(ZRAM_LOCK, &zram_slot_at(zram, index)->flags);
}

static inline bool zram_slot_test(struct zram *zram, unsigned long index,
				  enum zram_slot_flag flag)
{
	return test_bit(flag, &zram_slot_at(zram, index)->flags);
}

static inline void zram_slot_set(struct zram *zram, unsigned long index,
				 enum zram_slot_flag flag)
{
	set_bit(flag, &zram_slot_at(zram, index)->flags);
}

static inline void zram_slot_clear(struct zram *zram, unsigned long index,
				   enum zram_slot_flag flag)
{
	clear_bit(flag, &zram_slot_at(zram, index)->flags);
}

static inline unsigned int zram_slot_size(struct zram *zram,
					  unsigned long index)
{
	return zram_slot_at(zram, index)->flags & ZRAM_SIZE_MASK;
}

static inline void zram_slot_set_size(struct zram *zram, unsigned long index,
				      unsigned int size)
{
	struct zram_slot *slot = zram_slot_at(zram, index);

	slot->flags = (slot->flags & ~ZRAM_SIZE_MASK) | size;
}

/* The priority of the algorithm whose output the slot's object is. */
static inline unsigned int zram_slot_priority(struct zram *zram,
					      unsigned long index)
{
	return (zram_slot_at(zram, index)->flags & ZRAM_PRIO_MASK) >>
	       ZRAM_PRIO_BIT0;
}

static inline void zram_slot_set_priority(struct zram *zram,
					  unsigned long index,
					  unsigned int prio)
{
	struct zram_slot *slot = zram_slot_at(zram, index);

	slot->flags = (slot->flags & ~ZRAM_PRIO_MASK) |
		      ((unsigned long)prio << ZRAM_PRIO_BIT0);
}

/* The compressor that can expand the slot's object. */
static inline struct zcomp *zram_slot_comp(struct zram *zram,
					   unsigned long index)
{
	return zram->comps[zram_slot_priority(zram, index)];
}

/* Holds data: a zsmalloc object, a fill word or a backing block. */
static inline bool zram_slot_allocated(struct zram *zram, unsigned long index)
{
	return zram_slot_at(zram, index)->handle ||
	       zram_slot_test(zram, index, ZRAM_SAME) ||
	       zram_slot_test(zram, index, ZRAM_WB);
}

/*
 * Whether the slot's data is an object in the pool: not a same-filled
 * page (@handle is its fill word) nor one on the backing device (@handle
 * is its block).  Only such data can be idle, written back or
 * recompressed.
 */
static inline bool zram_slot_in_pool(struct zram *zram, unsigned long index)
{
	return zram_slot_at(zram, index)->handle &&
	       !zram_slot_test(zram, index, ZRAM_SAME) &&
	       !zram_slot_test(zram, index, ZRAM_WB);
}

/* zram_drv.c */
extern struct workqueue_struct *zram_io_wq;
int zram_init_device(struct zram *zram, u64 disksize);
int zram_reset_unused(struct zram *zram);

/* zram_io.c */
void zram_submit_bio(struct bio *bio);
int zram_bio_pages(struct zram *zram, struct bio *bio, struct bvec_iter iter,
		   struct page *bounce);
int zram_rw_page(struct block_device *bdev, sector_t sector,
		 struct page *page, enum req_op op);
void zram_swap_slot_free_notify(struct block_device *bdev,
				unsigned long index);
void zram_slot_free(struct zram *zram, unsigned long index);
void zram_slot_install(struct zram *zram, unsigned long index,
		       const struct zram_obj *obj);
bool zram_over_limit(struct zram *zram);
void zram_slot_accessed(struct zram *zram, unsigned long index);
void zram_mark_idle(struct zram *zram, ktime_t cutoff);
int zram_read_obj(struct zram *zram, unsigned long index, struct page *page);
int zram_read_locked(struct zram *zram, struct page *page,
		     unsigned long index);

/* zram_spread.c */
int zram_spread_rw(struct zram *zram, struct bio *bio);
int zram_spread_init(void);
void zram_spread_exit(void);

/* zram_wb.c */

/*
 * What a writeback selects: slots having every flag of @flags, in the
 * @nr_ranges inclusive index ranges of @ranges, or in the whole device if
 * there are none.  zram_writeback() sets @written to the slots it moved
 * to the backing device, not counting those that changed while written.
 */
struct zram_wb_req {
	unsigned long flags;
	unsigned int nr_ranges;
	struct zram_wb_range {
		unsigned long first, last;
	} *ranges;
	unsigned long written;
};

extern const struct attribute_group zram_wb_attr_group;
int zram_writeback(struct zram *zram, struct zram_wb_req *req);
int zram_wb_store_page(struct zram *zram, struct page *page,
		       unsigned long index);
void zram_wb_init(struct zram *zram);
void zram_wb_detach(struct zram *zram);
void zram_wb_free_block(struct zram *zram, unsigned long block);
int zram_wb_read_page(struct zram *zram, struct page *page,
		      unsigned long index);
int zram_wb_read_held(struct zram *zram, struct bio *parent,
		      struct page *page, unsigned long index);
void zram_wb_wait_reads(struct zram *zram);

/* zram_recomp.c */

/*
 * One recompression request.  A slot qualifies if it has every flag of
 * @flags and an object of at least @threshold bytes (0: any), which the
 * new object must also be under, and of at least @min_size bytes, which
 * only selects; it is tried with the configured priorities in
 * [@prio_min, @prio_max); zram_recompress() tries at most @max_pages slots.
 */
struct zram_recomp_req {
	unsigned long flags;
	unsigned int threshold;
	unsigned int min_size;
	unsigned int prio_min;
	unsigned int prio_max;
	u64 max_pages;
};

/* What zram_recomp_slot() did with a slot. */
enum zram_recomp_result {
	ZRAM_RECOMP_SKIPPED,	/* not one the request wants */
	ZRAM_RECOMP_KEPT,	/* tried; no algorithm made it smaller */
	ZRAM_RECOMP_SHRUNK,	/* now holds a smaller object */
};

extern const struct attribute_group zram_recomp_attr_group;
void zram_recomp_reset(struct zram *zram);
int zram_comp_set(struct zram *zram, unsigned int prio, const char *name);
bool zram_recomp_configured(struct zram *zram);
int zram_recomp_slot(struct zram *zram, unsigned long index,
		     struct page *page, const struct zram_recomp_req *req);

/* zram_sysfs.c */
extern const struct attribute_group *zram_disk_groups[];
typedef int (*zram_word_fn)(void *data, char *key, char *val);
int zram_parse_words(char *args, bool need_value, zram_word_fn fn,
		     void *data);

/* zram_debugfs.c */
void zram_debugfs_init(void);
void zram_debugfs_exit(void);
void zram_debugfs_add(struct zram *zram);
void zram_debugfs_remove(struct zram *zram);

#endif /* _ZRAM_DRV_H_ */
