// SPDX-License-Identifier: GPL-2.0
/*
 * deflate through the kernel's zlib, with a level (1 fastest .. 9 best).
 * Raw deflate (no zlib header or checksum) with a 4 KiB window: a page is
 * all there is to look back on.
 */
#include <linux/slab.h>
#include <linux/zlib.h>

#include "zcomp_backend.h"

#define ZCOMP_DEFLATE_WINDOW_BITS	12
#define ZCOMP_DEFLATE_LEVEL_DEFAULT	6

/* A stream's two zlib streams; each owns its workspace. */
struct zcomp_deflate_strm {
	struct z_stream_s def;
	struct z_stream_s inf;
};

static void zcomp_deflate_fini(struct zcomp *comp, struct zcomp_strm *strm)
{
	struct zcomp_deflate_strm *zs = strm->private;

	if (!zs)
		return;
	kvfree(zs->def.workspace);
	kvfree(zs->inf.workspace);
	kfree(zs);
}

static int zcomp_deflate_init(struct zcomp *comp, struct zcomp_strm *strm)
{
	struct zcomp_deflate_strm *zs;
	int ret = -ENOMEM;

	zs = kzalloc(sizeof(*zs), GFP_KERNEL);
	if (!zs)
		return -ENOMEM;
	strm->private = zs;
	zs->def.workspace =
		kvzalloc(zlib_deflate_workspacesize(ZCOMP_DEFLATE_WINDOW_BITS,
						    MAX_MEM_LEVEL), GFP_KERNEL);
	zs->inf.workspace = kvzalloc(zlib_inflate_workspacesize(), GFP_KERNEL);
	if (!zs->def.workspace || !zs->inf.workspace)
		goto fail;

	ret = -EINVAL;
	if (zlib_deflateInit2(&zs->def, zcomp_level(comp), Z_DEFLATED,
			      -ZCOMP_DEFLATE_WINDOW_BITS, MAX_MEM_LEVEL,
			      Z_DEFAULT_STRATEGY) != Z_OK)
		goto fail;
	if (zlib_inflateInit2(&zs->inf, -ZCOMP_DEFLATE_WINDOW_BITS) != Z_OK)
		goto fail;
	return 0;
fail:
	zcomp_deflate_fini(comp, strm);
	strm->private = NULL;
	return ret;
}

static int zcomp_deflate_compress(struct zcomp *comp, struct zcomp_strm *strm,
				  const void *src, unsigned int *dst_len)
{
	struct z_stream_s *def = &((struct zcomp_deflate_strm *)strm->private)->def;

	if (zlib_deflateReset(def) != Z_OK)
		return -EINVAL;
	def->next_in = src;
	def->avail_in = PAGE_SIZE;
	def->next_out = strm->buffer;
	def->avail_out = ZCOMP_BUFFER_SIZE;
	if (zlib_deflate(def, Z_FINISH) != Z_STREAM_END)
		return -EINVAL;
	*dst_len = def->total_out;
	return 0;
}

static int zcomp_deflate_decompress(struct zcomp *comp,
				    struct zcomp_strm *strm, const void *src,
				    unsigned int src_len, void *dst)
{
	struct z_stream_s *inf = &((struct zcomp_deflate_strm *)strm->private)->inf;

	if (zlib_inflateReset(inf) != Z_OK)
		return -EINVAL;
	inf->next_in = src;
	inf->avail_in = src_len;
	inf->next_out = dst;
	inf->avail_out = PAGE_SIZE;
	if (zlib_inflate(inf, Z_FINISH) != Z_STREAM_END ||
	    inf->total_out != PAGE_SIZE)
		return -EINVAL;
	return 0;
}

const struct zcomp_backend zcomp_deflate = {
	.name		= "deflate",
	.level_min	= 1,
	.level_max	= 9,
	.level_default	= ZCOMP_DEFLATE_LEVEL_DEFAULT,
	.slow		= true,
	.slow_decompress = true,
	.init		= zcomp_deflate_init,
	.fini		= zcomp_deflate_fini,
	.compress	= zcomp_deflate_compress,
	.decompress	= zcomp_deflate_decompress,
};
