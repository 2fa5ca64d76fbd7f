# plans: two commands on a fresh machine: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run index test lint typecheck bench clean chromium

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 (or 3.12, 3.13) is needed (set PY=...)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch pinned in the same command: a CPU wheel lies on disk; unpinned pulls a CUDA build
	$(BIN)/python -m pip install -q torch==2.13.0 -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: $(STAMP)
	$(BIN)/plans index

run: $(STAMP)
	-$(BIN)/plans index  # a skipped file is reported; the rest still serves
	$(BIN)/plans serve --host 127.0.0.1 --port 8000

test: $(STAMP) chromium
	$(BIN)/ruff check plans indexer assistant bots eval tests bench
	$(BIN)/mypy  # the packages named in pyproject.toml [tool.mypy]: plans indexer assistant bots eval
	$(BIN)/python -m pytest -q

# the browser test drives Debian's Chromium; install it when missing (root + apt), else the test
# skips itself with a visible reason
chromium:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; } || \
	  echo "note: Chromium could not be installed; the browser test will be skipped"

# benchmarks, not tests (about 1.5 hours with x1000; `make bench SCALES=1,10` for a quick look)
SCALES ?= 1,10,100,1000
bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/index_bench.py
	$(BIN)/python bench/retrieval.py --json bench/results/retrieval.json
	$(BIN)/python bench/ask_bench.py
	$(BIN)/python bench/scale_bench.py --scales $(SCALES)
	$(BIN)/python bench/before_after.py
	$(BIN)/python bench/report.py

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf .plans .pytest_cache .mypy_cache
