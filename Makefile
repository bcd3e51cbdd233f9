# edgewatt — GNU Make build.
#   make run    install missing packages, build, run scenarios/default.yaml
#   make test   install missing packages, build, run the test suite
#   make bench  performance figures;  make debug  tests under ASan + UBSan
#   make clean

VERSION  := 0.1.0
MODE     ?= release
BUILD    ?= build/$(MODE)
PKGS     := gsl hdf5 yaml-0.1 cmocka

CC       ?= cc
WARN     := -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -DEW_VERSION='"$(VERSION)"' -DEW_DATA_DIR='"$(CURDIR)/data"' -MMD -MP
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ifeq ($(MODE),debug)
OPT      := -O0 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
else
OPT      := -O2 -g
endif
CFLAGS   += -std=c11 $(WARN) $(OPT) -fopenmp $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lcsv -lm -fopenmp

LIB_SRC  := $(filter-out sim/main.c sim/cmd_sweep.c,$(wildcard sim/*.c models/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/plots_gp.o
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BIN      := $(BUILD)/edgewatt
export EDGEWATT := $(abspath $(BIN))

.PHONY: all run test bench debug clean deps tests
all: $(BIN) edgewatt

# ./edgewatt points at the release build
edgewatt: $(BIN)
	@[ "$(MODE)" = release ] && ln -sf $(BIN) edgewatt || true

deps:
	@sh tools/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# the gnuplot scripts are built into the binary as C strings, one table
# entry per plots/NAME.gp (sim/plot.c: ew_plot_script("NAME"))
GP_SRC   := $(sort $(wildcard plots/*.gp))
$(BUILD)/plots_gp.c: $(GP_SRC) Makefile
	@mkdir -p $(@D)
	{ printf '#include <stddef.h>\nstruct ew_plot_script_entry { const char *name, *text; };\nconst struct ew_plot_script_entry ew_plot_scripts_[] = {\n'; \
	  for f in $(GP_SRC); do \
	    printf '{"%s",\n' "$$(basename $$f .gp)"; \
	    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $$f; \
	    printf '},\n'; \
	  done; \
	  printf '};\nconst size_t ew_n_plot_scripts_ = sizeof ew_plot_scripts_ / sizeof ew_plot_scripts_[0];\n'; \
	} > $@

$(BUILD)/libedgewatt.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

# MPI (Open MPI's mpicc) where installed: the sweep command spreads its runs
# over ranks; `make MPICC=` builds without it. Only cmd_sweep.c uses MPI, so
# only it and the final link go through mpicc.
ifeq ($(origin MPICC),undefined)
MPICC    := $(shell command -v mpicc 2>/dev/null)
endif
SWEEP_CC    := $(if $(MPICC),$(MPICC),$(CC))
SWEEP_FLAGS := $(if $(MPICC),-DEW_MPI=1,)

$(BUILD)/sim/cmd_sweep.o: sim/cmd_sweep.c $(BUILD)/mpi-config
	@mkdir -p $(@D)
	$(SWEEP_CC) $(CPPFLAGS) $(SWEEP_FLAGS) $(CFLAGS) -c $< -o $@

# changes when MPI comes or goes, so that cmd_sweep.o follows
$(BUILD)/mpi-config: calib-force
	@mkdir -p $(@D)
	@echo 'mpicc=$(MPICC)' | cmp -s - $@ || echo 'mpicc=$(MPICC)' > $@

$(BIN): $(BUILD)/sim/main.o $(BUILD)/sim/cmd_sweep.o $(BUILD)/libedgewatt.a
	$(SWEEP_CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libedgewatt.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Isim $(LDFLAGS) -o $@ $< $(BUILD)/libedgewatt.a $(LDLIBS)

$(BUILD)/bench: tests/bench/bench.c $(BUILD)/libedgewatt.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -Isim $(LDFLAGS) -o $@ $< $(BUILD)/libedgewatt.a $(LDLIBS)

tests: $(BIN) $(TEST_BIN)

run: deps
	@$(MAKE) --no-print-directory all
	$(BIN) run scenarios/default.yaml

test: deps
	@$(MAKE) --no-print-directory tests
	@sh tests/run.sh $(BUILD)

bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/bench
	@$(BUILD)/bench

debug: deps
	@$(MAKE) --no-print-directory MODE=debug test

clean:
	rm -rf build edgewatt

-include $(LIB_OBJ:.o=.d) $(BUILD)/sim/main.d $(BUILD)/sim/cmd_sweep.d

# ---- calib/: the measuring program, build/calib/ew-calib (issue 4) ----------
# Not linked into the simulator. C part with the project's warnings plus
# OpenMP; the CUDA part (gpu_kernels.cu, cuBLAS, cuBLASLt) only where nvcc is
# found (on PATH, else /usr/local/cuda/bin): `make calib NVCC=` builds
# without it. NVML is loaded at run time (dlopen), so no driver is needed to
# build. cpu_kernels.c gets CALIB_CPU_OPT (the benchmark's own code
# generation: vector width and FMA of the machine that builds it).
CALIB_DIR      := build/calib
CALIB_BIN      := $(CALIB_DIR)/ew-calib
CALIB_OBJ      := $(patsubst calib/%.c,$(CALIB_DIR)/%.o,$(wildcard calib/*.c))
ifeq ($(origin NVCC),undefined)
NVCC           := $(shell command -v nvcc 2>/dev/null || command -v /usr/local/cuda/bin/nvcc 2>/dev/null)
endif
CALIB_CPU_OPT  ?= -O3 -march=native -ffp-contract=fast
CALIB_CPPFLAGS := -D_POSIX_C_SOURCE=200809L -DEW_VERSION='"$(VERSION)"' -MMD -MP
CALIB_CFLAGS   := -std=c11 $(WARN) -O2 -g -fopenmp -pthread
CALIB_LIBS     := -ldl -lm
ifneq ($(NVCC),)
CUDA_HOME      ?= $(patsubst %/bin/,%,$(dir $(realpath $(NVCC))))
CUDA_LIB       ?= $(firstword $(wildcard $(CUDA_HOME)/lib64 $(CUDA_HOME)/lib))
CALIB_CUDA_ARCH ?= -gencode=arch=compute_80,code=sm_80 -gencode=arch=compute_90,code=sm_90 \
                   -gencode=arch=compute_90,code=compute_90
NVCCFLAGS      ?= -O2 -std=c++17 -lineinfo
CALIB_CPPFLAGS += -DEW_CALIB_CUDA=1
CALIB_OBJ      += $(CALIB_DIR)/gpu_kernels.o
CALIB_LIBS     += -L$(CUDA_LIB) -Wl,-rpath,$(CUDA_LIB) -lcublasLt -lcublas -lcudart -lstdc++
endif

.PHONY: calib calib-force
calib: $(CALIB_BIN)

# a file that changes when the GPU part comes or goes, so the objects follow
calib-force:
$(CALIB_DIR)/config: calib-force
	@mkdir -p $(@D)
	@echo 'nvcc=$(NVCC) cpu=$(CALIB_CPU_OPT)' | cmp -s - $@ || \
	  echo 'nvcc=$(NVCC) cpu=$(CALIB_CPU_OPT)' > $@

$(CALIB_DIR)/%.o: calib/%.c $(CALIB_DIR)/config
	$(CC) $(CALIB_CPPFLAGS) $(CALIB_CFLAGS) -c $< -o $@

$(CALIB_DIR)/cpu_kernels.o: CALIB_CFLAGS += $(CALIB_CPU_OPT)

$(CALIB_DIR)/gpu_kernels.o: calib/gpu_kernels.cu calib/calib.h calib/nvml.h $(CALIB_DIR)/config
	$(NVCC) $(NVCCFLAGS) $(CALIB_CUDA_ARCH) -DEW_VERSION='"$(VERSION)"' -Xcompiler -Wall,-Wextra \
	  -c $< -o $@

$(CALIB_BIN): $(CALIB_OBJ)
	$(CC) -fopenmp -pthread -o $@ $^ $(CALIB_LIBS)

tests: $(CALIB_BIN)

-include $(CALIB_OBJ:.o=.d)
