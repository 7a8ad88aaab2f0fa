// SPDX-License-Identifier: GPL-2.0
/*
 * Page compressors for zram.
 *
 * "lzo" and "lzo-rle" compress with lzo_encode.c and decompress with
 * lzo_decode.c (each unless CONFIG_ZRAM_LZO_ENCODE or _DECODE is off: then
 * lib/lzo, called directly), and lz4, lz4hc, zstd and deflate call their
 * libraries (zcomp_lz4.c, zcomp_zstd.c, zcomp_deflate.c): that is what lets
 * them take a level and, where the library allows, a dictionary.  Any other
 * name is looked up in the crypto API, so a kernel's 842 or any out-of-tree
 * compression module can be used.
 *
 * Every online CPU owns a stream: an output buffer plus the backend's working
 * memory.  A writer takes its CPU's stream under a local lock, which keeps it
 * on that CPU without sleeping, so all CPUs compress at once and no stream
 * is ever shared.  CPU hotplug callbacks allocate a stream before a CPU comes
 * up and free it after the CPU is gone.
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/cpuhotplug.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/lzo.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "incompressible.h"
#include "lzo_decode.h"
#include "lzo_encode.h"
#include "zcomp_backend.h"

static int zcomp_lzo_init(struct zcomp *comp, struct zcomp_strm *strm)
{
	strm->private = kvmalloc(LZO1X_MEM_COMPRESS, GFP_KERNEL);
	return strm->private ? 0 : -ENOMEM;
}

static void zcomp_lzo_fini(struct zcomp *comp, struct zcomp_strm *strm)
{
	kvfree(strm->private);
}

/*
 * A page as an lzo stream, or with @rle an lzo-rle one.  Our own encoder
 * writes the same format with fewer instructions (see lzo_encode.c); with
 * CONFIG_ZRAM_LZO_ENCODE off, or pages too big for it, lib/lzo does.
 */
static int zcomp_lzo_compress_page(struct zcomp_strm *strm, const void *src,
				   unsigned int *dst_len, bool rle)
{
	size_t out_len = ZCOMP_BUFFER_SIZE;
	int ret;

	if (IS_ENABLED(CONFIG_ZRAM_LZO_ENCODE) &&
	    PAGE_SIZE <= LZO_ENCODE_MAX_IN)
		ret = lzo_encode(src, PAGE_SIZE, strm->buffer, &out_len,
				 strm->private, rle);
	else if (rle)
		ret = lzorle1x_1_compress(src, PAGE_SIZE, strm->buffer,
					  &out_len, strm->private);
	else
		ret = lzo1x_1_compress(src, PAGE_SIZE, strm->buffer, &out_len,
				       strm->private);
	if (ret)
		return -EINVAL;
	*dst_len = out_len;
	return 0;
}

static int zcomp_lzo_compress(struct zcomp *comp, struct zcomp_strm *strm,
			      const void *src, unsigned int *dst_len)
{
	return zcomp_lzo_compress_page(strm, src, dst_len, false);
}

static int zcomp_lzorle_compress(struct zcomp *comp, struct zcomp_strm *strm,
				 const void *src, unsigned int *dst_len)
{
	return zcomp_lzo_compress_page(strm, src, dst_len, true);
}

static int zcomp_lzo_decompress(struct zcomp *comp, struct zcomp_strm *strm,
				const void *src, unsigned int src_len,
				void *dst)
{
	size_t out_len = PAGE_SIZE;

	/* The same streams, fewer instructions; see lzo_decode.c. */
	if (IS_ENABLED(CONFIG_ZRAM_LZO_DECODE)) {
		if (lzo_decode(src, src_len, dst, &out_len))
			return -EINVAL;
	} else if (lzo1x_decompress_safe(src, src_len, dst, &out_len) !=
		   LZO_E_OK) {
		return -EINVAL;
	}
	return out_len == PAGE_SIZE ? 0 : -EINVAL;
}

static const struct zcomp_backend zcomp_lzo = {
	.name		= "lzo",
	.init		= zcomp_lzo_init,
	.fini		= zcomp_lzo_fini,
	.compress	= zcomp_lzo_compress,
	.decompress	= zcomp_lzo_decompress,
};

/* lzo-rle streams say so in their header: the same decoder reads them. */
static const struct zcomp_backend zcomp_lzorle = {
	.name		= "lzo-rle",
	.init		= zcomp_lzo_init,
	.fini		= zcomp_lzo_fini,
	.compress	= zcomp_lzorle_compress,
	.decompress	= zcomp_lzo_decompress,
};

static int zcomp_crypto_init(struct zcomp *comp, struct zcomp_strm *strm)
{
	struct crypto_comp *tfm = crypto_alloc_comp(comp->name, 0, 0);

	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	strm->private = tfm;
	return 0;
}

static void zcomp_crypto_fini(struct zcomp *comp, struct zcomp_strm *strm)
{
	crypto_free_comp(strm->private);
}

static int zcomp_crypto_compress(struct zcomp *comp, struct zcomp_strm *strm,
				 const void *src, unsigned int *dst_len)
{
	unsigned int out_len = ZCOMP_BUFFER_SIZE;
	int ret;

	ret = crypto_comp_compress(strm->private, src, PAGE_SIZE, strm->buffer,
				   &out_len);
	if (ret)
		return ret;
	*dst_len = out_len;
	return 0;
}

static int zcomp_crypto_decompress(struct zcomp *comp,
				   struct zcomp_strm *strm, const void *src,
				   unsigned int src_len, void *dst)
{
	unsigned int out_len = PAGE_SIZE;
	int ret;

	ret = crypto_comp_decompress(strm->private, src, src_len, dst,
				     &out_len);
	if (ret)
		return ret;
	return out_len == PAGE_SIZE ? 0 : -EINVAL;
}

static const struct zcomp_backend zcomp_crypto = {
	.init		= zcomp_crypto_init,
	.fini		= zcomp_crypto_fini,
	.compress	= zcomp_crypto_compress,
	.decompress	= zcomp_crypto_decompress,
};

/* The backends that call a library directly, by algorithm name. */
static const struct zcomp_backend *const zcomp_native[] = {
	&zcomp_lzo, &zcomp_lzorle, &zcomp_lz4, &zcomp_lz4hc, &zcomp_zstd,
	&zcomp_deflate,
};

/*
 * The names comp_algorithm lists.  The list is fixed when the module is
 * built; any other crypto compressor can still be selected by name.
 */
static const struct {
	const char *name;
	bool built;
} zcomp_listed[] = {
	{ "lzo",		true },
	{ "lzo-rle",		true },
	{ "lz4",		true },
	{ "lz4hc",		true },
	{ "842",		IS_ENABLED(CONFIG_CRYPTO_842) },
	{ "zstd",		true },
	{ "deflate",		true },
};

/* Set up by zcomp_init(): the dynamic hotplug state all instances join. */
static enum cpuhp_state zcomp_cpuhp_state;

/* The backend of algorithm @name: a native one, or else the crypto API. */
static const struct zcomp_backend *zcomp_backend_of(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(zcomp_native); i++)
		if (!strcmp(zcomp_native[i]->name, name))
			return zcomp_native[i];
	return &zcomp_crypto;
}

/*
 * May load a crypto module, so never call it with the CPU hotplug lock held:
 * a stream's setup then finds the module already there.
 */
bool zcomp_available(const char *name)
{
	if (!*name)
		return false;
	return zcomp_backend_of(name) != &zcomp_crypto ||
	       crypto_has_comp(name, 0, 0);
}

/* Whether @comp's pages take several times as long as lzo's to decompress. */
bool zcomp_decompress_slow(const struct zcomp *comp)
{
	return comp->backend->slow_decompress;
}

/*
 * Whether algorithm @name takes @params: -EINVAL for a level it does not
 * have, -EOPNOTSUPP for a dictionary it cannot use.
 */
int zcomp_params_check(const char *name, const struct zcomp_params *params)
{
	const struct zcomp_backend *backend = zcomp_backend_of(name);
	int level = params->level;

	if (level != ZCOMP_NO_LEVEL &&
	    (level < backend->level_min || level > backend->level_max ||
	     (!backend->level_min && !backend->level_max))) {
		pr_warn("%s takes no level %d\n", name, level);
		return -EINVAL;
	}
	if (params->dict && !backend->dict) {
		pr_warn("%s cannot use a dictionary on this kernel\n", name);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Appends the algorithms to @buf at @at, @current_name in brackets. */
ssize_t zcomp_available_show(const char *current_name, char *buf, ssize_t at)
{
	bool current_listed = false;
	ssize_t len = at;
	int i;

	for (i = 0; i < ARRAY_SIZE(zcomp_listed); i++) {
		bool is_current;

		if (!zcomp_listed[i].built)
			continue;
		is_current = !strcmp(zcomp_listed[i].name, current_name);
		current_listed |= is_current;
		len += sysfs_emit_at(buf, len, is_current ? "[%s] " : "%s ",
				     zcomp_listed[i].name);
	}
	if (!current_listed)
		len += sysfs_emit_at(buf, len, "[%s] ", current_name);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static void zcomp_strm_free(struct zcomp *comp, struct zcomp_strm *strm)
{
	if (!strm->buffer)
		return;
	comp->backend->fini(comp, strm);
	kfree(strm->buffer);
	strm->buffer = NULL;
	strm->private = NULL;
}

static int zcomp_cpu_prepare(unsigned int cpu, struct hlist_node *node)
{
	struct zcomp *comp = hlist_entry(node, struct zcomp, node);
	struct zcomp_strm *strm = per_cpu_ptr(comp->stream, cpu);
	int ret;

	strm->buffer = kmalloc_node(ZCOMP_BUFFER_SIZE, GFP_KERNEL,
				    cpu_to_node(cpu));
	if (!strm->buffer)
		return -ENOMEM;
	ret = comp->backend->init(comp, strm);
	if (ret) {
		kfree(strm->buffer);
		strm->buffer = NULL;
		pr_err("cannot set up a %s stream for CPU %u: %d\n",
		       comp->name, cpu, ret);
	}
	return ret;
}

static int zcomp_cpu_dead(unsigned int cpu, struct hlist_node *node)
{
	struct zcomp *comp = hlist_entry(node, struct zcomp, node);

	zcomp_strm_free(comp, per_cpu_ptr(comp->stream, cpu));
	return 0;
}

struct zcomp *zcomp_create(const char *name,
			   const struct zcomp_params *params)
{
	struct zcomp *comp;
	int cpu, ret;

	if (strlen(name) >= sizeof(comp->name) || !zcomp_available(name))
		return ERR_PTR(-EINVAL);
	ret = zcomp_params_check(name, params);
	if (ret)
		return ERR_PTR(ret);

	comp = kzalloc(sizeof(*comp), GFP_KERNEL);
	if (!comp)
		return ERR_PTR(-ENOMEM);
	strscpy(comp->name, name, sizeof(comp->name));
	comp->backend = zcomp_backend_of(name);
	comp->params = *params;

	if (comp->backend->setup) {
		ret = comp->backend->setup(comp);
		if (ret)
			goto free_comp;
	}
	comp->stream = alloc_percpu(struct zcomp_strm);
	if (!comp->stream) {
		ret = -ENOMEM;
		goto teardown;
	}
	for_each_possible_cpu(cpu)
		local_lock_init(&per_cpu_ptr(comp->stream, cpu)->lock);

	/* Sets up the stream of every online CPU, or none of them. */
	ret = cpuhp_state_add_instance(zcomp_cpuhp_state, &comp->node);
	if (ret)
		goto free_streams;
	return comp;

free_streams:
	free_percpu(comp->stream);
teardown:
	if (comp->backend->teardown)
		comp->backend->teardown(comp);
free_comp:
	kfree(comp);
	return ERR_PTR(ret);
}

void zcomp_destroy(struct zcomp *comp)
{
	cpuhp_state_remove_instance(zcomp_cpuhp_state, &comp->node);
	free_percpu(comp->stream);
	if (comp->backend->teardown)
		comp->backend->teardown(comp);
	kfree(comp);
}

/* Pins the caller to its CPU until zcomp_stream_put(): do not sleep. */
struct zcomp_strm *zcomp_stream_get(struct zcomp *comp)
{
	local_lock(&comp->stream->lock);
	return this_cpu_ptr(comp->stream);
}

void zcomp_stream_put(struct zcomp *comp)
{
	local_unlock(&comp->stream->lock);
}

#if PAGE_SIZE == INCOMP_PAGE_SIZE
/*
 * Whether @comp should not even try the page at @src: its compressor is
 * slow, and the page looks like random bytes.  Not with a dictionary,
 * which may hold the very bytes.  The probe keeps its table in the
 * stream's output buffer, which is free until the compressor runs.
 */
static bool zcomp_skips(struct zcomp *comp, struct zcomp_strm *strm,
			const void *src)
{
	BUILD_BUG_ON(sizeof(struct incomp_table) > ZCOMP_BUFFER_SIZE);

	return comp->backend->slow && !comp->params.dict &&
	       page_incompressible(src, strm->buffer);
}
#else
/* The probe's limits are worked out for pages of 4 KiB. */
static bool zcomp_skips(struct zcomp *comp, struct zcomp_strm *strm,
			const void *src)
{
	return false;
}
#endif

/*
 * Compresses one page into strm->buffer; *dst_len may exceed PAGE_SIZE.
 * A *dst_len of PAGE_SIZE or more leaves the buffer undefined: such output
 * is never worth storing.
 */
int zcomp_compress(struct zcomp *comp, struct zcomp_strm *strm,
		   const void *src, unsigned int *dst_len)
{
	if (zcomp_skips(comp, strm, src)) {
		*dst_len = PAGE_SIZE;
		return 0;
	}
	return comp->backend->compress(comp, strm, src, dst_len);
}

/*
 * Expands @src_len bytes at @src into the page at @dst with @strm, which
 * the caller holds (lzo and lz4 do not use it; taking it anyway keeps one
 * lock order for readers and writers: stream first, then the zsmalloc
 * object).
 */
int zcomp_decompress(struct zcomp *comp, struct zcomp_strm *strm,
		     const void *src, unsigned int src_len, void *dst)
{
	return comp->backend->decompress(comp, strm, src, src_len, dst);
}

int zcomp_init(void)
{
	int ret;

	ret = cpuhp_setup_state_multi(CPUHP_BP_PREPARE_DYN, "block/zram:prepare",
				      zcomp_cpu_prepare, zcomp_cpu_dead);
	if (ret < 0)
		return ret;
	zcomp_cpuhp_state = ret;
	return 0;
}

void zcomp_exit(void)
{
	cpuhp_remove_multi_state(zcomp_cpuhp_state);
}
