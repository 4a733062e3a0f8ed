# hotline-score — `make` (or `make help`) lists the targets.
SHELL := /bin/bash
CARGO ?= cargo

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: test
test: lint deny test-rust test-python test-node ## Every check and every test of every language (what CI runs)

.PHONY: lint
lint: ## rustfmt --check, clippy -D warnings on the whole workspace, the core's API docs without a broken link
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --features hotline-score/json-schema --locked -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -p hotline-score --no-deps --locked

CARGO_DENY_VERSION ?= 0.20.2

.PHONY: deny
deny: ## cargo-deny: licence allowlist, duplicate versions, crates.io only (deny.toml; installs it if missing)
	@command -v cargo-deny >/dev/null 2>&1 || $(CARGO) install cargo-deny --locked --version $(CARGO_DENY_VERSION)
	$(CARGO) deny --locked check licenses bans sources

.PHONY: demo
demo: ## Score a synthetic city quarter: rankings, warnings, sanctions (release build)
	$(CARGO) run --release -p hotline-score-cli -- demo

.PHONY: chromium
chromium: ## Install headless Chromium (Debian package) for the HTML report test, unless present
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium (the HTML report test renders the report with it)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

.PHONY: screenshot
screenshot: chromium ## Regenerate docs/demo-report.png from the demo's HTML report
	@dpkg -s fonts-noto-cjk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk; }
	$(CARGO) run --release -p hotline-score-cli -- demo --html target/demo-report.html > /dev/null
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	  --disable-background-networking --disable-component-update --disable-sync \
	  --user-data-dir=$$(mktemp -d) --screenshot=docs/demo-report.png --window-size=1280,2000 \
	  file://$(abspath target/demo-report.html)

.PHONY: test-rust
test-rust: chromium ## Rust unit, property, vector, CLI and doc tests (installs chromium if missing)
	$(CARGO) test --workspace --features hotline-score/json-schema --locked --exclude hotline-score-python --exclude hotline-score-node

VENV ?= .venv
PY := $(VENV)/bin/python

# The venv is (re)provisioned whenever this Makefile changes its package list.
$(VENV)/.installed: Makefile
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "maturin>=1.9,<2" "pytest>=8" "hypothesis>=6" "mypy>=1.10" \
		"pyarrow>=14" "pandas>=2.2" "polars>=1.3"
	touch $@

.PHONY: python
python: $(VENV)/.installed ## Build the Python binding into .venv (debug build)
	cd bindings-python && VIRTUAL_ENV=$(abspath $(VENV)) ../$(VENV)/bin/maturin develop --quiet

PIP_CHECK_VENV ?= target/pip-check-venv

# `pip install ./bindings-python` as a user would run it: a fresh venv, maturin's PEP 517 backend
# (one release build), then the installed copy (not the .venv one) scores a small synthetic city.
.PHONY: python-install-check
python-install-check: ## pip install ./bindings-python into a throwaway venv under target/ and smoke-test it
	rm -rf $(PIP_CHECK_VENV)
	python3 -m venv $(PIP_CHECK_VENV)
	$(PIP_CHECK_VENV)/bin/python -m pip install --quiet ./bindings-python
	cd $(PIP_CHECK_VENV) && bin/python -c 'import sys, hotline_score as hs; \
	  assert hs.__file__.startswith(sys.prefix), hs.__file__; \
	  tickets, units, as_of = hs.synthetic_city(days=5, units=6, tickets_per_day=30); \
	  scores = hs.score(tickets, "sanmenxia", as_of=as_of); \
	  assert len(scores) == units.num_rows == 6 and len(tickets) > 0; \
	  print(f"hotline_score {hs.__version__} from pip: {len(tickets)} tickets scored, {len(scores)} units")'

.PHONY: test-python
test-python: python python-install-check ## pytest over the Python binding, its Rust unit tests, and the type stubs checked against it
	$(CARGO) test -p hotline-score-python --lib --locked
	$(PY) -m pytest -q bindings-python/tests
	$(PY) -m mypy.stubtest hotline_score
	$(PY) -m mypy --strict bindings-python/python/hotline_score

bindings-node/node_modules: bindings-node/package-lock.json
	cd bindings-node && npm ci --no-audit --no-fund
	touch $@

.PHONY: node
node: bindings-node/node_modules ## Build the Node binding (debug build); fails if index.d.ts drifts
	cd bindings-node && npx napi build --platform
	git diff --exit-code -- bindings-node/index.d.ts bindings-node/index.js

# `npm run build` as a user would run it after `npm install` (a release build), then the built
# module scores a small synthetic city. The debug build of `node` is restored afterwards for the
# tests (both builds write the same `.node` file).
.PHONY: node-install-check
node-install-check: bindings-node/node_modules ## npm run build (release) and smoke-test the result
	cd bindings-node && npm run build
	git diff --exit-code -- bindings-node/index.d.ts bindings-node/index.js
	cd bindings-node && node test/smoke.js

.PHONY: test-node
test-node: node-install-check node ## node:test over the Node binding, tsc --noEmit over a TypeScript user of it; the binding's Rust unit tests
	cd bindings-node && npm test
	$(CARGO) test -p hotline-score-node --lib --locked

.PHONY: bench-cli
bench-cli: ## Time `hotline-score score` on 1,000,000 synthetic tickets from CSV (numbers in BENCHMARKS.md)
	$(CARGO) build --release -p hotline-score-cli
	@test -f target/bench-cli/events.csv || ./target/release/hotline-score generate --out target/bench-cli \
	  --units 300 --days 90 --tickets-per-day 11500 --limit 1000000
	/usr/bin/time -v ./target/release/hotline-score score --tickets target/bench-cli/tickets.csv \
	  --events target/bench-cli/events.csv --units target/bench-cli/units.csv --period 2026-Q1 > /dev/null

FUZZ_SECONDS ?= 60
CARGO_FUZZ_VERSION ?= 0.13.2
FUZZ_TARGETS ?= scheme_toml scheme_json formula tickets_json events_csv calendar_data board_snapshot board_ingest

.PHONY: fuzz
fuzz: ## Run each fuzz target FUZZ_SECONDS (default 60) in turn; FUZZ_TARGETS picks some (FUZZING.md)
	@command -v cargo-fuzz >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked --version $(CARGO_FUZZ_VERSION)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/target/corpus/$$t && echo "== fuzzing $$t for $(FUZZ_SECONDS) s" && \
	  $(CARGO) fuzz run --fuzz-dir fuzz --sanitizer none --debug-assertions $$t \
	    fuzz/target/corpus/$$t fuzz/corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 || exit 1; \
	done

.PHONY: fmt
fmt: ## Format the Rust code
	$(CARGO) fmt --all

.PHONY: bench
bench: ## Criterion benchmarks (numbers go to BENCHMARKS.md)
	$(CARGO) bench -p hotline-score-benches
