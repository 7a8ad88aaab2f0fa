/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A cheap test for pages of random bytes, which no compressor can shrink:
 * see incompressible.c.
 */
#ifndef _INCOMPRESSIBLE_H_
#define _INCOMPRESSIBLE_H_

#include <linux/bits.h>
#include <linux/types.h>

#define INCOMP_PAGE_SHIFT	12
#define INCOMP_PAGE_SIZE	BIT(INCOMP_PAGE_SHIFT)
#define INCOMP_HASH_BITS	12

/*
 * The probe's hash table of positions: never cleared, because a stale
 * position is checked against the page before it counts.
 */
struct incomp_table {
	u16 pos[1 << INCOMP_HASH_BITS];
};

bool page_incompressible(const u8 *page, struct incomp_table *table);

#endif /* _INCOMPRESSIBLE_H_ */
