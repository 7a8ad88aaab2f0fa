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
 * buffer and the slot flagged ZRAM_UNDER_WB; the buffer is written to the
 * block with no lock held; then, under the slot lock again, the object is
 * replaced by the block only if ZRAM_UNDER_WB is still set.  Every free of
 * the slot clears that flag, so if the slot was overwritten or discarded
 * meanwhile the new data wins and the block is given back.  Writebacks of
 * one device run one at a time, so no second writeback can set the flag
 * again behind the first one's back.
 *
 * A read looks up the block under the slot lock and then reads it with
 * no lock held, so the slot may be freed and the block reused meanwhile.
 * Reads therefore hold wb.reuse_lock for reading around the lookup and the
 * read, and writeback holds it for writing while it writes a block: a
 * read sees the slot's old contents or its new ones, never someone else's.
 *
 * Backing I/O is synchronous, one page at a time.  Inside zram's own
 * ->submit_bio the block layer holds back the bios we submit until we
 * return, so I/O from there (a read, or a write the policy redirects to
 * the backing device, zram_wb_store_page()) is handed to a worker and
 * waited for.
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/bio.h>
#include <linux/bitmap.h>
#include <linux/blkdev.h>
#include <linux/dcache.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include "zram_drv.h"

/* writeback_limit and bd_stat count 4 KiB units, whatever the page size. */
#define ZRAM_4K_PER_PAGE	(PAGE_SIZE / SZ_4K)

void zram_wb_init(struct zram *zram)
{
	mutex_init(&zram->wb.mutex);
	init_rwsem(&zram->wb.reuse_lock);
	spin_lock_init(&zram->wb.limit_lock);
}

/* --- The backing device ------------------------------------------------ */

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
	inode = d_backing_inode(path.dentry);
	if (S_ISDIR(inode->i_mode)) {
		ret = -EISDIR;
		goto put;
	}
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
	kfree(wb->path);
	wb->bdev = NULL;
	wb->bd_owner = NULL;
	wb->bitmap = NULL;
	wb->path = NULL;
	wb->nr_blocks = 0;
	wb->next_block = 0;
}

/* Makes @name the backing device.  init_lock held for writing. */
static int zram_wb_attach(struct zram *zram, const char *name)
{
	struct block_device *bdev;
	unsigned long *bitmap;
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
	bitmap = kvcalloc(BITS_TO_LONGS(nr_blocks), sizeof(long), GFP_KERNEL);
	if (!bitmap) {
		ret = -ENOMEM;
		goto close;
	}

	zram_wb_detach(zram);
	zram->wb.bdev = bdev;
	zram->wb.bd_owner = owner;
	zram->wb.bitmap = bitmap;
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
 * Only writeback allocates, one at a time: no one else sets a bit.  The
 * search goes on from the last block taken, so that writing back a whole
 * device does not scan the bitmap from the start for every page.
 */
static bool zram_wb_alloc_block(struct zram *zram, unsigned long *block)
{
	struct zram_wb *wb = &zram->wb;
	unsigned long found;

	found = find_next_zero_bit(wb->bitmap, wb->nr_blocks, wb->next_block);
	if (found >= wb->nr_blocks)
		found = find_first_zero_bit(wb->bitmap, wb->nr_blocks);
	if (found >= wb->nr_blocks)
		return false;
	set_bit(found, wb->bitmap);
	atomic64_inc(&zram->stats.bd_count);
	wb->next_block = found + 1;
	*block = found;
	return true;
}

/* Called with the slot that owned @block locked, or from reset. */
void zram_wb_free_block(struct zram *zram, unsigned long block)
{
	clear_bit(block, zram->wb.bitmap);
	atomic64_dec(&zram->stats.bd_count);
}

static int zram_bd_rw(struct zram *zram, blk_opf_t opf, unsigned long block,
		      struct page *page)
{
	struct bio_vec bvec;
	struct bio bio;
	int ret;

	bio_init(&bio, zram->wb.bdev, &bvec, 1, opf);
	bio.bi_iter.bi_sector = (sector_t)block << SECTORS_PER_PAGE_SHIFT;
	__bio_add_page(&bio, page, PAGE_SIZE, 0);
	ret = submit_bio_wait(&bio);
	bio_uninit(&bio);
	return ret;
}

/* Backing I/O done by a worker for zram_bd_rw_anywhere(). */
struct zram_bd_io_work {
	struct work_struct work;
	struct zram *zram;
	struct page *page;
	unsigned long block;
	blk_opf_t opf;
	int ret;
};

static void zram_bd_io_fn(struct work_struct *work)
{
	struct zram_bd_io_work *io = container_of(work, typeof(*io), work);

	io->ret = zram_bd_rw(io->zram, io->opf, io->block, io->page);
}

/* zram_bd_rw() that works inside zram's own ->submit_bio too. */
static int zram_bd_rw_anywhere(struct zram *zram, blk_opf_t opf,
			       unsigned long block, struct page *page)
{
	struct zram_bd_io_work io = {
		.zram = zram,
		.page = page,
		.block = block,
		.opf = opf,
	};

	/* Outside ->submit_bio (rw_page, writeback) the bio goes out now. */
	if (!current->bio_list)
		return zram_bd_rw(zram, opf, block, page);

	INIT_WORK_ONSTACK(&io.work, zram_bd_io_fn);
	queue_work(zram_io_wq, &io.work);
	flush_work(&io.work);
	destroy_work_on_stack(&io.work);
	return io.ret;
}

static int zram_bd_read(struct zram *zram, unsigned long block,
			struct page *page)
{
	return zram_bd_rw_anywhere(zram, REQ_OP_READ, block, page);
}

/* zram_read_page() found the slot written back; reads it.  May sleep. */
int zram_wb_read_page(struct zram *zram, struct page *page,
		      unsigned long index)
{
	unsigned long block;
	int ret;

	down_read(&zram->wb.reuse_lock);
	zram_slot_lock(zram, index);
	if (!zram_slot_test(zram, index, ZRAM_WB)) {
		/* Rewritten or freed since the caller looked: it is in RAM. */
		ret = zram_read_locked(zram, page, index);
		zram_slot_unlock(zram, index);
		goto unlock;
	}
	block = zram_slot_at(zram, index)->handle;
	zram_slot_accessed(zram, index);
	zram_slot_unlock(zram, index);

	atomic64_inc(&zram->stats.bd_reads);
	ret = zram_bd_read(zram, block, page);
	if (ret)
		pr_err_ratelimited("%s: cannot read page %lu from the backing device: %d\n",
				   zram->disk->disk_name, index, ret);
unlock:
	up_read(&zram->wb.reuse_lock);
	return ret;
}

/* --- writeback_limit --------------------------------------------------- */

static bool zram_wb_limit_reached(struct zram *zram)
{
	struct zram_wb *wb = &zram->wb;
	bool reached;

	spin_lock(&wb->limit_lock);
	reached = wb->limit_enable && !wb->limit;
	spin_unlock(&wb->limit_lock);
	return reached;
}

static void zram_wb_charge_limit(struct zram *zram)
{
	struct zram_wb *wb = &zram->wb;

	spin_lock(&wb->limit_lock);
	if (wb->limit_enable)
		wb->limit -= min_t(u64, wb->limit, ZRAM_4K_PER_PAGE);
	spin_unlock(&wb->limit_lock);
}

/* --- Writing slots back ------------------------------------------------ */

/* The slot's data is in zsmalloc, and the request wants it. */
static bool zram_wb_wanted(struct zram *zram, unsigned long index,
			   unsigned long flags)
{
	struct zram_slot *slot = zram_slot_at(zram, index);

	if (!slot->handle || (slot->flags & (BIT(ZRAM_SAME) | BIT(ZRAM_WB) |
					     BIT(ZRAM_UNDER_WB))))
		return false;
	return (slot->flags & flags) == flags;
}

/*
 * If the request wants the slot, copies its page into @page and flags it
 * ZRAM_UNDER_WB.  Returns whether it did.
 */
static bool zram_wb_claim(struct zram *zram, unsigned long index,
			  unsigned long flags, struct page *page)
{
	bool claimed = false;

	zram_slot_lock(zram, index);
	if (zram_wb_wanted(zram, index, flags) &&
	    !zram_read_obj(zram, index, page)) {
		zram_slot_set(zram, index, ZRAM_UNDER_WB);
		claimed = true;
	}
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
 * @block now holds the claimed slot's page: the slot gives up its object
 * for the block, unless it changed since it was claimed.
 */
static void zram_wb_commit(struct zram *zram, unsigned long index,
			   unsigned long block)
{
	struct zram_slot *slot = zram_slot_at(zram, index);
	bool unchanged;
	ktime_t ac_time;

	zram_slot_lock(zram, index);
	unchanged = zram_slot_test(zram, index, ZRAM_UNDER_WB);
	if (unchanged) {
		ac_time = slot->ac_time;
		zram_slot_free(zram, index);
		slot->handle = block;
		slot->ac_time = ac_time;
		zram_slot_set(zram, index, ZRAM_WB);
		atomic64_inc(&zram->stats.pages_stored);
	}
	zram_slot_unlock(zram, index);

	if (unchanged)
		zram_wb_charge_limit(zram);
	else
		zram_wb_free_block(zram, block);
}

/* Writes one slot back if the request wants it; @page is a buffer. */
static int zram_wb_slot(struct zram *zram, unsigned long index,
			unsigned long flags, struct page *page)
{
	unsigned long block;
	int ret;

	if (zram_wb_limit_reached(zram))
		return -EIO;
	if (!zram_wb_claim(zram, index, flags, page))
		return 0;
	if (!zram_wb_alloc_block(zram, &block)) {
		zram_wb_unclaim(zram, index);
		return -ENOSPC;
	}

	down_write(&zram->wb.reuse_lock);
	ret = zram_bd_rw(zram, REQ_OP_WRITE | REQ_SYNC, block, page);
	up_write(&zram->wb.reuse_lock);
	if (ret) {
		zram_wb_free_block(zram, block);
		zram_wb_unclaim(zram, index);
		pr_err_ratelimited("%s: cannot write page %lu to the backing device: %d\n",
				   zram->disk->disk_name, index, ret);
		return ret;
	}
	atomic64_inc(&zram->stats.bd_writes);
	zram_wb_commit(zram, index, block);
	return 0;
}

/* Stops at the first error.  init_lock held for reading. */
int zram_writeback(struct zram *zram, const struct zram_wb_req *req)
{
	struct zram_wb_range all = { 0, zram->nr_pages - 1 };
	const struct zram_wb_range *ranges = req->nr_ranges ? req->ranges : &all;
	unsigned int nr_ranges = req->nr_ranges ? req->nr_ranges : 1;
	unsigned long index;
	struct page *page;
	unsigned int i;
	int ret = 0;

	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;

	mutex_lock(&zram->wb.mutex);
	for (i = 0; i < nr_ranges && !ret; i++) {
		for (index = ranges[i].first; index <= ranges[i].last; index++) {
			ret = zram_wb_slot(zram, index, req->flags, page);
			if (ret)
				break;
			cond_resched();
		}
	}
	mutex_unlock(&zram->wb.mutex);
	__free_page(page);
	return ret;
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
	unsigned long block;
	bool got_block;
	int ret;

	if (zram_wb_limit_reached(zram))
		return -EIO;
	mutex_lock(&zram->wb.mutex);
	got_block = zram_wb_alloc_block(zram, &block);
	mutex_unlock(&zram->wb.mutex);
	if (!got_block)
		return -ENOSPC;

	down_write(&zram->wb.reuse_lock);
	ret = zram_bd_rw_anywhere(zram, REQ_OP_WRITE | REQ_SYNC, block, page);
	up_write(&zram->wb.reuse_lock);
	if (ret) {
		zram_wb_free_block(zram, block);
		return ret;
	}
	atomic64_inc(&zram->stats.bd_writes);
	zram_wb_charge_limit(zram);

	zram_slot_lock(zram, index);
	zram_slot_free(zram, index);
	slot->handle = block;
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

/*
 * Parses @args: one of the type words alone (the original interface), or
 * "type=TYPE", "page_index=N" and "page_indexes=LO-HI" separated by spaces,
 * indexes as often as wanted.  req->ranges must have room for one range
 * per key=value word.
 */
static int zram_wb_parse(char *args, unsigned long nr_pages,
			 struct zram_wb_req *req)
{
	bool typed = false;
	char *param, *val;
	int ret = 0;

	args = skip_spaces(args);
	if (!*args)
		return -EINVAL;
	while (*args && !ret) {
		args = next_arg(args, &param, &val);
		if (!val)
			ret = zram_wb_parse_type(param, req, &typed);
		else if (!strcmp(param, "type"))
			ret = zram_wb_parse_type(val, req, &typed);
		else if (!strcmp(param, "page_index"))
			ret = zram_wb_parse_range(val, false, nr_pages, req);
		else if (!strcmp(param, "page_indexes"))
			ret = zram_wb_parse_range(val, true, nr_pages, req);
		else
			ret = -EINVAL;
	}
	return ret;
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
	if (enable)
		wb->limit_enable = val;
	else
		wb->limit = val;
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
	NULL,
};

const struct attribute_group zram_wb_attr_group = {
	.attrs = zram_wb_attrs,
};
