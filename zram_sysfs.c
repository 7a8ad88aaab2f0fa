// SPDX-License-Identifier: GPL-2.0
/*
 * The attributes of /sys/block/zram<id>/.
 *
 * They follow Linux 6.1's zram, file for file and error code for error code,
 * so zramctl, zram-generator and the kernel's and LTP's zram tests work
 * unchanged; Documentation/ABI/testing/sysfs-block-zram describes them.
 * The single-number statistics files of the original driver are kept too.
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "zram_drv.h"

static u64 zram_stat(atomic64_t *counter)
{
	return atomic64_read(counter);
}

static ssize_t disksize_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct zram *zram = dev_to_zram(dev);
	u64 disksize;

	down_read(&zram->init_lock);
	disksize = zram->disksize;
	up_read(&zram->init_lock);
	return sysfs_emit(buf, "%llu\n", disksize);
}

static ssize_t disksize_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t len)
{
	u64 disksize = memparse(buf, NULL);
	int ret;

	if (!disksize)
		return -EINVAL;
	ret = zram_init_device(dev_to_zram(dev), disksize);
	return ret ? ret : len;
}
static DEVICE_ATTR_RW(disksize);

static ssize_t initstate_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct zram *zram = dev_to_zram(dev);
	bool initialized;

	down_read(&zram->init_lock);
	initialized = zram_initialized(zram);
	up_read(&zram->init_lock);
	return sysfs_emit(buf, "%u\n", initialized);
}
static DEVICE_ATTR_RO(initstate);

static ssize_t reset_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t len)
{
	u16 do_reset;
	int ret;

	/* As 6.1 parses it: any non-zero 16-bit number resets. */
	ret = kstrtou16(buf, 10, &do_reset);
	if (ret)
		return ret;
	if (!do_reset)
		return -EINVAL;
	ret = zram_reset_unused(dev_to_zram(dev));
	return ret ? ret : len;
}
static DEVICE_ATTR_WO(reset);

static ssize_t mem_limit_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t len)
{
	struct zram *zram = dev_to_zram(dev);
	char *end;
	u64 limit;

	limit = memparse(buf, &end);
	if (end == buf)
		return -EINVAL;

	down_write(&zram->init_lock);
	WRITE_ONCE(zram->limit_pages, DIV_ROUND_UP_ULL(limit, PAGE_SIZE));
	up_write(&zram->init_lock);
	return len;
}
static DEVICE_ATTR_WO(mem_limit);

static ssize_t mem_used_max_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t len)
{
	struct zram *zram = dev_to_zram(dev);
	unsigned long val;

	if (kstrtoul(buf, 10, &val) || val)
		return -EINVAL;

	down_read(&zram->init_lock);
	if (zram_initialized(zram))
		atomic_long_set(&zram->stats.max_used_pages,
				zsm_get_total_pages(zram->mem_pool));
	up_read(&zram->init_lock);
	return len;
}
static DEVICE_ATTR_WO(mem_used_max);

/* "all", or an age in seconds: slots unused for that long. */
static int zram_parse_idle_cutoff(const char *buf, ktime_t *cutoff)
{
	u64 age;

	if (sysfs_streq(buf, "all")) {
		*cutoff = KTIME_MAX;
		return 0;
	}
	if (kstrtoull(buf, 0, &age))
		return -EINVAL;
	if (age > KTIME_SEC_MAX)
		age = KTIME_SEC_MAX;
	*cutoff = ktime_sub(zram_now(), ktime_set(age, 0));
	return 0;
}

static ssize_t idle_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t len)
{
	struct zram *zram = dev_to_zram(dev);
	ktime_t cutoff;
	int ret;

	ret = zram_parse_idle_cutoff(buf, &cutoff);
	if (ret)
		return ret;

	down_read(&zram->init_lock);
	if (zram_initialized(zram))
		zram_mark_idle(zram, cutoff);
	else
		ret = -EINVAL;
	up_read(&zram->init_lock);
	return ret ? ret : len;
}
static DEVICE_ATTR_WO(idle);

/* There is one stream per online CPU, whatever is written here. */
static ssize_t max_comp_streams_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", num_online_cpus());
}

static ssize_t max_comp_streams_store(struct device *dev,
				      struct device_attribute *attr,
				      const char *buf, size_t len)
{
	return len;
}
static DEVICE_ATTR_RW(max_comp_streams);

static ssize_t comp_algorithm_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct zram *zram = dev_to_zram(dev);
	ssize_t ret;

	down_read(&zram->init_lock);
	ret = zcomp_available_show(zram->comp_names[ZRAM_PRIMARY_COMP], buf,
				   0);
	up_read(&zram->init_lock);
	return ret;
}

static ssize_t comp_algorithm_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t len)
{
	char name[CRYPTO_MAX_ALG_NAME];
	size_t name_len = len;
	int ret;

	if (name_len && buf[name_len - 1] == '\n')
		name_len--;
	if (!name_len || name_len >= sizeof(name))
		return -EINVAL;
	memcpy(name, buf, name_len);
	name[name_len] = '\0';

	ret = zram_comp_set(dev_to_zram(dev), ZRAM_PRIMARY_COMP, name);
	return ret ? ret : len;
}
static DEVICE_ATTR_RW(comp_algorithm);

static ssize_t compact_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t len)
{
	struct zram *zram = dev_to_zram(dev);
	int ret = 0;

	down_read(&zram->init_lock);
	if (zram_initialized(zram))
		zsm_compact(zram->mem_pool);
	else
		ret = -EINVAL;
	up_read(&zram->init_lock);
	return ret ? ret : len;
}
static DEVICE_ATTR_WO(compact);

/*
 * The statistics files read under init_lock, which a reset holds while it
 * clears them.
 */
static ssize_t io_stat_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct zram *zram = dev_to_zram(dev);
	struct zram_stats *stats = &zram->stats;
	ssize_t ret;

	down_read(&zram->init_lock);
	ret = sysfs_emit(buf, "%8llu %8llu %8llu %8llu\n",
			 zram_stat(&stats->failed_reads),
			 zram_stat(&stats->failed_writes),
			 zram_stat(&stats->invalid_io),
			 zram_stat(&stats->notify_free));
	up_read(&zram->init_lock);
	return ret;
}
static DEVICE_ATTR_RO(io_stat);

static ssize_t mm_stat_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct zram *zram = dev_to_zram(dev);
	struct zram_stats *stats = &zram->stats;
	struct zsm_pool_stats pool_stats = { };
	unsigned long mem_used = 0;
	ssize_t ret;

	down_read(&zram->init_lock);
	if (zram_initialized(zram)) {
		mem_used = zsm_get_total_pages(zram->mem_pool);
		zsm_pool_stats(zram->mem_pool, &pool_stats);
	}
	ret = sysfs_emit(buf,
			 "%8llu %8llu %8llu %8lu %8ld %8llu %8lu %8llu %8llu\n",
			 zram_stat(&stats->pages_stored) << PAGE_SHIFT,
			 zram_stat(&stats->compr_data_size),
			 (u64)mem_used << PAGE_SHIFT,
			 READ_ONCE(zram->limit_pages) << PAGE_SHIFT,
			 atomic_long_read(&stats->max_used_pages) << PAGE_SHIFT,
			 zram_stat(&stats->same_pages),
			 atomic_long_read(&pool_stats.pages_compacted),
			 zram_stat(&stats->huge_pages),
			 zram_stat(&stats->huge_pages_since));
	up_read(&zram->init_lock);
	return ret;
}
static DEVICE_ATTR_RO(mm_stat);

/* Format version 1: stores that had to sleep, then missed swap frees. */
static ssize_t debug_stat_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct zram *zram = dev_to_zram(dev);
	struct zram_stats *stats = &zram->stats;
	ssize_t ret;

	down_read(&zram->init_lock);
	ret = sysfs_emit(buf, "version: %d\n%8llu %8llu\n", 1,
			 zram_stat(&stats->writestall),
			 zram_stat(&stats->miss_free));
	up_read(&zram->init_lock);
	return ret;
}
static DEVICE_ATTR_RO(debug_stat);

/* The original driver's one-number statistics files. */
#define ZRAM_STAT_ATTR(_name, _value)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct zram *zram = dev_to_zram(dev);				\
	struct zram_stats *stats = &zram->stats;			\
	ssize_t ret;							\
									\
	down_read(&zram->init_lock);					\
	ret = sysfs_emit(buf, "%llu\n", (u64)(_value));			\
	up_read(&zram->init_lock);					\
	return ret;							\
}									\
static DEVICE_ATTR_RO(_name)

ZRAM_STAT_ATTR(num_reads, zram_stat(&stats->num_reads));
ZRAM_STAT_ATTR(num_writes, zram_stat(&stats->num_writes));
ZRAM_STAT_ATTR(invalid_io, zram_stat(&stats->invalid_io));
ZRAM_STAT_ATTR(notify_free, zram_stat(&stats->notify_free));
ZRAM_STAT_ATTR(zero_pages, zram_stat(&stats->same_pages));
ZRAM_STAT_ATTR(orig_data_size,
	       zram_stat(&stats->pages_stored) << PAGE_SHIFT);
ZRAM_STAT_ATTR(compr_data_size, zram_stat(&stats->compr_data_size));

static ssize_t mem_used_total_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct zram *zram = dev_to_zram(dev);
	u64 pages = 0;

	down_read(&zram->init_lock);
	if (zram_initialized(zram))
		pages = zsm_get_total_pages(zram->mem_pool);
	up_read(&zram->init_lock);
	return sysfs_emit(buf, "%llu\n", pages << PAGE_SHIFT);
}
static DEVICE_ATTR_RO(mem_used_total);

static struct attribute *zram_disk_attrs[] = {
	&dev_attr_disksize.attr,
	&dev_attr_initstate.attr,
	&dev_attr_reset.attr,
	&dev_attr_compact.attr,
	&dev_attr_mem_limit.attr,
	&dev_attr_mem_used_max.attr,
	&dev_attr_idle.attr,
	&dev_attr_max_comp_streams.attr,
	&dev_attr_comp_algorithm.attr,
	&dev_attr_io_stat.attr,
	&dev_attr_mm_stat.attr,
	&dev_attr_debug_stat.attr,
	&dev_attr_num_reads.attr,
	&dev_attr_num_writes.attr,
	&dev_attr_invalid_io.attr,
	&dev_attr_notify_free.attr,
	&dev_attr_zero_pages.attr,
	&dev_attr_orig_data_size.attr,
	&dev_attr_compr_data_size.attr,
	&dev_attr_mem_used_total.attr,
	NULL,
};

static const struct attribute_group zram_disk_group = {
	.attrs = zram_disk_attrs,
};

/*
 * Splits the words of @args, "key=value" or a bare key, changed in place,
 * and hands each to @fn with @data (@val is NULL for a bare key; with
 * @need_value a bare key or an empty value is -EINVAL).  Stops at the
 * first error.  Every attribute taking such words parses them here, so
 * spacing and quoting are the same for all.
 */
int zram_parse_words(char *args, bool need_value, zram_word_fn fn,
		     void *data)
{
	char *key, *val;
	int ret = 0;

	args = skip_spaces(args);
	while (*args && !ret) {
		args = next_arg(args, &key, &val);
		if (need_value && (!val || !*val))
			return -EINVAL;
		ret = fn(data, key, val);
	}
	return ret;
}

const struct attribute_group *zram_disk_groups[] = {
	&zram_disk_group,
	&zram_wb_attr_group,
	&zram_policy_attr_group,
	&zram_recomp_attr_group,
	NULL,
};
