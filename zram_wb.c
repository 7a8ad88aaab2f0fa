// SPDX-License-Identifier: GPL-2.0
/*
 * Writeback: moving pages of a zram device out of RAM to a backing device.
 *
 * The administrator names a block device in backing_dev before setting
 * disksize.  It is opened exclusively and cut into page-sized blocks; a
 * bitmap says which blocks hold a page.  Writing "idle", "huge", ... or
 * "page_index=N" to the writeback attribute walks the selected slots and,
 * for each one, copies the page to a free block and then frees its
 * zsmalloc object: the slot is flagged ZRAM_WB and its handle becomes the
 * block number.  Reading such a slot reads the block; overwriting,
 * discarding or freeing the slot frees the block; reset frees them all and
 * closes the device.
 *
 * Moving one slot takes three steps, since the copy sleeps and the slot
 * lock is a spinlock: under the slot lock the page is decompressed into a
 * buffer (or, with writeback_compressed, the object is copied as stored)
 * and the slot flagged ZRAM_UNDER_WB; the buffer is written to the block
 * with no lock held; then, under the slot lock again, the object is
 * replaced by the block only if ZRAM_UNDER_WB is still set.  Every free of
 * the slot clears that flag, so if the slot was overwritten or discarded
 * meanwhile the new data wins and the block is given back.  Writebacks of
 * one device run one at a time, so no second writeback can set the flag
 * again behind the first one's back; one request that lists a slot twice
 * can, and zram_wb_flush() commits its claims newest first for that.
 *
 * A read looks up the block under the slot lock and then reads it with
 * no lock held, so the slot may be freed meanwhile.  A block its slot lets
 * go of is therefore not given to anyone else at once: it waits in
 * wb.freed until the backing device has no other free block, and then all
 * such blocks go back together once the reads that may have looked them
 * up are done (zram_wb_recycle(), the one taker of wb.reuse_lock for
 * writing; reads hold it for reading around the lookup and the read).  So
 * a read sees the slot's old contents or its new ones, never someone
 * else's, and a write to the backing device waits for no read.  A read
 * chained to a bio outlives its holding of the lock; see
 * zram_wb_read_held() for how it is kept safe all the same.
 *
 * Writeback claims up to writeback_batch_size slots, submits their bios
 * together and waits for all of them before committing each, so that the
 * backing device sees many writes at once.  Limits are taken from as slots
 * are claimed and given back for pages not written, so a batch never
 * writes past them.  A written-back slot keeps the size of what was
 * written: less than a page is a compressed object, decompressed on read.
 *
 * Inside zram's own ->submit_bio the block layer holds back the bios we
 * submit until we return.  A whole page stored raw that a bio reads is
 * therefore read by a bio of its own chained to that bio and not waited
 * for: all the backing reads of a bio go out together once we return.
 * Other backing I/O from there (a compressed object, which must be
 * decompressed after the read; part of a page; a write the policy
 * redirects to the backing device, zram_wb_store_page()) is handed to a
 * worker and waited for.  Outside ->submit_bio (rw_page, writeback) it is
 * done and waited for directly.
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/bio.h>
#include <linux/bitmap.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/dcache.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include "zram_drv.h"

/* writeback_limit and bd_stat count 4 KiB units, whatever the page size. */
#define ZRAM_4K_PER_PAGE	(PAGE_SIZE / SZ_4K)

/* Pages in flight per writeback unless writeback_batch_size says else. */
#define ZRAM_WB_DEFAULT_BATCH	32

void zram_wb_init(struct zram *zram)
{
	mutex_init(&zram->wb.mutex);
	init_rwsem(&zram->wb.reuse_lock);
	atomic_set(&zram->wb.reads_in_flight, 0);
	spin_lock_init(&zram->wb.limit_lock);
	zram->wb.batch_size = ZRAM_WB_DEFAULT_BATCH;
}

/* --- The backing device ------------------------------------------------ */

/*
 * The checks an open(2) for reading and writing makes, in its order, so
 * that the device is refused where the writer could not open it: a device
 * node on a nodev mount, or one the caller may not write.
 */
static int zram_bd_may_open(const struct path *path)
{
	umode_t mode = d_backing_inode(path->dentry)->i_mode;
	bool nodev = (path->mnt->mnt_flags & MNT_NODEV) ||
		     (path->mnt->mnt_sb->s_iflags & SB_I_NODEV);

	if (S_ISDIR(mode))
		return -EISDIR;
	if ((S_ISBLK(mode) || S_ISCHR(mode)) && nodev)
		return -EACCES;
	return path_permission(path, MAY_OPEN | MAY_READ | MAY_WRITE);
}

/*
 * Finds the block device @name names (following symlinks) and its path as
 * backing_dev shows it.
 */
static int zram_bd_lookup(const char *name, dev_t *dev, char **shown)
{
	struct inode *inode;
	struct path path;
	char *buf, *p;
	int ret;

	/* A kernel lookup of "" finds the current directory. */
	if (!*name)
		return -ENOENT;
	ret = kern_path(name, LOOKUP_FOLLOW, &path);
	if (ret)
		return ret;
	ret = zram_bd_may_open(&path);
	if (ret)
		goto put;
	inode = d_backing_inode(path.dentry);
	if (!S_ISBLK(inode->i_mode)) {
		ret = -ENOTBLK;
		goto put;
	}
	*dev = inode->i_rdev;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto put;
	}
	p = d_path(&path, buf, PATH_MAX);
	if (IS_ERR(p))
		ret = PTR_ERR(p);
	else
		*shown = kstrdup(p, GFP_KERNEL);
	if (!ret && !*shown)
		ret = -ENOMEM;
	kfree(buf);
put:
	path_put(&path);
	return ret;
}

/* Closes the backing device.  init_lock held for writing; no WB slots. */
void zram_wb_detach(struct zram *zram)
{
	struct zram_wb *wb = &zram->wb;

	if (!wb->bdev)
		return;
	zram_bd_close(wb->bd_owner);
	kvfree(wb->bitmap);
	kvfree(wb->freed);
	kfree(wb->path);
	wb->bdev = NULL;
	wb->bd_owner = NULL;
	wb->bitmap = NULL;
	wb->freed = NULL;
	wb->path = NULL;
	wb->nr_blocks = 0;
	wb->next_block = 0;
}

/*
 * Makes @name the backing device.  init_lock held for writing.  Its block
 * bitmaps take a bit per page each: 2 GiB each for 64 TiB, which may be
 * out of reach; then it is refused, without a warning or the OOM killer.
 */
static int zram_wb_attach(struct zram *zram, const char *name)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL;
	struct block_device *bdev;
	unsigned long *bitmap, *freed;
	unsigned long nr_blocks;
	char *path = NULL;
	void *owner;
	dev_t dev;
	int ret;

	ret = zram_bd_lookup(name, &dev, &path);
	if (ret)
		return ret;

	bdev = zram_bd_open(dev, zram, &owner);
	if (IS_ERR(bdev)) {
		ret = PTR_ERR(bdev);
		goto free_path;
	}
	/* Its own reads would wait for themselves, and it could never reset. */
	if (bdev->bd_disk == zram->disk) {
		ret = -EINVAL;
		goto close;
	}

	nr_blocks = bdev_nr_bytes(bdev) >> PAGE_SHIFT;
	/* Linux refuses one that can hold no page. */
	if (!nr_blocks) {
		ret = -EINVAL;
		goto close;
	}
	bitmap = kvcalloc(BITS_TO_LONGS(nr_blocks), sizeof(long), gfp);
	freed = kvcalloc(BITS_TO_LONGS(nr_blocks), sizeof(long), gfp);
	if (!bitmap || !freed) {
		kvfree(bitmap);
		kvfree(freed);
		ret = -ENOMEM;
		goto close;
	}

	zram_wb_detach(zram);
	zram->wb.bdev = bdev;
	zram->wb.bd_owner = owner;
	zram->wb.bitmap = bitmap;
	zram->wb.freed = freed;
	zram->wb.nr_blocks = nr_blocks;
	zram->wb.path = path;
	pr_info("%s: backing device %s, %lu pages\n", zram->disk->disk_name,
		path, nr_blocks);
	return 0;

close:
	zram_bd_close(owner);
free_path:
	kfree(path);
	return ret;
}

/* --- Blocks and backing I/O -------------------------------------------- */

/*
 * Takes no lock: a write redirected from reclaim allocates too, and must
 * not wait for a writeback that may itself be waiting for memory.  A bit
 * someone else set first is searched past.  The search goes on from the
 * last block taken, so that writing back a whole device does not scan the
 * bitmap from the start for every page.
 */
static bool zram_wb_find_block(struct zram *zram, unsigned long *block)
{
	struct zram_wb *wb = &zram->wb;
	unsigned long found = READ_ONCE(wb->next_block);
	bool wrapped = false;

	for (;;) {
		found = find_next_zero_bit(wb->bitmap, wb->nr_blocks, found);
		if (found < wb->nr_blocks) {
			if (!test_and_set_bit(found, wb->bitmap))
				break;
			continue;
		}
		if (wrapped)
			return false;
		wrapped = true;
		found = 0;
	}
	WRITE_ONCE(wb->next_block, found + 1);
	*block = found;
	return true;
}

/*
 * Gives the blocks their slots let go of back to the bitmap, once no read
 * that may have looked one of them up is left.  The only wait on backing
 * reads outside reset, and only once the backing device has no other free
 * block: reads of pages in RAM wait behind it while it waits.  With nothing
 * to give back it still waits for a recycle under way, whose last block
 * may not be back in the bitmap yet.
 */
static void zram_wb_recycle(struct zram *zram)
{
	struct zram_wb *wb = &zram->wb;
	unsigned long word, freed;

	if (bitmap_empty(wb->freed, wb->nr_blocks)) {
		down_read(&wb->reuse_lock);
		up_read(&wb->reuse_lock);
		return;
	}
	down_write(&wb->reuse_lock);
	zram_wb_wait_reads(zram);
	/*
	 * A word at a time, as reads of pages in RAM wait: a backing device
	 * of 64 GiB has 16M blocks.  xchg() orders the word's marks cleared
	 * before its blocks are given back: a block taken and freed again
	 * must stay marked.
	 */
	for (word = 0; word < BITS_TO_LONGS(wb->nr_blocks); word++) {
		freed = xchg(&wb->freed[word], 0);
		if (freed)
			atomic_long_andnot(freed,
					   (atomic_long_t *)&wb->bitmap[word]);
	}
	up_write(&wb->reuse_lock);
}

/*
 * A block no read can be in flight on: never used, or used by a slot that
 * let it go before the last zram_wb_recycle().  Searched again even when
 * there was nothing to recycle: a recycle that ran between the first search
 * and ours may have given blocks back.  With every block held by a slot
 * there is nothing to search for or recycle: under mem_limit=writeback
 * each write near the limit would otherwise scan both bitmaps whole.
 */
static bool zram_wb_alloc_block(struct zram *zram, unsigned long *block)
{
	if (atomic64_read(&zram->stats.bd_count) >= zram->wb.nr_blocks)
		return false;
	if (!zram_wb_find_block(zram, block)) {
		zram_wb_recycle(zram);
		if (!zram_wb_find_block(zram, block))
			return false;
	}
	atomic64_inc(&zram->stats.bd_count);
	return true;
}

/* A block that no slot pointed to, so that no read can have looked it up. */
static void zram_wb_release_block(struct zram *zram, unsigned long block)
{
	clear_bit(block, zram->wb.bitmap);
	atomic64_dec(&zram->stats.bd_count);
}

/*
 * The slot that owned @block lets it go; called with the slot locked, or
 * from reset.  A read may still be on its way to the block, so it stays
 * taken until zram_wb_recycle().
 */
void zram_wb_free_block(struct zram *zram, unsigned long block)
{
	set_bit(block, zram->wb.freed);
	atomic64_dec(&zram->stats.bd_count);
}

/* Bytes of backing I/O for @size bytes of data: whole logical blocks. */
static unsigned int zram_bd_io_len(struct zram *zram, unsigned int size)
{
	return round_up(size, bdev_logical_block_size(zram->wb.bdev));
}

/* Synchronous backing I/O of the first @len bytes of @page. */
static int zram_bd_rw(struct zram *zram, blk_opf_t opf, unsigned long block,
		      struct page *page, unsigned int len)
{
	struct bio_vec bvec;
	struct bio bio;
	int ret;

	bio_init(&bio, zram->wb.bdev, &bvec, 1, opf);
	bio.bi_iter.bi_sector = (sector_t)block << SECTORS_PER_PAGE_SHIFT;
	__bio_add_page(&bio, page, len, 0);
	ret = submit_bio_wait(&bio);
	bio_uninit(&bio);
	return ret;
}

/*
 * Backing I/O done by a worker for zram_bd_rw_anywhere().  @for_reclaim:
 * asked for by memory reclaim (a swap write redirected to the backing
 * device).
 */
struct zram_bd_io_work {
	struct work_struct work;
	struct zram *zram;
	struct page *page;
	unsigned long block;
	blk_opf_t opf;
	unsigned int len;
	bool for_reclaim;
	int ret;
};

/*
 * I/O for reclaim gets reclaim's access to the memory reserves, as it
 * would have submitting the bio itself: a backing device that allocates
 * to write (brd does) must not wait for reclaim that waits for it.
 */
static void zram_bd_io_fn(struct work_struct *work)
{
	struct zram_bd_io_work *io = container_of(work, typeof(*io), work);
	unsigned int noreclaim = 0;

	if (io->for_reclaim)
		noreclaim = memalloc_noreclaim_save();
	io->ret = zram_bd_rw(io->zram, io->opf, io->block, io->page, io->len);
	if (io->for_reclaim)
		memalloc_noreclaim_restore(noreclaim);
}

/* zram_bd_rw() that works inside zram's own ->submit_bio too. */
static int zram_bd_rw_anywhere(struct zram *zram, blk_opf_t opf,
			       unsigned long block, struct page *page,
			       unsigned int len)
{
	struct zram_bd_io_work io = {
		.zram = zram,
		.page = page,
		.block = block,
		.opf = opf,
		.len = len,
		.for_reclaim = current->flags & PF_MEMALLOC,
	};

	/* Outside ->submit_bio (rw_page, writeback) the bio goes out now. */
	if (!current->bio_list)
		return zram_bd_rw(zram, opf, block, page, len);

	INIT_WORK_ONSTACK(&io.work, zram_bd_io_fn);
	queue_work(zram_io_wq, &io.work);
	flush_work(&io.work);
	destroy_work_on_stack(&io.work);
	return io.ret;
}

static int zram_bd_read(struct zram *zram, unsigned long block,
			struct page *page, unsigned int len)
{
	return zram_bd_rw_anywhere(zram, REQ_OP_READ, block, page, len);
}

/*
 * Reads the @size byte compressed object in @block into @page and expands
 * it there, from a copy in the stream's buffer.  Nothing is allocated: the
 * read holds wb.reuse_lock, which a swap write redirected from reclaim may
 * be waiting for, so it must not wait for memory.
 */
static int zram_bd_read_compressed(struct zram *zram, unsigned long block,
				   unsigned int size, struct zcomp *comp,
				   struct page *page)
{
	struct zcomp_strm *strm;
	void *mem;
	int ret;

	ret = zram_bd_read(zram, block, page, zram_bd_io_len(zram, size));
	if (ret)
		return ret;
	strm = zcomp_stream_get(comp);
	mem = kmap_local_page(page);
	memcpy(strm->buffer, mem, size);
	ret = zcomp_decompress(comp, strm, strm->buffer, size, mem);
	kunmap_local(mem);
	zcomp_stream_put(comp);
	return ret;
}

/* --- Reading written-back slots --------------------------------------- */

/* Where a written-back slot's data is, as read under the slot lock. */
struct zram_wb_loc {
	unsigned long block;
	unsigned int size;
	struct zcomp *comp;
};

/*
 * Looks slot @index up for a read.  True, with @loc filled, if it is
 * written back; else it was rewritten or freed since the caller looked and
 * is read from RAM into @page, with *@ret the result.
 */
static bool zram_wb_lookup(struct zram *zram, unsigned long index,
			   struct page *page, struct zram_wb_loc *loc,
			   int *ret)
{
	bool written_back;

	zram_slot_lock(zram, index);
	written_back = zram_slot_test(zram, index, ZRAM_WB);
	if (written_back) {
		loc->block = zram_slot_at(zram, index)->handle;
		loc->size = zram_slot_size(zram, index);
		loc->comp = zram_slot_comp(zram, index);
		zram_slot_accessed(zram, index);
	} else {
		*ret = zram_read_locked(zram, page, index);
	}
	zram_slot_unlock(zram, index);
	return written_back;
}

/* Waits for the chained reads in flight.  Nobody may start new ones. */
void zram_wb_wait_reads(struct zram *zram)
{
	wait_var_event(&zram->wb.reads_in_flight,
		       !atomic_read(&zram->wb.reads_in_flight));
}

static void zram_wb_chained_read_end(struct bio *child)
{
	struct bio *parent = child->bi_private;
	struct zram *zram = parent->bi_bdev->bd_disk->private_data;

	if (child->bi_status) {
		atomic64_inc(&zram->stats.failed_reads);
		pr_err_ratelimited("%s: cannot read a page from the backing device: %d\n",
				   zram->disk->disk_name,
				   blk_status_to_errno(child->bi_status));
		/* As bio_chain() does: an error of a child fails the parent. */
		if (!parent->bi_status)
			parent->bi_status = child->bi_status;
	}
	bio_put(child);
	bio_endio(parent);
	/*
	 * Last, since reset waits for it: zram is still there until the
	 * count drops.  wake_up_var() only hashes the address.
	 */
	if (atomic_dec_and_test(&zram->wb.reads_in_flight))
		wake_up_var(&zram->wb.reads_in_flight);
}

/*
 * Reads @block into @page with a bio chained to @parent, which then
 * completes only after it, failed if it fails.  Not waited for.  False if
 * no bio could be had without waiting: the ones this ->submit_bio already
 * took from the same pool are not sent before it returns.
 */
static bool zram_wb_read_chained(struct zram *zram, struct bio *parent,
				 struct page *page, unsigned long block)
{
	struct bio *child;

	child = bio_alloc(zram->wb.bdev, 1, REQ_OP_READ,
			  GFP_NOWAIT | __GFP_NOWARN);
	if (!child)
		return false;
	child->bi_iter.bi_sector = (sector_t)block << SECTORS_PER_PAGE_SHIFT;
	__bio_add_page(child, page, PAGE_SIZE, 0);
	child->bi_end_io = zram_wb_chained_read_end;
	child->bi_private = parent;
	bio_inc_remaining(parent);
	atomic_inc(&zram->wb.reads_in_flight);
	submit_bio(child);
	return true;
}

/*
 * Reads the written-back slot @index into @page; the caller holds
 * wb.reuse_lock for reading.  With @parent, a bio being handled in
 * ->submit_bio whose page @page is, a page stored raw is read by a bio
 * chained to @parent and is not there yet when this returns; everything
 * else is read before returning.  May sleep.
 *
 * Why a chained read cannot return another slot's data.  The block was
 * looked up under the slot lock, so it was the slot's then.  After the
 * slot lock is dropped the slot may be overwritten or discarded, which
 * frees the block, and someone may then give the block to a different
 * slot and write that slot's data into it.  A freed block is taken again
 * only after zram_wb_recycle() took wb.reuse_lock for writing and waited
 * for the chained reads in flight (wb.reads_in_flight, counted before the
 * lock is dropped) to drain: so the read sees the block as it was when
 * looked up.  The read bio holds wb.reuse_lock for reading from its first
 * page to its last, not page by page: our chained reads are only sent
 * once ->submit_bio returns, so taking the lock again behind a recycle
 * that waits for them would deadlock.  Earlier bios' reads are
 * already sent (the block layer sends lower devices' bios before the next
 * one of ours), so a bio that waits for the lock at its start holds up
 * nobody.  A read racing with a write of the same slot returns the old or
 * the new data, as on any block device.
 */
int zram_wb_read_held(struct zram *zram, struct bio *parent,
		      struct page *page, unsigned long index)
{
	struct zram_wb_loc loc;
	int ret = 0;

	if (!zram_wb_lookup(zram, index, page, &loc, &ret))
		return ret;

	atomic64_inc(&zram->stats.bd_reads);
	if (loc.size == PAGE_SIZE && parent &&
	    zram_wb_read_chained(zram, parent, page, loc.block))
		return 0;
	if (loc.size < PAGE_SIZE)
		ret = zram_bd_read_compressed(zram, loc.block, loc.size,
					      loc.comp, page);
	else
		ret = zram_bd_read(zram, loc.block, page, PAGE_SIZE);
	if (ret)
		pr_err_ratelimited("%s: cannot read page %lu from the backing device: %d\n",
				   zram->disk->disk_name, index, ret);
	return ret;
}

/* zram_read_page() found the slot written back; reads it.  May sleep. */
int zram_wb_read_page(struct zram *zram, struct page *page,
		      unsigned long index)
{
	int ret;

	down_read(&zram->wb.reuse_lock);
	ret = zram_wb_read_held(zram, NULL, page, index);
	up_read(&zram->wb.reuse_lock);
	return ret;
}

/* --- writeback_limit --------------------------------------------------- */

/*
 * What a page about to be written took from writeback_limit: @units, and
 * @gen, the limit's generation then.
 */
struct zram_wb_grant {
	u64 units;
	u64 gen;
};

/*
 * Takes one page from the limit for a page about to be written; false if
 * the limit is enabled and used up.  Pages in flight are taken from the
 * limit before they are written, so that a batch never goes beyond it.
 * @grant says how much to give back if the page is not written after all.
 */
static bool zram_wb_limit_take(struct zram *zram, struct zram_wb_grant *grant)
{
	struct zram_wb *wb = &zram->wb;
	bool ok = true;

	grant->units = 0;
	spin_lock(&wb->limit_lock);
	grant->gen = wb->limit_gen;
	if (wb->limit_enable) {
		ok = wb->limit != 0;
		grant->units = min_t(u64, wb->limit, ZRAM_4K_PER_PAGE);
		wb->limit -= grant->units;
	}
	spin_unlock(&wb->limit_lock);
	return ok;
}

/*
 * A limit written since @grant was taken replaced what it was taken from:
 * adding it back would raise the new limit.
 */
static void zram_wb_limit_give_back(struct zram *zram,
				    const struct zram_wb_grant *grant)
{
	struct zram_wb *wb = &zram->wb;

	spin_lock(&wb->limit_lock);
	if (wb->limit_enable && wb->limit_gen == grant->gen)
		wb->limit += grant->units;
	spin_unlock(&wb->limit_lock);
}

/* --- Writing slots back ------------------------------------------------ */

/*
 * One page of a writeback batch: the claimed slot @index, the @block it
 * goes to, the @size bytes in @page written there (PAGE_SIZE for a
 * decompressed page, else a compressed object), the limit @grant for it,
 * and the bio that writes it, whose status the completion leaves in
 * @bio.bi_status.  Owned by the writeback that runs the batch.
 */
struct zram_wb_io {
	struct bio bio;
	struct bio_vec bvec;
	struct page *page;
	struct zram_wb_batch *batch;
	unsigned long index;
	unsigned long block;
	unsigned int size;
	struct zram_wb_grant grant;
};

/*
 * A writeback's pages: up to @max in flight at once in @ios, the first
 * @nr of them filled.  @pending counts bios not yet completed, plus one
 * while the batch is being submitted; the last one to go completes @done.
 * @written counts the slots that the batch's flushes moved to the device.
 */
struct zram_wb_batch {
	struct zram *zram;
	struct zram_wb_io *ios;
	unsigned int max;
	unsigned int nr;
	unsigned long written;
	atomic_t pending;
	struct completion done;
};

/* The slot's data is in zsmalloc, and the request wants it. */
static bool zram_wb_wanted(struct zram *zram, unsigned long index,
			   unsigned long flags)
{
	struct zram_slot *slot = zram_slot_at(zram, index);

	if (!zram_slot_in_pool(zram, index) ||
	    zram_slot_test(zram, index, ZRAM_UNDER_WB))
		return false;
	return (slot->flags & flags) == flags;
}

/* Copies the locked slot's object, as stored, to the start of @page. */
static void zram_wb_copy_obj(struct zram *zram, unsigned long index,
			     struct page *page)
{
	unsigned long handle = zram_slot_at(zram, index)->handle;
	unsigned int size = zram_slot_size(zram, index);
	void *src;

	src = zsm_map_object(zram->mem_pool, handle, ZS_MM_RO);
	memcpy_to_page(page, 0, src, size);
	zsm_unmap_object(zram->mem_pool, handle);
	/* The rest of the last sector goes out too: not a stale page's data. */
	memzero_page(page, size, PAGE_SIZE - size);
}

/*
 * If the request wants the slot, copies its data into @io's page (the
 * object as it is if writeback is compressed, else the page it expands
 * to) and flags it ZRAM_UNDER_WB.  Returns whether it did.
 */
static bool zram_wb_claim(struct zram *zram, unsigned long index,
			  unsigned long flags, struct zram_wb_io *io)
{
	bool claimed = false;

	zram_slot_lock(zram, index);
	if (!zram_wb_wanted(zram, index, flags))
		goto unlock;
	if (zram->wb.compressed) {
		io->size = zram_slot_size(zram, index);
		zram_wb_copy_obj(zram, index, io->page);
	} else {
		io->size = PAGE_SIZE;
		if (zram_read_obj(zram, index, io->page))
			goto unlock;
	}
	zram_slot_set(zram, index, ZRAM_UNDER_WB);
	io->index = index;
	claimed = true;
unlock:
	zram_slot_unlock(zram, index);
	return claimed;
}

static void zram_wb_unclaim(struct zram *zram, unsigned long index)
{
	zram_slot_lock(zram, index);
	zram_slot_clear(zram, index, ZRAM_UNDER_WB);
	zram_slot_unlock(zram, index);
}

/*
 * The block now holds the claimed slot's data: the slot gives up its
 * object for the block, unless it changed since it was claimed.  The slot
 * keeps the size written, which tells a read whether to decompress.
 * Returns whether the slot took the block.
 */
static bool zram_wb_commit(struct zram *zram, const struct zram_wb_io *io)
{
	struct zram_slot *slot = zram_slot_at(zram, io->index);
	unsigned int prio;
	bool unchanged;
	ktime_t ac_time;

	zram_slot_lock(zram, io->index);
	unchanged = zram_slot_test(zram, io->index, ZRAM_UNDER_WB);
	if (unchanged) {
		ac_time = slot->ac_time;
		prio = zram_slot_priority(zram, io->index);
		zram_slot_free(zram, io->index);
		slot->handle = io->block;
		slot->ac_time = ac_time;
		zram_slot_set_size(zram, io->index, io->size);
		/* A compressed block is expanded by the algorithm that made it. */
		zram_slot_set_priority(zram, io->index, prio);
		zram_slot_set(zram, io->index, ZRAM_WB);
		atomic64_inc(&zram->stats.pages_stored);
	}
	zram_slot_unlock(zram, io->index);

	if (!unchanged) {
		zram_wb_release_block(zram, io->block);
		zram_wb_limit_give_back(zram, &io->grant);
	}
	return unchanged;
}

/* The page was not written: the slot keeps its object, the block goes. */
static void zram_wb_abandon(struct zram *zram, const struct zram_wb_io *io)
{
	zram_wb_release_block(zram, io->block);
	zram_wb_unclaim(zram, io->index);
	zram_wb_limit_give_back(zram, &io->grant);
}

static void zram_wb_end_io(struct bio *bio)
{
	struct zram_wb_io *io = container_of(bio, struct zram_wb_io, bio);

	if (atomic_dec_and_test(&io->batch->pending))
		complete(&io->batch->done);
}

static void zram_wb_submit(struct zram_wb_io *io)
{
	struct zram *zram = io->batch->zram;

	bio_init(&io->bio, zram->wb.bdev, &io->bvec, 1,
		 REQ_OP_WRITE | REQ_SYNC);
	io->bio.bi_iter.bi_sector = (sector_t)io->block << SECTORS_PER_PAGE_SHIFT;
	io->bio.bi_end_io = zram_wb_end_io;
	__bio_add_page(&io->bio, io->page, zram_bd_io_len(zram, io->size), 0);
	atomic_inc(&io->batch->pending);
	submit_bio(&io->bio);
}

/*
 * Writes the batch's pages, all in flight together, and commits the ones
 * written.  Returns the first error; the pages that failed stay in zram.
 */
static int zram_wb_flush(struct zram_wb_batch *batch)
{
	struct zram *zram = batch->zram;
	struct blk_plug plug;
	struct zram_wb_io *io;
	unsigned int i;
	int err, ret = 0;

	if (!batch->nr)
		return 0;
	atomic_set(&batch->pending, 1);
	reinit_completion(&batch->done);

	blk_start_plug(&plug);
	for (i = 0; i < batch->nr; i++)
		zram_wb_submit(&batch->ios[i]);
	blk_finish_plug(&plug);
	if (!atomic_dec_and_test(&batch->pending))
		wait_for_completion(&batch->done);

	/*
	 * Newest claim first.  A slot listed twice in one request is claimed
	 * again only if a write freed it after the first claim; the newer
	 * claim holds the slot's data and commits, and the older one then
	 * finds the slot changed.  In the other order the older one would
	 * find the flag the newer claim set and commit stale data.
	 */
	for (i = batch->nr; i-- > 0; ) {
		io = &batch->ios[i];
		err = blk_status_to_errno(io->bio.bi_status);
		bio_uninit(&io->bio);
		if (err) {
			zram_wb_abandon(zram, io);
			pr_err_ratelimited("%s: cannot write page %lu to the backing device: %d\n",
					   zram->disk->disk_name, io->index,
					   err);
			ret = ret ? ret : err;
			continue;
		}
		atomic64_inc(&zram->stats.bd_writes);
		if (zram_wb_commit(zram, io))
			batch->written++;
	}
	batch->nr = 0;
	return ret;
}

/*
 * Adds the slot to the batch if the request wants it, writing the batch
 * out when full.  Stops (with -EIO) at the limit and (with -ENOSPC) when
 * the backing device is full.
 */
static int zram_wb_add(struct zram_wb_batch *batch, unsigned long index,
		       unsigned long flags)
{
	struct zram *zram = batch->zram;
	struct zram_wb_io *io = &batch->ios[batch->nr];

	if (!zram_wb_limit_take(zram, &io->grant))
		return -EIO;
	if (!zram_wb_claim(zram, index, flags, io)) {
		zram_wb_limit_give_back(zram, &io->grant);
		return 0;
	}
	if (!zram_wb_alloc_block(zram, &io->block)) {
		zram_wb_unclaim(zram, index);
		zram_wb_limit_give_back(zram, &io->grant);
		return -ENOSPC;
	}
	io->batch = batch;
	if (++batch->nr < batch->max)
		return 0;
	return zram_wb_flush(batch);
}

static void zram_wb_batch_free(struct zram_wb_batch *batch)
{
	unsigned int i;

	for (i = 0; i < batch->max; i++)
		__free_page(batch->ios[i].page);
	kvfree(batch->ios);
}

/*
 * Room for up to @want pages in flight; fewer if memory is short, but at
 * least one.  A large writeback_batch_size must not reclaim hard or call
 * the OOM killer for buffers: past the first, allocations give up early.
 */
static int zram_wb_batch_alloc(struct zram *zram, struct zram_wb_batch *batch,
			       unsigned long want)
{
	unsigned int i;

	batch->zram = zram;
	batch->nr = 0;
	batch->written = 0;
	init_completion(&batch->done);
	batch->ios = kvcalloc(want, sizeof(*batch->ios),
			      GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
	if (!batch->ios && want > 1) {
		want = 1;
		batch->ios = kvcalloc(1, sizeof(*batch->ios), GFP_KERNEL);
	}
	if (!batch->ios)
		return -ENOMEM;
	for (i = 0; i < want; i++) {
		batch->ios[i].page = alloc_page(i ? GFP_KERNEL | __GFP_NORETRY |
						    __GFP_NOWARN : GFP_KERNEL);
		if (!batch->ios[i].page)
			break;
	}
	batch->max = i;
	if (!i) {
		kvfree(batch->ios);
		return -ENOMEM;
	}
	return 0;
}

static unsigned long zram_wb_req_pages(const struct zram_wb_range *ranges,
				       unsigned int nr_ranges)
{
	unsigned long pages = 0;
	unsigned int i;

	for (i = 0; i < nr_ranges; i++)
		pages += ranges[i].last - ranges[i].first + 1;
	return pages;
}

/* Stops at the first error.  init_lock held for reading. */
int zram_writeback(struct zram *zram, struct zram_wb_req *req)
{
	struct zram_wb_range all = { 0, zram->nr_pages - 1 };
	const struct zram_wb_range *ranges = req->nr_ranges ? req->ranges : &all;
	unsigned int nr_ranges = req->nr_ranges ? req->nr_ranges : 1;
	struct zram_wb_batch batch;
	unsigned long index, want;
	unsigned int i;
	int ret, err;

	req->written = 0;
	want = min_t(unsigned long, READ_ONCE(zram->wb.batch_size),
		     zram_wb_req_pages(ranges, nr_ranges));
	ret = zram_wb_batch_alloc(zram, &batch, want);
	if (ret)
		return ret;

	mutex_lock(&zram->wb.mutex);
	for (i = 0; i < nr_ranges && !ret; i++) {
		for (index = ranges[i].first; index <= ranges[i].last; index++) {
			ret = zram_wb_add(&batch, index, req->flags);
			if (ret)
				break;
			cond_resched();
		}
	}
	/* What was added before an error is still written. */
	err = zram_wb_flush(&batch);
	mutex_unlock(&zram->wb.mutex);
	req->written = batch.written;
	zram_wb_batch_free(&batch);
	return ret ? ret : err;
}

/*
 * Stores @page, the new contents of slot @index, on the backing device
 * instead of in RAM, for a write the pool cannot take.  writeback_limit
 * applies.  May sleep; called with no lock held.
 */
int zram_wb_store_page(struct zram *zram, struct page *page,
		       unsigned long index)
{
	struct zram_slot *slot = zram_slot_at(zram, index);
	struct zram_wb_grant grant;
	unsigned long block;
	int ret;

	if (!zram_wb_limit_take(zram, &grant))
		return -EIO;
	if (!zram_wb_alloc_block(zram, &block)) {
		zram_wb_limit_give_back(zram, &grant);
		return -ENOSPC;
	}

	ret = zram_bd_rw_anywhere(zram, REQ_OP_WRITE | REQ_SYNC, block, page,
				  PAGE_SIZE);
	if (ret) {
		zram_wb_release_block(zram, block);
		zram_wb_limit_give_back(zram, &grant);
		return ret;
	}
	atomic64_inc(&zram->stats.bd_writes);

	zram_slot_lock(zram, index);
	zram_slot_free(zram, index);
	slot->handle = block;
	zram_slot_set_size(zram, index, PAGE_SIZE);
	zram_slot_set(zram, index, ZRAM_WB);
	zram_slot_accessed(zram, index);
	atomic64_inc(&zram->stats.pages_stored);
	zram_slot_unlock(zram, index);
	return 0;
}

/* --- Parsing writeback requests ---------------------------------------- */

static const struct {
	const char *name;
	unsigned long flags;
} zram_wb_types[] = {
	{ "idle",		BIT(ZRAM_IDLE) },
	{ "huge",		BIT(ZRAM_HUGE) },
	{ "huge_idle",		BIT(ZRAM_HUGE) | BIT(ZRAM_IDLE) },
	{ "incompressible",	BIT(ZRAM_INCOMPRESSIBLE) },
};

static int zram_wb_parse_type(const char *name, struct zram_wb_req *req,
			      bool *typed)
{
	unsigned int i;

	if (*typed)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(zram_wb_types); i++) {
		if (!strcmp(name, zram_wb_types[i].name)) {
			req->flags = zram_wb_types[i].flags;
			*typed = true;
			return 0;
		}
	}
	return -EINVAL;
}

/* "N" or, if @is_range, "LO-HI"; indexes below @nr_pages. */
static int zram_wb_parse_range(char *val, bool is_range,
			       unsigned long nr_pages, struct zram_wb_req *req)
{
	struct zram_wb_range *range = &req->ranges[req->nr_ranges];
	char *hi = val;

	if (is_range) {
		hi = strchr(val, '-');
		if (!hi)
			return -EINVAL;
		*hi++ = '\0';
	}
	if (kstrtoul(val, 10, &range->first) || kstrtoul(hi, 10, &range->last))
		return -EINVAL;
	if (range->first > range->last || range->last >= nr_pages)
		return -EINVAL;
	req->nr_ranges++;
	return 0;
}

/* What zram_wb_parse() has read so far. */
struct zram_wb_parsed {
	struct zram_wb_req *req;
	unsigned long nr_pages;
	bool typed;
};

static int zram_wb_parse_word(void *data, char *param, char *val)
{
	struct zram_wb_parsed *parsed = data;
	struct zram_wb_req *req = parsed->req;

	if (!val)
		return zram_wb_parse_type(param, req, &parsed->typed);
	if (!strcmp(param, "type"))
		return zram_wb_parse_type(val, req, &parsed->typed);
	if (!strcmp(param, "page_index"))
		return zram_wb_parse_range(val, false, parsed->nr_pages, req);
	if (!strcmp(param, "page_indexes"))
		return zram_wb_parse_range(val, true, parsed->nr_pages, req);
	return -EINVAL;
}

/*
 * Parses @args: one of the type words alone (the original interface), or
 * "type=TYPE", "page_index=N" and "page_indexes=LO-HI" separated by spaces,
 * indexes as often as wanted.  req->ranges must have room for one range
 * per key=value word.
 */
static int zram_wb_parse(char *args, unsigned long nr_pages,
			 struct zram_wb_req *req)
{
	struct zram_wb_parsed parsed = { .req = req, .nr_pages = nr_pages };

	if (!*skip_spaces(args))
		return -EINVAL;
	return zram_parse_words(args, false, zram_wb_parse_word, &parsed);
}

/* --- Attributes -------------------------------------------------------- */

static ssize_t backing_dev_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct zram *zram = dev_to_zram(dev);
	ssize_t ret;

	down_read(&zram->init_lock);
	ret = sysfs_emit(buf, "%s\n", zram->wb.path ? zram->wb.path : "none");
	up_read(&zram->init_lock);
	return ret;
}

static ssize_t backing_dev_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t len)
{
	struct zram *zram = dev_to_zram(dev);
	size_t name_len = len;
	char *name;
	int ret;

	if (name_len && buf[name_len - 1] == '\n')
		name_len--;
	name = kstrndup(buf, name_len, GFP_KERNEL);
	if (!name)
		return -ENOMEM;

	down_write(&zram->init_lock);
	if (zram_initialized(zram)) {
		pr_info("cannot set the backing device of initialised %s\n",
			zram->disk->disk_name);
		ret = -EBUSY;
	} else {
		ret = zram_wb_attach(zram, name);
	}
	up_write(&zram->init_lock);
	kfree(name);
	return ret ? ret : len;
}
static DEVICE_ATTR_RW(backing_dev);

/* Parses and runs a request.  init_lock held for reading. */
static int zram_wb_request(struct zram *zram, char *args)
{
	struct zram_wb_req req = { };
	unsigned int nr_words = 1;
	const char *c;
	int ret;

	/* Ranges come from key=value words: room for one per '='. */
	for (c = args; *c; c++)
		nr_words += *c == '=';
	req.ranges = kcalloc(nr_words, sizeof(*req.ranges), GFP_KERNEL);
	if (!req.ranges)
		return -ENOMEM;

	/* In 6.1's order: bad input, then no device, then no backing. */
	ret = zram_wb_parse(args, zram->nr_pages, &req);
	if (!ret && !zram_initialized(zram))
		ret = -EINVAL;
	if (!ret && !zram->wb.bdev)
		ret = -ENODEV;
	if (!ret)
		ret = zram_writeback(zram, &req);
	kfree(req.ranges);
	return ret;
}

static ssize_t writeback_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t len)
{
	struct zram *zram = dev_to_zram(dev);
	char *args;
	int ret;

	args = kstrndup(buf, len, GFP_KERNEL);
	if (!args)
		return -ENOMEM;
	down_read(&zram->init_lock);
	ret = zram_wb_request(zram, args);
	up_read(&zram->init_lock);
	kfree(args);
	return ret ? ret : len;
}
static DEVICE_ATTR_WO(writeback);

/*
 * writeback_limit_enable and writeback_limit: numbers that writeback reads
 * under limit_lock.  @enable picks the switch, else the limit itself; the
 * switch takes any number, nonzero enabling, as in 6.1.
 */
static ssize_t zram_wb_limit_show(struct device *dev, char *buf, bool enable)
{
	struct zram_wb *wb = &dev_to_zram(dev)->wb;
	u64 val;

	spin_lock(&wb->limit_lock);
	val = enable ? wb->limit_enable : wb->limit;
	spin_unlock(&wb->limit_lock);
	return sysfs_emit(buf, "%llu\n", val);
}

static ssize_t zram_wb_limit_store(struct device *dev, const char *buf,
				   size_t len, bool enable)
{
	struct zram_wb *wb = &dev_to_zram(dev)->wb;
	u64 val;

	if (kstrtoull(buf, 10, &val))
		return -EINVAL;
	spin_lock(&wb->limit_lock);
	if (enable) {
		wb->limit_enable = val;
	} else {
		wb->limit = val;
		wb->limit_gen++;
	}
	spin_unlock(&wb->limit_lock);
	return len;
}

static ssize_t writeback_limit_enable_show(struct device *dev,
					   struct device_attribute *attr,
					   char *buf)
{
	return zram_wb_limit_show(dev, buf, true);
}

static ssize_t writeback_limit_enable_store(struct device *dev,
					    struct device_attribute *attr,
					    const char *buf, size_t len)
{
	return zram_wb_limit_store(dev, buf, len, true);
}
static DEVICE_ATTR_RW(writeback_limit_enable);

static ssize_t writeback_limit_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return zram_wb_limit_show(dev, buf, false);
}

static ssize_t writeback_limit_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t len)
{
	return zram_wb_limit_store(dev, buf, len, false);
}
static DEVICE_ATTR_RW(writeback_limit);

/* Most pages in flight per writeback, as in Linux 6.19: 1 or more. */
static ssize_t writeback_batch_size_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(dev_to_zram(dev)->wb.batch_size));
}

static ssize_t writeback_batch_size_store(struct device *dev,
					  struct device_attribute *attr,
					  const char *buf, size_t len)
{
	struct zram *zram = dev_to_zram(dev);
	unsigned int val;

	if (kstrtouint(buf, 10, &val) || !val)
		return -EINVAL;
	down_write(&zram->init_lock);
	WRITE_ONCE(zram->wb.batch_size, val);
	up_write(&zram->init_lock);
	return len;
}
static DEVICE_ATTR_RW(writeback_batch_size);

/*
 * Whether writeback writes objects as stored (Linux 7.0's
 * writeback_compressed, also named compressed_writeback): a boolean, set
 * only before disksize.
 */
static ssize_t writeback_compressed_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	struct zram *zram = dev_to_zram(dev);
	bool val;

	down_read(&zram->init_lock);
	val = zram->wb.compressed;
	up_read(&zram->init_lock);
	return sysfs_emit(buf, "%d\n", val);
}

static ssize_t writeback_compressed_store(struct device *dev,
					  struct device_attribute *attr,
					  const char *buf, size_t len)
{
	struct zram *zram = dev_to_zram(dev);
	int ret = len;
	bool val;

	if (kstrtobool(buf, &val))
		return -EINVAL;
	down_write(&zram->init_lock);
	if (zram_initialized(zram))
		ret = -EBUSY;
	else
		zram->wb.compressed = val;
	up_write(&zram->init_lock);
	return ret;
}
static DEVICE_ATTR_RW(writeback_compressed);
static struct device_attribute dev_attr_compressed_writeback =
	__ATTR(compressed_writeback, 0644, writeback_compressed_show,
	       writeback_compressed_store);

static u64 zram_4k_units(atomic64_t *pages)
{
	return (u64)atomic64_read(pages) * ZRAM_4K_PER_PAGE;
}

/* Block counts in 4 KiB units: in use, read, written. */
static ssize_t bd_stat_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct zram_stats *stats = &dev_to_zram(dev)->stats;

	return sysfs_emit(buf, "%8llu %8llu %8llu\n",
			  zram_4k_units(&stats->bd_count),
			  zram_4k_units(&stats->bd_reads),
			  zram_4k_units(&stats->bd_writes));
}
static DEVICE_ATTR_RO(bd_stat);

static struct attribute *zram_wb_attrs[] = {
	&dev_attr_backing_dev.attr,
	&dev_attr_writeback.attr,
	&dev_attr_writeback_limit.attr,
	&dev_attr_writeback_limit_enable.attr,
	&dev_attr_bd_stat.attr,
	&dev_attr_writeback_batch_size.attr,
	&dev_attr_writeback_compressed.attr,
	&dev_attr_compressed_writeback.attr,
	NULL,
};

const struct attribute_group zram_wb_attr_group = {
	.attrs = zram_wb_attrs,
};
