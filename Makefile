# Loom: the commands the README promises.  CMake does the building; this file
# only sequences it.  Every target installs missing Debian packages first.
#
#   make            build into build/
#   make check      build (plus the fuzz targets with clang) and run every test
#   make demo       build, then start a local 3-chassis deployment (make demo-down stops it)
#   make fuzz       long fuzzing runs (LOOM_FUZZ_SECONDS each, default 300)
#   make bench      benchmarks against Debian's OVN (bench/*/run)

BUILD      ?= build
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build build-fuzz check fuzz demo demo-down bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# The fuzz targets need clang's libFuzzer and ASan/UBSan: a separate tree.
build-fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DLOOM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzz_all

check: build build-fuzz
	@LOOM_BUILD=$(BUILD) LOOM_FUZZ_BUILD=$(FUZZ_BUILD) tests/run-tests.sh

fuzz: build-fuzz
	@LOOM_BUILD=$(BUILD) LOOM_FUZZ_BUILD=$(FUZZ_BUILD) \
	  LOOM_FUZZ_SECONDS=$${LOOM_FUZZ_SECONDS:-300} LOOM_TEST_TIMEOUT=100000 \
	  tests/run-tests.sh 'fuzz/*'

demo: build
	@LOOM_BUILD=$(CURDIR)/$(BUILD) scripts/demo.sh

demo-down:
	@scripts/demo-down.sh

bench: build
	@for b in bench/*/run; do [ -x "$$b" ] && LOOM_BUILD=$(CURDIR)/$(BUILD) "$$b"; done; true

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
