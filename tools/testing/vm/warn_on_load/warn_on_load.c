// SPDX-License-Identifier: GPL-2.0
/*
 * A module that warns as it loads.  The VM harness boots it once per suite
 * to prove that a kernel warning fails a run: a harness that missed it
 * would pass every test of a broken driver.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init warn_on_load_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit warn_on_load_exit(void)
{
}

module_init(warn_on_load_init);
module_exit(warn_on_load_exit);
MODULE_DESCRIPTION("Harness self-test: warns when loaded");
MODULE_LICENSE("GPL");
