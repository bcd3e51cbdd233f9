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
CFLAGS   += -std=c11 $(WARN) $(OPT) $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lcsv -lm

LIB_SRC  := $(filter-out sim/main.c,$(wildcard sim/*.c models/*/*.c))
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

# the gnuplot scripts are built into the binary as C strings
$(BUILD)/plots_gp.c: plots/power.gp
	@mkdir -p $(@D)
	{ printf 'const char ew_plot_power_gp[] =\n'; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  printf ';\n'; } > $@

$(BUILD)/libedgewatt.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BIN): $(BUILD)/sim/main.o $(BUILD)/libedgewatt.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

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

-include $(LIB_OBJ:.o=.d) $(BUILD)/sim/main.d
