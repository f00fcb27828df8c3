# SPDX-License-Identifier: GPL-2.0
#
# Guest kernel build for the tmem lab (Linux 6.12 + frontswap/cleancache +
# the Xen tmem driver).  Included by the top-level Makefile, which defines
# TOP, BUILD and LINUX_PRISTINE; it also works standalone:
#   make -f tools/kernel/guest.mk guest
#
# Targets
#   guest          $(BUILD)/guest/{vmlinux,bzImage,System.map,config}
#   guest-tree     regenerate the work tree $(BUILD)/linux incrementally
#   guest-config   $(BUILD)/guest-obj/.config from allnoconfig + guest.config
#   guest-modules  out-of-tree test modules (top-level Kbuild, make M=)
#   guest-e2e      boot under bare QEMU with a RAM backend module and run
#                  swap + page-cache workloads through the real hooks
#   guest-series   regenerate mm/patches from the repository's new files
#                  (also done before every work tree update)
#   checkpatch     checkpatch.pl --strict over the series and the new files
#   guest-clean    remove the guest work tree, objects and outputs
#
# Work tree: pristine tree + the patches of mm/patches/series, nothing
# else, staged in $(BUILD)/linux-stage and rsync'ed by checksum into
# $(BUILD)/linux, so files that did not change keep their mtimes.  The
# project's new kernel files (GUEST_NEW_FILES) are plain files of the
# repository, at their kernel paths; tools/series/mk-series.py puts each
# into the patch that creates it, so mm/patches is regenerated (only what
# changed is rewritten) whenever one of them or a patch changed.  Objects
# go to $(BUILD)/guest-obj (O=), compiled with ccache.

TOP ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
BUILD ?= $(TOP)/build
LINUX_PRISTINE ?= $(BUILD)/src/linux-pristine

GUEST_KDIR := $(TOP)/tools/kernel
GUEST_CONFIG := $(GUEST_KDIR)/guest.config
GUEST_PATCHDIR := $(TOP)/mm/patches
GUEST_SERIES := $(GUEST_PATCHDIR)/series
GUEST_STAGE := $(BUILD)/linux-stage
GUEST_SRC := $(BUILD)/linux
GUEST_OBJ := $(BUILD)/guest-obj
GUEST_OUT := $(BUILD)/guest
GUEST_MODOBJ := $(BUILD)/guest-modules
GUEST_STAMPS := $(BUILD)/guest-stamps
GUEST_JOBS ?= 2
GUEST_NICE ?= nice -n 10
GUEST_CC ?= ccache gcc

# Project files that live in the kernel tree at the same path as in the
# repo: the plain files the series' new files are generated from.  Each is
# created by exactly one patch (make series LINUX_OWN=N:PATH gives a new
# one to patch N).
GUEST_NEW_FILES := \
	include/linux/frontswap.h \
	include/linux/cleancache.h \
	include/xen/tmem.h \
	mm/frontswap.c \
	mm/cleancache.c \
	mm/frontswap_kunit.c \
	mm/cleancache_kunit.c \
	drivers/xen/tmem.c \
	drivers/xen/tmem_kunit.c \
	drivers/xen/xen-selfballoon.c \
	drivers/block/virtswap.c \
	Documentation/mm/frontswap.rst \
	Documentation/mm/cleancache.rst \
	Documentation/admin-guide/blockdev/virtswap.rst

GUEST_FILES := $(sort $(patsubst $(TOP)/%,%,$(wildcard \
	$(addprefix $(TOP)/,$(GUEST_NEW_FILES)))))
GUEST_PATCH_NAMES := $(shell sed -e 's/\#.*//' $(GUEST_SERIES) 2>/dev/null)
GUEST_PATCHES := $(addprefix $(GUEST_PATCHDIR)/,$(GUEST_PATCH_NAMES))
GUEST_MODULE_SRCS := $(wildcard $(TOP)/tests/live-guest/*.c)
GUEST_CHECK_FILES := $(filter %.c %.h,$(GUEST_FILES)) \
	$(patsubst $(TOP)/%,%,$(GUEST_MODULE_SRCS))

# Every step that writes the work tree or the object tree holds this lock,
# so that two "make guest" (or an M= module build using $(GUEST_KMAKE))
# running at the same time cannot interleave and corrupt vmlinux.
GUEST_LOCK = flock $(BUILD)/.guest-build.lock

GUEST_KMAKE = $(GUEST_NICE) $(GUEST_LOCK) $(MAKE) --no-print-directory \
	-C $(GUEST_SRC) O=$(GUEST_OBJ) ARCH=x86_64 CC="$(GUEST_CC)" \
	-j$(GUEST_JOBS)

# $(call guest_stage,NAME,COMMANDS): run COMMANDS, announce and time them
guest_stage = @set -e; s=$$(date +%s); echo "[guest] $(1) ..."; \
	$(2); echo "[guest] $(1): done in $$(($$(date +%s) - s)) s"

.PHONY: guest guest-tree guest-series guest-config guest-modules guest-e2e \
	guest-clean checkpatch

guest: $(GUEST_OBJ)/.config
	$(call guest_stage,kernel build (vmlinux bzImage),\
		$(GUEST_KMAKE) all)
	$(call guest_stage,install to $(GUEST_OUT),\
		mkdir -p $(GUEST_OUT); \
		cp -p $(GUEST_OBJ)/vmlinux $(GUEST_OUT)/vmlinux; \
		cp -p $(GUEST_OBJ)/arch/x86/boot/bzImage $(GUEST_OUT)/bzImage; \
		cp -p $(GUEST_OBJ)/System.map $(GUEST_OUT)/System.map; \
		cp -p $(GUEST_OBJ)/.config $(GUEST_OUT)/config; \
		ls -l $(GUEST_OUT))

guest-tree: $(GUEST_STAMPS)/tree

guest-config: $(GUEST_OBJ)/.config

# The series from the plain files: rewritten only where it changed, and
# series touched then, so the work tree is redone only when the patches
# really changed (GNU make looks at the mtime again after the recipe).
SERIES_GEN ?= $(TOP)/tools/series/mk-series.py
LINUX_OWN ?=
LINUX_DROP ?=
GUEST_SERIES_ARGS = --pristine $(LINUX_PRISTINE) --patches $(GUEST_PATCHDIR) \
	--plain-root $(TOP) --plain $(GUEST_FILES) \
	$(addprefix --own ,$(LINUX_OWN)) $(addprefix --drop ,$(LINUX_DROP)) \
	--own-var 'make series LINUX_OWN' --drop-var 'make series LINUX_DROP'

.PRECIOUS: $(GUEST_SERIES)
$(GUEST_SERIES): $(GUEST_STAMPS)/series
	@:
$(GUEST_STAMPS)/series: $(LINUX_PRISTINE)/.unpacked \
		$(addprefix $(TOP)/,$(GUEST_FILES)) $(GUEST_PATCHES) $(SERIES_GEN)
	@python3 $(SERIES_GEN) --quiet $(GUEST_SERIES_ARGS)
	@mkdir -p $(@D); touch $@

guest-series:
	@python3 $(SERIES_GEN) $(GUEST_SERIES_ARGS)

# The top-level Makefile unpacks the pristine tree ($(LINUX_PRISTINE)/.unpacked).
$(GUEST_STAMPS)/tree: $(LINUX_PRISTINE)/.unpacked $(GUEST_SERIES) \
		$(GUEST_KDIR)/guest-tree.sh
	$(call guest_stage,work tree $(GUEST_SRC),\
		mkdir -p $(@D); \
		$(GUEST_LOCK) $(GUEST_KDIR)/guest-tree.sh $(LINUX_PRISTINE) \
			$(GUEST_STAGE) $(GUEST_SRC) $(GUEST_PATCHDIR))
	@touch $@

$(GUEST_OBJ)/.config: $(GUEST_CONFIG) $(GUEST_STAMPS)/tree \
		$(GUEST_KDIR)/guest-config-check.sh
	$(call guest_stage,config (allnoconfig + guest.config),\
		mkdir -p $(GUEST_OBJ); \
		$(GUEST_KMAKE) KCONFIG_ALLCONFIG=$(GUEST_CONFIG) allnoconfig \
			>$(GUEST_OBJ)/allnoconfig.log; \
		$(GUEST_KDIR)/guest-config-check.sh $(GUEST_CONFIG) $@)

# The live KUnit suite and the RAM backend (tests/live-guest, top-level
# Kbuild), built by the recipe of every lab guest module
# (tests/guest-module.mk) into $(GUEST_MODOBJ).
guest-modules: guest
	$(call guest_stage,test modules (M=$(GUEST_MODOBJ)),\
		$(MAKE) --no-print-directory -C $(TOP)/tests/live-guest BUILD=$(BUILD))

# Run from the patched work tree, whose kernel-parameters.txt documents
# the driver's __setup() parameter.
# Bare-QEMU end-to-end test of the hooks with the RAM backend (no Xen).
guest-e2e: guest-modules
	$(call guest_stage,end-to-end test under bare QEMU,\
		$(GUEST_KDIR)/qemu-e2e.sh $(GUEST_OUT)/bzImage $(GUEST_MODOBJ) \
			$(BUILD)/guest-e2e)

checkpatch: $(GUEST_STAMPS)/tree
	$(call guest_stage,checkpatch --strict,\
		cd $(GUEST_SRC); rc=0; \
		for p in $(GUEST_PATCHES); do \
			echo "[checkpatch] $${p#$(TOP)/}"; \
			scripts/checkpatch.pl --strict --no-summary -q \
				$$p || rc=1; \
		done; \
		for f in $(GUEST_CHECK_FILES); do \
			echo "[checkpatch] --file $$f"; \
			scripts/checkpatch.pl --strict --no-summary -q \
				--file $(TOP)/$$f || rc=1; \
		done; \
		test $$rc -eq 0 || { echo "[checkpatch] FAILED"; exit 1; })

guest-clean:
	rm -rf $(GUEST_STAGE) $(GUEST_SRC) $(GUEST_OBJ) $(GUEST_OUT) \
		$(GUEST_MODOBJ) $(GUEST_STAMPS) $(BUILD)/guest-e2e
