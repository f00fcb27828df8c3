# glue.mk: the Xen glue of tmem (xen/tmem_xen.c), compiled unchanged in
# userspace against Xen's own public headers, with a stand-in engine:
# test_glue (make check, and under ASan/UBSan in check-asan) and the
# libFuzzer target fuzz_glue (make fuzz; a smoke run in make check).
# Included by the top-level Makefile after tests/engine/engine.mk.

GLUE_TST := $(TOP)/tests/glue
GLUE_OUT := $(BUILD)/glue
GLUE_SRCS := $(ENGINE_SRC)/xen/tmem_xen.c $(GLUE_TST)/glue_world.c \
	$(GLUE_TST)/glue_engine_mock.c $(GLUE_TST)/glue_run.c
GLUE_DEPS := $(GLUE_SRCS) $(wildcard $(GLUE_TST)/*.[ch] $(GLUE_TST)/include/*/*.h) \
	$(ENGINE_SRC)/tmem_engine.h $(ENGINE_SRC)/tmem_env.h $(ENGINE_SRC)/xen/tmem_xen.h \
	$(GLUE_TST)/glue.mk $(XEN_TREE)/.prepared
# The shims first: every <xen/...> and <xsm/...> the glue includes is
# glue_emul.h; <public/...>, <compat/tmem.h> and <xen/tmem.h> are the
# patched tree's own (with CONFIG_COMPAT, the 32-bit handler is built too).
GLUE_INC := -D__XEN_TOOLS__ -DCONFIG_TMEM -DCONFIG_COMPAT -I$(GLUE_TST)/include -I$(GLUE_TST) \
	-I$(ENGINE_SRC)/xen -I$(ENGINE_SRC) -I$(ENGINE_ABI) -I$(XEN_TREE)/xen/include
GLUE_CORPUS := $(GLUE_TST)/fuzz-corpus
# Seeded random inputs of test_glue, beside the corpus.
GLUE_RANDOM_INPUTS ?= 50000

.PHONY: check-glue check-glue-asan fuzz-glue

$(GLUE_OUT)/plain/test_glue: $(GLUE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) -O2 -g $(ENGINE_WARN) $(GLUE_INC) -o $@ $(GLUE_SRCS) \
		$(GLUE_TST)/test_glue.c

$(GLUE_OUT)/asan/test_glue: $(GLUE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
		-fno-sanitize-recover=undefined $(ENGINE_WARN) $(GLUE_INC) -o $@ \
		$(GLUE_SRCS) $(GLUE_TST)/test_glue.c

$(GLUE_OUT)/fuzz/fuzz_glue: $(GLUE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CLANG) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(ENGINE_WARN) $(GLUE_INC) -o $@ \
		$(GLUE_SRCS) $(GLUE_TST)/fuzz_glue.c

check-glue: $(GLUE_OUT)/plain/test_glue $(GLUE_OUT)/fuzz/fuzz_glue
	$(call ENGINE_STAGE,glue,$(GLUE_OUT)/plain/test_glue $(GLUE_CORPUS) \
		$(GLUE_RANDOM_INPUTS))
	$(MAKE) --no-print-directory -s FUZZ_SECONDS=$(ENGINE_FUZZ_SMOKE_SECONDS) fuzz-glue

check-glue-asan: $(GLUE_OUT)/asan/test_glue
	$(call ENGINE_STAGE,asan-glue,$(GLUE_OUT)/asan/test_glue $(GLUE_CORPUS) \
		$(GLUE_RANDOM_INPUTS))

check-asan: check-glue-asan
fuzz: fuzz-glue

fuzz-glue: $(GLUE_OUT)/fuzz/fuzz_glue
	$(call ENGINE_FUZZ_RUN,glue,$(GLUE_OUT)/fuzz/fuzz_glue,$(GLUE_CORPUS))
