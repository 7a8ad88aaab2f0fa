// SPDX-License-Identifier: GPL-2.0
/*
 * The policy's recompression stage: while the pool is over
 * recompress_watermark percent of mem_limit (of RAM without a limit), or
 * after the kernel's shrinker asked, the policy worker compresses huge and
 * idle slots again with the secondary algorithms of recomp_algorithm.
 *
 * Largest objects first: a lap over the device is a series of passes, one
 * for huge slots, then one per size class of idle slots, largest class
 * first (zram_policy_rc_passes[]); idle objects under the smallest class
 * are not worth the work and stay as they are.  Every slot goes through
 * zram_recomp_slot(), the function the recompress attribute uses, so a
 * slot no algorithm shrinks is flagged incompressible and skipped from
 * then on.  A run visits at most ZRAM_POLICY_RC_BATCH slots, taking each
 * slot's lock only while it works on that slot, then compacts the pool if
 * it shrank anything: moving objects frees nothing until zspages empty,
 * so the stage counts the pool pages that went, not only the objects.
 * A run also ends as soon as zram_policy_waited_for(): with a slow
 * secondary algorithm (zstd at level 22) a whole batch takes seconds,
 * which reset or a change of algorithm would otherwise wait out.
 *
 * A lap that shrinks nothing ends the stage until aging makes slots idle
 * or ZRAM_POLICY_RC_REST has passed.
 *
 * The shrinker only counts and asks: count_objects gives the candidates
 * the last aging scan counted, less those tried since (none after a lap
 * that shrank nothing), and scan_objects adds to the slots the
 * worker is to try and queues it.  No recompression runs in reclaim.
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/shrinker.h>
#include <linux/workqueue.h>

#include "zram_drv.h"

/* Slots one worker run visits before giving up init_lock. */
#define ZRAM_POLICY_RC_BATCH	4096UL
/* After a lap that shrank nothing, the next waits for aging or this. */
#define ZRAM_POLICY_RC_REST	(30 * HZ)
/* Idle objects under this many bytes are left alone. */
#define ZRAM_POLICY_RC_MIN_SIZE	(PAGE_SIZE / 16)

/* One pass of a lap: the slots it wants, largest first. */
static const struct {
	unsigned long flags;
	unsigned int min_size;
} zram_policy_rc_passes[] = {
	{ BIT(ZRAM_HUGE), 0 },
	{ BIT(ZRAM_IDLE), PAGE_SIZE / 2 },
	{ BIT(ZRAM_IDLE), PAGE_SIZE / 4 },
	{ BIT(ZRAM_IDLE), PAGE_SIZE / 8 },
	{ BIT(ZRAM_IDLE), ZRAM_POLICY_RC_MIN_SIZE },
};

/*
 * Whether the locked slot is one a lap would try with the first secondary
 * algorithm; for the shrinker's count, so cheap rather than exact.
 */
bool zram_policy_rc_candidate(struct zram *zram, unsigned long index)
{
	unsigned long flags = zram_slot_at(zram, index)->flags;

	if (!zram_slot_in_pool(zram, index) ||
	    zram_slot_priority(zram, index) != ZRAM_PRIMARY_COMP ||
	    flags & (BIT(ZRAM_UNDER_WB) | BIT(ZRAM_INCOMPRESSIBLE)))
		return false;
	return flags & BIT(ZRAM_HUGE) ||
	       (flags & BIT(ZRAM_IDLE) &&
		zram_slot_size(zram, index) >= ZRAM_POLICY_RC_MIN_SIZE);
}

/* Takes up to @nr from a counter that must not go below zero. */
static void zram_policy_rc_take(atomic_long_t *counter, long nr)
{
	long old = atomic_long_read(counter);
	long left;

	do {
		if (old <= 0)
			return;
		left = old - min(old, nr);
	} while (!atomic_long_try_cmpxchg(counter, &old, left));
}

/* Whether the stage has work: over the watermark or asked, not resting. */
static bool zram_policy_rc_due(struct zram *zram, unsigned int pct)
{
	struct zram_policy *policy = &zram->policy;

	if (zram_policy_resting(&policy->rc_rest_until))
		return false;
	return zram_policy_over_watermark(zram, pct) ||
	       atomic_long_read(&policy->rc_asked) > 0;
}

/* A lap is over: rest if it shrank nothing.  Returns whether it did. */
static bool zram_policy_rc_lap_end(struct zram *zram)
{
	struct zram_policy *policy = &zram->policy;
	bool shrunk = policy->rc_lap_shrunk;

	policy->rc_lap_shrunk = 0;
	if (shrunk)
		return true;
	zram_policy_rest(&policy->rc_rest_until, ZRAM_POLICY_RC_REST);
	atomic_long_set(&policy->rc_candidates, 0);
	atomic_long_set(&policy->rc_asked, 0);
	return false;
}

/*
 * Visits the next slots of the lap with @page as the buffer.  Returns the
 * slots it shrank, or a negative once a lap shrank nothing.
 */
static long zram_policy_rc_batch(struct zram *zram, struct page *page)
{
	struct zram_policy *policy = &zram->policy;
	struct zram_recomp_req req = {
		.prio_min = ZRAM_PRIMARY_COMP + 1,
		.prio_max = ZRAM_MAX_COMPS,
	};
	int result;
	unsigned long visited;
	long shrunk = 0;

	for (visited = 0; visited < ZRAM_POLICY_RC_BATCH; visited++) {
		if (policy->rc_cursor >= zram->nr_pages) {
			policy->rc_cursor = 0;
			if (++policy->rc_pass < ARRAY_SIZE(zram_policy_rc_passes))
				continue;
			policy->rc_pass = 0;
			if (!zram_policy_rc_lap_end(zram))
				return shrunk ? shrunk : -1;
		}
		req.flags = zram_policy_rc_passes[policy->rc_pass].flags;
		req.min_size = zram_policy_rc_passes[policy->rc_pass].min_size;
		result = zram_recomp_slot(zram, policy->rc_cursor++, page, &req);
		if (result != ZRAM_RECOMP_SKIPPED) {
			zram_policy_rc_take(&policy->rc_candidates, 1);
			zram_policy_rc_take(&policy->rc_asked, 1);
		}
		if (result == ZRAM_RECOMP_SHRUNK) {
			shrunk++;
			policy->rc_lap_shrunk++;
		}
		if (zram_policy_waited_for(zram))
			break;
		cond_resched();
	}
	return shrunk;
}

/*
 * The stage, if due: one batch, then compaction if it shrank anything.
 * init_lock held for reading.  Returns whether to go on at once.
 */
bool zram_policy_recompress(struct zram *zram, unsigned int pct)
{
	struct zram_policy *policy = &zram->policy;
	unsigned long before, after;
	struct page *page;
	long shrunk;

	if (!pct || !zram_policy_rc_due(zram, pct))
		return false;
	page = alloc_page(GFP_KERNEL);
	if (!page)
		return false;
	before = zsm_get_total_pages(zram->mem_pool);
	shrunk = zram_policy_rc_batch(zram, page);
	__free_page(page);
	if (shrunk < 0)
		return false;
	if (shrunk) {
		zsm_compact(zram->mem_pool);
		after = zsm_get_total_pages(zram->mem_pool);
		atomic64_add(shrunk, &policy->recompressed);
		/* Net of what I/O stored meanwhile: never more than went. */
		if (after < before)
			atomic64_add(before - after, &policy->rc_freed);
	}
	return zram_policy_rc_due(zram, pct);
}

/* Forgets the stage's progress and counters.  The worker is stopped. */
void zram_policy_rc_clear(struct zram *zram)
{
	struct zram_policy *policy = &zram->policy;

	policy->rc_pass = 0;
	policy->rc_cursor = 0;
	policy->rc_lap_shrunk = 0;
	policy->rc_rest_until = 0;
	atomic_long_set(&policy->rc_candidates, 0);
	atomic_long_set(&policy->rc_asked, 0);
	atomic64_set(&policy->recompressed, 0);
	atomic64_set(&policy->rc_freed, 0);
}

/* --- The shrinker ------------------------------------------------------- */

static unsigned long zram_policy_shrink_count(struct shrinker *shrinker,
					      struct shrink_control *sc)
{
	struct zram *zram = zram_shrinker_private(shrinker);

	if (!READ_ONCE(zram->policy.cfg.rc_watermark))
		return 0;
	return max(atomic_long_read(&zram->policy.rc_candidates), 0L);
}

/*
 * Asks the worker for up to nr_to_scan more slots.  Nothing is freed by
 * the time this returns, so it says so: reclaim counts no progress here.
 */
static unsigned long zram_policy_shrink_scan(struct shrinker *shrinker,
					     struct shrink_control *sc)
{
	struct zram *zram = zram_shrinker_private(shrinker);
	struct zram_policy *policy = &zram->policy;
	long candidates = zram_policy_shrink_count(shrinker, sc);
	long asked = atomic_long_read(&policy->rc_asked);
	long more;

	if (asked >= candidates)
		return SHRINK_STOP;
	more = min_t(long, sc->nr_to_scan, candidates - asked);
	atomic_long_add(more, &policy->rc_asked);
	mod_delayed_work(system_unbound_wq, &policy->work, 0);
	return 0;
}

int zram_policy_shrinker_add(struct zram *zram)
{
	char name[32];

	snprintf(name, sizeof(name), "zram%d-policy", zram->id);
	zram->policy.shrinker = zram_shrinker_create(name,
						     zram_policy_shrink_count,
						     zram_policy_shrink_scan,
						     zram);
	return zram->policy.shrinker ? 0 : -ENOMEM;
}

/* Waits for shrinker calls in progress, which may queue the worker. */
void zram_policy_shrinker_remove(struct zram *zram)
{
	zram_shrinker_destroy(zram->policy.shrinker);
	zram->policy.shrinker = NULL;
}
