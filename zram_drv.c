// SPDX-License-Identifier: GPL-2.0
/*
 * zram: block devices that keep their data compressed in RAM.
 *
 * This file owns the life of a device: the module creates num_devices of
 * them, /sys/class/zram-control/hot_add and hot_remove add and remove more.
 * A new device has no storage; writing its disksize attribute allocates the
 * slot table, the zsmalloc pool and the compressor (zram_init_device()), and
 * a reset gives all of it back.  The I/O path is in zram_io.c, the
 * attributes in zram_sysfs.c.
 *
 * Reset and removal must not pull storage from under an open disk.  Both
 * check the openers and mark the device under the disk's open_mutex
 * (zram->claim, zram->removing); zram_open() refuses a marked device, so
 * it stays unused from then on.  A removal that finds a reset running
 * waits for it, as 6.1 does: del_gendisk() drains the reset attribute's
 * handler.
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/part_stat.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "zram_drv.h"

/*
 * The compressor of a new device.  Kconfig's choice sets
 * CONFIG_ZRAM_DEFAULT_COMP.  (An out-of-tree build sees the target kernel's
 * autoconf.h, whose CONFIG_ZRAM_DEF_COMP belongs to that kernel's zram;
 * that is why our symbol has another name.)
 */
#ifdef CONFIG_ZRAM_DEFAULT_COMP
#define ZRAM_DEFAULT_COMP	CONFIG_ZRAM_DEFAULT_COMP
#else
#define ZRAM_DEFAULT_COMP	"lzo"
#endif

/* Minor numbers are device ids. */
#define ZRAM_MAX_DEVICES	(MINORMASK + 1)

static unsigned int num_devices = 1;
module_param(num_devices, uint, 0);
MODULE_PARM_DESC(num_devices, "Number of pre-created zram devices");

/* Every live device by id; both protected by zram_index_mutex. */
static DEFINE_IDR(zram_index_idr);
static DEFINE_MUTEX(zram_index_mutex);

static int zram_major;

/*
 * Runs the backing device I/O that zram's own ->submit_bio cannot wait
 * for inline (zram_wb.c).  Swap writes it from reclaim: it has a rescuer.
 */
struct workqueue_struct *zram_io_wq;

int zram_open(struct gendisk *disk)
{
	struct zram *zram = disk->private_data;

	lockdep_assert_held(&disk->open_mutex);
	return zram->claim || zram->removing ? -EBUSY : 0;
}

static const struct block_device_operations zram_fops = {
	.owner			= THIS_MODULE,
	.open			= zram_bdops_open,
	.submit_bio		= zram_submit_bio,
	ZRAM_BDOPS_RW_PAGE
	.swap_slot_free_notify	= zram_swap_slot_free_notify,
};

static struct zram_slot *zram_table_alloc(unsigned long nr_pages)
{
	/* No OOM kill for an oversized disksize: fail it instead. */
	return __vmalloc(array_size(nr_pages, sizeof(struct zram_slot)),
			 GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
			 __GFP_RETRY_MAYFAIL);
}

static void zram_destroy_comps(struct zram *zram)
{
	int prio;

	for (prio = 0; prio < ZRAM_MAX_COMPS; prio++) {
		if (zram->comps[prio])
			zcomp_destroy(zram->comps[prio]);
		zram->comps[prio] = NULL;
	}
}

/* A compressor for each priority that has an algorithm. */
static int zram_create_comps(struct zram *zram)
{
	int prio;

	for (prio = 0; prio < ZRAM_MAX_COMPS; prio++) {
		struct zcomp *comp;

		if (!*zram->comp_names[prio])
			continue;
		comp = zcomp_create(zram->comp_names[prio], &zram->params[prio]);
		if (IS_ERR(comp)) {
			pr_err("cannot initialise the %s compressor of %s\n",
			       zram->comp_names[prio], zram->disk->disk_name);
			zram_destroy_comps(zram);
			return PTR_ERR(comp);
		}
		zram->comps[prio] = comp;
	}
	return 0;
}

/* Frees every slot, the pool, the table and the compressors. */
static void zram_free_storage(struct zram *zram)
{
	unsigned long index;

	for (index = 0; index < zram->nr_pages; index++) {
		zram_slot_free(zram, index);
		cond_resched();
	}
	zsm_destroy_pool(zram->mem_pool);
	vfree(zram->table);
	zram_destroy_comps(zram);
	zram->mem_pool = NULL;
	zram->table = NULL;
}

static int zram_alloc_storage(struct zram *zram, unsigned long nr_pages)
{
	int ret = -ENOMEM;

	zram->table = zram_table_alloc(nr_pages);
	if (!zram->table)
		return -ENOMEM;

	zram->mem_pool = zsm_create_pool(zram->disk->disk_name);
	if (!zram->mem_pool)
		goto free_table;

	ret = zram_create_comps(zram);
	if (ret)
		goto destroy_pool;
	zram->huge_class_size = zsm_huge_class_size(zram->mem_pool);
	return 0;

destroy_pool:
	zsm_destroy_pool(zram->mem_pool);
	zram->mem_pool = NULL;
free_table:
	vfree(zram->table);
	zram->table = NULL;
	return ret;
}

/* Gives the device @disksize bytes (rounded up to pages) of storage. */
int zram_init_device(struct zram *zram, u64 disksize)
{
	int ret;

	down_write(&zram->init_lock);
	if (zram_initialized(zram)) {
		pr_info("cannot change the disksize of initialised %s\n",
			zram->disk->disk_name);
		ret = -EBUSY;
		goto unlock;
	}
	/* No table that big could be allocated; PAGE_ALIGN() would wrap. */
	ret = -ENOMEM;
	if (disksize > round_down(MAX_LFS_FILESIZE, PAGE_SIZE))
		goto unlock;
	disksize = PAGE_ALIGN(disksize);

	ret = zram_alloc_storage(zram, disksize >> PAGE_SHIFT);
	if (ret)
		goto unlock;
	zram->nr_pages = disksize >> PAGE_SHIFT;
	/* Last: a nonzero disksize lets I/O in (see zram_bio_valid()). */
	smp_store_release(&zram->disksize, disksize);
	set_capacity_and_notify(zram->disk, disksize >> SECTOR_SHIFT);
	zram_policy_start(zram);
unlock:
	up_write(&zram->init_lock);
	return ret;
}

/* Returns the device to its uninitialised state; the caller owns it. */
static void zram_reset_device(struct zram *zram)
{
	/* The worker takes init_lock: stop it first. */
	zram_policy_stop(zram);
	down_write(&zram->init_lock);
	/* A bio's chained backing reads may still be in flight. */
	zram_wb_wait_reads(zram);
	/* The policy needs the backing device, which goes too. */
	zram_policy_clear(zram);
	/* A limit set before initialisation goes too, as in 6.1. */
	WRITE_ONCE(zram->limit_pages, 0);
	if (zram_initialized(zram)) {
		zram_free_storage(zram);
		zram->nr_pages = 0;
		zram->disksize = 0;
		memset(&zram->stats, 0, sizeof(zram->stats));
		set_capacity_and_notify(zram->disk, 0);
		part_stat_set_all(zram->disk->part0, 0);
	}
	/* Even if never initialised: these are set before disksize. */
	zram_wb_detach(zram);
	zram_recomp_reset(zram);
	up_write(&zram->init_lock);
}

/* Claims the device for a reset; -EBUSY if open, claimed or going away. */
static int zram_claim(struct zram *zram)
{
	struct gendisk *disk = zram->disk;
	int ret = 0;

	mutex_lock(&disk->open_mutex);
	if (disk_openers(disk) || zram->claim || zram->removing)
		ret = -EBUSY;
	else
		zram->claim = true;
	mutex_unlock(&disk->open_mutex);
	return ret;
}

/* Marks the device for removal; -EBUSY if open.  A reset may be running. */
static int zram_mark_removing(struct zram *zram)
{
	struct gendisk *disk = zram->disk;
	int ret = 0;

	mutex_lock(&disk->open_mutex);
	if (disk_openers(disk))
		ret = -EBUSY;
	else
		zram->removing = true;
	mutex_unlock(&disk->open_mutex);
	return ret;
}

/* The reset attribute: frees everything unless the device is in use. */
int zram_reset_unused(struct zram *zram)
{
	struct gendisk *disk = zram->disk;
	int ret;

	ret = zram_claim(zram);
	if (ret)
		return ret;

	/* Nothing is open, but a last closer may have left dirty pages. */
	sync_blockdev(disk->part0);
	zram_reset_device(zram);

	mutex_lock(&disk->open_mutex);
	zram->claim = false;
	mutex_unlock(&disk->open_mutex);
	return 0;
}

/*
 * The queue of every zram disk.  Swap compresses the page it writes, so the
 * page must not change meanwhile (stable writes); it completes swap I/O
 * before returning, so swap may wait for it inline (synchronous).
 */
#define ZRAM_QUEUE_FEATURES	(BLK_FEAT_STABLE_WRITES | BLK_FEAT_SYNCHRONOUS)

static void zram_queue_limits(struct queue_limits *lim)
{
	lim->logical_block_size = ZRAM_LOGICAL_BLOCK_SIZE;
	lim->physical_block_size = PAGE_SIZE;
	lim->io_min = PAGE_SIZE;
	lim->io_opt = PAGE_SIZE;
	lim->discard_granularity = PAGE_SIZE;
	lim->max_hw_discard_sectors = ZRAM_MAX_DISCARD_SECTORS;
	lim->max_write_zeroes_sectors = ZRAM_MAX_WRITE_ZEROES_SECTORS;
}

static void zram_setup_disk(struct zram *zram)
{
	struct gendisk *disk = zram->disk;

	disk->major = zram_major;
	disk->first_minor = zram->id;
	disk->minors = 1;
	disk->flags |= GENHD_FL_NO_PART;
	disk->fops = &zram_fops;
	disk->private_data = zram;
	snprintf(disk->disk_name, DISK_NAME_LEN, "zram%d", zram->id);
	set_capacity(disk, 0);
}

/* Creates a device and returns its id.  Called with zram_index_mutex. */
static int zram_add(void)
{
	struct queue_limits lim = { };
	struct zram *zram;
	int ret;

	zram = kzalloc(sizeof(*zram), GFP_KERNEL);
	if (!zram)
		return -ENOMEM;

	ret = idr_alloc(&zram_index_idr, zram, 0, ZRAM_MAX_DEVICES, GFP_KERNEL);
	if (ret < 0)
		goto free_zram;
	zram->id = ret;
	init_rwsem(&zram->init_lock);
	zram_wb_init(zram);
	ret = zram_policy_init(zram);
	if (ret)
		goto remove_id;
	strscpy(zram->comp_names[ZRAM_PRIMARY_COMP], ZRAM_DEFAULT_COMP,
		sizeof(zram->comp_names[ZRAM_PRIMARY_COMP]));
	zram_recomp_reset(zram);

	zram_queue_limits(&lim);
	zram->disk = zram_alloc_disk(&lim, ZRAM_QUEUE_FEATURES);
	if (IS_ERR(zram->disk)) {
		ret = PTR_ERR(zram->disk);
		goto policy_exit;
	}
	zram_setup_disk(zram);

	ret = device_add_disk(NULL, zram->disk, zram_disk_groups);
	if (ret)
		goto put_disk;

	zram_debugfs_add(zram);
	pr_info("Added device: %s\n", zram->disk->disk_name);
	return zram->id;

put_disk:
	put_disk(zram->disk);
policy_exit:
	zram_policy_exit(zram);
remove_id:
	idr_remove(&zram_index_idr, zram->id);
free_zram:
	kfree(zram);
	return ret;
}

/*
 * Tears a device down.  It must be marked for removal or unopenable
 * (module exit).  del_gendisk() waits for attribute handlers still running,
 * a reset among them, so no one can initialise the device again before its
 * storage is freed.
 */
static void zram_destroy(struct zram *zram)
{
	pr_info("Removed device: %s\n", zram->disk->disk_name);
	zram_debugfs_remove(zram);
	del_gendisk(zram->disk);
	zram_reset_device(zram);
	zram_policy_exit(zram);
	put_disk(zram->disk);
	kfree(zram);
}

static ssize_t hot_add_show(zram_class_const struct class *class,
			    zram_class_const struct class_attribute *attr,
			    char *buf)
{
	int ret;

	mutex_lock(&zram_index_mutex);
	ret = zram_add();
	mutex_unlock(&zram_index_mutex);
	if (ret < 0)
		return ret;
	return sysfs_emit(buf, "%d\n", ret);
}

/* Root only: every read creates a device. */
static struct class_attribute class_attr_hot_add =
	__ATTR(hot_add, 0400, hot_add_show, NULL);

static ssize_t hot_remove_store(zram_class_const struct class *class,
				zram_class_const struct class_attribute *attr,
				const char *buf, size_t count)
{
	struct zram *zram;
	int id, ret;

	ret = kstrtoint(buf, 10, &id);
	if (ret)
		return ret;
	if (id < 0)
		return -EINVAL;

	mutex_lock(&zram_index_mutex);
	zram = idr_find(&zram_index_idr, id);
	if (!zram) {
		ret = -ENODEV;
	} else {
		ret = zram_mark_removing(zram);
		if (!ret) {
			idr_remove(&zram_index_idr, id);
			zram_destroy(zram);
		}
	}
	mutex_unlock(&zram_index_mutex);
	return ret ? ret : count;
}
static CLASS_ATTR_WO(hot_remove);

static struct attribute *zram_control_class_attrs[] = {
	&class_attr_hot_add.attr,
	&class_attr_hot_remove.attr,
	NULL,
};
ATTRIBUTE_GROUPS(zram_control_class);

static struct class zram_control_class = {
	.name		= "zram-control",
	.class_groups	= zram_control_class_groups,
};

static int zram_destroy_cb(int id, void *ptr, void *data)
{
	zram_destroy(ptr);
	return 0;
}

/* Called with hot_add and hot_remove gone: nothing else touches the idr. */
static void zram_destroy_all(void)
{
	idr_for_each(&zram_index_idr, zram_destroy_cb, NULL);
	idr_destroy(&zram_index_idr);
}

static int zram_add_initial(void)
{
	unsigned int i;
	int ret = 0;

	mutex_lock(&zram_index_mutex);
	for (i = 0; i < num_devices; i++) {
		ret = zram_add();
		if (ret < 0)
			break;
	}
	mutex_unlock(&zram_index_mutex);
	return ret < 0 ? ret : 0;
}

static int __init zram_init(void)
{
	int ret;

	if (num_devices > ZRAM_MAX_DEVICES) {
		pr_err("num_devices %u is over the limit of %u\n",
		       num_devices, ZRAM_MAX_DEVICES);
		return -EINVAL;
	}

	zram_io_wq = alloc_workqueue("zram_io", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!zram_io_wq)
		return -ENOMEM;

	ret = zram_spread_init();
	if (ret)
		goto destroy_wq;

	ret = zcomp_init();
	if (ret)
		goto exit_spread;

	zram_major = register_blkdev(0, "zram");
	if (zram_major <= 0) {
		ret = zram_major ? zram_major : -EBUSY;
		goto exit_zcomp;
	}

	zram_debugfs_init();
	ret = zram_add_initial();
	if (ret)
		goto destroy_devices;

	/* Last: hot_add must not run before the rest is ready. */
	ret = class_register(&zram_control_class);
	if (ret)
		goto destroy_devices;
	return 0;

destroy_devices:
	zram_destroy_all();
	zram_debugfs_exit();
	unregister_blkdev(zram_major, "zram");
exit_zcomp:
	zcomp_exit();
exit_spread:
	zram_spread_exit();
destroy_wq:
	destroy_workqueue(zram_io_wq);
	return ret;
}

static void __exit zram_exit(void)
{
	class_unregister(&zram_control_class);
	zram_destroy_all();
	zram_debugfs_exit();
	unregister_blkdev(zram_major, "zram");
	zcomp_exit();
	zram_spread_exit();
	destroy_workqueue(zram_io_wq);
}

module_init(zram_init);
module_exit(zram_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Compressed RAM block device");
#ifdef ZRAM_VERSION
MODULE_VERSION(ZRAM_VERSION);
#endif
