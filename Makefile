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

bench:
	$(SWIFT) run -c release planner-benchmark 100 1000 5000

clean-state:
	@scripts/demo.sh stop || true
	rm -rf $(STATE)
