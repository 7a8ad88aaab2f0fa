# SPDX-License-Identifier: GPL-2.0
#
# Two makefiles in one.  Inside a kernel tree (or when kbuild reads this file
# for an external build) only the first half counts.  Run from the top of the
# repository, the second half builds zram.ko against the installed Debian
# headers and drives the VM demo, tests, lint and benchmarks.

ifneq ($(KERNELRELEASE),)

# Our own copy of <linux/zsmalloc.h> must win over the kernel's.
NOSTDINC_FLAGS += -I$(src)/include

# An external build gets its Kconfig symbols as make variables, which
# <generated/autoconf.h> of the target kernel knows nothing about; define
# them for the compiler as the kernel's own configuration would.  In a
# kernel tree this repeats autoconf.h's definition word for word.
ccflags-$(CONFIG_ZSMALLOC_PGTABLE_MAPPING) += -DCONFIG_ZSMALLOC_PGTABLE_MAPPING=1
# Kconfig's defaults, for an external build that does not set them.
ifneq ($(KBUILD_EXTMOD),)
CONFIG_ZRAM_LZO_DECODE ?= y
CONFIG_ZRAM_LZO_ENCODE ?= y
CONFIG_ZRAM_LZ4_ENCODE ?= y
endif
ccflags-$(CONFIG_ZRAM_LZO_DECODE) += -DCONFIG_ZRAM_LZO_DECODE=1
ccflags-$(CONFIG_ZRAM_LZO_ENCODE) += -DCONFIG_ZRAM_LZO_ENCODE=1
ccflags-$(CONFIG_ZRAM_LZ4_ENCODE) += -DCONFIG_ZRAM_LZ4_ENCODE=1

obj-$(CONFIG_ZRAM) += zram.o
# DKMS passes the package's version (from debian/changelog) for modinfo.
ifneq ($(ZRAM_VERSION),)
CFLAGS_zram_drv.o += -DZRAM_VERSION='"$(ZRAM_VERSION)"'
endif
zram-y := zram_drv.o zram_io.o zram_spread.o zram_wb.o zram_sysfs.o zram_policy.o \
	  zram_policy_recomp.o \
	  zram_debugfs.o zram_recomp.o \
	  zcomp.o zcomp_lz4.o zcomp_zstd.o zcomp_deflate.o incompressible.o \
	  zsmalloc.o
zram-$(CONFIG_ZRAM_LZO_DECODE) += lzo_decode.o
zram-$(CONFIG_ZRAM_LZO_ENCODE) += lzo_encode.o
zram-$(CONFIG_ZRAM_LZ4_ENCODE) += lz4_encode.o

# Test and benchmark modules: each carries its own copy of the allocator.
obj-$(CONFIG_ZSMALLOC_TEST) += zsmalloc_test.o zsmalloc_bench.o
obj-$(CONFIG_ZSMALLOC_TEST) += codec_test.o
# The same benchmark linked against the kernel's zsmalloc.ko, when it has one.
ifneq ($(CONFIG_ZSMALLOC),)
obj-$(CONFIG_ZSMALLOC_TEST) += zsmalloc_bench_kernel.o
endif

else

# KVER= picks one installed kernel; by default "make" builds for each, and
# the VM targets pick the newest.  KDIR= builds in place against that tree.
KVER ?=
KDIR ?=
BUILD ?= $(CURDIR)/build

# Kconfig symbols for an external build; ZSMALLOC_PGTABLE_MAPPING=y selects
# page-table mapping as the default for new pools.
EXT_CONFIG := CONFIG_ZRAM=m CONFIG_ZSMALLOC_TEST=m
ifeq ($(ZSMALLOC_PGTABLE_MAPPING),y)
EXT_CONFIG += CONFIG_ZSMALLOC_PGTABLE_MAPPING=y
endif
# ZRAM_LZO_DECODE=n decompresses lzo with lib/lzo instead of lzo_decode.c,
# ZRAM_LZO_ENCODE=n compresses with it instead of lzo_encode.c, and
# ZRAM_LZ4_ENCODE=n lz4 pages with lib/lz4 instead of lz4_encode.c.
EXT_CONFIG += $(foreach codec,LZO_DECODE LZO_ENCODE LZ4_ENCODE, \
	$(if $(filter n,$(ZRAM_$(codec))),CONFIG_ZRAM_$(codec)=n))

.PHONY: all modules clean deps demo check check-quick check-debug lint bench soak \
	deb

all: modules

# Each kernel's objects go to build/obj/VER/ (the harness builds there too),
# so builds for different kernels never clobber each other.
ifneq ($(KDIR),)
modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(EXT_CONFIG) modules
else
modules:
	ZT_MODULE_CONFIG="$(EXT_CONFIG)" scripts/build-modules.sh $(KVER)
endif

deps:
	scripts/install-deps.sh

# The VM scripts find the kernel themselves: on a fresh machine it is
# installed by "deps", after this makefile has been read.
demo: deps
	tools/testing/vm/run-vm $(if $(filter command line,$(origin KVER)),--kver $(KVER)) \
		--name demo vm/demo.sh

check: deps
	tools/testing/vm/run-suite

check-quick: deps
	tools/testing/vm/run-suite --debian-only --quick

check-debug: deps
	tools/testing/vm/run-suite --debug-only

lint: deps
	KVER=$(KVER) scripts/lint.sh

bench: deps
	BENCH_KVER=$(KVER) tools/testing/bench/run-bench

soak: deps
	scripts/soak.sh $(if $(SOAK_SECONDS),--seconds $(SOAK_SECONDS)) \
		$(if $(SOAK_GIB),--gib $(SOAK_GIB))

# The zram-dkms package, in build/deb/.
deb:
	scripts/build-deb.sh

clean:
	rm -rf $(BUILD)/obj
ifneq ($(KDIR),)
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
endif

endif
