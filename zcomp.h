/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compression backends for zram: lzo, lz4, lz4hc, zstd and deflate straight
 * through their libraries (which is what makes levels and dictionaries
 * possible), everything else through the crypto API; each compressor has one
 * stream per online CPU.
 */
#ifndef _ZCOMP_H_
#define _ZCOMP_H_

#include <linux/crypto.h>
#include <linux/limits.h>
#include <linux/local_lock.h>
#include <linux/types.h>

struct zcomp_backend;

/* A level the user did not set: the backend's default applies. */
#define ZCOMP_NO_LEVEL		INT_MIN

/*
 * How one algorithm is tuned (algorithm_params).  @level is
 * ZCOMP_NO_LEVEL or a level the backend accepts; @dict, @dict_size a
 * dictionary (vmalloc()ed) or NULL, 0.  The zram device owns @dict; a
 * compressor only refers to it, so it must outlive the compressor.
 */
struct zcomp_params {
	int level;
	void *dict;
	size_t dict_size;
};

/*
 * One CPU's compression state.  @lock (a local lock: it pins the task to the
 * CPU) protects the rest while a page is compressed.  @buffer receives the
 * compressed output and is two pages long because incompressible input can
 * grow.  @private is the backend's working memory or transform.
 */
struct zcomp_strm {
	local_lock_t lock;
	void *buffer;
	void *private;
};

/*
 * A compressor instance, one per algorithm of an initialised zram device.
 * @stream holds a zcomp_strm per possible CPU; CPU hotplug (through @node)
 * fills and empties the streams of CPUs as they come and go.  @name is the
 * algorithm, @params its tuning, @shared the backend's read-only state for
 * all streams (a digested dictionary); all fixed at creation.
 */
struct zcomp {
	struct zcomp_strm __percpu *stream;
	const struct zcomp_backend *backend;
	struct zcomp_params params;
	void *shared;
	struct hlist_node node;
	char name[CRYPTO_MAX_ALG_NAME];
};

int zcomp_init(void);
void zcomp_exit(void);

bool zcomp_available(const char *name);
bool zcomp_decompress_slow(const struct zcomp *comp);
ssize_t zcomp_available_show(const char *current_name, char *buf, ssize_t at);
int zcomp_params_check(const char *name, const struct zcomp_params *params);

struct zcomp *zcomp_create(const char *name,
			   const struct zcomp_params *params);
void zcomp_destroy(struct zcomp *comp);

struct zcomp_strm *zcomp_stream_get(struct zcomp *comp);
void zcomp_stream_put(struct zcomp *comp);

int zcomp_compress(struct zcomp *comp, struct zcomp_strm *strm,
		   const void *src, unsigned int *dst_len);
int zcomp_decompress(struct zcomp *comp, struct zcomp_strm *strm,
		     const void *src, unsigned int src_len, void *dst);

#endif /* _ZCOMP_H_ */
