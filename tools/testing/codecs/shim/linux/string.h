/* SPDX-License-Identifier: GPL-2.0 */
/* memcpy() and memset() from the host's C library. */
#include <string.h>
