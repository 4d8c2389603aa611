# The two commands of the contract: `make run` and `make check`.
# Everything else is a helper for developers.
BUILD ?= build
ASAN_BUILD ?= build-asan
DATA ?= ./var
MESON_OPTS ?=

.PHONY: all deps build run check test format format-check fuzz bench clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	@meson setup $(BUILD) $(MESON_OPTS) >/dev/null

build: deps $(BUILD)/build.ninja
	@scripts/build-assets
	@ninja -C $(BUILD) >/dev/null || ninja -C $(BUILD)

run: build
	@[ -f $(DATA)/signaal.db ] || $(BUILD)/signaal init --data $(DATA) --org velsen --demo
	@$(BUILD)/signaal serve --data $(DATA)

check: build
	@scripts/check

format:
	@clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')

fuzz: build
	@scripts/fuzz 300

bench: build
	@bench/http/run

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-clang
