/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For a host build, the attributes (likely, __always_inline, noinline,
 * __packed) come from the compiler's command line, see ../Makefile.
 */
