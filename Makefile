# The two commands of the README. Both install what is missing (Debian 12, as root),
# then build with meson + ninja.
BUILD ?= build
BIN    = $(BUILD)/src/oci-rootless
EXAMPLE = examples/runc-spec

.PHONY: all deps build run test fuzz clean

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

clean:
	rm -rf $(BUILD) build-asan build-fuzz
