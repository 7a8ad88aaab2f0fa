/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zram's self-management policy (zram_policy.c): aging, background
 * writeback past a watermark and a mem_limit that sends pages to the
 * backing device instead of failing writes.
 */
#ifndef _ZRAM_POLICY_H_
#define _ZRAM_POLICY_H_

#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct page;
struct zram;

/*
 * What the policy attribute sets.  All zero is "off": the device behaves
 * as it would without a policy.
 */
struct zram_policy_cfg {
	unsigned int age;		/* seconds unused to become idle; 0: never */
	unsigned int wb_watermark;	/* % of mem_limit or RAM; 0: none */
	bool mem_limit_wb;		/* over mem_limit: to the backing device */
};

/*
 * A device's policy and what it has done.
 *
 * @lock protects @cfg; writers also hold init_lock for reading, and reset
 * clears @cfg with init_lock held for writing.  The I/O path reads
 * @cfg.mem_limit_wb without it (READ_ONCE).  @work is the device's one
 * background worker; @wb_cursor, @lap_written and @last_aging belong to it.
 * The counters are atomic: the I/O path counts redirected writes.
 */
struct zram_policy {
	struct mutex lock;		/* @cfg */
	struct zram_policy_cfg cfg;
	struct delayed_work work;
	unsigned long wb_cursor;
	unsigned long lap_written;
	ktime_t last_aging;
	atomic64_t aged;		/* slots aging made idle */
	atomic64_t written_back;	/* pages its background writeback moved */
	atomic64_t redirected;		/* writes stored on the backing device */
};

extern const struct attribute_group zram_policy_attr_group;
void zram_policy_init(struct zram *zram);
void zram_policy_start(struct zram *zram);
void zram_policy_stop(struct zram *zram);
void zram_policy_clear(struct zram *zram);
bool zram_policy_redirects(struct zram *zram);
bool zram_policy_near_limit(struct zram *zram);
int zram_policy_redirect(struct zram *zram, struct page *page,
			 unsigned long index);

#endif /* _ZRAM_POLICY_H_ */
