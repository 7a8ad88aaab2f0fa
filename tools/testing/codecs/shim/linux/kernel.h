/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/kernel.h> and <linux/module.h> for building the kernel's lib/lzo
 * as a reference on the host (tools/testing/lzo); the helpers it uses come
 * from the compiler's command line, see ../Makefile.
 */
#ifndef _SHIM_LINUX_KERNEL_H_
#define _SHIM_LINUX_KERNEL_H_

#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/types.h>

/* The kernel defines only its own byte order; lib/lzo checks that. */
#undef __BIG_ENDIAN

#endif /* _SHIM_LINUX_KERNEL_H_ */
