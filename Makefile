PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install test lint run bench faults eval validate train clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(PY) -m ruff check .

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -q

run: $(STAMP)
	$(PY) -m bot run

validate: $(STAMP)
	$(PY) -m bot kb validate

bench: $(STAMP)
	$(PY) bench/bench.py
	$(PY) bench/bench_telegram.py
	$(PY) bench/bench_webchat.py
	$(PY) bench/faults.py --quick

faults: $(STAMP)
	$(PY) bench/faults.py

eval: $(STAMP)
	$(PY) ../shared/eval/score.py ../shared/eval/dev.yaml -v --cmd "$(PY) -m bot ask --jsonl"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

train: $(STAMP)
	$(PY) bench/train.py
