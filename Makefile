# Thin wrapper over CMake presets. `make help` lists the targets.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEPS_STAMP := build/.deps-installed

.PHONY: all build test run bench fuzz tsan deps format clean help

all: build

help:
	@echo "make          build the release binary (build/release/accord)"
	@echo "make test     build with ASan+UBSan and run every test (ctest)"
	@echo "make run      build and show how to use accord"
	@echo "make bench    run the benchmarks (bench/) against their baselines"
	@echo "make fuzz     build the libFuzzer targets with clang and fuzz each briefly"
	@echo "make tsan     run the tests under ThreadSanitizer"

$(DEPS_STAMP): scripts/install-deps.sh
	@sh scripts/install-deps.sh
	@mkdir -p build && touch $@

deps: $(DEPS_STAMP)

build: $(DEPS_STAMP)
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

test: $(DEPS_STAMP)
	cmake --preset asan-ubsan >/dev/null
	cmake --build --preset asan-ubsan -j $(JOBS)
	ctest --preset asan-ubsan -j $(JOBS)

tsan: $(DEPS_STAMP)
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS)

run: build
	@sh scripts/run.sh

bench: build
	@sh bench/run.sh

fuzz: $(DEPS_STAMP)
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)
	@sh fuzz/run.sh build/fuzz

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build
