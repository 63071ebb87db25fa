# trialtables: `make extract` and `make test` do all set-up on a fresh machine.
PY ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup extract test diff audit bench pdf-fixtures clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev,dask]'
	touch $(STAMP)

extract: setup
	$(PYTHON) -m pipeline extract raw --out extracted
	$(PYTHON) -m pipeline audit --data extracted --out extracted/audit.html

test: setup
	$(PYTHON) -m pytest

# regenerate into a temporary folder and show what changed against the committed extracted/
diff: setup
	@tmp=$$(mktemp -d); \
	$(PYTHON) -m pipeline extract raw --out $$tmp -q && $(PYTHON) -m pipeline diff extracted $$tmp; \
	rc=$$?; rm -rf $$tmp; exit $$rc

audit: setup
	$(PYTHON) -m pipeline audit --data extracted --out extracted/audit.html

bench: setup
	$(PYTHON) bench/run_bench.py

pdf-fixtures: setup
	$(PYTHON) tools/make_pdf_fixtures.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
