/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels this module builds against, Debian's
 * 6.1 and 6.12, lives here.  The rest of the tree is written against one
 * interface: the newer kernel's where it has an equivalent on the older
 * one, a zram_ helper of this file where it does not.
 *
 * Each block names the release that made the change it papers over and is
 * keyed on LINUX_VERSION_CODE alone.
 */
#ifndef _ZRAM_COMPAT_H_
#define _ZRAM_COMPAT_H_

#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/migrate.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/version.h>

/*
 * Not a version but a kernel flavour: zsmalloc keeps preemption off while
 * an object is pinned and takes locks then that sleep under PREEMPT_RT.
 * dkms.conf skips such kernels; a build by hand stops here.
 */
#ifdef CONFIG_PREEMPT_RT
#error "zram: PREEMPT_RT kernels are not supported"
#endif

/*
 * --- Block device operations ---------------------------------------------
 *
 * 6.5 passes open() the gendisk and a blk_mode_t; before, the block_device
 * and an fmode_t: zram_bdops_open() takes either and calls zram_open().
 *
 * 6.3 removed rw_page: from then on swap finds a device synchronous by its
 * queue's BLK_FEAT_SYNCHRONOUS (QUEUE_FLAG_SYNCHRONOUS until 6.10) and
 * reads through a bio it waits for; 6.1 reads synchronously through
 * rw_page, and only from devices that have it.  zram_rw_page() is built
 * on every kernel but only 6.1's fops point at it.
 */
int zram_open(struct gendisk *disk);

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
static inline int zram_bdops_open(struct block_device *bdev, fmode_t mode)
{
	return zram_open(bdev->bd_disk);
}
#else
static inline int zram_bdops_open(struct gendisk *disk, blk_mode_t mode)
{
	return zram_open(disk);
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#define ZRAM_BDOPS_RW_PAGE	.rw_page = zram_rw_page,
#else
#define ZRAM_BDOPS_RW_PAGE
#endif

/* I/O accounting of a request without a bio: 6.3 reordered the arguments. */
static inline unsigned long zram_bdev_start_io_acct(struct block_device *bdev,
						    enum req_op op,
						    unsigned int sectors)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
	return bdev_start_io_acct(bdev, sectors, op, jiffies);
#else
	return bdev_start_io_acct(bdev, op, jiffies);
#endif
}

static inline void zram_bdev_end_io_acct(struct block_device *bdev,
					 enum req_op op, unsigned int sectors,
					 unsigned long start_time)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
	bdev_end_io_acct(bdev, op, start_time);
#else
	bdev_end_io_acct(bdev, op, sectors, start_time);
#endif
}

/*
 * --- Queue setup ---------------------------------------------------------
 *
 * 6.11 describes a queue completely, features included, in the
 * queue_limits handed to blk_alloc_disk(); 6.1 allocates the disk first
 * and then sets each limit and queue flag.  zram_alloc_disk() takes the
 * newer form on both.  A limit left at 0 keeps the block layer's default,
 * and a queue is non-rotational and feeds no entropy unless asked, as in
 * 6.11.  Only the features zram uses are translated for 6.1; there
 * BLK_FEAT_SYNCHRONOUS needs nothing, ZRAM_BDOPS_RW_PAGE provides it.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
typedef unsigned int __bitwise blk_features_t;

#define BLK_FEAT_STABLE_WRITES	((__force blk_features_t)(1u << 5))
#define BLK_FEAT_SYNCHRONOUS	((__force blk_features_t)(1u << 6))

static inline void zram_queue_apply_limits(struct request_queue *q,
					   const struct queue_limits *lim)
{
	if (lim->logical_block_size)
		blk_queue_logical_block_size(q, lim->logical_block_size);
	if (lim->physical_block_size)
		blk_queue_physical_block_size(q, lim->physical_block_size);
	if (lim->io_min)
		blk_queue_io_min(q, lim->io_min);
	if (lim->io_opt)
		blk_queue_io_opt(q, lim->io_opt);
	if (lim->discard_granularity)
		q->limits.discard_granularity = lim->discard_granularity;
	blk_queue_max_discard_sectors(q, lim->max_hw_discard_sectors);
	blk_queue_max_write_zeroes_sectors(q, lim->max_write_zeroes_sectors);
}

static inline struct gendisk *zram_alloc_disk(struct queue_limits *lim,
					      blk_features_t features)
{
	struct gendisk *disk = blk_alloc_disk(NUMA_NO_NODE);

	if (!disk)
		return ERR_PTR(-ENOMEM);
	zram_queue_apply_limits(disk->queue, lim);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, disk->queue);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, disk->queue);
	if (features & BLK_FEAT_STABLE_WRITES)
		blk_queue_flag_set(QUEUE_FLAG_STABLE_WRITES, disk->queue);
	return disk;
}
#else
static inline struct gendisk *zram_alloc_disk(struct queue_limits *lim,
					      blk_features_t features)
{
	lim->features |= features;
	return blk_alloc_disk(lim, NUMA_NO_NODE);
}
#endif

/*
 * --- Device model ---------------------------------------------------------
 *
 * 6.4 made the class attribute callbacks take const pointers.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define zram_class_const
#else
#define zram_class_const const
#endif

/*
 * --- Shrinkers --------------------------------------------------------------
 *
 * 6.7 allocates shrinkers (shrinker_alloc(), shrinker_register(),
 * shrinker_free()) and gives them a private_data pointer; 6.1 registers a
 * shrinker the caller embeds.  zram_shrinker_create() returns a registered
 * shrinker on both, or NULL, and zram_shrinker_private() its private data.
 */
typedef unsigned long (*zram_shrink_fn)(struct shrinker *shrinker,
					struct shrink_control *sc);

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 7, 0)
/* What 6.7 added to the shrinker, for 6.1. */
struct zram_shrinker {
	struct shrinker shrinker;
	void *private_data;
};

static inline void *zram_shrinker_private(struct shrinker *shrinker)
{
	return container_of(shrinker, struct zram_shrinker,
			    shrinker)->private_data;
}

static inline struct shrinker *zram_shrinker_create(const char *name,
						    zram_shrink_fn count,
						    zram_shrink_fn scan,
						    void *private_data)
{
	struct zram_shrinker *zs = kzalloc(sizeof(*zs), GFP_KERNEL);

	if (!zs)
		return NULL;
	zs->shrinker.count_objects = count;
	zs->shrinker.scan_objects = scan;
	zs->shrinker.seeks = DEFAULT_SEEKS;
	zs->private_data = private_data;
	if (register_shrinker(&zs->shrinker, "%s", name)) {
		kfree(zs);
		return NULL;
	}
	return &zs->shrinker;
}

static inline void zram_shrinker_destroy(struct shrinker *shrinker)
{
	unregister_shrinker(shrinker);
	kfree(container_of(shrinker, struct zram_shrinker, shrinker));
}
#else
static inline void *zram_shrinker_private(struct shrinker *shrinker)
{
	return shrinker->private_data;
}

static inline struct shrinker *zram_shrinker_create(const char *name,
						    zram_shrink_fn count,
						    zram_shrink_fn scan,
						    void *private_data)
{
	struct shrinker *shrinker = shrinker_alloc(0, "%s", name);

	if (!shrinker)
		return NULL;
	shrinker->count_objects = count;
	shrinker->scan_objects = scan;
	shrinker->seeks = DEFAULT_SEEKS;
	shrinker->private_data = private_data;
	shrinker_register(shrinker);
	return shrinker;
}

static inline void zram_shrinker_destroy(struct shrinker *shrinker)
{
	shrinker_free(shrinker);
}
#endif

/*
 * --- Backing devices ------------------------------------------------------
 *
 * 6.9 opens a block device as a file (bdev_file_open_by_dev(), closed by
 * bdev_fput()); 6.1 hands out the block_device itself, closed by
 * blkdev_put() with the mode it was opened with.  zram_bd_open() opens
 * @dev exclusively for @holder and returns the block device, or an error
 * pointer; *@owner is what zram_bd_close() needs to let it go.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
#define ZRAM_BD_MODE	(FMODE_READ | FMODE_WRITE | FMODE_EXCL)

static inline struct block_device *zram_bd_open(dev_t dev, void *holder,
						void **owner)
{
	struct block_device *bdev = blkdev_get_by_dev(dev, ZRAM_BD_MODE,
						      holder);

	*owner = bdev;
	return bdev;
}

static inline void zram_bd_close(void *owner)
{
	blkdev_put(owner, ZRAM_BD_MODE);
}
#else
static inline struct block_device *zram_bd_open(dev_t dev, void *holder,
						void **owner)
{
	struct file *file = bdev_file_open_by_dev(dev, BLK_OPEN_READ |
						  BLK_OPEN_WRITE, holder, NULL);

	if (IS_ERR(file))
		return ERR_CAST(file);
	*owner = file;
	return file_bdev(file);
}

static inline void zram_bd_close(void *owner)
{
	bdev_fput(owner);
}
#endif

/*
 * --- Non-LRU page migration ----------------------------------------------
 *
 * The same on 6.1 and 6.12.  The kernel names its page-flag helpers in
 * CamelCase, which checkpatch accepts only inside the kernel tree, so they
 * are called here and nowhere else.
 */
static inline void zram_page_set_movable(struct page *page,
					 const struct movable_operations *ops)
{
	__SetPageMovable(page, ops);
}

static inline void zram_page_clear_movable(struct page *page)
{
	__ClearPageMovable(page);
}

/* The operations a locked @page is registered with, or NULL. */
static inline const struct movable_operations *
zram_page_movable_ops(struct page *page)
{
	return __PageMovable(page) ? page_movable_ops(page) : NULL;
}

/*
 * --- zstd dictionaries ----------------------------------------------------
 *
 * 6.12 exports lib/zstd's digested dictionaries (cdict for compression,
 * ddict for decompression) and the parameters for a dictionary's size; 6.1
 * has no dictionary call at all, so there zstd takes no dictionary and
 * these are never reached with one.
 */
#include <linux/zstd.h>

/* A dictionary digested for both directions; see zcomp_zstd.c. */
struct zram_zstd_dict {
	void *cdict;
	void *ddict;
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define ZRAM_ZSTD_HAVE_DICT	true

/* zstd's parameters at @level for a page and a dictionary of @dict_size. */
static inline zstd_compression_parameters
zram_zstd_page_cparams(int level, size_t dict_size)
{
	return zstd_get_cparams(level, PAGE_SIZE, dict_size);
}

/*
 * lib/zstd allocates through this, with @opaque pointing to whether its
 * caller may sleep: a dictionary's digestion may, and so may a compression
 * context while zcomp_zstd.c warms it up, but not once it compresses under
 * a stream's lock.  A dictionary's tables can take hundreds of MiB: when
 * they are out of reach the write that asked for them fails, without a
 * warning and without the OOM killer.
 */
static inline void *zram_zstd_alloc(void *opaque, size_t size)
{
	const bool *may_sleep = opaque;

	return kvzalloc(size, *may_sleep ?
			GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL :
			GFP_NOWAIT | __GFP_NOWARN);
}

static inline void zram_zstd_free(void *opaque, void *address)
{
	kvfree(address);
}

static inline zstd_custom_mem zram_zstd_mem(const bool *may_sleep)
{
	return (zstd_custom_mem){
		.customAlloc = zram_zstd_alloc,
		.customFree = zram_zstd_free,
		.opaque = (void *)may_sleep,
	};
}

/*
 * Called where sleeping is allowed: the library allocates as it goes.  Only
 * a dictionary in zstd's own format can be refused for its content; any
 * other is raw content, for which only memory can be missing.
 */
static inline int zram_zstd_dict_create(struct zram_zstd_dict *dict,
					const void *data, size_t size,
					zstd_compression_parameters cparams)
{
	static const bool may_sleep = true;
	zstd_custom_mem mem = zram_zstd_mem(&may_sleep);
	__le32 magic;

	dict->cdict = zstd_create_cdict_byreference(data, size, cparams, mem);
	dict->ddict = zstd_create_ddict_byreference(data, size, mem);
	if (dict->cdict && dict->ddict)
		return 0;
	if (dict->cdict)
		zstd_free_cdict(dict->cdict);
	if (dict->ddict)
		zstd_free_ddict(dict->ddict);
	if (size < sizeof(magic))
		return -ENOMEM;
	memcpy(&magic, data, sizeof(magic));
	return le32_to_cpu(magic) == ZSTD_MAGIC_DICTIONARY ? -EINVAL : -ENOMEM;
}

static inline void zram_zstd_dict_free(struct zram_zstd_dict *dict)
{
	zstd_free_cdict(dict->cdict);
	zstd_free_ddict(dict->ddict);
}

/*
 * A compression context that allocates its working memory itself, as
 * *@may_sleep allows at the time.
 */
static inline zstd_cctx *zram_zstd_cctx_create(const bool *may_sleep)
{
	return zstd_create_cctx_advanced(zram_zstd_mem(may_sleep));
}

static inline void zram_zstd_cctx_free(zstd_cctx *cctx)
{
	zstd_free_cctx(cctx);
}

static inline size_t zram_zstd_compress_dict(zstd_cctx *cctx, void *dst,
					     size_t capacity, const void *src,
					     size_t len,
					     struct zram_zstd_dict *dict)
{
	return zstd_compress_using_cdict(cctx, dst, capacity, src, len,
					 dict->cdict);
}

static inline size_t zram_zstd_decompress_dict(zstd_dctx *dctx, void *dst,
					       size_t capacity,
					       const void *src, size_t len,
					       struct zram_zstd_dict *dict)
{
	return zstd_decompress_using_ddict(dctx, dst, capacity, src, len,
					   dict->ddict);
}
#else
#define ZRAM_ZSTD_HAVE_DICT	false

static inline zstd_compression_parameters
zram_zstd_page_cparams(int level, size_t dict_size)
{
	return zstd_get_params(level, PAGE_SIZE).cParams;
}

static inline int zram_zstd_dict_create(struct zram_zstd_dict *dict,
					const void *data, size_t size,
					zstd_compression_parameters cparams)
{
	return -EOPNOTSUPP;
}

static inline void zram_zstd_dict_free(struct zram_zstd_dict *dict)
{
}

static inline zstd_cctx *zram_zstd_cctx_create(const bool *may_sleep)
{
	return NULL;
}

static inline void zram_zstd_cctx_free(zstd_cctx *cctx)
{
}

/* (size_t)-1 is an error to zstd_is_error(). */
static inline size_t zram_zstd_compress_dict(zstd_cctx *cctx, void *dst,
					     size_t capacity, const void *src,
					     size_t len,
					     struct zram_zstd_dict *dict)
{
	return (size_t)-1;
}

static inline size_t zram_zstd_decompress_dict(zstd_dctx *dctx, void *dst,
					       size_t capacity,
					       const void *src, size_t len,
					       struct zram_zstd_dict *dict)
{
	return (size_t)-1;
}
#endif

#endif /* _ZRAM_COMPAT_H_ */
