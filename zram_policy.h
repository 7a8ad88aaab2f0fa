/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zram's self-management policy (zram_policy.c): aging, background
 * recompression (zram_policy_recomp.c) and writeback past watermarks,
 * compaction past a share of free space in the pool, and a mem_limit that
 * sends pages to the backing device instead of failing writes.
 */
#ifndef _ZRAM_POLICY_H_
#define _ZRAM_POLICY_H_

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct page;
struct shrinker;
struct zram;

/*
 * What the policy attribute sets.  All zero is "off": the device behaves
 * as it would without a policy.
 */
struct zram_policy_cfg {
	unsigned int age;		/* seconds unused to become idle; 0: never */
	unsigned int rc_watermark;	/* % of mem_limit or RAM; 0: none */
	unsigned int wb_watermark;	/* % of mem_limit or RAM; 0: none */
	bool mem_limit_wb;		/* over mem_limit: to the backing device */
	unsigned int fragmentation;	/* % of the pool compaction frees; 0: none */
};

/*
 * A device's policy and what it has done.
 *
 * @lock protects @cfg; writers also hold init_lock for reading, and reset
 * clears @cfg with init_lock held for writing.  The I/O path reads
 * @cfg.mem_limit_wb and the shrinker @cfg.rc_watermark without it
 * (READ_ONCE).  @work is the device's one background worker; the wb_
 * fields, @lap_written, @last_aging and the rc_ fields but @rc_candidates
 * and @rc_asked belong to it.  @shrinker lives as long as the device.
 * @rc_candidates (the shrinker's count) and @rc_asked (slots the shrinker
 * asked to recompress) are atomic: the shrinker reads and adds to them.
 * @stoppers counts zram_policy_stop() calls waiting for the worker, which
 * then ends its run early.  The counters are atomic: the I/O path counts
 * redirected writes.
 */
struct zram_policy {
	struct mutex lock;		/* @cfg */
	struct zram_policy_cfg cfg;
	struct delayed_work work;
	atomic_t stoppers;		/* callers waiting for @work to end */
	struct shrinker *shrinker;
	unsigned long wb_cursor;
	unsigned long lap_written;
	unsigned long wb_rest_until;	/* jiffies: no lap before, if set */
	s64 wb_rest_huge;		/* huge_pages_since when the rest began */
	ktime_t last_aging;
	unsigned int rc_pass;		/* zram_policy_rc_passes[] index */
	unsigned long rc_cursor;	/* next slot of the pass */
	unsigned long rc_lap_shrunk;	/* slots shrunk in this lap */
	unsigned long rc_rest_until;	/* jiffies: no lap before, if set */
	atomic_long_t rc_candidates;	/* estimate: slots worth a try */
	atomic_long_t rc_asked;		/* slots the shrinker asked for */
	atomic64_t aged;		/* slots aging made idle */
	atomic64_t written_back;	/* pages its background writeback moved */
	atomic64_t redirected;		/* writes stored on the backing device */
	atomic64_t recompressed;	/* slots recompression made smaller */
	atomic64_t rc_freed;		/* pool pages its runs freed, net */
};

/*
 * A stage whose lap over the device found nothing to do rests rather than
 * scan every slot again each period: until *@until (jiffies), or until
 * the stage sees a reason to look again.
 */
static inline void zram_policy_rest(unsigned long *until, unsigned long delay)
{
	*until = jiffies + delay ?: 1;
}

static inline bool zram_policy_resting(unsigned long *until)
{
	if (*until && time_before(jiffies, *until))
		return true;
	*until = 0;
	return false;
}

extern const struct attribute_group zram_policy_attr_group;
int zram_policy_init(struct zram *zram);
void zram_policy_exit(struct zram *zram);
void zram_policy_start(struct zram *zram);
void zram_policy_stop(struct zram *zram);
void zram_policy_clear(struct zram *zram);
bool zram_policy_over_watermark(struct zram *zram, unsigned int pct);
bool zram_policy_waited_for(struct zram *zram);

/* zram_policy_recomp.c: the recompression stage and its shrinker. */
int zram_policy_shrinker_add(struct zram *zram);
void zram_policy_shrinker_remove(struct zram *zram);
bool zram_policy_rc_candidate(struct zram *zram, unsigned long index);
bool zram_policy_recompress(struct zram *zram, unsigned int pct);
void zram_policy_rc_clear(struct zram *zram);
bool zram_policy_redirects(struct zram *zram);
bool zram_policy_near_limit(struct zram *zram);
int zram_policy_redirect(struct zram *zram, struct page *page,
			 unsigned long index);

#endif /* _ZRAM_POLICY_H_ */
