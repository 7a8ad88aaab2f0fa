// SPDX-License-Identifier: GPL-2.0
/*
 * zstd through lib/zstd, with a level and, where the kernel exports the
 * dictionary calls (zram_compat.h), a dictionary.
 *
 * Each stream has a compression and a decompression context of its own,
 * set up with all the memory they will need when the stream is, so the
 * library never allocates while a page is compressed: in working memory
 * sized for one page at the compressor's level, or with a dictionary, by
 * zstd itself (zcomp_zstd_dict_cctx()).  A dictionary is digested once per
 * compressor (comp->shared), with tables sized for the dictionary as well
 * as the page, and used by every stream.
 */
#define pr_fmt(fmt) "zram: " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/zstd.h>

#include "zcomp_backend.h"
#include "zram_compat.h"

/* zstd's own default and highest levels (6.1 exports neither as a call). */
#define ZCOMP_ZSTD_LEVEL_DEFAULT	3
#define ZCOMP_ZSTD_LEVEL_MAX		22

/*
 * A stream's contexts and the working memory they live in; may_sleep tells
 * a dictionary's context, which allocates for itself, whether it may sleep
 * (only while zcomp_zstd_dict_cctx() sets it up).
 */
struct zcomp_zstd_strm {
	zstd_parameters params;
	zstd_cctx *cctx;
	zstd_dctx *dctx;
	void *cwork;
	void *dwork;
	bool may_sleep;
};

/*
 * zstd's parameters for a page at @level, with a dictionary of @dict_size
 * bytes or none (0): the tables zstd sizes for that input and dictionary,
 * with a shortest match of 5 bytes where they say 4 (as the 6.1 kernel's
 * zram has at the default level, where zstd takes the parameters of an
 * input of unknown size).  There, on the benchmark's corpus, pages then
 * decompress in 6% fewer instructions and compress in 2% fewer, for 1%
 * more compressed bytes (Documentation/benchmarks.rst).  Other lengths are
 * zstd's: 5 or more at the fastest levels, 3 at the densest.
 */
static zstd_compression_parameters zcomp_zstd_cparams(int level,
						      size_t dict_size)
{
	zstd_compression_parameters cparams;

	cparams = zram_zstd_page_cparams(level, dict_size);
	if (cparams.minMatch == 4)
		cparams.minMatch = 5;
	return cparams;
}

static int zcomp_zstd_setup(struct zcomp *comp)
{
	size_t size = comp->params.dict_size;
	struct zram_zstd_dict *dict;
	int ret;

	if (!comp->params.dict)
		return 0;
	dict = kzalloc(sizeof(*dict), GFP_KERNEL);
	if (!dict)
		return -ENOMEM;
	ret = zram_zstd_dict_create(dict, comp->params.dict, size,
				    zcomp_zstd_cparams(zcomp_level(comp),
						       size));
	if (ret) {
		pr_warn("zstd cannot use this dictionary: %d\n", ret);
		kfree(dict);
		return ret;
	}
	comp->shared = dict;
	return 0;
}

static void zcomp_zstd_teardown(struct zcomp *comp)
{
	if (!comp->shared)
		return;
	zram_zstd_dict_free(comp->shared);
	kfree(comp->shared);
}

static void zcomp_zstd_fini(struct zcomp *comp, struct zcomp_strm *strm)
{
	struct zcomp_zstd_strm *zs = strm->private;

	if (!zs)
		return;
	if (zs->cwork)
		kvfree(zs->cwork);
	else if (zs->cctx)
		zram_zstd_cctx_free(zs->cctx);
	kvfree(zs->dwork);
	kfree(zs);
}

/*
 * A compression context for the dictionary.  zstd's bound for a context
 * takes in the size of the dictionary's tables, which the context never
 * needs: hundreds of MiB per CPU for a large dictionary at a high level,
 * where the context needs under 1 MiB.  So zstd allocates the context's
 * memory itself, here, by compressing a page of zeros: what it needs
 * depends only on the dictionary's parameters and the size of the input,
 * the same for every page, so it never allocates again.
 */
static zstd_cctx *zcomp_zstd_dict_cctx(struct zcomp *comp,
				       struct zcomp_strm *strm)
{
	struct zcomp_zstd_strm *zs = strm->private;
	zstd_cctx *cctx;
	size_t len;

	zs->may_sleep = true;
	cctx = zram_zstd_cctx_create(&zs->may_sleep);
	if (!cctx)
		return NULL;
	len = zram_zstd_compress_dict(cctx, strm->buffer, ZCOMP_BUFFER_SIZE,
				      page_address(ZERO_PAGE(0)), PAGE_SIZE,
				      comp->shared);
	zs->may_sleep = false;
	if (zstd_is_error(len)) {
		zram_zstd_cctx_free(cctx);
		return NULL;
	}
	return cctx;
}

static int zcomp_zstd_init(struct zcomp *comp, struct zcomp_strm *strm)
{
	int level = zcomp_level(comp);
	struct zcomp_zstd_strm *zs;
	size_t csize, dsize;

	zs = kzalloc(sizeof(*zs), GFP_KERNEL);
	if (!zs)
		return -ENOMEM;
	strm->private = zs;
	zs->params = zstd_get_params(level, PAGE_SIZE);
	zs->params.cParams = zcomp_zstd_cparams(level, 0);
	if (comp->shared) {
		zs->cctx = zcomp_zstd_dict_cctx(comp, strm);
	} else {
		csize = zstd_cctx_workspace_bound(&zs->params.cParams);
		zs->cwork = kvzalloc(csize, GFP_KERNEL);
		if (zs->cwork)
			zs->cctx = zstd_init_cctx(zs->cwork, csize);
	}
	dsize = zstd_dctx_workspace_bound();
	zs->dwork = kvzalloc(dsize, GFP_KERNEL);
	if (zs->dwork)
		zs->dctx = zstd_init_dctx(zs->dwork, dsize);
	if (!zs->cctx || !zs->dctx) {
		zcomp_zstd_fini(comp, strm);
		strm->private = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int zcomp_zstd_compress(struct zcomp *comp, struct zcomp_strm *strm,
			       const void *src, unsigned int *dst_len)
{
	struct zcomp_zstd_strm *zs = strm->private;
	size_t len;

	if (comp->shared)
		len = zram_zstd_compress_dict(zs->cctx, strm->buffer,
					      ZCOMP_BUFFER_SIZE, src,
					      PAGE_SIZE, comp->shared);
	else
		len = zstd_compress_cctx(zs->cctx, strm->buffer,
					 ZCOMP_BUFFER_SIZE, src, PAGE_SIZE,
					 &zs->params);
	if (zstd_is_error(len))
		return -EINVAL;
	*dst_len = len;
	return 0;
}

static int zcomp_zstd_decompress(struct zcomp *comp, struct zcomp_strm *strm,
				 const void *src, unsigned int src_len,
				 void *dst)
{
	struct zcomp_zstd_strm *zs = strm->private;
	size_t len;

	if (comp->shared)
		len = zram_zstd_decompress_dict(zs->dctx, dst, PAGE_SIZE, src,
						src_len, comp->shared);
	else
		len = zstd_decompress_dctx(zs->dctx, dst, PAGE_SIZE, src,
					   src_len);
	return len == PAGE_SIZE ? 0 : -EINVAL;
}

const struct zcomp_backend zcomp_zstd = {
	.name		= "zstd",
	.level_min	= 1,
	.level_max	= ZCOMP_ZSTD_LEVEL_MAX,
	.level_default	= ZCOMP_ZSTD_LEVEL_DEFAULT,
	.dict		= ZRAM_ZSTD_HAVE_DICT,
	.slow		= true,
	.slow_decompress = true,
	.setup		= zcomp_zstd_setup,
	.teardown	= zcomp_zstd_teardown,
	.init		= zcomp_zstd_init,
	.fini		= zcomp_zstd_fini,
	.compress	= zcomp_zstd_compress,
	.decompress	= zcomp_zstd_decompress,
};
