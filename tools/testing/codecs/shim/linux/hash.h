/* SPDX-License-Identifier: GPL-2.0 */
/* The multiplier of <linux/hash.h>'s hash_64(), for the host. */
#ifndef _SHIM_LINUX_HASH_H_
#define _SHIM_LINUX_HASH_H_

#define GOLDEN_RATIO_64 0x61C8864680B583EBull

#endif /* _SHIM_LINUX_HASH_H_ */
