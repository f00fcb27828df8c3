# tmem for Xen 4.17 and Linux 6.12: the whole build, from the pinned Debian
# sources to the lab's images and the tests.
#
#   make demo    build what is missing, boot the lab, show tmem at work
#   make test    every test: userspace checks and sanitizers, the builds, the
#                lab scenarios
#   make help    the other targets

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build
CACHE ?= $(HOME)/.cache/tmem-xen
DOWNLOADS := $(CACHE)/downloads
export CCACHE_DIR ?= $(CACHE)/ccache
# Paths inside the checkout are hashed relative to it, so a fresh clone
# elsewhere (CI's) reuses the objects of this one.
export CCACHE_BASEDIR ?= $(TOP)
export CCACHE_NOHASHDIR ?= true
STAGE := $(TOP)/tools/stage.sh
JOBS ?= 2
export JOBS

XEN_DSC := $(DOWNLOADS)/xen_4.17.5+72-g01140da4e8-1.dsc
LINUX_SOURCE_DEB := $(DOWNLOADS)/linux-source-6.12_6.12.117-1_all.deb
DOM0_IMAGE_DEB := $(DOWNLOADS)/linux-image-6.12.117+deb13-amd64-unsigned_6.12.117-1_amd64.deb

XEN_PRISTINE := $(BUILD)/src/xen-pristine
LINUX_PRISTINE := $(BUILD)/src/linux-pristine
DOM0_PKG := $(BUILD)/src/dom0-kernel
XEN_TREE := $(BUILD)/xen
OUT := $(BUILD)/out
TOOLS_DIST := $(BUILD)/dist/tools

.PHONY: all help deps sources xen tools images lab e2e bench-e2e bench-hostile bench-xen-putget bench-migrate bench-density demo guest-test-modules check check-lab-tools check-guest-module-sims check-series check-bisect series xen-series test clean distclean

all: xen tools guest images

help:
	@echo "make deps      install the Debian packages the build needs (apt-get)"
	@echo "make sources   fetch the pinned Xen and Linux sources from Debian's archive"
	@echo "make series    regenerate both patch series from the files they create"
	@echo "               (hypervisor-patches/overlay/, mm/ drivers/ include/ Documentation/);"
	@echo "               XEN_OWN=N:PATH / LINUX_OWN=N:PATH gives a new file to patch N,"
	@echo "               XEN_DROP=PATH / LINUX_DROP=PATH takes a deleted one out"
	@echo "make check-series  the series match those files, git am onto the pristine trees"
	@echo "               gives the build's trees, headers and SPDX lines"
	@echo "make check-bisect  every patch of both series builds on its own (walked"
	@echo "               back from the built trees: 7 min here, in make test)"
	@echo "make xen       patched hypervisor: $(OUT)/xen (ELF) and xen.gz"
	@echo "make tools     patched toolstack installed into $(TOOLS_DIST)"
	@echo "make guest     guest Linux 6.12 with frontswap, cleancache and the tmem driver"
	@echo "make images    dom0 initramfs and guest images"
	@echo "make lab       boot the lab and get an interactive dom0 console"
	@echo "make e2e       run every lab scenario"
	@echo "make demo      the main job: a tmem guest under memory pressure, explained"
	@echo "make check     fast userspace tests; check-asan, check-tsan, fuzz, bench"
	@echo "make test      everything: check-series, check, check-asan, check-tsan, the builds, checkpatch, check-dkms, guest-e2e and e2e"
	@echo "make bench-e2e disk swap, zswap, tmem, tmem+LZO, virtswap (own and stock kernel): one lab boot"
	@echo "make bench-hostile  what a hostile guest costs the others (hostile-bench line)"
	@echo "make bench-xen-putget  a tmem put and get inside Xen, with and without the"
	@echo "               per-page domain lookup, on the instruction clock (A/B boots)"
	@echo "make bench-migrate  a swapping guest's live migration with tmem and without (migrate-bench line)"
	@echo "make bench-density  guests per host with and without tmem self-ballooning (density-bench line)"
	@echo "make virtswap  virtswap built against Debian's 6.12 and 6.1 headers"
	@echo "make dkms-deb  the virtswap-dkms package; make check-dkms installs and builds it"

deps:
	@$(TOP)/tools/deps.sh

# --- pinned sources ------------------------------------------------------

sources: $(XEN_PRISTINE)/.unpacked $(LINUX_PRISTINE)/.unpacked $(DOM0_PKG)/.unpacked

# One fetch makes all three (a grouped target), so make -j runs it once.
$(XEN_DSC) $(LINUX_SOURCE_DEB) $(DOM0_IMAGE_DEB) &: | deps
	@$(STAGE) "fetch pinned sources" $(TOP)/tools/fetch-sources.sh $(BUILD)/apt $(DOWNLOADS)

$(XEN_PRISTINE)/.unpacked: $(XEN_DSC)
	@$(STAGE) "unpack xen source package" bash -c 'rm -rf $(XEN_PRISTINE) && \
		mkdir -p $(BUILD)/src && cd $(BUILD)/src && \
		dpkg-source -x --no-check $(XEN_DSC) $(XEN_PRISTINE) >/dev/null && \
		rm -f $(BUILD)/src/xen_*.orig.tar.*'
	@touch $@

$(LINUX_PRISTINE)/.unpacked: $(LINUX_SOURCE_DEB)
	@$(STAGE) "unpack linux-source-6.12" bash -c 'rm -rf $(LINUX_PRISTINE) $(BUILD)/src/linux-deb && \
		mkdir -p $(BUILD)/src/linux-deb && dpkg -x $(LINUX_SOURCE_DEB) $(BUILD)/src/linux-deb && \
		tar -C $(BUILD)/src -xf $(BUILD)/src/linux-deb/usr/src/linux-source-6.12.tar.xz && \
		mv $(BUILD)/src/linux-source-6.12 $(LINUX_PRISTINE) && rm -rf $(BUILD)/src/linux-deb'
	@touch $@

$(DOM0_PKG)/.unpacked: $(DOM0_IMAGE_DEB)
	@$(STAGE) "unpack dom0 kernel package" bash -c 'rm -rf $(DOM0_PKG) && \
		dpkg -x $(DOM0_IMAGE_DEB) $(DOM0_PKG)'
	@touch $@

# --- hypervisor and toolstack -------------------------------------------

# The series is generated from the plain files: the patch files give each
# patch's message and its hunks on Xen's own files, overlay/ the content of
# the new files (tools/series/mk-series.py).  Only what changed is
# rewritten, and series is touched then, so the tree is prepared again only
# when a patch really changed (GNU make looks at the mtime again after the
# recipe).  XEN_OWN=N:PATH gives a new overlay file to patch N.
SERIES_GEN := $(TOP)/tools/series/mk-series.py
XEN_PATCHDIR := $(TOP)/hypervisor-patches
XEN_SERIES := $(XEN_PATCHDIR)/series
XEN_PATCHES := $(addprefix $(XEN_PATCHDIR)/,$(shell sed -e 's/\#.*//' $(XEN_SERIES) 2>/dev/null))
XEN_PLAIN := $(shell find $(XEN_PATCHDIR)/overlay -type f 2>/dev/null)
XEN_OWN ?=
XEN_DROP ?=
XEN_SERIES_ARGS = --pristine $(XEN_PRISTINE) --patches $(XEN_PATCHDIR) \
	--plain-root $(XEN_PATCHDIR)/overlay --plain-dir xen \
	$(addprefix --own ,$(XEN_OWN)) $(addprefix --drop ,$(XEN_DROP)) \
	--own-var 'make series XEN_OWN' --drop-var 'make series XEN_DROP'

# The generator runs when an input is newer than its stamp; series itself
# has an empty recipe, so that make reads its mtime again afterwards.
.PRECIOUS: $(XEN_SERIES)
$(XEN_SERIES): $(BUILD)/series-stamps/xen
	@:
$(BUILD)/series-stamps/xen: $(XEN_PRISTINE)/.unpacked $(XEN_PLAIN) $(XEN_PATCHES) $(SERIES_GEN)
	@python3 $(SERIES_GEN) --quiet $(XEN_SERIES_ARGS)
	@mkdir -p $(@D); touch $@

xen-series:
	@python3 $(SERIES_GEN) $(XEN_SERIES_ARGS)

series: xen-series guest-series

$(XEN_TREE)/.prepared: $(XEN_PRISTINE)/.unpacked $(XEN_SERIES) $(TOP)/tools/xen/prepare-tree.sh
	@$(STAGE) "patch xen tree" $(TOP)/tools/xen/prepare-tree.sh $(XEN_PRISTINE) $(XEN_PATCHDIR) $(XEN_TREE)
	@touch $@

# Both series are what the plain files generate, git am puts them onto the
# pristine trees and gives the trees the build uses, and each patch has its
# headers and SPDX lines (tools/series/check-series.sh says how).
check-series: $(XEN_PRISTINE)/.unpacked $(LINUX_PRISTINE)/.unpacked
	@$(STAGE) "series checks" $(TOP)/tools/series/check-series.sh $(TOP) $(BUILD) \
		$(XEN_PRISTINE) $(LINUX_PRISTINE) $(XEN_TREE) $(GUEST_SRC) \
		$(GUEST_STAMPS)/tree $(GUEST_FILES)

# Xen's own build always relinks (it stamps the build time into the image),
# so the hypervisor and the toolstack are rebuilt only when the patched tree
# or the build scripts changed.
xen: $(OUT)/xen

$(OUT)/xen: $(XEN_TREE)/.prepared $(TOP)/tools/xen/build-xen.sh
	@$(STAGE) "build hypervisor" $(TOP)/tools/xen/build-xen.sh $(XEN_TREE) $(TOP)/hypervisor-patches/xen.config $(OUT)
	@touch $@

tools: $(TOOLS_DIST)/.installed

$(TOOLS_DIST)/.installed: $(XEN_TREE)/.prepared $(TOP)/tools/xen/build-tools.sh \
		$(TOP)/tools/xen/tools-env.sh
	@$(STAGE) "build toolstack" $(TOP)/tools/xen/build-tools.sh $(XEN_TREE) $(TOOLS_DIST)
	@touch $@

# --- guest kernel (rules in tools/kernel/guest.mk) -----------------------

include $(TOP)/tools/kernel/guest.mk

# Every patch of both series builds on its own, for git bisect and for users
# who stop part-way: the series is taken out again patch by patch from the
# trees the build made, each tree left is built (tools/series/check-bisect.sh
# says what is built, and how the build's own trees stay untouched).
check-bisect: guest tools $(OUT)/xen
	@$(STAGE) "bisect: each Linux patch builds" $(GUEST_LOCK) \
		$(TOP)/tools/series/check-bisect.sh \
		linux $(GUEST_SRC) $(GUEST_OBJ) $(GUEST_PATCHDIR) $(BUILD)/bisect
	@$(STAGE) "bisect: each Xen patch builds" $(TOP)/tools/series/check-bisect.sh \
		xen $(XEN_TREE) $(XEN_PATCHDIR) $(BUILD)/bisect

# --- stock Debian guest kernels and virtswap (tools/kernel/stock.mk) -----

include $(TOP)/tools/kernel/stock.mk

# --- userspace engine tests (rules in tests/engine/engine.mk) ------------

include $(TOP)/tests/engine/engine.mk

# --- the Xen glue in userspace (rules in tests/glue/glue.mk) -------------

include $(TOP)/tests/glue/glue.mk

# --- lab images -----------------------------------------------------------

IMAGES := $(BUILD)/images
GUEST_DIR := $(IMAGES)/guest
DOM0_VMLINUX := $(OUT)/dom0-vmlinux
DOM0_INITRD := $(IMAGES)/dom0-initramfs.cpio
LAB_DIR := $(BUILD)/lab
GUEST_INITRD_INPUTS := $(wildcard $(TOP)/tests/e2e/workloads/*.c $(TOP)/tests/e2e/guest/*.sh) \
	$(TOP)/tools/lab/guest-init.sh $(TOP)/tools/images/mk-guest-initramfs.sh

# Xen boots dom0 faster from an uncompressed vmlinux than from the XZ bzImage.
$(DOM0_VMLINUX): $(DOM0_PKG)/.unpacked $(LINUX_PRISTINE)/.unpacked
	@mkdir -p $(OUT)
	@$(STAGE) "extract dom0 vmlinux" bash -c '$(LINUX_PRISTINE)/scripts/extract-vmlinux \
		$(DOM0_PKG)/boot/vmlinuz-* > $@.tmp && mv $@.tmp $@'

# Test modules the lab guests load: the ABI conformance suite over real
# hypercalls, the hostile client, the shared-pool peer, the timing module
# (tests/*-guest), and the live KUnit suite and RAM backend (top-level
# Kbuild).
GUEST_TEST_MODULES := abi-guest hostile-guest shared-guest bench-guest
guest-test-modules: guest
	@$(STAGE) "guest test modules" bash -c '$(MAKE) --no-print-directory -s guest-modules && \
		for m in $(GUEST_TEST_MODULES); do \
			$(MAKE) --no-print-directory -s -C $(TOP)/tests/$$m BUILD=$(BUILD) || exit 1; \
		done'

$(GUEST_DIR)/initramfs.cpio: $(GUEST_INITRD_INPUTS) guest-test-modules stock-guests
	@mkdir -p $(GUEST_DIR)
	@$(STAGE) "guest initramfs" env GUEST_KMOD_DIR=$(STOCK_GUEST)/kmod \
		$(TOP)/tools/images/mk-guest-initramfs.sh $(TOP) $@ \
		$(BUILD)/guest-modules $(addprefix $(BUILD)/,$(GUEST_TEST_MODULES))

# ext4 disk with a verifiable 256 MiB file set: twice a 128 MiB guest's RAM.
$(IMAGES)/data-fileset.img: $(TOP)/tests/e2e/workloads/filestress.c $(TOP)/tools/images/mk-data-disk.sh
	@mkdir -p $(IMAGES)
	@$(STAGE) "ext4 data disk" $(TOP)/tools/images/mk-data-disk.sh $(TOP) 256 $@

# The dom0 image is remade only when one of its inputs changed (the script
# compares a hash of them all).
images: tools guest $(DOM0_VMLINUX) $(GUEST_DIR)/initramfs.cpio $(IMAGES)/data-fileset.img
	@cp -p $(BUILD)/guest/vmlinux $(GUEST_DIR)/vmlinux
	@cp -p $(STOCK_GUEST)/vmlinuz-stock-* $(GUEST_DIR)/
	@$(STAGE) "dom0 initramfs" $(TOP)/tools/images/mk-dom0-initramfs.sh $(DOM0_PKG) \
		$(TOOLS_DIST) $(GUEST_DIR) $(TOP) $(DOM0_INITRD)

# --- the lab ---------------------------------------------------------------

LAB_ENV := TOP=$(TOP) LAB_DIR=$(LAB_DIR) LAB_IMAGES=$(IMAGES) LAB_XEN=$(OUT)/xen \
	LAB_DOM0_KERNEL=$(DOM0_VMLINUX) LAB_DOM0_INITRD=$(DOM0_INITRD)
SCENARIOS ?= $(sort $(basename $(notdir $(wildcard $(TOP)/tests/e2e/*.sh))))

lab: xen images
	@$(LAB_ENV) $(TOP)/tools/lab/run-scenario.sh shell

e2e: xen images
	@$(STAGE) "lab scenarios" env $(LAB_ENV) $(TOP)/tools/lab/run-all.sh $(SCENARIOS)

# --- tests and the demo ----------------------------------------------------

check-lab-tools:
	@$(STAGE) "lab tool tests" bash -c "python3 $(TOP)/tests/lab/test_parse_log.py && python3 $(TOP)/tests/lab/test_density_report.py && python3 $(TOP)/tests/lab/test_e2e_report.py"

# The hostile and shared-pool modules, unchanged, against the userspace engine.
check-guest-module-sims:
	@$(STAGE) "guest module simulations" bash -c '$(MAKE) --no-print-directory -s -C $(TOP)/tests/hostile-guest check BUILD=$(BUILD) && \
		$(MAKE) --no-print-directory -s -C $(TOP)/tests/shared-guest check BUILD=$(BUILD)'

check: check-lab-tools check-engine check-glue check-guest-module-sims

# Stages run in order so a failure names the stage that broke.
test:
	@$(STAGE) "deps" $(MAKE) --no-print-directory deps
	@$(STAGE) "patch series" $(MAKE) --no-print-directory check-series
	@$(STAGE) "userspace checks" $(MAKE) --no-print-directory -j2 -Otarget check
	@$(STAGE) "sanitizers" $(MAKE) --no-print-directory check-asan check-tsan
	@$(STAGE) "builds" $(MAKE) --no-print-directory xen tools guest images
	@$(STAGE) "each patch builds" $(MAKE) --no-print-directory check-bisect
	@$(STAGE) "checkpatch" $(MAKE) --no-print-directory checkpatch
	@$(STAGE) "virtswap-dkms" $(MAKE) --no-print-directory check-dkms
	@$(STAGE) "guest hooks under bare QEMU" $(MAKE) --no-print-directory guest-e2e
	@$(STAGE) "end-to-end" $(MAKE) --no-print-directory e2e

# A benchmark, not a test: seven guest configurations in one lab boot.
bench-e2e: xen images
	@$(STAGE) "bench-e2e lab run" bash -c '$(LAB_ENV) $(TOP)/tools/lab/run-scenario.sh bench-e2e || true'
	@python3 $(TOP)/tools/bench/e2e-report.py $(LAB_DIR)/bench-e2e.log \
		$(BUILD)/bench-e2e.csv $(BUILD)/bench-e2e.png

# A benchmark, not a test: a guest times tmem puts and gets inside Xen,
# with this hypervisor and with a variant that looks the domain up on every
# page as before the per-client owner (issue 15), booted alternately on
# QEMU's instruction clock (tools/bench/xen-putget-ab.sh).
PUTGET_ROUNDS ?= 2
PUTGET_LOOKUP := $(BUILD)/bench/xen-per-page-lookup
PUTGET_LOOKUP_PATCH := $(TOP)/tools/bench/xen-putget-per-page-lookup.patch

$(PUTGET_LOOKUP)/xen: $(OUT)/xen $(PUTGET_LOOKUP_PATCH) $(TOP)/tools/bench/build-xen-variant.sh
	@$(STAGE) "bench: hypervisor with the per-page domain lookup" \
		$(TOP)/tools/bench/build-xen-variant.sh $(XEN_TREE) \
		$(TOP)/hypervisor-patches/xen.config $(PUTGET_LOOKUP_PATCH) \
		$(PUTGET_LOOKUP) $(BUILD)/bench/overlay
	@touch $@

bench-xen-putget: xen images $(PUTGET_LOOKUP)/xen
	@$(STAGE) "bench-xen-putget lab runs" bash -c '$(LAB_ENV) \
		$(TOP)/tools/bench/xen-putget-ab.sh $(PUTGET_ROUNDS) \
		owner $(OUT)/xen lookup $(PUTGET_LOOKUP)/xen'

# A benchmark, not a test: a guest swapping hard migrated live with tmem
# and without, in one lab boot; the migrate-bench and migrate-rates lines.
bench-migrate: xen images
	@$(STAGE) "bench-migrate lab run" bash -c '$(LAB_ENV) $(TOP)/tools/lab/run-scenario.sh bench-migrate || true'
	@grep -h 'migrate-bench:\|migrate-rates:' $(LAB_DIR)/bench-migrate.log

# A benchmark, not a test: chosen oids in userspace, then one lab boot of
# a measuring guest beside a hostile one; one hostile-bench line of both.
bench-hostile: xen images
	@$(MAKE) --no-print-directory -s bench-hostile-engine 2>&1 | tee $(BUILD)/bench-hostile-engine.log
	@$(STAGE) "bench-hostile lab run" bash -c '$(LAB_ENV) $(TOP)/tools/lab/run-scenario.sh bench-hostile || true'
	@$(STAGE) "bench-hostile: the hostile scenario, instruction clock, 1 CPU" bash -c \
		'$(LAB_ENV) LAB_DIR=$(LAB_DIR)/hostile-1cpu LAB_ICOUNT=0 LAB_SMP=1 \
		$(TOP)/tools/lab/run-scenario.sh hostile || true'
	@python3 $(TOP)/tools/bench/hostile-report.py $(BUILD)/bench-hostile-engine.log \
		$(LAB_DIR)/bench-hostile.log $(LAB_DIR)/hostile-1cpu/hostile.log

# A benchmark, not a test: guests with and without tmem self-ballooning on
# one host, in one lab boot (issue 14); a CSV, a plot and one line.
bench-density: xen images
	@$(STAGE) "bench-density lab run" bash -c '$(LAB_ENV) $(TOP)/tools/lab/run-scenario.sh bench-density || true'
	@python3 $(TOP)/tools/bench/density-report.py $(LAB_DIR)/bench-density.log \
		$(BUILD)/bench-density.csv $(BUILD)/bench-density.png

demo: deps xen images
	@$(LAB_ENV) $(TOP)/tools/lab/demo.sh

clean:
	rm -rf $(OUT) $(BUILD)/dist $(BUILD)/images $(BUILD)/lab $(BUILD)/engine

distclean:
	rm -rf $(BUILD)
