/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel integer types for building lzo_decode.c and lib/lzo on the host. */
#ifndef _SHIM_LINUX_TYPES_H_
#define _SHIM_LINUX_TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;

#endif /* _SHIM_LINUX_TYPES_H_ */
