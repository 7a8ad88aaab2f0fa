# SPDX-License-Identifier: GPL-2.0
#
# Two makefiles in one.  Inside a kernel tree (or when kbuild reads this file
# for an external build) only the first half counts.  Run from the top of the
# repository, the second half builds zram.ko against the installed Debian
# headers and drives the VM demo, tests, lint and benchmarks.

ifneq ($(KERNELRELEASE),)

# Our own copy of <linux/zsmalloc.h> must win over the kernel's.
NOSTDINC_FLAGS += -I$(src)/include

obj-$(CONFIG_ZRAM) += zram.o
zram-y := zram_drv.o zram_io.o zram_wb.o zram_sysfs.o zram_debugfs.o zcomp.o zsmalloc.o

# Test and benchmark modules: each carries its own copy of the allocator.
obj-$(CONFIG_ZSMALLOC_TEST) += zsmalloc_test.o zsmalloc_bench.o
# The same benchmark linked against the kernel's zsmalloc.ko, when it has one.
ifneq ($(CONFIG_ZSMALLOC),)
obj-$(CONFIG_ZSMALLOC_TEST) += zsmalloc_bench_kernel.o
endif

else

KVER ?= $(shell scripts/kernel-version.sh 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(KVER)
BUILD ?= $(CURDIR)/build

# Kconfig symbols for an external build; ZSMALLOC_PGTABLE_MAPPING=y selects
# page-table mapping as the default for new pools.
EXT_CONFIG := CONFIG_ZRAM=m CONFIG_ZSMALLOC_TEST=m
ifeq ($(ZSMALLOC_PGTABLE_MAPPING),y)
EXT_CONFIG += CONFIG_ZSMALLOC_PGTABLE_MAPPING=y
EXT_CFLAGS := -DCONFIG_ZSMALLOC_PGTABLE_MAPPING=1
endif

.PHONY: all modules clean deps demo check check-quick check-debug lint bench soak

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(EXT_CONFIG) \
		KCFLAGS="$(EXT_CFLAGS) $(KCFLAGS)" modules

deps:
	scripts/install-deps.sh

# The VM scripts find the kernel themselves: on a fresh machine it is
# installed by "deps", after this makefile has been read.
demo: deps
	tools/testing/vm/run-vm --name demo vm/demo.sh

check: deps
	tools/testing/vm/run-suite

check-quick: deps
	tools/testing/vm/run-suite --debian-only --quick

check-debug: deps
	tools/testing/vm/run-suite --debug-only

lint: deps
	scripts/lint.sh

bench: deps
	tools/testing/bench/run-bench

soak: deps
	scripts/soak.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

endif
