/* SPDX-License-Identifier: GPL-2.0 */
/* The two bit searches lib/lz4 takes from <linux/bitops.h>, for the host. */
#ifndef _SHIM_LINUX_BITOPS_H_
#define _SHIM_LINUX_BITOPS_H_

#include <linux/types.h>

#define __ffs(x)	((unsigned long)__builtin_ctzl(x))
#define __fls(x)	((unsigned long)(63 - __builtin_clzl(x)))

#endif /* _SHIM_LINUX_BITOPS_H_ */
