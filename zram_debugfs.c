// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/zram/zram<id>/block_state: one line per slot holding
 * data, "index last-access-time flags", the time in seconds since boot and
 * the flags s (same filled), w (written back to the backing device),
 * h (huge: stored uncompressed), i (idle), r (recompressed: a secondary
 * algorithm made the object) and n (incompressible: recompression gave up
 * on it), or '.' for each flag not set.
 *
 * /sys/kernel/debug/zram/zram<id>/spread_chunks: how many chunks of bios
 * other CPUs did (zram_spread.c) since initialisation.
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/time64.h>

#include "zram_drv.h"

static struct dentry *zram_debugfs_root;

/* Finds the first slot holding data at or after *@pos. */
static void *zram_block_state_find(struct zram *zram, loff_t *pos)
{
	unsigned long index;

	for (index = *pos; index < zram->nr_pages; index++) {
		bool allocated;

		zram_slot_lock(zram, index);
		allocated = zram_slot_allocated(zram, index);
		zram_slot_unlock(zram, index);
		if (allocated) {
			*pos = index;
			return zram_slot_at(zram, index);
		}
		cond_resched();
	}
	*pos = index;
	return NULL;
}

/* Holds init_lock for reading until zram_block_state_stop(). */
static void *zram_block_state_start(struct seq_file *m, loff_t *pos)
{
	struct zram *zram = m->private;

	down_read(&zram->init_lock);
	if (!zram_initialized(zram))
		return ERR_PTR(-EINVAL);
	return zram_block_state_find(zram, pos);
}

static void *zram_block_state_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return zram_block_state_find(m->private, pos);
}

static void zram_block_state_stop(struct seq_file *m, void *v)
{
	struct zram *zram = m->private;

	up_read(&zram->init_lock);
}

static int zram_block_state_show(struct seq_file *m, void *v)
{
	struct zram *zram = m->private;
	unsigned long index = (struct zram_slot *)v - zram->table;
	struct timespec64 ts;
	bool allocated, same, written_back, huge, idle, recomp, incompressible;

	zram_slot_lock(zram, index);
	allocated = zram_slot_allocated(zram, index);
	same = zram_slot_test(zram, index, ZRAM_SAME);
	written_back = zram_slot_test(zram, index, ZRAM_WB);
	huge = zram_slot_test(zram, index, ZRAM_HUGE);
	idle = zram_slot_test(zram, index, ZRAM_IDLE);
	recomp = zram_slot_priority(zram, index) != ZRAM_PRIMARY_COMP;
	incompressible = zram_slot_test(zram, index, ZRAM_INCOMPRESSIBLE);
	ts = ktime_to_timespec64(zram_slot_at(zram, index)->ac_time);
	zram_slot_unlock(zram, index);

	/* Freed since it was found. */
	if (!allocated)
		return SEQ_SKIP;

	seq_printf(m, "%12lu %12lld.%06ld %c%c%c%c%c%c\n", index,
		   (s64)ts.tv_sec, ts.tv_nsec / NSEC_PER_USEC,
		   same ? 's' : '.', written_back ? 'w' : '.',
		   huge ? 'h' : '.', idle ? 'i' : '.',
		   recomp ? 'r' : '.', incompressible ? 'n' : '.');
	return 0;
}

static const struct seq_operations zram_block_state_sops = {
	.start	= zram_block_state_start,
	.next	= zram_block_state_next,
	.stop	= zram_block_state_stop,
	.show	= zram_block_state_show,
};

DEFINE_SEQ_ATTRIBUTE(zram_block_state);

static int zram_spread_chunks_get(void *data, u64 *val)
{
	struct zram *zram = data;

	*val = atomic64_read(&zram->stats.spread_chunks);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(zram_spread_chunks_fops, zram_spread_chunks_get,
			 NULL, "%llu\n");

void zram_debugfs_init(void)
{
	zram_debugfs_root = debugfs_create_dir("zram", NULL);
}

void zram_debugfs_exit(void)
{
	debugfs_remove(zram_debugfs_root);
}

void zram_debugfs_add(struct zram *zram)
{
	zram->debugfs_dir = debugfs_create_dir(zram->disk->disk_name,
					       zram_debugfs_root);
	debugfs_create_file("block_state", 0400, zram->debugfs_dir, zram,
			    &zram_block_state_fops);
	debugfs_create_file_unsafe("spread_chunks", 0400, zram->debugfs_dir,
				   zram, &zram_spread_chunks_fops);
}

/* Waits for readers of block_state to leave. */
void zram_debugfs_remove(struct zram *zram)
{
	debugfs_remove(zram->debugfs_dir);
	zram->debugfs_dir = NULL;
}
