// SPDX-License-Identifier: GPL-2.0
/*
 * lz4 and lz4hc through lib/lz4, with a level (lz4's "acceleration": higher
 * is faster and compresses less; lz4hc's compression level) and an optional
 * dictionary.  Both write the same format, so they share the decompressor.
 * lz4 without a dictionary compresses with our own encoder, lz4_encode.c,
 * unless CONFIG_ZRAM_LZ4_ENCODE is off.
 *
 * A dictionary is given to the library as a stream's history before each
 * page.  Loading it indexes the dictionary, which stays where the device
 * keeps it, into the stream's tables (every third position for lz4, every
 * position for lz4hc), which took longer than all the rest of writing a
 * page.  So it is loaded once per compressor, into a stream kept as a
 * template (comp->shared), and each page starts from a copy of that: the
 * stream holds offsets and pointers into the dictionary, nothing that
 * points into the stream itself, and the blocks are the same.  lz4 only
 * looks 64 KiB back, so longer dictionaries are used by their last 64 KiB,
 * as the library does itself.
 */
#include <linux/lz4.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "lz4_encode.h"
#include "zcomp_backend.h"

/*
 * The reference lz4 (1.9 on) caps acceleration here; the kernel's older
 * lib/lz4 has no cap, but more only skips more of each page.
 */
#define ZCOMP_LZ4_ACCELERATION_MAX	65537

/* A stream of either algorithm: lz4hc's is sixteen times bigger. */
static size_t zcomp_lz4_stream_size(const struct zcomp *comp)
{
	return comp->backend == &zcomp_lz4hc ? LZ4HC_MEM_COMPRESS :
					       LZ4_MEM_COMPRESS;
}

static int zcomp_lz4_init(struct zcomp *comp, struct zcomp_strm *strm)
{
	strm->private = kvzalloc(zcomp_lz4_stream_size(comp), GFP_KERNEL);
	return strm->private ? 0 : -ENOMEM;
}

static void zcomp_lz4_fini(struct zcomp *comp, struct zcomp_strm *strm)
{
	kvfree(strm->private);
}

/* The template stream: the dictionary loaded once (see the top). */
static int zcomp_lz4_setup(struct zcomp *comp)
{
	const struct zcomp_params *params = &comp->params;
	void *stream;

	if (!params->dict)
		return 0;
	stream = kvzalloc(zcomp_lz4_stream_size(comp), GFP_KERNEL);
	if (!stream)
		return -ENOMEM;
	if (comp->backend == &zcomp_lz4hc) {
		LZ4_streamHC_t *hc = stream;

		/* What LZ4_resetStreamHC() does; 6.1 does not export it. */
		hc->internal_donotuse.compressionLevel = zcomp_level(comp);
		LZ4_loadDictHC(hc, params->dict, params->dict_size);
	} else {
		LZ4_loadDict(stream, params->dict, params->dict_size);
	}
	comp->shared = stream;
	return 0;
}

static void zcomp_lz4_teardown(struct zcomp *comp)
{
	kvfree(comp->shared);
}

static int zcomp_lz4_compress(struct zcomp *comp, struct zcomp_strm *strm,
			      const void *src, unsigned int *dst_len)
{
	const struct zcomp_params *params = &comp->params;
	size_t out_len = ZCOMP_BUFFER_SIZE;
	int len;

	/* The same blocks with fewer instructions; see lz4_encode.c. */
	if (IS_ENABLED(CONFIG_ZRAM_LZ4_ENCODE) && !params->dict &&
	    PAGE_SIZE <= LZ4_ENCODE_MAX_IN) {
		if (lz4_encode(src, PAGE_SIZE, strm->buffer, &out_len,
			       strm->private, zcomp_level(comp)))
			return -EINVAL;
		*dst_len = out_len;
		return 0;
	}
	if (comp->shared) {
		LZ4_stream_t *stream = strm->private;

		memcpy(stream, comp->shared, sizeof(*stream));
		len = LZ4_compress_fast_continue(stream, src, strm->buffer,
						 PAGE_SIZE, ZCOMP_BUFFER_SIZE,
						 zcomp_level(comp));
	} else {
		len = LZ4_compress_fast(src, strm->buffer, PAGE_SIZE,
					ZCOMP_BUFFER_SIZE, zcomp_level(comp),
					strm->private);
	}
	if (len <= 0)
		return -EINVAL;
	*dst_len = len;
	return 0;
}

static int zcomp_lz4hc_compress(struct zcomp *comp, struct zcomp_strm *strm,
				const void *src, unsigned int *dst_len)
{
	int len;

	if (comp->shared) {
		LZ4_streamHC_t *stream = strm->private;

		memcpy(stream, comp->shared, sizeof(*stream));
		len = LZ4_compress_HC_continue(stream, src, strm->buffer,
					       PAGE_SIZE, ZCOMP_BUFFER_SIZE);
	} else {
		len = LZ4_compress_HC(src, strm->buffer, PAGE_SIZE,
				      ZCOMP_BUFFER_SIZE, zcomp_level(comp),
				      strm->private);
	}
	if (len <= 0)
		return -EINVAL;
	*dst_len = len;
	return 0;
}

static int zcomp_lz4_decompress(struct zcomp *comp, struct zcomp_strm *strm,
				const void *src, unsigned int src_len,
				void *dst)
{
	const struct zcomp_params *params = &comp->params;
	int len;

	if (params->dict)
		len = LZ4_decompress_safe_usingDict(src, dst, src_len,
						    PAGE_SIZE, params->dict,
						    params->dict_size);
	else
		len = LZ4_decompress_safe(src, dst, src_len, PAGE_SIZE);
	return len == PAGE_SIZE ? 0 : -EINVAL;
}

const struct zcomp_backend zcomp_lz4 = {
	.name		= "lz4",
	.level_min	= 1,
	.level_max	= ZCOMP_LZ4_ACCELERATION_MAX,
	.level_default	= 1,
	.dict		= true,
	.setup		= zcomp_lz4_setup,
	.teardown	= zcomp_lz4_teardown,
	.init		= zcomp_lz4_init,
	.fini		= zcomp_lz4_fini,
	.compress	= zcomp_lz4_compress,
	.decompress	= zcomp_lz4_decompress,
};

const struct zcomp_backend zcomp_lz4hc = {
	.name		= "lz4hc",
	.level_min	= LZ4HC_MIN_CLEVEL,
	.level_max	= LZ4HC_MAX_CLEVEL,
	.level_default	= LZ4HC_DEFAULT_CLEVEL,
	.dict		= true,
	.slow		= true,
	.setup		= zcomp_lz4_setup,
	.teardown	= zcomp_lz4_teardown,
	.init		= zcomp_lz4_init,
	.fini		= zcomp_lz4_fini,
	.compress	= zcomp_lz4hc_compress,
	.decompress	= zcomp_lz4_decompress,
};
