/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a compression backend of zcomp.c provides.  Only zcomp.c and the
 * backends (zcomp_lz4.c, zcomp_zstd.c, zcomp_deflate.c) include this.
 */
#ifndef _ZCOMP_BACKEND_H_
#define _ZCOMP_BACKEND_H_

#include <linux/mm.h>

#include "zcomp.h"

/* Output room for one page: incompressible data comes out a little longer. */
#define ZCOMP_BUFFER_SIZE	(2 * PAGE_SIZE)

/*
 * A family of compressors, all of whose data is private to it.
 * @level_min..@level_max are the levels it accepts (both 0: it has none)
 * and @level_default the one it uses without; @dict says whether it takes
 * a dictionary.  @slow marks a compressor that takes so long over a page
 * that page_incompressible() pays for itself: random pages skip it.
 * @slow_decompress marks one whose pages take several times as long as
 * lzo's to decompress, so that smaller reads are worth spreading over CPUs.
 * @setup and @teardown (optional) build and free comp->shared once per
 * compressor, @init and @fini a stream's private state; @compress writes
 * into strm->buffer; @decompress must produce exactly one page.
 */
struct zcomp_backend {
	const char *name;
	int level_min;
	int level_max;
	int level_default;
	bool dict;
	bool slow;
	bool slow_decompress;
	int (*setup)(struct zcomp *comp);
	void (*teardown)(struct zcomp *comp);
	int (*init)(struct zcomp *comp, struct zcomp_strm *strm);
	void (*fini)(struct zcomp *comp, struct zcomp_strm *strm);
	int (*compress)(struct zcomp *comp, struct zcomp_strm *strm,
			const void *src, unsigned int *dst_len);
	int (*decompress)(struct zcomp *comp, struct zcomp_strm *strm,
			  const void *src, unsigned int src_len, void *dst);
};

/* The level a compressor runs at: the user's, or the backend's default. */
static inline int zcomp_level(const struct zcomp *comp)
{
	if (comp->params.level == ZCOMP_NO_LEVEL)
		return comp->backend->level_default;
	return comp->params.level;
}

extern const struct zcomp_backend zcomp_lz4;
extern const struct zcomp_backend zcomp_lz4hc;
extern const struct zcomp_backend zcomp_zstd;
extern const struct zcomp_backend zcomp_deflate;

#endif /* _ZCOMP_BACKEND_H_ */
