# hotline-score — `make` (or `make help`) lists the targets.
SHELL := /bin/bash
CARGO ?= cargo

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: test
test: lint test-rust ## Every check and every test of every language (what CI runs)

.PHONY: lint
lint: ## rustfmt --check and clippy -D warnings on the whole workspace
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --all-features --locked -- -D warnings

.PHONY: test-rust
test-rust: ## Rust unit, property, vector and doc tests
	$(CARGO) test --workspace --all-features --locked

.PHONY: fmt
fmt: ## Format the Rust code
	$(CARGO) fmt --all

.PHONY: bench
bench: ## Criterion benchmarks (numbers go to BENCHMARKS.md)
	$(CARGO) bench -p hotline-score-benches
