PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export KERAS_BACKEND := jax

.PHONY: install test test-slow demo quickstart bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,serve,dev,examples]'
	touch $(STAMP)

test: install
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

test-slow: install
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m slow

demo: install
	$(BIN)/python examples/retail_demo.py

quickstart: install
	$(BIN)/python examples/digits_demo.py

bench: install
	$(BIN)/python benchmarks/inference_latency.py

lint: install
	$(BIN)/ruff check kerasish tests benchmarks examples
	$(BIN)/ruff format --check kerasish tests benchmarks examples

clean:
	rm -rf $(VENV) build *.egg-info
