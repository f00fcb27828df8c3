# engine-srcs.mk: the tmem engine's sources, for every userspace build of
# it (tests/engine/engine.mk, tests/hostile-guest, tests/shared-guest).
#
# Every .c file of the engine directory is the engine; its Xen glue is in
# the directory's xen/ and is not matched.  Xen's build lists the same
# files in the directory's Makefile (obj-y).  Needs TOP (the repo root).

ENGINE_SRC := $(TOP)/hypervisor-patches/overlay/xen/common/tmem
ENGINE_CORE := $(sort $(wildcard $(ENGINE_SRC)/*.c))
