/* SPDX-License-Identifier: GPL-2.0 */
/* Byte order for a little-endian host (x86-64), where it is the identity. */
#ifndef _SHIM_ASM_BYTEORDER_H_
#define _SHIM_ASM_BYTEORDER_H_

#define le16_to_cpu(x)		((u16)(x))
#define le32_to_cpu(x)		((u32)(x))
#define le64_to_cpu(x)		((u64)(x))

#endif /* _SHIM_ASM_BYTEORDER_H_ */
