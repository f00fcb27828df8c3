# engine.mk: userspace build and tests of the tmem pool engine.
#
# Included by the top-level Makefile, which defines TOP (repo root) and
# BUILD (build dir).  Standalone:
#   make -f tests/engine/engine.mk TOP=$PWD BUILD=$PWD/build check-engine
#
# Targets: check-engine check-asan check-tsan fuzz bench
# Internal names are prefixed ENGINE_ to stay out of the lead's way.

TOP ?= $(CURDIR)
BUILD ?= $(TOP)/build

include $(TOP)/tests/engine/engine-srcs.mk
ENGINE_TST := $(TOP)/tests/engine
ENGINE_ABI := $(TOP)/tests/abi
ENGINE_OUT := $(BUILD)/engine

ENGINE_CC ?= gcc
ENGINE_CLANG ?= clang
# Seconds of each fuzz target (make fuzz), and of each in the smoke run.
FUZZ_SECONDS ?= 600
ENGINE_FUZZ_SMOKE_SECONDS ?= 30
# Operations of the model-based random test in check-engine (>= 1M).
ENGINE_MODEL_OPS ?= 1000000
ENGINE_SEED ?= 20261126

# Test programs: strict warnings, but big stack buffers are fine there.
ENGINE_WARN := -std=gnu99 -Wall -Wextra -Werror -Wno-unused-parameter
# The engine itself as Xen builds it: -Werror, gnu99, no VLAs, small frames,
# declarations first, freestanding; checked on every build (engine-strict).
ENGINE_XEN_WARN := $(ENGINE_WARN) -Wdeclaration-after-statement -Wvla \
	-Wframe-larger-than=1024 -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-ffreestanding -fno-builtin -fno-common
ENGINE_INC := -I$(ENGINE_TST) -I$(ENGINE_SRC) -I$(ENGINE_ABI)
ENGINE_CFLAGS := -O2 -g $(ENGINE_WARN) $(ENGINE_INC) -pthread
ENGINE_ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	$(ENGINE_WARN) $(ENGINE_INC) -pthread
ENGINE_TSAN_FLAGS := -O1 -g -fsanitize=thread $(ENGINE_WARN) $(ENGINE_INC) \
	-pthread

ENGINE_LIB := $(ENGINE_CORE) $(ENGINE_TST)/tmem_env_user.c \
	$(ENGINE_TST)/harness.c $(ENGINE_TST)/corpus.c
ENGINE_ABI_SRCS := $(ENGINE_ABI)/abi_suite.c $(ENGINE_ABI)/abi_user.c
ENGINE_DEPS := $(wildcard $(ENGINE_SRC)/*.[ch] $(ENGINE_TST)/*.[ch] \
	$(ENGINE_ABI)/*.[ch]) $(ENGINE_TST)/engine.mk $(ENGINE_TST)/engine-srcs.mk

ENGINE_TESTS := test_lzo test_unit test_save test_hostile test_model test_stress
ENGINE_PLAIN := $(addprefix $(ENGINE_OUT)/plain/,$(ENGINE_TESTS) abi_user)
ENGINE_ASAN := $(addprefix $(ENGINE_OUT)/asan/,$(ENGINE_TESTS) abi_user)
ENGINE_TSAN_BIN := $(ENGINE_OUT)/tsan/test_stress
ENGINE_FUZZ_BIN := $(ENGINE_OUT)/fuzz/fuzz_engine
ENGINE_FUZZ_LZO_BIN := $(ENGINE_OUT)/fuzz/fuzz_lzo
ENGINE_BENCH_BIN := $(ENGINE_OUT)/plain/bench
ENGINE_BENCH_HOSTILE_BIN := $(ENGINE_OUT)/plain/bench_hostile

# Run a stage: print its name, run it, print how long it took.
# $(1) = stage name, $(2) = command.
define ENGINE_STAGE
	@echo "== engine stage: $(1)"; \
	s=$$(date +%s%N); ( $(2) ); rc=$$?; e=$$(date +%s%N); \
	echo "== engine stage: $(1): $$( [ $$rc = 0 ] && echo ok || echo FAILED ) in $$(( (e - s) / 1000000 )) ms"; \
	exit $$rc
endef

.PHONY: check-engine check-engine-tests check-engine-fuzz-smoke check-asan check-tsan fuzz bench bench-hostile-engine engine-build

# ---- builds ----

$(ENGINE_OUT)/plain/test_lzo: $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) $(ENGINE_CFLAGS) -o $@ $(ENGINE_TST)/test_lzo.c \
		$(ENGINE_TST)/corpus.c $(ENGINE_SRC)/tmem_lzo.c -llzo2

$(ENGINE_OUT)/asan/test_lzo: $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) $(ENGINE_ASAN_FLAGS) -o $@ $(ENGINE_TST)/test_lzo.c \
		$(ENGINE_TST)/corpus.c $(ENGINE_SRC)/tmem_lzo.c -llzo2

$(ENGINE_OUT)/plain/abi_user: $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) $(ENGINE_CFLAGS) -o $@ $(ENGINE_ABI_SRCS) $(ENGINE_LIB)

$(ENGINE_OUT)/asan/abi_user: $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) $(ENGINE_ASAN_FLAGS) -o $@ $(ENGINE_ABI_SRCS) $(ENGINE_LIB)

$(ENGINE_OUT)/plain/test_%: $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) $(ENGINE_CFLAGS) -o $@ $(ENGINE_TST)/test_$*.c $(ENGINE_LIB)

$(ENGINE_OUT)/asan/test_%: $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) $(ENGINE_ASAN_FLAGS) -o $@ $(ENGINE_TST)/test_$*.c \
		$(ENGINE_LIB)

$(ENGINE_TSAN_BIN): $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) $(ENGINE_TSAN_FLAGS) -o $@ $(ENGINE_TST)/test_stress.c \
		$(ENGINE_LIB)

$(ENGINE_FUZZ_BIN): $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CLANG) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(ENGINE_WARN) $(ENGINE_INC) \
		-pthread -o $@ $(ENGINE_TST)/fuzz_engine.c $(ENGINE_LIB)

$(ENGINE_FUZZ_LZO_BIN): $(ENGINE_SRC)/tmem_lzo.c $(ENGINE_SRC)/tmem_lzo.h \
		$(ENGINE_TST)/fuzz_lzo.c
	@mkdir -p $(@D)
	$(ENGINE_CLANG) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(ENGINE_WARN) $(ENGINE_INC) \
		-o $@ $(ENGINE_TST)/fuzz_lzo.c $(ENGINE_SRC)/tmem_lzo.c -llzo2

$(ENGINE_BENCH_HOSTILE_BIN): $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) -O2 -g $(ENGINE_WARN) $(ENGINE_INC) -pthread -o $@ \
		$(ENGINE_TST)/bench_hostile.c $(ENGINE_LIB)

$(ENGINE_BENCH_BIN): $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) -O2 -g $(ENGINE_WARN) $(ENGINE_INC) -pthread -o $@ \
		$(ENGINE_TST)/bench.c $(ENGINE_LIB) -llzo2

ENGINE_STRICT_OBJS := $(patsubst $(ENGINE_SRC)/%.c,$(ENGINE_OUT)/strict/%.o,\
	$(ENGINE_CORE))

$(ENGINE_OUT)/strict/%.o: $(ENGINE_SRC)/%.c $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) -O2 $(ENGINE_XEN_WARN) $(ENGINE_INC) -c $< -o $@

engine-build: $(ENGINE_STRICT_OBJS) $(ENGINE_PLAIN)

# The ABI suite must build as freestanding kernel-style C (no libc).
$(ENGINE_OUT)/kstub/abi_suite.o: $(ENGINE_DEPS)
	@mkdir -p $(@D)
	$(ENGINE_CC) -std=gnu11 -D__KERNEL__ -nostdinc -ffreestanding \
		-fno-builtin -I$(ENGINE_ABI)/kstub $(ENGINE_WARN) \
		-Wdeclaration-after-statement -Wframe-larger-than=1024 \
		-c $(ENGINE_ABI)/abi_suite.c -o $@

# ---- check-engine: fast tests, the ABI suite and a fuzz smoke run ----

# The fuzz smoke run is half a minute of each target, single-threaded: with
# make -j2 it runs beside the other tests instead of after them.
check-engine: check-engine-tests check-engine-fuzz-smoke

check-engine-tests: $(ENGINE_STRICT_OBJS) $(ENGINE_PLAIN) \
	$(ENGINE_OUT)/kstub/abi_suite.o
	$(call ENGINE_STAGE,lzo-vs-liblzo2,$(ENGINE_OUT)/plain/test_lzo)
	$(call ENGINE_STAGE,unit,$(ENGINE_OUT)/plain/test_unit)
	$(call ENGINE_STAGE,save-stream,$(ENGINE_OUT)/plain/test_save)
	$(call ENGINE_STAGE,hostile,$(ENGINE_OUT)/plain/test_hostile)
	$(call ENGINE_STAGE,abi-conformance,$(ENGINE_OUT)/plain/abi_user)
	$(call ENGINE_STAGE,model-random,$(ENGINE_OUT)/plain/test_model \
		--ops $(ENGINE_MODEL_OPS) --seed $(ENGINE_SEED))
	$(call ENGINE_STAGE,stress-threads,$(ENGINE_OUT)/plain/test_stress \
		--seconds 8)

check-engine-fuzz-smoke: $(ENGINE_FUZZ_BIN) $(ENGINE_FUZZ_LZO_BIN)
	$(call ENGINE_STAGE,fuzz-smoke-$(ENGINE_FUZZ_SMOKE_SECONDS)s-each, \
		$(MAKE) -s -f $(ENGINE_TST)/engine.mk TOP=$(TOP) BUILD=$(BUILD) \
		FUZZ_SECONDS=$(ENGINE_FUZZ_SMOKE_SECONDS) fuzz)

# ---- sanitizers ----

check-asan: $(ENGINE_ASAN)
	$(call ENGINE_STAGE,asan-lzo,$(ENGINE_OUT)/asan/test_lzo)
	$(call ENGINE_STAGE,asan-unit,$(ENGINE_OUT)/asan/test_unit)
	$(call ENGINE_STAGE,asan-save-stream,$(ENGINE_OUT)/asan/test_save)
	$(call ENGINE_STAGE,asan-hostile,$(ENGINE_OUT)/asan/test_hostile)
	$(call ENGINE_STAGE,asan-abi,$(ENGINE_OUT)/asan/abi_user)
	$(call ENGINE_STAGE,asan-model,$(ENGINE_OUT)/asan/test_model \
		--ops $(ENGINE_MODEL_OPS) --seed $(ENGINE_SEED))
	$(call ENGINE_STAGE,asan-stress,$(ENGINE_OUT)/asan/test_stress \
		--seconds 10)

check-tsan: $(ENGINE_TSAN_BIN)
	$(call ENGINE_STAGE,tsan-stress,TSAN_OPTIONS=halt_on_error=1 \
		$(ENGINE_TSAN_BIN) --seconds 20)

# ---- fuzzing ----

# ENGINE_FUZZ_RUN NAME,BINARY,SEED_CORPUS: one target for FUZZ_SECONDS; its
# corpus grows in $(ENGINE_OUT)/fuzz/NAME.corpus, findings land in
# $(ENGINE_OUT)/fuzz/artifacts/NAME-*.
define ENGINE_FUZZ_RUN
	@mkdir -p $(ENGINE_OUT)/fuzz/$(1).corpus $(ENGINE_OUT)/fuzz/artifacts
	$(call ENGINE_STAGE,fuzz-$(1)-$(FUZZ_SECONDS)s,$(2) \
		-max_total_time=$(FUZZ_SECONDS) -max_len=4097 -timeout=20 \
		-rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix=$(ENGINE_OUT)/fuzz/artifacts/$(1)- \
		$(ENGINE_OUT)/fuzz/$(1).corpus $(3) \
		> $(ENGINE_OUT)/fuzz/$(1).log 2>&1; rc=$$?; \
		grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE|ERROR|SUMMARY' \
			$(ENGINE_OUT)/fuzz/$(1).log | tail -n 8; exit $$rc)
endef

fuzz: $(ENGINE_FUZZ_BIN) $(ENGINE_FUZZ_LZO_BIN)
	$(call ENGINE_FUZZ_RUN,engine,$(ENGINE_FUZZ_BIN),$(ENGINE_TST)/fuzz-corpus)
	$(call ENGINE_FUZZ_RUN,lzo,$(ENGINE_FUZZ_LZO_BIN),$(ENGINE_TST)/fuzz-corpus-lzo)

# ---- benchmark ----

bench: $(ENGINE_BENCH_BIN)
	$(call ENGINE_STAGE,bench,$(ENGINE_BENCH_BIN))

bench-hostile-engine: $(ENGINE_BENCH_HOSTILE_BIN)
	$(call ENGINE_STAGE,bench-hostile-engine,$(ENGINE_BENCH_HOSTILE_BIN))
