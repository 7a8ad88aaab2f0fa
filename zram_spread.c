// SPDX-License-Identifier: GPL-2.0
/*
 * Large bios compressed or decompressed on several CPUs at once.
 *
 * Compression is nearly all that a write costs, decompression most of what
 * a read costs, and a bio's pages are otherwise done one after another by
 * the CPU that submitted it: a 1 MiB write from a file system's flusher
 * keeps one CPU busy for 256 compressions while the others may have
 * nothing to do.  So a bio of at least two chunks of spread_pages device
 * pages (eight chunks for a read, unless the compressor is slow to
 * decompress) is cut into such chunks, and up to one helper per other
 * online CPU is queued on an unbound workqueue, which the scheduler runs
 * on idle CPUs where there are any.  The submitter and the helpers take
 * chunks in turn from a shared counter until none is left.  A helper that
 * starts late, because its CPU is busy, takes fewer chunks or none, and
 * the submitter takes it off the queue rather than wait for it: on a busy
 * machine a spread bio waits at most for the one chunk a slow helper has
 * in hand.  Each chunk uses the compression stream of the CPU it runs on.
 * The bio still ends once, after its last page is done or after a
 * failure, as when one CPU does it all.
 *
 * Why it is safe: the chunks cover different device pages, so no slot is
 * used by two of them, and the slot lock orders each page against other
 * bios as it orders any two of them.  A chunk stops at its first failed
 * page, as one CPU would stop; its failure stops the taking of chunks and
 * fails the bio.
 * Reads of a device with a backing device are not spread (see
 * zram_bio_read()).  The workqueue is WQ_MEM_RECLAIM: writes to swap on
 * zram may be what frees memory, so they must not wait for a new worker
 * to be forked.
 *
 * With one online CPU, a bio too small or I/O from memory reclaim,
 * nothing changes.
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
		 "Pages per chunk of a large bio done on several CPUs (0: all on the submitting one)");

/*
 * A page reads in about a third of the time it takes to write
 * (Documentation/benchmarks.rst), and waking a helper costs the same for
 * both, so a read needs more pages to be worth spreading; unless the
 * device's compressor is slow to decompress (zstd, deflate).
 */
#define ZRAM_SPREAD_READ_FACTOR	4

static struct workqueue_struct *zram_spread_wq;

/*
 * A bio being spread: its chunks, the next one to take and the first
 * error.  The submitter's stack holds it until every helper is done with it.
 */
struct zram_spread {
	struct zram *zram;
	struct bio *bio;
	unsigned int chunk_bytes;
	unsigned int nr_chunks;
	atomic_t next_chunk;
	atomic_t error;
};

/* A helper: a work item that takes chunks of @spread. */
struct zram_spread_helper {
	struct work_struct work;
	struct zram_spread *spread;
};

/* Does chunk @chunk of @spread's bio; returns 0 or the page's error. */
static int zram_spread_chunk(struct zram_spread *spread, unsigned int chunk)
{
	struct bvec_iter iter = spread->bio->bi_iter;
	unsigned int skip = chunk * spread->chunk_bytes;

	bio_advance_iter(spread->bio, &iter, skip);
	iter.bi_size = min(iter.bi_size, spread->chunk_bytes);
	return zram_bio_pages(spread->zram, spread->bio, iter, NULL);
}

/*
 * Takes chunks of @spread until none is left or one has failed; returns
 * how many this caller did.
 */
static unsigned int zram_spread_take(struct zram_spread *spread)
{
	unsigned int chunk, done = 0;
	int ret;

	while ((chunk = atomic_inc_return(&spread->next_chunk) - 1) <
	       spread->nr_chunks) {
		ret = zram_spread_chunk(spread, chunk);
		done++;
		if (ret) {
			atomic_cmpxchg(&spread->error, 0, ret);
			/* The others take no further chunk. */
			atomic_set(&spread->next_chunk, spread->nr_chunks);
			break;
		}
	}
	return done;
}

static void zram_spread_help(struct work_struct *work)
{
	struct zram_spread_helper *helper =
		container_of(work, struct zram_spread_helper, work);
	struct zram_spread *spread = helper->spread;

	atomic64_add(zram_spread_take(spread),
		     &spread->zram->stats.spread_chunks);
}

/*
 * Cuts @spread's bio into chunks: sets their size and number, one chunk if
 * the bio is not to be spread, which is also so if it covers part of a
 * device page (with pages over 4 KiB).  Small chunks cost little, as each
 * helper is woken once whatever their number, and leave little for the
 * submitter to wait for at the end.
 */
static void zram_spread_cut(struct zram_spread *spread)
{
	const struct bio *bio = spread->bio;
	unsigned int chunk = READ_ONCE(spread_pages), min_pages = 2 * chunk;
	unsigned int pages = bio->bi_iter.bi_size >> PAGE_SHIFT;

	spread->nr_chunks = 1;
	/* Most bios, a page or a few, are settled here by their size alone. */
	if (!chunk || pages < min_pages)
		return;
	if (!op_is_write(bio_op(bio)) &&
	    !zcomp_decompress_slow(spread->zram->comps[ZRAM_PRIMARY_COMP]))
		min_pages *= ZRAM_SPREAD_READ_FACTOR;
	if (pages < min_pages)
		return;
	/*
	 * Reclaim writing to swap may allocate from the reserves; helpers may
	 * not, so its I/O stays where it is.
	 */
	if (current->flags & PF_MEMALLOC)
		return;
	if ((bio->bi_iter.bi_sector & (SECTORS_PER_PAGE - 1)) ||
	    offset_in_page(bio->bi_iter.bi_size))
		return;
	spread->chunk_bytes = chunk << PAGE_SHIFT;
	spread->nr_chunks = DIV_ROUND_UP(pages, chunk);
}

/*
 * Queues up to one helper per other online CPU, takes chunks along with
 * them, then takes off the queue those that have not started and waits
 * for the rest.  Returns the first error.
 */
static int zram_spread_run(struct zram_spread *spread,
			   struct zram_spread_helper *helpers,
			   unsigned int nr_helpers)
{
	unsigned int i;

	for (i = 0; i < nr_helpers; i++) {
		helpers[i].spread = spread;
		INIT_WORK(&helpers[i].work, zram_spread_help);
		queue_work(zram_spread_wq, &helpers[i].work);
	}
	zram_spread_take(spread);
	for (i = 0; i < nr_helpers; i++)
		cancel_work_sync(&helpers[i].work);
	return atomic_read(&spread->error);
}

/**
 * zram_spread_rw - read or write a bio's pages, on several CPUs if it is large
 * @zram: the device
 * @bio: a read or write bio
 *
 * Return: 0, or the error of the first page that failed.
 */
int zram_spread_rw(struct zram *zram, struct bio *bio)
{
	struct zram_spread spread = { .zram = zram, .bio = bio };
	struct zram_spread_helper *helpers = NULL;
	unsigned int nr_helpers;
	int ret;

	zram_spread_cut(&spread);
	/* None with one chunk or one online CPU. */
	nr_helpers = min(spread.nr_chunks, num_online_cpus()) - 1;
	if (nr_helpers)
		helpers = kmalloc_array(nr_helpers, sizeof(*helpers),
					GFP_NOIO | __GFP_NOWARN);
	/* Without helpers, or the room for them, one CPU does it all. */
	if (!helpers)
		return zram_bio_pages(zram, bio, bio->bi_iter, NULL);

	ret = zram_spread_run(&spread, helpers, nr_helpers);
	kfree(helpers);
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
