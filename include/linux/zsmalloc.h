/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zsmalloc: a memory allocator for compressed pages.
 *
 * Objects of any size up to PAGE_SIZE are packed into "zspages", chains of
 * order-0 pages.  A caller gets an opaque handle back; the handle stays valid
 * while the allocator moves the object during compaction, so the memory must
 * be reached through zsm_map_object()/zsm_unmap_object() every time.
 *
 * This copy is linked into zram.ko and exports nothing, so it can coexist
 * with a kernel's own zsmalloc.ko.
 */
#ifndef _ZS_MALLOC_H_
#define _ZS_MALLOC_H_

#include <linux/types.h>

/*
 * How a mapped object will be used.  Knowing it lets the copy-based mapping
 * skip the copy in (for writes) or the copy out (for reads) of a bounce
 * buffer when an object spans two pages.
 */
enum zs_mapmode {
	ZS_MM_RW,	/* read and write: copy in on map and out on unmap */
	ZS_MM_RO,	/* read only: copy in on map */
	ZS_MM_WO,	/* write only: copy out on unmap */
};

/* How objects that span two pages are mapped; see zsmalloc.c. */
enum zs_mapping {
	ZS_MAPPING_COPY,	/* per-CPU bounce buffer */
	ZS_MAPPING_PGTABLE,	/* per-CPU two-page virtual window */
};

struct zsm_pool_stats {
	/* pages freed by compaction over the pool's lifetime */
	atomic_long_t pages_compacted;
};

struct zs_pool;

struct zs_pool *zsm_create_pool(const char *name);
void zsm_destroy_pool(struct zs_pool *pool);

unsigned long zsm_malloc(struct zs_pool *pool, size_t size, gfp_t flags);
void zsm_free(struct zs_pool *pool, unsigned long handle);

size_t zsm_huge_class_size(struct zs_pool *pool);

void *zsm_map_object(struct zs_pool *pool, unsigned long handle,
		     enum zs_mapmode mm);
void zsm_unmap_object(struct zs_pool *pool, unsigned long handle);

unsigned long zsm_get_total_pages(struct zs_pool *pool);
unsigned long zsm_compact(struct zs_pool *pool);
/* The pages zsm_compact() would give back now. */
unsigned long zsm_compactable_pages(struct zs_pool *pool);

void zsm_pool_stats(struct zs_pool *pool, struct zsm_pool_stats *stats);
enum zs_mapping zsm_pool_mapping(struct zs_pool *pool);
const char *zsm_mapping_name(enum zs_mapping mapping);

#endif
