/* SPDX-License-Identifier: GPL-2.0 */
/* BIT() for incompressible.h on the host. */
#ifndef _SHIM_LINUX_BITS_H_
#define _SHIM_LINUX_BITS_H_

#define BIT(nr)		(1UL << (nr))

#endif /* _SHIM_LINUX_BITS_H_ */
