# The two commands of the README. Both install what is missing (Debian 12, as root),
# then build with meson + ninja.
BUILD ?= build
BIN    = $(BUILD)/src/oci-rootless
EXAMPLE = examples/runc-spec

.PHONY: all deps build run test fuzz bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	@scripts/demo.sh $(BIN) $(EXAMPLE)

test: build
	@scripts/run-tests.sh $(BUILD)

# libFuzzer with ASan and UBSan, FUZZ_SECONDS per target (see tests/fuzz/README.md).
FUZZ_SECONDS ?= 60
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_SECONDS)

# oci-rootless against a static C floor, a Go program with the runtime-spec
# types and jq, on the same inputs: bench/results.md and bench/results.png
# (installs what is missing; about 5 minutes; BENCH_QUICK=1 for a short run).
bench:
	@bench/run.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-bench bench/out
