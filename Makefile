# The two commands: `make demo` and `make test`. Each installs what it needs first.
SHELL := /bin/bash
SWIFT ?= swift
STATE ?= $(CURDIR)/.state

.PHONY: demo test build lint format deps-test deps-demo screenshots bench clean-state

demo: deps-demo build
	@scripts/demo.sh

test: deps-test build lint
	set -o pipefail; $(SWIFT) test 2>&1 | tee .build/test-output.txt

build:
	$(SWIFT) build --build-tests

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Benchmarks Package.swift

format:
	$(SWIFT) format --in-place --recursive Sources Tests Benchmarks Package.swift

deps-test:
	@scripts/install-deps.sh test

deps-demo:
	@scripts/install-deps.sh demo

screenshots: build
	@scripts/install-deps.sh screenshots
	@scripts/screenshots.sh

# `make bench` (release): the planner benchmark, then the load benchmark on a real registry.
# Scale: BENCH_TAGS="10000 100000" BENCH_REPOSITORIES=20 BENCH_ROUNDS=1; BENCH_ARGS passes more
# load-benchmark options (see `swift run -c release load-benchmark --help`).
BENCH_TAGS ?= 10000
BENCH_REPOSITORIES ?= 20
BENCH_ROUNDS ?= 1
BENCH_ARGS ?=

bench:
	@scripts/install-deps.sh bench
	$(SWIFT) build -c release --product regsweep
	$(SWIFT) build -c release --product planner-benchmark
	$(SWIFT) build -c release --product load-benchmark
	@echo "== planner-benchmark"
	$(SWIFT) run -c release --skip-build planner-benchmark 100 1000 2500 25000
	@echo "== load-benchmark (regsweep $$(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
	$(SWIFT) run -c release --skip-build load-benchmark $(foreach t,$(BENCH_TAGS),--tags $(t)) \
		--repositories $(BENCH_REPOSITORIES) --rounds $(BENCH_ROUNDS) \
		--regsweep "$$($(SWIFT) build -c release --show-bin-path)/regsweep" $(BENCH_ARGS)

clean-state:
	@scripts/demo.sh stop || true
	rm -rf $(STATE)
