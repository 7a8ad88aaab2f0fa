// SPDX-License-Identifier: GPL-2.0
/*
 * Self-managing zram: what a device does on its own, so that no daemon has
 * to drive idle and writeback from user space.
 *
 * One "policy" attribute per device takes key=value words (one echo, from
 * a udev rule or zram-generator) and shows every key in one line:
 *
 *   age=SECONDS          slots unused that long become idle (0: never)
 *   recompress_watermark=PERCENT
 *                        while the pool is over PERCENT of mem_limit (of
 *                        RAM without a limit), or when the shrinker asks,
 *                        huge and idle pages are compressed again with
 *                        recomp_algorithm's algorithms, largest first
 *                        (zram_policy_recomp.c); below writeback_watermark
 *   writeback_watermark=PERCENT
 *                        while the pool is over PERCENT of mem_limit (of
 *                        RAM without a limit), idle, huge and
 *                        incompressible pages go to the backing device
 *   mem_limit=fail|writeback
 *                        a write that the pool cannot take fails, as
 *                        without a policy, or goes to the backing device
 *   fragmentation=PERCENT
 *                        when compacting the pool would give back more
 *                        than PERCENT of its pages, it is compacted
 *
 * The word "off" sets every key back to its default (0, 0, 0, fail, 0),
 * which is also the state after a reset.  A write is checked whole before
 * any of it takes effect.
 *
 * Aging, recompression, background writeback and compaction run, in that
 * order, in one delayed work item per device, which re-arms itself while
 * the device is initialised and the policy has something to do; each run
 * holds init_lock for reading (reset waits for it) and works on one batch
 * of slots per stage before giving the lock up.  When someone waits for it
 * (zram_policy_waited_for()), recompression ends its batch, which may
 * take seconds, and the later stages wait for the next run.  The I/O path
 * only reads mem_limit's key: a write that fails for want of memory is
 * then stored on the backing device instead.
 *
 * A further background stage is one more key in zram_policy_cfg, one more
 * parser entry and one more function called from zram_policy_run().
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include "zram_drv.h"

/* How often the worker looks at the pool when a watermark is set. */
#define ZRAM_POLICY_WB_PERIOD		HZ
/* Slots one worker run scans for writeback before re-arming. */
#define ZRAM_POLICY_WB_BATCH		1024UL
/* After a lap that wrote nothing back, the next waits for new work or this. */
#define ZRAM_POLICY_WB_REST		(30 * HZ)
/* Bounds of the aging scan's period, which is a quarter of the age. */
#define ZRAM_POLICY_AGING_MIN		1U
#define ZRAM_POLICY_AGING_MAX		60U

static bool zram_policy_active(const struct zram_policy_cfg *cfg)
{
	return cfg->age || cfg->rc_watermark || cfg->wb_watermark ||
	       cfg->fragmentation;
}

static void zram_policy_get(struct zram *zram, struct zram_policy_cfg *cfg)
{
	mutex_lock(&zram->policy.lock);
	*cfg = zram->policy.cfg;
	mutex_unlock(&zram->policy.lock);
}

/*
 * Seconds between two aging scans: a slot is idle at most that late.
 * Without aging a scan only counts for the shrinker, which can wait.
 */
static unsigned int zram_policy_aging_period(unsigned int age)
{
	if (!age)
		return ZRAM_POLICY_AGING_MAX;
	return clamp(age / 4, ZRAM_POLICY_AGING_MIN, ZRAM_POLICY_AGING_MAX);
}

static unsigned long zram_policy_period(const struct zram_policy_cfg *cfg)
{
	if (cfg->rc_watermark || cfg->wb_watermark || cfg->fragmentation)
		return ZRAM_POLICY_WB_PERIOD;
	return zram_policy_aging_period(cfg->age) * HZ;
}

/* --- Aging -------------------------------------------------------------- */

/*
 * Marks idle the slots unused for @age seconds, if @age; counts the new
 * ones, and the slots recompression would try, for the shrinker.
 */
static void zram_policy_age(struct zram *zram, unsigned int age)
{
	ktime_t now = zram_now();
	ktime_t cutoff = ktime_sub(now, ktime_set(age, 0));
	ktime_t period = ktime_set(zram_policy_aging_period(age), 0);
	struct zram_policy *policy = &zram->policy;
	unsigned long index, aged = 0, candidates = 0;

	if (policy->last_aging &&
	    ktime_before(now, ktime_add(policy->last_aging, period)))
		return;
	policy->last_aging = now;

	for (index = 0; index < zram->nr_pages; index++) {
		zram_slot_lock(zram, index);
		if (age && zram_slot_in_pool(zram, index) &&
		    !zram_slot_test(zram, index, ZRAM_IDLE) &&
		    zram_slot_at(zram, index)->ac_time <= cutoff) {
			zram_slot_set(zram, index, ZRAM_IDLE);
			aged++;
		}
		candidates += zram_policy_rc_candidate(zram, index);
		zram_slot_unlock(zram, index);
		cond_resched();
	}
	atomic64_add(aged, &policy->aged);
	atomic_long_set(&policy->rc_candidates, candidates);
	/* New idle slots: recompression and writeback may have work again. */
	if (aged) {
		policy->rc_rest_until = 0;
		policy->wb_rest_until = 0;
	}
}

/* --- Background writeback ---------------------------------------------- */

bool zram_policy_over_watermark(struct zram *zram, unsigned int pct)
{
	unsigned long base = READ_ONCE(zram->limit_pages);
	unsigned long used = zsm_get_total_pages(zram->mem_pool);

	if (!base)
		base = totalram_pages();
	return used > mult_frac(base, pct, 100UL);
}

/* What background writeback moves, most wanted first. */
static const unsigned long zram_policy_wb_flags[] = {
	BIT(ZRAM_IDLE), BIT(ZRAM_HUGE), BIT(ZRAM_INCOMPRESSIBLE),
};

/*
 * Whether writeback rests after a lap that found nothing to move.  Pages
 * stored huge since then, or slots aging made idle, end the rest early.
 */
static bool zram_policy_wb_resting(struct zram *zram)
{
	struct zram_policy *policy = &zram->policy;
	s64 huge_stores = atomic64_read(&zram->stats.huge_pages_since);

	if (huge_stores != policy->wb_rest_huge)
		policy->wb_rest_until = 0;
	return zram_policy_resting(&policy->wb_rest_until);
}

static void zram_policy_wb_lap_end(struct zram *zram)
{
	struct zram_policy *policy = &zram->policy;

	policy->wb_rest_huge = atomic64_read(&zram->stats.huge_pages_since);
	zram_policy_rest(&policy->wb_rest_until, ZRAM_POLICY_WB_REST);
}

/*
 * Writes back the wanted slots of the next batch.  Returns whether to go
 * on at once: still over the watermark, and the last full lap over the
 * device found something to move.
 */
static bool zram_policy_writeback(struct zram *zram)
{
	struct zram_policy *policy = &zram->policy;
	struct zram_wb_range range;
	struct zram_wb_req req = { .nr_ranges = 1, .ranges = &range };
	bool lap_done, more = true;
	unsigned long written = 0;
	unsigned int i;
	int ret = 0;

	if (zram_policy_wb_resting(zram))
		return false;
	if (policy->wb_cursor >= zram->nr_pages)
		policy->wb_cursor = 0;
	range.first = policy->wb_cursor;
	range.last = min(range.first + ZRAM_POLICY_WB_BATCH, zram->nr_pages) - 1;

	for (i = 0; i < ARRAY_SIZE(zram_policy_wb_flags) && !ret; i++) {
		req.flags = zram_policy_wb_flags[i];
		ret = zram_writeback(zram, &req);
		written += req.written;
	}
	atomic64_add(written, &policy->written_back);
	policy->lap_written += written;

	/* Out of backing blocks or writeback_limit: wait for the next period. */
	if (ret)
		more = false;
	lap_done = range.last + 1 >= zram->nr_pages;
	policy->wb_cursor = lap_done ? 0 : range.last + 1;
	if (lap_done) {
		if (!policy->lap_written) {
			zram_policy_wb_lap_end(zram);
			more = false;
		}
		policy->lap_written = 0;
	}
	if (written)
		zsm_compact(zram->mem_pool);
	return more;
}

/* --- Compaction ---------------------------------------------------------- */

/*
 * Objects freed one by one leave holes that give no page back until
 * compaction moves the rest together; this does it once the holes add up
 * to more than @pct percent of the pool's pages.
 */
static void zram_policy_compact(struct zram *zram, unsigned int pct)
{
	struct zs_pool *pool = zram->mem_pool;

	if (zsm_compactable_pages(pool) * 100 >
	    zsm_get_total_pages(pool) * pct)
		zsm_compact(pool);
}

/* --- The worker ---------------------------------------------------------- */

/*
 * Whether someone waits for the run to end or to give init_lock up:
 * zram_policy_stop() (reset, hot_remove), or a writer of init_lock.
 */
bool zram_policy_waited_for(struct zram *zram)
{
	return atomic_read(&zram->policy.stoppers) ||
	       rwsem_is_contended(&zram->init_lock);
}

/* One run; returns the delay until the next, or a negative: none. */
static long zram_policy_run(struct zram *zram)
{
	struct zram_policy_cfg cfg;
	bool more;

	down_read(&zram->init_lock);
	zram_policy_get(zram, &cfg);
	if (!zram_initialized(zram) || !zram_policy_active(&cfg)) {
		up_read(&zram->init_lock);
		return -1;
	}
	if (cfg.age || cfg.rc_watermark)
		zram_policy_age(zram, cfg.age);
	more = zram_policy_recompress(zram, cfg.rc_watermark);
	if (zram_policy_waited_for(zram))
		goto out;
	if (cfg.wb_watermark &&
	    zram_policy_over_watermark(zram, cfg.wb_watermark))
		more |= zram_policy_writeback(zram) &&
			zram_policy_over_watermark(zram, cfg.wb_watermark);
	if (cfg.fragmentation)
		zram_policy_compact(zram, cfg.fragmentation);
out:
	up_read(&zram->init_lock);
	return more ? 0 : zram_policy_period(&cfg);
}

static void zram_policy_work_fn(struct work_struct *work)
{
	struct zram_policy *policy = container_of(to_delayed_work(work),
						  struct zram_policy, work);
	struct zram *zram = container_of(policy, struct zram, policy);
	long delay = zram_policy_run(zram);

	if (delay >= 0)
		queue_delayed_work(system_unbound_wq, &policy->work, delay);
}

int zram_policy_init(struct zram *zram)
{
	mutex_init(&zram->policy.lock);
	INIT_DELAYED_WORK(&zram->policy.work, zram_policy_work_fn);
	return zram_policy_shrinker_add(zram);
}

/* For a device going away, after its reset: nothing may queue the worker. */
void zram_policy_exit(struct zram *zram)
{
	zram_policy_shrinker_remove(zram);
	zram_policy_stop(zram);
}

/* Runs the worker now: the policy changed or the device was initialised. */
void zram_policy_start(struct zram *zram)
{
	mod_delayed_work(system_unbound_wq, &zram->policy.work, 0);
}

/*
 * Waits for the worker and cancels it.  Called without init_lock (the
 * worker takes it); the worker may be queued again afterwards by a write
 * to the policy attribute or by the shrinker, and then finds the policy
 * off or the device uninitialised.
 */
void zram_policy_stop(struct zram *zram)
{
	atomic_inc(&zram->policy.stoppers);
	cancel_delayed_work_sync(&zram->policy.work);
	atomic_dec(&zram->policy.stoppers);
}

/* Back to "off", counters zeroed.  init_lock held for writing (reset). */
void zram_policy_clear(struct zram *zram)
{
	struct zram_policy *policy = &zram->policy;

	mutex_lock(&policy->lock);
	memset(&policy->cfg, 0, sizeof(policy->cfg));
	mutex_unlock(&policy->lock);
	policy->wb_cursor = 0;
	policy->lap_written = 0;
	policy->wb_rest_until = 0;
	policy->last_aging = 0;
	atomic64_set(&policy->aged, 0);
	atomic64_set(&policy->written_back, 0);
	atomic64_set(&policy->redirected, 0);
	zram_policy_rc_clear(zram);
}

/* --- mem_limit=writeback, in the I/O path ------------------------------- */

/* Whether a write the pool refused goes to the backing device. */
bool zram_policy_redirects(struct zram *zram)
{
	return READ_ONCE(zram->policy.cfg.mem_limit_wb) && zram->wb.bdev;
}

/*
 * Whether a store might take the pool over mem_limit: one store adds at
 * most a page (zsmalloc.c gives a zspage its pages as objects reach them),
 * and the headroom leaves one for each of several stores at once.  Checked
 * before the store, so that a pool whose writes are redirected stays under
 * the limit at every moment, not only after the store's own check has
 * given a page back.
 */
#define ZRAM_POLICY_LIMIT_HEADROOM	8UL

bool zram_policy_near_limit(struct zram *zram)
{
	unsigned long limit = READ_ONCE(zram->limit_pages);
	unsigned long used = zsm_get_total_pages(zram->mem_pool);

	return limit && used + ZRAM_POLICY_LIMIT_HEADROOM > limit;
}

int zram_policy_redirect(struct zram *zram, struct page *page,
			 unsigned long index)
{
	int ret = zram_wb_store_page(zram, page, index);

	if (!ret)
		atomic64_inc(&zram->policy.redirected);
	return ret;
}

/* --- Attributes ---------------------------------------------------------- */

/* A whole percentage, 0-100. */
static int zram_policy_parse_percent(const char *val, unsigned int *pct)
{
	if (kstrtouint(val, 10, pct) || *pct > 100)
		return -EINVAL;
	return 0;
}

static int zram_policy_parse_word(void *data, char *param, char *val)
{
	struct zram_policy_cfg *cfg = data;

	if (!val) {
		if (strcmp(param, "off"))
			return -EINVAL;
		memset(cfg, 0, sizeof(*cfg));
		return 0;
	}
	if (!strcmp(param, "age"))
		return kstrtouint(val, 10, &cfg->age) ? -EINVAL : 0;
	if (!strcmp(param, "recompress_watermark"))
		return zram_policy_parse_percent(val, &cfg->rc_watermark);
	if (!strcmp(param, "writeback_watermark"))
		return zram_policy_parse_percent(val, &cfg->wb_watermark);
	if (!strcmp(param, "fragmentation"))
		return zram_policy_parse_percent(val, &cfg->fragmentation);
	if (!strcmp(param, "mem_limit")) {
		if (!strcmp(val, "writeback"))
			cfg->mem_limit_wb = true;
		else if (!strcmp(val, "fail"))
			cfg->mem_limit_wb = false;
		else
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

/*
 * Recompression needs an algorithm to recompress with (recomp_algorithm,
 * which a reset clears along with the policy) and must start before
 * writeback moves the pages away.  init_lock held.
 */
static int zram_policy_rc_check(struct zram *zram,
				const struct zram_policy_cfg *cfg)
{
	if (!zram_recomp_configured(zram))
		return -EINVAL;
	if (cfg->wb_watermark && cfg->rc_watermark >= cfg->wb_watermark)
		return -EINVAL;
	return 0;
}

/* Applies the words of @args to @cfg; a later word overrides an earlier. */
static int zram_policy_parse(char *args, struct zram_policy_cfg *cfg)
{
	if (!*skip_spaces(args))
		return -EINVAL;
	return zram_parse_words(args, false, zram_policy_parse_word, cfg);
}

static ssize_t policy_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct zram_policy_cfg cfg;

	zram_policy_get(dev_to_zram(dev), &cfg);
	return sysfs_emit(buf,
			  "age=%u recompress_watermark=%u writeback_watermark=%u mem_limit=%s fragmentation=%u\n",
			  cfg.age, cfg.rc_watermark, cfg.wb_watermark,
			  cfg.mem_limit_wb ? "writeback" : "fail",
			  cfg.fragmentation);
}

static ssize_t policy_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t len)
{
	struct zram *zram = dev_to_zram(dev);
	struct zram_policy_cfg cfg;
	char *args;
	int ret;

	args = kstrndup(buf, len, GFP_KERNEL);
	if (!args)
		return -ENOMEM;

	down_read(&zram->init_lock);
	mutex_lock(&zram->policy.lock);
	cfg = zram->policy.cfg;
	ret = zram_policy_parse(args, &cfg);
	/* Keys that move pages to the backing device need one. */
	if (!ret && (cfg.wb_watermark || cfg.mem_limit_wb) && !zram->wb.bdev)
		ret = -ENODEV;
	if (!ret && cfg.rc_watermark)
		ret = zram_policy_rc_check(zram, &cfg);
	if (!ret) {
		zram->policy.cfg.age = cfg.age;
		WRITE_ONCE(zram->policy.cfg.rc_watermark, cfg.rc_watermark);
		zram->policy.cfg.wb_watermark = cfg.wb_watermark;
		WRITE_ONCE(zram->policy.cfg.mem_limit_wb, cfg.mem_limit_wb);
		zram->policy.cfg.fragmentation = cfg.fragmentation;
	}
	mutex_unlock(&zram->policy.lock);
	if (!ret && zram_initialized(zram) && zram_policy_active(&cfg))
		zram_policy_start(zram);
	up_read(&zram->init_lock);
	kfree(args);
	return ret ? ret : len;
}
static DEVICE_ATTR_RW(policy);

/*
 * Pages: aged (made idle), written back in the background, redirected,
 * recompressed smaller, and pool pages freed by recompression runs.
 */
static ssize_t policy_stat_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct zram_policy *policy = &dev_to_zram(dev)->policy;

	return sysfs_emit(buf, "%8llu %8llu %8llu %8llu %8llu\n",
			  (u64)atomic64_read(&policy->aged),
			  (u64)atomic64_read(&policy->written_back),
			  (u64)atomic64_read(&policy->redirected),
			  (u64)atomic64_read(&policy->recompressed),
			  (u64)atomic64_read(&policy->rc_freed));
}
static DEVICE_ATTR_RO(policy_stat);

static struct attribute *zram_policy_attrs[] = {
	&dev_attr_policy.attr,
	&dev_attr_policy_stat.attr,
	NULL,
};

const struct attribute_group zram_policy_attr_group = {
	.attrs = zram_policy_attrs,
};
