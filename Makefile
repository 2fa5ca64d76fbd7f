# plans: two commands on a fresh machine: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run index test lint bench clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PY=...)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch pinned in the same command: a CPU wheel lies on disk; unpinned pulls a CUDA build
	$(BIN)/python -m pip install -q torch==2.13.0 -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: $(STAMP)
	$(BIN)/plans index

run: $(STAMP)
	$(BIN)/plans index
	$(BIN)/plans status

test: $(STAMP)
	$(BIN)/ruff check plans indexer assistant bots eval tests bench
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/index_bench.py

clean:
	rm -rf .plans .pytest_cache
