/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unaligned access for lib/lzo and lib/lz4 on x86-64, which allows it,
 * built with -fno-strict-aliasing as the kernel is.
 */
#ifndef _SHIM_ASM_UNALIGNED_H_
#define _SHIM_ASM_UNALIGNED_H_

#include <linux/types.h>

#define get_unaligned(p)		(*(p))
#define put_unaligned(val, p)		(*(p) = (val))
#define get_unaligned_le16(p)		(*(const u16 *)(p))
#define get_unaligned_le32(p)		(*(const u32 *)(p))
#define put_unaligned_le16(val, p)	(*(u16 *)(p) = (val))
#define put_unaligned_le32(val, p)	(*(u32 *)(p) = (val))

#endif /* _SHIM_ASM_UNALIGNED_H_ */
