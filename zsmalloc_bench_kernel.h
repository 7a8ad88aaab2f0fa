/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of the kernel's own zsmalloc (the same in 6.1 and 6.12),
 * for the benchmark that runs against it.  Our include/linux/zsmalloc.h
 * shadows the kernel's header in this build, so the declarations are
 * repeated here, and each call is given the name our allocator uses
 * (zsm_*), so that the benchmark body reads the same for both.  Note that
 * 6.1's zs_malloc() returns an error value (IS_ERR_VALUE), not 0, when it
 * fails.
 */
#ifndef _ZSMALLOC_BENCH_KERNEL_H_
#define _ZSMALLOC_BENCH_KERNEL_H_

#include <linux/types.h>

enum zs_mapmode {
	ZS_MM_RW,
	ZS_MM_RO,
	ZS_MM_WO,
};

struct zs_pool;

struct zs_pool *zs_create_pool(const char *name);
void zs_destroy_pool(struct zs_pool *pool);
unsigned long zs_malloc(struct zs_pool *pool, size_t size, gfp_t flags);
void zs_free(struct zs_pool *pool, unsigned long obj);
size_t zs_huge_class_size(struct zs_pool *pool);
void *zs_map_object(struct zs_pool *pool, unsigned long handle,
		    enum zs_mapmode mm);
void zs_unmap_object(struct zs_pool *pool, unsigned long handle);
unsigned long zs_get_total_pages(struct zs_pool *pool);
unsigned long zs_compact(struct zs_pool *pool);

#define zsm_destroy_pool	zs_destroy_pool
#define zsm_malloc		zs_malloc
#define zsm_free		zs_free
#define zsm_huge_class_size	zs_huge_class_size
#define zsm_map_object		zs_map_object
#define zsm_unmap_object	zs_unmap_object
#define zsm_get_total_pages	zs_get_total_pages
#define zsm_compact		zs_compact

#endif
