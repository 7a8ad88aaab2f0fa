/* SPDX-License-Identifier: GPL-2.0 */
/* <linux/init.h> for lib/lz4 on the host: its markers come from ../Makefile. */
