/* SPDX-License-Identifier: GPL-2.0 */
/* hash_64() of <linux/hash.h>, as x86-64 (no arch hash) has it, for the host. */
#ifndef _SHIM_LINUX_HASH_H_
#define _SHIM_LINUX_HASH_H_

#include <linux/types.h>

#define GOLDEN_RATIO_64 0x61C8864680B583EBull

static inline u32 hash_64(u64 val, unsigned int bits)
{
	return val * GOLDEN_RATIO_64 >> (64 - bits);
}

#endif /* _SHIM_LINUX_HASH_H_ */
