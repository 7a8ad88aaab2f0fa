// SPDX-License-Identifier: GPL-2.0
/*
 * Large bios compressed or decompressed on several CPUs at once.
 *
 * Compression is nearly all that a write costs, decompression most of what
 * a read costs, and a bio's pages are otherwise done one after another by
 * the CPU that submitted it: a 1 MiB write from a file system's flusher
 * keeps one CPU busy for 256 compressions while the others may have
 * nothing to do.  So a bio with enough pages is cut into pieces of whole
 * device pages, at least spread_pages each (four times that for reads)
 * and at most one per online CPU.  The submitter queues all but the first
 * piece on an unbound workqueue, which the scheduler runs on idle CPUs
 * where there are any, does the first piece itself, then waits for the
 * others.  Each piece uses the compression stream of the CPU it runs on.
 * The bio still ends once, after its last page is done or after a
 * failure, as when one CPU does it all.
 *
 * Why it is safe: the pieces cover different device pages, so no slot is
 * used by two of them, and the slot lock orders each page against other
 * bios as it orders any two of them.  A piece stops at its first failed
 * page, as one CPU would stop, and a failure of any piece fails the bio.
 * Reads of a device with a backing device are not spread (see
 * zram_bio_read()).  The workqueue is WQ_MEM_RECLAIM: writes to swap on
 * zram may be what frees memory, so they must not wait for a new worker
 * to be forked.
 *
 * With one online CPU, a bio under two pieces' worth or I/O from memory
 * reclaim, nothing changes.
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/bio.h>
#include <linux/cpumask.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "zram_drv.h"

static unsigned int spread_pages = 16;
module_param(spread_pages, uint, 0644);
MODULE_PARM_DESC(spread_pages,
		 "Fewest pages of a write bio handed to another CPU, a quarter of a read's (0: never)");

/*
 * A page reads in about a third of the time it takes to write
 * (Documentation/benchmarks.rst), and waking a worker costs the same for
 * both, so a read's pieces need more pages to be worth it.
 */
#define ZRAM_SPREAD_READ_FACTOR	4

static struct workqueue_struct *zram_spread_wq;

/*
 * One piece of a spread bio: the pages of @bio that @iter covers and, once
 * done, the result.  Each piece is its worker's alone.
 */
struct zram_spread_piece {
	struct work_struct work;
	struct zram *zram;
	struct bio *bio;
	struct bvec_iter iter;
	int ret;
};

static void zram_spread_work(struct work_struct *work)
{
	struct zram_spread_piece *piece =
		container_of(work, struct zram_spread_piece, work);

	piece->ret = zram_bio_pages(piece->zram, piece->bio, piece->iter);
}

/*
 * How many pieces @bio makes: 1 if it is not spread, which is also so if it
 * covers part of a device page (with pages over 4 KiB).
 */
static unsigned int zram_spread_count(const struct bio *bio)
{
	unsigned long min_pages = READ_ONCE(spread_pages);
	unsigned int pages = bio->bi_iter.bi_size >> PAGE_SHIFT;

	if (!op_is_write(bio_op(bio)))
		min_pages *= ZRAM_SPREAD_READ_FACTOR;
	if (!min_pages || pages < 2 * min_pages)
		return 1;
	/*
	 * Reclaim writing to swap may allocate from the reserves; workers may
	 * not, so its I/O stays where it is.
	 */
	if (current->flags & PF_MEMALLOC)
		return 1;
	if ((bio->bi_iter.bi_sector & (SECTORS_PER_PAGE - 1)) ||
	    offset_in_page(bio->bi_iter.bi_size))
		return 1;
	return min_t(unsigned long, pages / min_pages, num_online_cpus());
}

/* Cuts @bio into @nr pieces whose page counts differ by one at most. */
static void zram_spread_cut(struct zram *zram, struct bio *bio,
			    struct zram_spread_piece *pieces, unsigned int nr)
{
	unsigned int pages = bio->bi_iter.bi_size >> PAGE_SHIFT;
	struct bvec_iter iter = bio->bi_iter;
	unsigned int i, bytes;

	for (i = 0; i < nr; i++) {
		bytes = (pages / nr + (i < pages % nr)) << PAGE_SHIFT;
		pieces[i].zram = zram;
		pieces[i].bio = bio;
		pieces[i].iter = iter;
		pieces[i].iter.bi_size = bytes;
		bio_advance_iter(bio, &iter, bytes);
	}
}

/* Runs the pieces, the first on this CPU, and returns the first error. */
static int zram_spread_run(struct zram_spread_piece *pieces, unsigned int nr)
{
	unsigned int i;
	int ret;

	for (i = 1; i < nr; i++) {
		INIT_WORK(&pieces[i].work, zram_spread_work);
		queue_work(zram_spread_wq, &pieces[i].work);
	}
	atomic64_add(nr - 1, &pieces[0].zram->stats.spread_pieces);
	ret = zram_bio_pages(pieces[0].zram, pieces[0].bio, pieces[0].iter);
	for (i = 1; i < nr; i++) {
		flush_work(&pieces[i].work);
		if (!ret)
			ret = pieces[i].ret;
	}
	return ret;
}

/**
 * zram_spread_rw - read or write a bio's pages, on several CPUs if it is large
 * @zram: the device
 * @bio: a read or write bio
 *
 * Return: 0, or the error of a page that failed (this CPU's piece first).
 */
int zram_spread_rw(struct zram *zram, struct bio *bio)
{
	unsigned int nr = zram_spread_count(bio);
	struct zram_spread_piece *pieces = NULL;
	int ret;

	if (nr > 1)
		pieces = kmalloc_array(nr, sizeof(*pieces),
				       GFP_NOIO | __GFP_NOWARN);
	/* Without the room to say where each piece is, one CPU does it all. */
	if (!pieces)
		return zram_bio_pages(zram, bio, bio->bi_iter);

	zram_spread_cut(zram, bio, pieces, nr);
	ret = zram_spread_run(pieces, nr);
	kfree(pieces);
	return ret;
}

int zram_spread_init(void)
{
	zram_spread_wq = alloc_workqueue("zram_spread",
					 WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	return zram_spread_wq ? 0 : -ENOMEM;
}

void zram_spread_exit(void)
{
	destroy_workqueue(zram_spread_wq);
}
