// SPDX-License-Identifier: GPL-2.0
/*
 * Recompression and algorithm tuning: the recomp_algorithm, recompress and
 * algorithm_params attributes.
 *
 * A device compresses every page with its primary algorithm (priority 0,
 * comp_algorithm).  Up to three secondary algorithms (priorities 1..3,
 * usually slower and stronger) can be given before initialisation; writing
 * to recompress then compresses chosen pages again with them, in priority
 * order, and keeps the first result that is smaller.  The slot remembers
 * the priority that compressed it (zram_slot_priority()), so any reader
 * expands it with the right algorithm, and a slot is only ever recompressed
 * with a higher priority than its own.  A page that none of the secondary
 * algorithms shrinks is flagged ZRAM_INCOMPRESSIBLE and skipped from then
 * on, until it is written again.
 *
 * algorithm_params gives an algorithm of any priority a level and a
 * dictionary (zcomp_params), also before initialisation only.
 *
 * zram_recomp_slot() is the one place a slot is recompressed: the
 * recompress attribute and the policy's background stage
 * (zram_policy_recomp.c) both call it.
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/cred.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/kernel_read_file.h>
#include <linux/magic.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include "zram_drv.h"

/* Dictionaries larger than this are refused; zstd's are ~100 KiB. */
#define ZRAM_DICT_MAX_SIZE	(8 << 20)

/* For the new object: the slot lock is held, so no sleeping. */
#define ZRAM_RECOMP_GFP		(__GFP_KSWAPD_RECLAIM | __GFP_NOWARN | \
				 __GFP_HIGHMEM | __GFP_MOVABLE)

static void zram_params_clear(struct zcomp_params *params)
{
	vfree(params->dict);
	params->dict = NULL;
	params->dict_size = 0;
	params->level = ZCOMP_NO_LEVEL;
}

/* Forgets the secondary algorithms and every tuning.  init_lock held. */
void zram_recomp_reset(struct zram *zram)
{
	int prio;

	for (prio = 0; prio < ZRAM_MAX_COMPS; prio++) {
		zram_params_clear(&zram->params[prio]);
		if (prio != ZRAM_PRIMARY_COMP)
			zram->comp_names[prio][0] = '\0';
	}
}

/*
 * Makes @name the algorithm of priority @prio of an uninitialised device.
 * Its tuning is kept if @name takes it, and dropped otherwise.
 */
int zram_comp_set(struct zram *zram, unsigned int prio, const char *name)
{
	int ret = 0;

	/* Before init_lock: this may load a crypto module. */
	if (strlen(name) >= CRYPTO_MAX_ALG_NAME || !zcomp_available(name))
		return -EINVAL;

	down_write(&zram->init_lock);
	if (zram_initialized(zram)) {
		pr_info("cannot change the algorithm of initialised %s\n",
			zram->disk->disk_name);
		ret = -EBUSY;
	} else {
		strscpy(zram->comp_names[prio], name, CRYPTO_MAX_ALG_NAME);
		if (zcomp_params_check(name, &zram->params[prio]))
			zram_params_clear(&zram->params[prio]);
	}
	up_write(&zram->init_lock);
	return ret;
}

/* The priority whose algorithm is @name, or -EINVAL.  init_lock held. */
static int zram_prio_of(struct zram *zram, const char *name,
			unsigned int first)
{
	unsigned int prio;

	for (prio = first; prio < ZRAM_MAX_COMPS; prio++)
		if (*zram->comp_names[prio] &&
		    !strcmp(zram->comp_names[prio], name))
			return prio;
	return -EINVAL;
}

/* Parses "key=value ..." words of @buf in a copy left in *@copy. */
static int zram_parse_buf(const char *buf, size_t len, zram_word_fn fn,
			  void *data, char **copy)
{
	*copy = kstrndup(buf, len, GFP_KERNEL);
	if (!*copy)
		return -ENOMEM;
	return zram_parse_words(*copy, true, fn, data);
}

/* --- recomp_algorithm ---------------------------------------------------- */

static ssize_t recomp_algorithm_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct zram *zram = dev_to_zram(dev);
	ssize_t len = 0;
	int prio;

	down_read(&zram->init_lock);
	for (prio = ZRAM_PRIMARY_COMP + 1; prio < ZRAM_MAX_COMPS; prio++) {
		if (!*zram->comp_names[prio])
			continue;
		len += sysfs_emit_at(buf, len, "#%d: ", prio);
		len = zcomp_available_show(zram->comp_names[prio], buf, len);
	}
	up_read(&zram->init_lock);
	return len;
}

/* "algo=NAME [priority=N]": what recomp_algorithm was given. */
struct zram_algo_arg {
	const char *algo;
	int prio;
};

static int zram_algo_arg(void *data, char *key, char *val)
{
	struct zram_algo_arg *arg = data;

	if (!strcmp(key, "algo"))
		arg->algo = val;
	else if (!strcmp(key, "priority"))
		return kstrtoint(val, 10, &arg->prio);
	return 0;
}

static ssize_t recomp_algorithm_store(struct device *dev,
				      struct device_attribute *attr,
				      const char *buf, size_t len)
{
	struct zram_algo_arg arg = { .prio = ZRAM_PRIMARY_COMP + 1 };
	char *copy;
	int ret;

	ret = zram_parse_buf(buf, len, zram_algo_arg, &arg, &copy);
	if (!ret && (!arg.algo || arg.prio <= ZRAM_PRIMARY_COMP ||
		     arg.prio >= ZRAM_MAX_COMPS))
		ret = -EINVAL;
	if (!ret)
		ret = zram_comp_set(dev_to_zram(dev), arg.prio, arg.algo);
	kfree(copy);
	return ret ? ret : len;
}
static DEVICE_ATTR_RW(recomp_algorithm);

/* --- recompress ---------------------------------------------------------- */

/* What recompress was given, before it is checked against the device. */
struct zram_recomp_arg {
	struct zram_recomp_req req;
	const char *algo;
	bool prio_set;
};

static const struct {
	const char *name;
	unsigned long flags;
} zram_recomp_types[] = {
	{ "idle",	BIT(ZRAM_IDLE) },
	{ "huge",	BIT(ZRAM_HUGE) },
	{ "huge_idle",	BIT(ZRAM_HUGE) | BIT(ZRAM_IDLE) },
};

static int zram_recomp_arg(void *data, char *key, char *val)
{
	struct zram_recomp_arg *arg = data;
	unsigned int prio;
	int i, ret;

	if (!strcmp(key, "type")) {
		for (i = 0; i < ARRAY_SIZE(zram_recomp_types); i++) {
			if (!strcmp(val, zram_recomp_types[i].name)) {
				arg->req.flags = zram_recomp_types[i].flags;
				return 0;
			}
		}
		return -EINVAL;
	}
	if (!strcmp(key, "max_pages"))
		return kstrtoull(val, 10, &arg->req.max_pages);
	if (!strcmp(key, "threshold"))
		return kstrtouint(val, 10, &arg->req.threshold);
	if (!strcmp(key, "algo")) {
		arg->algo = val;
		return 0;
	}
	if (!strcmp(key, "priority")) {
		ret = kstrtouint(val, 10, &prio);
		if (ret)
			return ret;
		/* As upstream: priority 0 means the first secondary one. */
		arg->req.prio_min = max(prio, ZRAM_PRIMARY_COMP + 1);
		arg->prio_set = true;
	}
	return 0;
}

/* Which priorities to try; -EINVAL if none is configured.  init_lock held. */
static int zram_recomp_prios(struct zram *zram, struct zram_recomp_arg *arg)
{
	struct zram_recomp_req *req = &arg->req;
	unsigned int prio;

	req->prio_max = ZRAM_MAX_COMPS;
	if (arg->algo) {
		int found = zram_prio_of(zram, arg->algo, req->prio_min);

		if (found < 0)
			return found;
		req->prio_min = found;
		req->prio_max = found + 1;
	} else if (arg->prio_set) {
		req->prio_max = min(req->prio_min + 1, ZRAM_MAX_COMPS);
	}
	for (prio = req->prio_min; prio < req->prio_max; prio++)
		if (zram->comps[prio])
			return 0;
	return -EINVAL;
}

/*
 * Puts @len bytes of compressed output at @buf, made by priority @prio,
 * in place of the locked slot's object.  The slot stays as idle and as
 * old as it was: recompressing is no access.
 */
static int zram_recomp_replace(struct zram *zram, unsigned long index,
			       unsigned int prio, const void *buf,
			       unsigned int len)
{
	struct zram_slot *slot = zram_slot_at(zram, index);
	bool idle = zram_slot_test(zram, index, ZRAM_IDLE);
	ktime_t ac_time = slot->ac_time;
	struct zram_obj obj = { .size = len, .prio = prio };
	void *dst;

	obj.handle = zsm_malloc(zram->mem_pool, len, ZRAM_RECOMP_GFP);
	if (!obj.handle)
		return -ENOMEM;
	/* Only for mem_used_max: the old object goes at once. */
	zram_over_limit(zram);
	dst = zsm_map_object(zram->mem_pool, obj.handle, ZS_MM_WO);
	memcpy(dst, buf, len);
	zsm_unmap_object(zram->mem_pool, obj.handle);

	zram_slot_free(zram, index);
	zram_slot_install(zram, index, &obj);
	if (idle)
		zram_slot_set(zram, index, ZRAM_IDLE);
	slot->ac_time = ac_time;
	return 0;
}

/* Whether the locked slot is one @req asks for. */
static bool zram_recomp_wanted(struct zram *zram, unsigned long index,
			       const struct zram_recomp_req *req)
{
	unsigned long flags = zram_slot_at(zram, index)->flags;

	if (!zram_slot_in_pool(zram, index))
		return false;
	if (flags & (BIT(ZRAM_UNDER_WB) | BIT(ZRAM_INCOMPRESSIBLE)))
		return false;
	if ((flags & req->flags) != req->flags)
		return false;
	return zram_slot_size(zram, index) >= max(req->threshold, req->min_size);
}

/*
 * Tries priority @prio on @page, the expanded contents of the locked slot,
 * whose object is @old_size bytes.  Returns 1 if the slot now holds the
 * smaller output, 0 if the output was no smaller, or an error.
 */
static int zram_recomp_try(struct zram *zram, unsigned long index,
			   struct page *page, unsigned int prio,
			   unsigned int old_size,
			   const struct zram_recomp_req *req)
{
	struct zcomp *comp = zram->comps[prio];
	struct zcomp_strm *strm;
	unsigned int len;
	void *src;
	int ret;

	strm = zcomp_stream_get(comp);
	src = kmap_local_page(page);
	ret = zcomp_compress(comp, strm, src, &len);
	kunmap_local(src);
	if (ret)
		goto put;
	if (len >= old_size || len >= zram->huge_class_size ||
	    (req->threshold && len >= req->threshold))
		goto put;
	ret = zram_recomp_replace(zram, index, prio, strm->buffer, len);
	if (!ret)
		ret = 1;
put:
	zcomp_stream_put(comp);
	return ret;
}

/*
 * Recompresses slot @index if @req wants it, expanding it into @page
 * (which the caller owns): a zram_recomp_result, or an error with the
 * slot unchanged.  Takes and drops the slot lock; may be called by any
 * context that may sleep and holds init_lock for reading.
 */
int zram_recomp_slot(struct zram *zram, unsigned long index,
		     struct page *page, const struct zram_recomp_req *req)
{
	unsigned int prio, first, old_size, tried = 0, configured = 0;
	int result = ZRAM_RECOMP_KEPT;
	int ret = 0;

	zram_slot_lock(zram, index);
	if (!zram_recomp_wanted(zram, index, req))
		goto skip;
	/* Never again with the priority that made it, nor a lower one. */
	first = max(req->prio_min, zram_slot_priority(zram, index) + 1);
	for (prio = zram_slot_priority(zram, index) + 1; prio < ZRAM_MAX_COMPS;
	     prio++)
		configured += !!zram->comps[prio];
	for (prio = first; prio < req->prio_max; prio++)
		tried += !!zram->comps[prio];
	if (!tried)
		goto skip;
	ret = zram_read_obj(zram, index, page);

	old_size = zram_slot_size(zram, index);
	for (prio = first; prio < req->prio_max && !ret; prio++)
		if (zram->comps[prio])
			ret = zram_recomp_try(zram, index, page, prio,
					      old_size, req);
	/* Every algorithm that could still have shrunk it did not. */
	if (!ret && tried == configured)
		zram_slot_set(zram, index, ZRAM_INCOMPRESSIBLE);
	if (ret == 1)
		result = ZRAM_RECOMP_SHRUNK;
	else if (ret < 0)
		result = ret;
	zram_slot_unlock(zram, index);
	return result;
skip:
	zram_slot_unlock(zram, index);
	return ZRAM_RECOMP_SKIPPED;
}

/* Whether any secondary algorithm is configured.  init_lock held. */
bool zram_recomp_configured(struct zram *zram)
{
	int prio;

	for (prio = ZRAM_PRIMARY_COMP + 1; prio < ZRAM_MAX_COMPS; prio++)
		if (*zram->comp_names[prio])
			return true;
	return false;
}

/*
 * Stops at the first slot that fails, as Linux does: an object that
 * cannot be allocated without reclaim, or one that does not decompress.
 */
static int zram_recompress(struct zram *zram, struct page *page,
			   const struct zram_recomp_req *req)
{
	u64 budget = req->max_pages;
	unsigned long index;
	int result;

	for (index = 0; index < zram->nr_pages && budget; index++) {
		result = zram_recomp_slot(zram, index, page, req);
		if (result < 0)
			return result;
		if (result != ZRAM_RECOMP_SKIPPED)
			budget--;
		cond_resched();
	}
	return 0;
}

static ssize_t recompress_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t len)
{
	struct zram_recomp_arg arg = {
		.req.prio_min = ZRAM_PRIMARY_COMP + 1,
		.req.max_pages = U64_MAX,
	};
	struct zram *zram = dev_to_zram(dev);
	struct page *page = NULL;
	char *copy;
	int ret;

	ret = zram_parse_buf(buf, len, zram_recomp_arg, &arg, &copy);
	if (ret)
		goto free;

	down_read(&zram->init_lock);
	if (!zram_initialized(zram) ||
	    arg.req.threshold >= zram->huge_class_size) {
		ret = -EINVAL;
		goto unlock;
	}
	ret = zram_recomp_prios(zram, &arg);
	if (ret)
		goto unlock;
	page = alloc_page(GFP_KERNEL);
	if (!page) {
		ret = -ENOMEM;
		goto unlock;
	}
	ret = zram_recompress(zram, page, &arg.req);
	__free_page(page);
unlock:
	up_read(&zram->init_lock);
free:
	kfree(copy);
	return ret ? ret : len;
}
static DEVICE_ATTR_WO(recompress);

/* --- algorithm_params ---------------------------------------------------- */

/* What algorithm_params was given. */
struct zram_params_arg {
	int prio;
	int level;
	const char *algo;
	const char *dict;
};

static int zram_params_arg(void *data, char *key, char *val)
{
	struct zram_params_arg *arg = data;

	if (!strcmp(key, "priority"))
		return kstrtoint(val, 10, &arg->prio);
	if (!strcmp(key, "level"))
		return kstrtoint(val, 10, &arg->level);
	if (!strcmp(key, "algo"))
		arg->algo = val;
	else if (!strcmp(key, "dict"))
		arg->dict = val;
	return 0;
}

/*
 * Whether @sb is a kernel interface (sysfs, proc, debugfs...) rather than
 * data.  Reading one of its files takes seq_file and kernfs locks that a
 * sysfs write, which algorithm_params is, must not nest.
 */
static bool zram_dict_is_interface(const struct super_block *sb)
{
	switch (sb->s_magic) {
	case SYSFS_MAGIC:
	case PROC_SUPER_MAGIC:
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case SECURITYFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case BPF_FS_MAGIC:
		return true;
	}
	return false;
}

/*
 * Opens dictionary file @path if it is a regular file of data.  Anything
 * else is refused before it is opened: opening a FIFO waits for a writer
 * (and the device cannot be removed meanwhile), opening a device node acts
 * on its device.
 */
static struct file *zram_dict_open(const char *path)
{
	struct file *file = ERR_PTR(-EINVAL);
	struct path found;
	int err;

	err = kern_path(path, LOOKUP_FOLLOW, &found);
	if (err)
		return ERR_PTR(err);
	if (d_is_reg(found.dentry) &&
	    !zram_dict_is_interface(found.dentry->d_sb))
		file = dentry_open(&found, O_RDONLY, current_cred());
	path_put(&found);
	return file;
}

/* Reads dictionary file @path into @params; any failure is -EINVAL. */
static int zram_params_read_dict(const char *path,
				 struct zcomp_params *params)
{
	struct file *file;
	void *dict = NULL;
	ssize_t size;

	file = zram_dict_open(path);
	if (IS_ERR(file)) {
		size = PTR_ERR(file);
	} else {
		size = kernel_read_file(file, 0, &dict, ZRAM_DICT_MAX_SIZE,
					NULL, READING_POLICY);
		fput(file);
	}
	if (size <= 0) {
		pr_info("cannot read dictionary %s: %zd\n", path, size);
		vfree(dict);
		return -EINVAL;
	}
	params->dict = dict;
	params->dict_size = size;
	return 0;
}

/*
 * Gives @params, the dictionary read and the level, to the algorithm @arg
 * names; they are the device's from then on, and still the caller's on
 * failure.  init_lock held for writing.
 */
static int zram_params_set(struct zram *zram, struct zram_params_arg *arg,
			   struct zcomp_params *params)
{
	const char *name;
	int ret;

	if (arg->algo)
		arg->prio = zram_prio_of(zram, arg->algo, ZRAM_PRIMARY_COMP);
	if (arg->prio < ZRAM_PRIMARY_COMP || arg->prio >= ZRAM_MAX_COMPS)
		return -EINVAL;
	if (zram_initialized(zram)) {
		pr_info("cannot tune the algorithms of initialised %s\n",
			zram->disk->disk_name);
		return -EBUSY;
	}
	name = zram->comp_names[arg->prio];
	if (*name) {
		ret = zcomp_params_check(name, params);
		if (ret)
			return ret;
	}
	zram_params_clear(&zram->params[arg->prio]);
	zram->params[arg->prio] = *params;
	return 0;
}

static ssize_t algorithm_params_store(struct device *dev,
				      struct device_attribute *attr,
				      const char *buf, size_t len)
{
	struct zram_params_arg arg = {
		.prio = ZRAM_PRIMARY_COMP,
		.level = ZCOMP_NO_LEVEL,
	};
	struct zcomp_params params = { };
	struct zram *zram = dev_to_zram(dev);
	char *copy;
	int ret;

	ret = zram_parse_buf(buf, len, zram_params_arg, &arg, &copy);
	/*
	 * Read before init_lock is taken: the file may be an attribute of
	 * this device (or of one whose writer waits for ours), whose show
	 * takes init_lock too.
	 */
	if (!ret && arg.dict)
		ret = zram_params_read_dict(arg.dict, &params);
	if (!ret) {
		params.level = arg.level;
		down_write(&zram->init_lock);
		ret = zram_params_set(zram, &arg, &params);
		up_write(&zram->init_lock);
	}
	if (ret)
		zram_params_clear(&params);
	kfree(copy);
	return ret ? ret : len;
}
static DEVICE_ATTR_WO(algorithm_params);

static struct attribute *zram_recomp_attrs[] = {
	&dev_attr_recomp_algorithm.attr,
	&dev_attr_recompress.attr,
	&dev_attr_algorithm_params.attr,
	NULL,
};

const struct attribute_group zram_recomp_attr_group = {
	.attrs = zram_recomp_attrs,
};
