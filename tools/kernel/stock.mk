# SPDX-License-Identifier: GPL-2.0
#
# Stock Debian guest kernels and virtswap built against them (issue 13).
# Included by the top-level Makefile (TOP, BUILD, DOWNLOADS, DOM0_PKG,
# GUEST_OBJ defined there).
#
#   stock-kernels  the packaged headers of trixie's 6.12 and bookworm's 6.1,
#                  unpacked and usable here (prepare-stock-headers.sh), and
#                  bookworm's 6.1 kernel image
#   virtswap       drivers/block/virtswap.c as an external module against
#                  each: $(STOCK)/virtswap-<version>/virtswap.ko
#   dkms-deb       $(BUILD)/dist/virtswap-dkms_<version>_all.deb
#   check-dkms     install that package here (dpkg -i), have DKMS build it
#                  against both packaged header trees, remove it again
#   stock-guests   $(STOCK)/guest: each stock kernel (vmlinuz-stock-V, which
#                  make images puts beside the lab's guest kernel), and per
#                  kernel release the modules a lab guest loads at boot
#                  (kmod/<release>/, in the guest initramfs as /lab/kmod)
#
# Trixie's 6.12 matches the lab's dom0 kernel package; its kernel image is
# that package's.

STOCK := $(BUILD)/stock
STOCK_612_REL := 6.12.117+deb13-amd64
STOCK_61_REL := 6.1.0-50-amd64
STOCK_612_DEBS := $(DOWNLOADS)/linux-headers-6.12.117+deb13-amd64_6.12.117-1_amd64.deb \
	$(DOWNLOADS)/linux-headers-6.12.117+deb13-common_6.12.117-1_all.deb \
	$(DOWNLOADS)/linux-kbuild-6.12.117+deb13_6.12.117-1_amd64.deb
STOCK_61_DEBS := $(DOWNLOADS)/linux-headers-6.1.0-50-amd64_6.1.176-1_amd64.deb \
	$(DOWNLOADS)/linux-headers-6.1.0-50-common_6.1.176-1_all.deb \
	$(DOWNLOADS)/linux-kbuild-6.1_6.1.176-1_amd64.deb
STOCK_61_IMAGE_DEB := $(DOWNLOADS)/linux-image-6.1.0-50-amd64-unsigned_6.1.176-1_amd64.deb
VIRTSWAP_SRCS := $(TOP)/drivers/block/virtswap.c $(TOP)/drivers/block/virtswap_compat.h \
	$(TOP)/tools/virtswap/Kbuild
STOCK_GUEST := $(STOCK)/guest

.PHONY: stock-kernels virtswap stock-guests dkms-deb check-dkms

# One fetch makes them all (a grouped target), so make -j runs it once.
$(STOCK_612_DEBS) $(STOCK_61_DEBS) $(STOCK_61_IMAGE_DEB) &: | $(XEN_DSC)
	@$(STAGE) "fetch stock kernel packages" $(TOP)/tools/fetch-stock-kernels.sh \
		$(BUILD)/apt $(DOWNLOADS)

# The 6.12 kbuild programs need a newer C library than bookworm's: the
# guest kernel's object tree (same source) provides them.
$(STOCK)/root-6.12/.prepared: $(STOCK_612_DEBS) $(TOP)/tools/kernel/prepare-stock-headers.sh | guest
	@$(STAGE) "stock 6.12 headers" $(TOP)/tools/kernel/prepare-stock-headers.sh \
		$(STOCK)/root-6.12 $(GUEST_OBJ) $(STOCK_612_DEBS)
	@touch $@

$(STOCK)/root-6.1/.prepared: $(STOCK_61_DEBS) $(TOP)/tools/kernel/prepare-stock-headers.sh | guest
	@$(STAGE) "stock 6.1 headers" $(TOP)/tools/kernel/prepare-stock-headers.sh \
		$(STOCK)/root-6.1 $(GUEST_OBJ) $(STOCK_61_DEBS)
	@touch $@

$(STOCK)/image-6.1/.unpacked: $(STOCK_61_IMAGE_DEB)
	@$(STAGE) "unpack stock 6.1 kernel" bash -c 'rm -rf $(STOCK)/image-6.1 && mkdir -p $(STOCK) && \
		dpkg -x $(STOCK_61_IMAGE_DEB) $(STOCK)/image-6.1'
	@touch $@

stock-kernels: $(STOCK)/root-6.12/.prepared $(STOCK)/root-6.1/.prepared $(STOCK)/image-6.1/.unpacked

# virtswap-V: the module built outside the tree against stock headers V.
define virtswap_external
$(STOCK)/virtswap-$(1)/virtswap.ko: $(STOCK)/root-$(1)/.prepared $(VIRTSWAP_SRCS) \
		$(TOP)/tools/kernel/build-external-module.sh
	@mkdir -p $(STOCK)/virtswap-$(1)
	@for f in $(VIRTSWAP_SRCS); do ln -sfn $$$$f $(STOCK)/virtswap-$(1)/; done
	@$(STAGE) "virtswap against stock $(1) headers" $(TOP)/tools/kernel/build-external-module.sh \
		$(STOCK)/root-$(1)/usr/src/linux-headers-$(2) $(STOCK)/virtswap-$(1)
endef
$(eval $(call virtswap_external,6.12,$(STOCK_612_REL)))
$(eval $(call virtswap_external,6.1,$(STOCK_61_REL)))

virtswap: $(STOCK)/virtswap-6.12/virtswap.ko $(STOCK)/virtswap-6.1/virtswap.ko

# kmod-REL PKG_ROOT V: xen-blkfront from the kernel package and virtswap.
define stock_kmod
$(STOCK_GUEST)/kmod/$(1)/load-order: $(STOCK)/virtswap-$(3)/virtswap.ko $(4)
	@rm -rf $(STOCK_GUEST)/kmod/$(1) && mkdir -p $(STOCK_GUEST)/kmod/$(1)
	@ko=$$$$(find $(2)/usr/lib/modules/$(1) $(2)/lib/modules/$(1) -name 'xen-blkfront.ko*' \
		2>/dev/null | head -n 1); \
	case "$$$$ko" in \
	*.xz) xz -dc "$$$$ko" > $(STOCK_GUEST)/kmod/$(1)/xen-blkfront.ko ;; \
	*.ko) cp "$$$$ko" $(STOCK_GUEST)/kmod/$(1)/ ;; \
	*) echo "no xen-blkfront module for $(1) in $(2)" >&2; exit 1 ;; \
	esac
	@strip --strip-debug -o $(STOCK_GUEST)/kmod/$(1)/virtswap.ko $(STOCK)/virtswap-$(3)/virtswap.ko
	@echo xen-blkfront.ko > $$@
endef
$(eval $(call stock_kmod,$(STOCK_612_REL),$(DOM0_PKG),6.12,$(DOM0_PKG)/.unpacked))
$(eval $(call stock_kmod,$(STOCK_61_REL),$(STOCK)/image-6.1,6.1,$(STOCK)/image-6.1/.unpacked))

stock-guests: $(STOCK_GUEST)/kmod/$(STOCK_612_REL)/load-order $(STOCK_GUEST)/kmod/$(STOCK_61_REL)/load-order
	@cp -p $(DOM0_PKG)/boot/vmlinuz-$(STOCK_612_REL) $(STOCK_GUEST)/vmlinuz-stock-6.12
	@cp -p $(STOCK)/image-6.1/boot/vmlinuz-$(STOCK_61_REL) $(STOCK_GUEST)/vmlinuz-stock-6.1

VIRTSWAP_VERSION := $(shell cat $(TOP)/tools/virtswap/VERSION)
VIRTSWAP_DEB := $(BUILD)/dist/virtswap-dkms_$(VIRTSWAP_VERSION)_all.deb

$(VIRTSWAP_DEB): $(VIRTSWAP_SRCS) $(TOP)/tools/virtswap/dkms.conf.in $(TOP)/tools/virtswap/VERSION \
		$(TOP)/tools/virtswap/mk-dkms-deb.sh $(TOP)/tools/kernel/build-external-module.sh \
		$(TOP)/Documentation/admin-guide/blockdev/virtswap.rst
	@$(STAGE) "virtswap-dkms package" $(TOP)/tools/virtswap/mk-dkms-deb.sh $(TOP) \
		$(BUILD)/dist $(VIRTSWAP_VERSION)

dkms-deb: $(VIRTSWAP_DEB)

check-dkms: $(VIRTSWAP_DEB) stock-kernels | deps
	@$(STAGE) "virtswap-dkms: install, DKMS builds, remove" $(TOP)/tests/virtswap/dkms-test.sh \
		$(VIRTSWAP_DEB) $(VIRTSWAP_VERSION) \
		$(STOCK_612_REL):$(STOCK)/root-6.12/usr/src/linux-headers-$(STOCK_612_REL) \
		$(STOCK_61_REL):$(STOCK)/root-6.1/usr/src/linux-headers-$(STOCK_61_REL)
