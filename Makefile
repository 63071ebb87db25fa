# trialtables: `make extract` and `make test` do all set-up on a fresh machine.
PY ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup extract test diff audit bench bench-scale pdf-fixtures flag-report clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
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

# precision among unflagged measures, share flagged and recall on the real tables
flag-report: setup
	$(PYTHON) tools/flag_report.py

bench: setup bench-scale
	$(PYTHON) bench/run_bench.py

# cost per row of one long table (1k, 4k, 16k rows; text and markdown): bench/SCALE.md
bench-scale: setup
	$(PYTHON) bench/scale.py

pdf-fixtures: setup
	$(PYTHON) tools/make_pdf_fixtures.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
