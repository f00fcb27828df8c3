# The one recipe for the lab's out-of-tree guest test modules
# (tests/abi-guest, tests/hostile-guest, tests/shared-guest).
#
# The including Makefile sets TOP, MODULE (its directory's name) and
# MODULE_SOURCES (its Kbuild and sources). They are symlinked into
# $(BUILD)/$(MODULE), so no object file lands in the repository, and built
# with M= against the guest kernel (sources build/linux, objects
# build/guest-obj) under the guest build's lock, so a module build never
# races a "make guest" in the same object tree.

BUILD ?= $(TOP)/build
KSRC ?= $(BUILD)/linux
KOBJ ?= $(BUILD)/guest-obj
MODDIR ?= $(BUILD)/$(MODULE)
JOBS ?= 2

.PHONY: module
module:
	@test -f $(KOBJ)/Module.symvers || \
		{ echo "$(MODULE): no guest kernel build in $(KOBJ) (run 'make guest')" >&2; exit 1; }
	@mkdir -p $(MODDIR)
	@for f in $(MODULE_SOURCES); do ln -sfn $$f $(MODDIR)/$$(basename $$f); done
	nice -n 10 flock $(BUILD)/.guest-build.lock $(MAKE) --no-print-directory \
		-C $(KSRC) O=$(KOBJ) ARCH=x86_64 CC="ccache gcc" -j$(JOBS) M=$(MODDIR) modules
	@echo "$(MODULE): $$(ls $(MODDIR)/*.ko)"
