// SPDX-License-Identifier: GPL-2.0
/*
 * zram's I/O path.
 *
 * A bio is handled one device page ("slot") at a time.  A slot is written
 * in two steps.  First the data is prepared with no slot lock held: a page
 * whose words all repeat one value is kept as that value alone; any other
 * page is compressed with this CPU's stream and copied into a new zsmalloc
 * object (uncompressed if it does not shrink below the pool's huge class
 * size).  Then, under the slot's bit spinlock, the old contents are freed
 * and the new ones installed.  A failed write leaves the old data in place.
 *
 * Nothing may sleep under a slot lock or while a stream is held, so the
 * object is first allocated without sleeping, with the compressed output
 * still in the stream buffer.  If that fails the stream is released, the
 * allocation is retried with reclaim allowed, and the page is compressed
 * again: the first output may have been overwritten meanwhile.
 *
 * Reads decompress under the slot lock, straight into the caller's page.
 * Lock order: slot lock, then stream, then the zsmalloc mapping.  Pages
 * written back to a backing device are read from it (zram_wb.c); a read
 * bio's whole raw pages are read by bios chained to it, so the bio may
 * complete after zram_submit_bio() returns.
 *
 * A device page whose data comes in pieces (bio segments are not page
 * aligned in memory, although every bio covers whole logical blocks) goes
 * through a bounce page: it is assembled there before compression, and
 * the old contents are read in first only if part of it is not covered.
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "zram_drv.h"

/* For an allocation with a stream held: no sleeping, no warning. */
#define ZRAM_GFP_NOWAIT	(__GFP_KSWAPD_RECLAIM | __GFP_NOWARN | \
			 __GFP_HIGHMEM | __GFP_MOVABLE)
/* The retry without the stream: may reclaim, but must not recurse into I/O. */
#define ZRAM_GFP_RETRY	(GFP_NOIO | __GFP_NOWARN | __GFP_HIGHMEM | \
			 __GFP_MOVABLE)

/*
 * Called with the slot locked, or with the device exclusively owned.  The
 * lock owns the whole flags word, so the flags are cleared in one store.
 */
void zram_slot_free(struct zram *zram, unsigned long index)
{
	struct zram_slot *slot = zram_slot_at(zram, index);

	slot->ac_time = 0;
	/* Discards and trims mostly cover slots that hold nothing at all. */
	if (!slot->handle && !(slot->flags & ~BIT(ZRAM_LOCK)))
		return;
	/* Clearing UNDER_WB tells a writeback copying the slot it is stale. */
	slot->flags &= ~(BIT(ZRAM_IDLE) | BIT(ZRAM_INCOMPRESSIBLE) |
			 BIT(ZRAM_UNDER_WB) | ZRAM_PRIO_MASK);

	if (zram_slot_test(zram, index, ZRAM_WB)) {
		zram_slot_clear(zram, index, ZRAM_WB);
		zram_wb_free_block(zram, slot->handle);
		atomic64_dec(&zram->stats.pages_stored);
	} else if (zram_slot_test(zram, index, ZRAM_SAME)) {
		zram_slot_clear(zram, index, ZRAM_SAME);
		atomic64_dec(&zram->stats.same_pages);
		atomic64_dec(&zram->stats.pages_stored);
	} else if (slot->handle) {
		if (zram_slot_test(zram, index, ZRAM_HUGE)) {
			zram_slot_clear(zram, index, ZRAM_HUGE);
			atomic64_dec(&zram->stats.huge_pages);
		}
		zsm_free(zram->mem_pool, slot->handle);
		atomic64_sub(zram_slot_size(zram, index),
			     &zram->stats.compr_data_size);
		atomic64_dec(&zram->stats.pages_stored);
	}
	slot->handle = 0;
	zram_slot_set_size(zram, index, 0);
}

/* Installs @obj in an empty, locked slot. */
void zram_slot_install(struct zram *zram, unsigned long index,
		       const struct zram_obj *obj)
{
	zram_slot_at(zram, index)->handle = obj->handle;
	zram_slot_set_priority(zram, index, obj->prio);
	if (obj->same) {
		zram_slot_set(zram, index, ZRAM_SAME);
		atomic64_inc(&zram->stats.same_pages);
	} else {
		zram_slot_set_size(zram, index, obj->size);
		atomic64_add(obj->size, &zram->stats.compr_data_size);
		if (obj->size == PAGE_SIZE) {
			zram_slot_set(zram, index, ZRAM_HUGE);
			atomic64_inc(&zram->stats.huge_pages);
			atomic64_inc(&zram->stats.huge_pages_since);
		}
	}
	atomic64_inc(&zram->stats.pages_stored);
}

void zram_slot_accessed(struct zram *zram, unsigned long index)
{
	zram_slot_clear(zram, index, ZRAM_IDLE);
	zram_slot_at(zram, index)->ac_time = zram_now();
}

/*
 * Marks idle the slots holding data last used at or before @cutoff, and
 * not idle those used since: "idle" then says what the last write to the
 * attribute asked, whatever an earlier one marked.
 */
void zram_mark_idle(struct zram *zram, ktime_t cutoff)
{
	unsigned long index;

	for (index = 0; index < zram->nr_pages; index++) {
		zram_slot_lock(zram, index);
		if (zram_slot_in_pool(zram, index)) {
			if (zram_slot_at(zram, index)->ac_time <= cutoff)
				zram_slot_set(zram, index, ZRAM_IDLE);
			else
				zram_slot_clear(zram, index, ZRAM_IDLE);
		}
		zram_slot_unlock(zram, index);
		cond_resched();
	}
}

/*
 * Whether all of a page's words equal its first.  Most pages that differ
 * at all differ at one of the ends.  The rest of the page is compared
 * eight words per turn of the loop: a comparison and a branch per word,
 * where a loop over single words spends five instructions on each.
 */
static bool zram_words_same(const unsigned long *words, unsigned long *fill)
{
	const unsigned int count = PAGE_SIZE / sizeof(*words);
	const unsigned long first = words[0];
	unsigned int i;

	if (first != words[count - 1])
		return false;
	for (i = 0; i < count; i += 8)
		if (words[i] != first || words[i + 1] != first ||
		    words[i + 2] != first || words[i + 3] != first ||
		    words[i + 4] != first || words[i + 5] != first ||
		    words[i + 6] != first || words[i + 7] != first)
			return false;
	*fill = first;
	return true;
}

static bool zram_page_same_filled(struct page *page, unsigned long *fill)
{
	unsigned long *words = kmap_local_page(page);
	bool same = zram_words_same(words, fill);

	kunmap_local(words);
	return same;
}

static void zram_update_max_used(struct zram *zram, unsigned long pages)
{
	long max = atomic_long_read(&zram->stats.max_used_pages);

	while ((long)pages > max) {
		if (atomic_long_try_cmpxchg(&zram->stats.max_used_pages, &max,
					    pages))
			break;
	}
}

/* Checked after each allocation, so mem_used_max stays exact too. */
bool zram_over_limit(struct zram *zram)
{
	unsigned long used = zsm_get_total_pages(zram->mem_pool);
	unsigned long limit = READ_ONCE(zram->limit_pages);

	zram_update_max_used(zram, used);
	return limit && used > limit;
}

/*
 * Compresses @page with @strm, which the caller holds.  *@len becomes the
 * size to store: PAGE_SIZE when the output is too big to be worth it.
 */
static int zram_compress(struct zram *zram, struct zcomp_strm *strm,
			 struct page *page, unsigned int *len)
{
	void *src = kmap_local_page(page);
	int ret;

	ret = zcomp_compress(zram->comps[ZRAM_PRIMARY_COMP], strm, src, len);
	kunmap_local(src);
	if (ret) {
		pr_err_ratelimited("%s: compression failed: %d\n",
				   zram->disk->disk_name, ret);
		return ret;
	}
	if (*len >= zram->huge_class_size)
		*len = PAGE_SIZE;
	return 0;
}

/*
 * Fills @handle, allocated for at least @len bytes, with @page itself if
 * @len is PAGE_SIZE or else with @len bytes of compressed output at @buf.
 * Frees the handle instead if the device went over its memory limit.
 */
static int zram_obj_fill(struct zram *zram, unsigned long handle,
			 unsigned int len, struct page *page, const void *buf,
			 struct zram_obj *obj)
{
	void *dst;

	if (zram_over_limit(zram)) {
		zsm_free(zram->mem_pool, handle);
		return -ENOMEM;
	}

	dst = zsm_map_object(zram->mem_pool, handle, ZS_MM_WO);
	if (len == PAGE_SIZE)
		memcpy_from_page(dst, page, 0, PAGE_SIZE);
	else
		memcpy(dst, buf, len);
	zsm_unmap_object(zram->mem_pool, handle);

	obj->handle = handle;
	obj->size = len;
	return 0;
}

/*
 * Compresses @page again into @handle, which has room for @room bytes.
 * Returns -EAGAIN if the output no longer fits: the page changed since the
 * first compression.  The handle is freed on every failure.
 */
static int zram_recompress(struct zram *zram, struct page *page,
			   unsigned long handle, unsigned int room,
			   struct zram_obj *obj)
{
	struct zcomp_strm *strm;
	unsigned int len;
	int ret;

	strm = zcomp_stream_get(zram->comps[ZRAM_PRIMARY_COMP]);
	ret = zram_compress(zram, strm, page, &len);
	if (!ret && len > room)
		ret = -EAGAIN;
	if (ret)
		zsm_free(zram->mem_pool, handle);
	else
		ret = zram_obj_fill(zram, handle, len, page, strm->buffer, obj);
	zcomp_stream_put(zram->comps[ZRAM_PRIMARY_COMP]);
	return ret;
}

/* The slow path of zram_store(): no stream held, sleeping allowed. */
static int zram_store_retry(struct zram *zram, struct page *page,
			    unsigned int len, struct zram_obj *obj)
{
	unsigned long handle;
	int ret;

	atomic64_inc(&zram->stats.writestall);
	handle = zsm_malloc(zram->mem_pool, len, ZRAM_GFP_RETRY);
	if (!handle)
		return -ENOMEM;

	if (len < PAGE_SIZE) {
		ret = zram_recompress(zram, page, handle, len, obj);
		if (ret != -EAGAIN)
			return ret;
		/* It grew while we slept: keep it as it is now. */
		handle = zsm_malloc(zram->mem_pool, PAGE_SIZE, ZRAM_GFP_RETRY);
		if (!handle)
			return -ENOMEM;
	}
	return zram_obj_fill(zram, handle, PAGE_SIZE, page, NULL, obj);
}

/* Compresses @page into a new zsmalloc object. */
static int zram_store(struct zram *zram, struct page *page,
		      struct zram_obj *obj)
{
	struct zcomp_strm *strm;
	unsigned long handle;
	unsigned int len;
	int ret;

	strm = zcomp_stream_get(zram->comps[ZRAM_PRIMARY_COMP]);
	ret = zram_compress(zram, strm, page, &len);
	if (ret)
		goto put;

	handle = zsm_malloc(zram->mem_pool, len, ZRAM_GFP_NOWAIT);
	if (!handle) {
		zcomp_stream_put(zram->comps[ZRAM_PRIMARY_COMP]);
		return zram_store_retry(zram, page, len, obj);
	}
	ret = zram_obj_fill(zram, handle, len, page, strm->buffer, obj);
put:
	zcomp_stream_put(zram->comps[ZRAM_PRIMARY_COMP]);
	return ret;
}

static int zram_write_page(struct zram *zram, struct page *page,
			   unsigned long index)
{
	struct zram_obj obj = { };
	int ret;

	if (zram_page_same_filled(page, &obj.handle)) {
		obj.same = true;
	} else {
		bool redirect = zram_policy_redirects(zram);

		/*
		 * A store that might cross mem_limit goes where the policy
		 * says, or else (backing device full, writeback_limit used
		 * up) to the pool, which may still have room.
		 */
		if (redirect && zram_policy_near_limit(zram)) {
			if (!zram_policy_redirect(zram, page, index))
				return 0;
			redirect = false;
		}
		ret = zram_store(zram, page, &obj);
		/* Over mem_limit (or out of memory): the policy may say where. */
		if (ret == -ENOMEM && redirect)
			return zram_policy_redirect(zram, page, index);
		if (ret)
			return ret;
	}

	zram_slot_lock(zram, index);
	zram_slot_free(zram, index);
	zram_slot_install(zram, index, &obj);
	zram_slot_accessed(zram, index);
	zram_slot_unlock(zram, index);
	return 0;
}

/* Expands the locked slot's object into @page. */
int zram_read_obj(struct zram *zram, unsigned long index, struct page *page)
{
	unsigned long handle = zram_slot_at(zram, index)->handle;
	unsigned int size = zram_slot_size(zram, index);
	struct zcomp *comp = zram_slot_comp(zram, index);
	struct zcomp_strm *strm;
	void *src, *dst;
	int ret;

	if (size == PAGE_SIZE) {
		src = zsm_map_object(zram->mem_pool, handle, ZS_MM_RO);
		memcpy_to_page(page, 0, src, PAGE_SIZE);
		zsm_unmap_object(zram->mem_pool, handle);
		return 0;
	}

	strm = zcomp_stream_get(comp);
	src = zsm_map_object(zram->mem_pool, handle, ZS_MM_RO);
	dst = kmap_local_page(page);
	ret = zcomp_decompress(comp, strm, src, size, dst);
	kunmap_local(dst);
	zsm_unmap_object(zram->mem_pool, handle);
	zcomp_stream_put(comp);
	return ret;
}

static void zram_fill_page(struct page *page, unsigned long fill)
{
	unsigned long *words = kmap_local_page(page);

	memset_l(words, fill, PAGE_SIZE / sizeof(*words));
	kunmap_local(words);
}

/* Reads a locked slot whose data is in RAM into @page. */
int zram_read_locked(struct zram *zram, struct page *page, unsigned long index)
{
	int ret = 0;

	if (zram_slot_allocated(zram, index))
		zram_slot_accessed(zram, index);

	if (zram_slot_test(zram, index, ZRAM_SAME))
		zram_fill_page(page, zram_slot_at(zram, index)->handle);
	else if (!zram_slot_at(zram, index)->handle)
		zram_fill_page(page, 0);
	else
		ret = zram_read_obj(zram, index, page);

	if (ret)
		pr_err_ratelimited("%s: cannot decompress page %lu: %d\n",
				   zram->disk->disk_name, index, ret);
	return ret;
}

/* May sleep: a written-back page is read from the backing device. */
static int zram_read_page(struct zram *zram, struct page *page,
			  unsigned long index)
{
	int ret;

	zram_slot_lock(zram, index);
	if (zram_slot_test(zram, index, ZRAM_WB)) {
		zram_slot_unlock(zram, index);
		return zram_wb_read_page(zram, page, index);
	}
	ret = zram_read_locked(zram, page, index);
	zram_slot_unlock(zram, index);
	return ret;
}

/*
 * zram_read_page() for a read bio, which holds wb.reuse_lock for reading
 * if there is a backing device.  A whole page written back raw is read by
 * a bio chained to @bio, not waited for; pass NULL to have it read now.
 */
static int zram_bio_read_slot(struct zram *zram, struct bio *bio,
			      struct page *page, unsigned long index)
{
	int ret;

	zram_slot_lock(zram, index);
	if (zram_slot_test(zram, index, ZRAM_WB)) {
		zram_slot_unlock(zram, index);
		return zram_wb_read_held(zram, bio, page, index);
	}
	ret = zram_read_locked(zram, page, index);
	zram_slot_unlock(zram, index);
	return ret;
}

/*
 * The part of the device page at @iter that the bio covers: returns its
 * length and sets *@offset to where it starts in the page.
 */
static unsigned int zram_iter_span(const struct bvec_iter *iter,
				   unsigned int *offset)
{
	*offset = (iter->bi_sector & (SECTORS_PER_PAGE - 1)) << SECTOR_SHIFT;
	return min_t(unsigned int, iter->bi_size, PAGE_SIZE - *offset);
}

/* Copies @len bytes of the bio at @iter to @page at @offset; advances. */
static void zram_copy_from_bio(struct bio *bio, struct bvec_iter *iter,
			       struct page *page, unsigned int offset,
			       unsigned int len)
{
	while (len) {
		struct bio_vec bv = bio_iter_iovec(bio, *iter);
		unsigned int n = min(bv.bv_len, len);

		memcpy_page(page, offset, bv.bv_page, bv.bv_offset, n);
		bio_advance_iter_single(bio, iter, n);
		offset += n;
		len -= n;
	}
}

/* Copies @len bytes of @page at @offset to the bio at @iter; advances. */
static void zram_copy_to_bio(struct bio *bio, struct bvec_iter *iter,
			     struct page *page, unsigned int offset,
			     unsigned int len)
{
	while (len) {
		struct bio_vec bv = bio_iter_iovec(bio, *iter);
		unsigned int n = min(bv.bv_len, len);

		memcpy_page(bv.bv_page, bv.bv_offset, page, offset, n);
		flush_dcache_page(bv.bv_page);
		bio_advance_iter_single(bio, iter, n);
		offset += n;
		len -= n;
	}
}

/*
 * A page to read or write part of a device page through.  Never while
 * holding wb.reuse_lock: the allocation may wait for reclaim, and reclaim
 * for a swap write queued behind a recycle, which waits for the lock.
 */
static struct page *zram_bounce_alloc(struct zram *zram)
{
	lockdep_assert_not_held(&zram->wb.reuse_lock);
	return alloc_page(GFP_NOIO | __GFP_NOWARN);
}

/* Whether some page of @bio comes in pieces, so that a read needs a bounce. */
static bool zram_bio_needs_bounce(struct bio *bio)
{
	struct bvec_iter iter;
	struct bio_vec bv;

	bio_for_each_segment(bv, bio, iter)
		if (bv.bv_len != PAGE_SIZE ||
		    (iter.bi_sector & (SECTORS_PER_PAGE - 1)))
			return true;
	return false;
}

static int zram_bio_write_page(struct zram *zram, struct bio *bio,
			       struct bvec_iter *iter)
{
	unsigned long index = iter->bi_sector >> SECTORS_PER_PAGE_SHIFT;
	struct bio_vec bv = bio_iter_iovec(bio, *iter);
	unsigned int offset, len = zram_iter_span(iter, &offset);
	struct page *bounce;
	int ret = 0;

	if (len == PAGE_SIZE && bv.bv_len == PAGE_SIZE) {
		bio_advance_iter_single(bio, iter, PAGE_SIZE);
		return zram_write_page(zram, bv.bv_page, index);
	}

	bounce = zram_bounce_alloc(zram);
	if (!bounce)
		return -ENOMEM;
	if (len < PAGE_SIZE)
		ret = zram_read_page(zram, bounce, index);
	if (!ret) {
		zram_copy_from_bio(bio, iter, bounce, offset, len);
		ret = zram_write_page(zram, bounce, index);
	}
	__free_page(bounce);
	return ret;
}

/* Reads the page at @iter into the bio, through @bounce if not NULL. */
static int zram_bio_read_page(struct zram *zram, struct bio *bio,
			      struct bvec_iter *iter, struct page *bounce)
{
	unsigned long index = iter->bi_sector >> SECTORS_PER_PAGE_SHIFT;
	struct bio_vec bv = bio_iter_iovec(bio, *iter);
	unsigned int offset, len = zram_iter_span(iter, &offset);
	struct page *page = bounce;
	int ret;

	if (len == PAGE_SIZE && bv.bv_len == PAGE_SIZE) {
		bio_advance_iter_single(bio, iter, PAGE_SIZE);
		ret = zram_bio_read_slot(zram, bio, bv.bv_page, index);
		flush_dcache_page(bv.bv_page);
		return ret;
	}

	if (!page) {
		page = zram_bounce_alloc(zram);
		if (!page)
			return -ENOMEM;
	}
	ret = zram_bio_read_slot(zram, NULL, page, index);
	if (!ret)
		zram_copy_to_bio(bio, iter, page, offset, len);
	if (page != bounce)
		__free_page(page);
	return ret;
}

/*
 * Reads or writes the pages of @bio that @iter covers, in order, up to the
 * first that fails.  A page read in pieces goes through @bounce, or
 * through a page allocated for it if @bounce is NULL.  Several CPUs may
 * run it for different parts of one bio (zram_spread.c).
 */
int zram_bio_pages(struct zram *zram, struct bio *bio, struct bvec_iter iter,
		   struct page *bounce)
{
	bool write = op_is_write(bio_op(bio));
	int ret = 0;

	while (iter.bi_size) {
		if (write) {
			atomic64_inc(&zram->stats.num_writes);
			ret = zram_bio_write_page(zram, bio, &iter);
		} else {
			atomic64_inc(&zram->stats.num_reads);
			ret = zram_bio_read_page(zram, bio, &iter, bounce);
		}
		if (ret) {
			atomic64_inc(write ? &zram->stats.failed_writes :
					     &zram->stats.failed_reads);
			break;
		}
	}
	return ret;
}

static int zram_bio_read(struct zram *zram, struct bio *bio)
{
	struct page *bounce = NULL;
	int ret;

	/*
	 * Held from the first page to the last: see zram_wb_read_held(),
	 * whose reasoning assumes that chained reads are sent only once
	 * ->submit_bio returns.  A worker would send them at once, so these
	 * reads are not spread.
	 */
	if (zram->wb.bdev) {
		if (zram_bio_needs_bounce(bio)) {
			bounce = zram_bounce_alloc(zram);
			if (!bounce) {
				atomic64_inc(&zram->stats.num_reads);
				atomic64_inc(&zram->stats.failed_reads);
				return -ENOMEM;
			}
		}
		down_read(&zram->wb.reuse_lock);
		ret = zram_bio_pages(zram, bio, bio->bi_iter, bounce);
		up_read(&zram->wb.reuse_lock);
		if (bounce)
			__free_page(bounce);
		return ret;
	}
	return zram_spread_rw(zram, bio);
}

/*
 * Discard and write-zeroes free the pages they cover whole.  A page only
 * partly covered keeps its data (not a problem for discard; write-zeroes
 * always covers whole pages since bios are block aligned).
 */
static void zram_bio_discard(struct zram *zram, struct bio *bio)
{
	u64 start = (u64)bio->bi_iter.bi_sector << SECTOR_SHIFT;
	u64 end = start + bio->bi_iter.bi_size;
	unsigned long index = DIV_ROUND_UP_ULL(start, PAGE_SIZE);
	unsigned long last = end >> PAGE_SHIFT;

	for (; index < last; index++) {
		zram_slot_lock(zram, index);
		zram_slot_free(zram, index);
		zram_slot_unlock(zram, index);
		atomic64_inc(&zram->stats.notify_free);
		/* A bio may cover 4 GiB: a million slots. */
		cond_resched();
	}
}

/*
 * Whole logical blocks inside the device, at least one; anything else is
 * refused.
 */
static bool zram_range_valid(struct zram *zram, sector_t start,
			     unsigned int size)
{
	/* Pairs with zram_init_device(): a set disksize means a table. */
	u64 disksize = smp_load_acquire(&zram->disksize);

	/* Not a flush, so a length that wrapped around in 32 bits. */
	if (!size)
		return false;
	if (start & (ZRAM_SECTORS_PER_LOGICAL_BLOCK - 1))
		return false;
	if (size & (ZRAM_LOGICAL_BLOCK_SIZE - 1))
		return false;
	return start + (size >> SECTOR_SHIFT) <= disksize >> SECTOR_SHIFT;
}

static bool zram_bio_is_flush(const struct bio *bio)
{
	return op_is_flush(bio->bi_opf) || bio_op(bio) == REQ_OP_FLUSH;
}

void zram_submit_bio(struct bio *bio)
{
	struct zram *zram = bio->bi_bdev->bd_disk->private_data;
	unsigned long start_time;
	int ret = 0;

	if (!bio->bi_iter.bi_size && zram_bio_is_flush(bio)) {
		/* Nothing is cached: the data is already where it goes. */
		bio_endio(bio);
		return;
	}
	if (!zram_range_valid(zram, bio->bi_iter.bi_sector,
			      bio->bi_iter.bi_size)) {
		atomic64_inc(&zram->stats.invalid_io);
		bio_io_error(bio);
		return;
	}

	start_time = bio_start_io_acct(bio);
	switch (bio_op(bio)) {
	case REQ_OP_READ:
		ret = zram_bio_read(zram, bio);
		break;
	case REQ_OP_WRITE:
		ret = zram_spread_rw(zram, bio);
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		zram_bio_discard(zram, bio);
		break;
	default:
		bio->bi_status = BLK_STS_NOTSUPP;
		break;
	}
	if (ret)
		bio->bi_status = BLK_STS_IOERR;
	bio_end_io_acct(bio, start_time);
	bio_endio(bio);
}

/* Completes a page read or written without a bio, as a bio's end would. */
static void zram_page_done(struct page *page, bool write)
{
	struct folio *folio = page_folio(page);

	if (write) {
		folio_end_writeback(folio);
	} else {
		folio_mark_uptodate(folio);
		folio_unlock(folio);
	}
}

/*
 * One whole page without a bio, for block layers that have rw_page (see
 * zram_compat.h): swap's synchronous path and mpage reads.  A failed read
 * or write is not counted: the caller retries with a bio, which reports
 * it.  A request outside the device counts in invalid_io, as in 6.1.
 */
int zram_rw_page(struct block_device *bdev, sector_t sector,
		 struct page *page, enum req_op op)
{
	struct zram *zram = bdev->bd_disk->private_data;
	unsigned long index = sector >> SECTORS_PER_PAGE_SHIFT;
	bool write = op_is_write(op);
	unsigned long start_time;
	int ret;

	if (PageTransHuge(page))
		return -EINVAL;
	if (!zram_range_valid(zram, sector, PAGE_SIZE)) {
		atomic64_inc(&zram->stats.invalid_io);
		return -EINVAL;
	}

	start_time = zram_bdev_start_io_acct(bdev->bd_disk->part0, op,
					     SECTORS_PER_PAGE);
	if (write) {
		ret = zram_write_page(zram, page, index);
	} else {
		ret = zram_read_page(zram, page, index);
		flush_dcache_page(page);
	}
	zram_bdev_end_io_acct(bdev->bd_disk->part0, op, SECTORS_PER_PAGE,
			      start_time);
	if (ret)
		return ret;

	atomic64_inc(write ? &zram->stats.num_writes : &zram->stats.num_reads);
	zram_page_done(page, write);
	return 0;
}

/*
 * Swap calls this with its own spinlock held when it frees a slot, so the
 * slot lock is only tried: a busy slot is left to be overwritten later.
 */
void zram_swap_slot_free_notify(struct block_device *bdev,
				unsigned long index)
{
	struct zram *zram = bdev->bd_disk->private_data;

	if (index >= zram->nr_pages)
		return;
	/* As 6.1 counts: every notification, missed ones in miss_free too. */
	atomic64_inc(&zram->stats.notify_free);
	if (!zram_slot_trylock(zram, index)) {
		atomic64_inc(&zram->stats.miss_free);
		return;
	}
	zram_slot_free(zram, index);
	zram_slot_unlock(zram, index);
}
