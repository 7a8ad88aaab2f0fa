// SPDX-License-Identifier: GPL-2.0
/*
 * The zsmalloc benchmark run against the kernel's own zsmalloc.ko, for
 * comparison with ours: same body, see zsmalloc_bench.c.
 */
#define ZSBENCH_KERNEL_ZSMALLOC
#include "zsmalloc_bench.c"
