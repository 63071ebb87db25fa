# trialtables: `make extract` and `make test` do all set-up on a fresh machine.
PY ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup extract test diff audit bench bench-scale bench-pdf pdf-fixtures flag-report clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev,dask]'
	touch $(STAMP)

extract: setup
	$(PYTHON) -m pipeline extract raw --out extracted
	$(PYTHON) -m pipeline audit --data extracted --out extracted/review --inputs raw

test: setup
	$(PYTHON) -m pytest

# what changed in extracted/ since the last commit (run after `make extract`); `pipeline diff`
# exits 1 on differences, which this recipe turns into one line instead of a make error
diff: setup
	@$(PYTHON) -m pipeline diff --against HEAD extracted; rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "make diff: extracted/ differs from the last commit (listed above)"; \
	elif [ $$rc -ne 0 ]; then echo "make diff: could not compare (status $$rc)"; exit $$rc; fi

audit: setup
	$(PYTHON) -m pipeline audit --data extracted --out extracted/review --inputs raw

# precision among unflagged measures, share flagged and recall on the real tables
flag-report: setup
	$(PYTHON) tools/flag_report.py

bench: setup bench-scale
	$(PYTHON) bench/run_bench.py
	$(PYTHON) bench/pdf_bench.py --out bench/PDF_RESULTS.md

# the PDF reader alone, on the real journal PDFs in ../shared/samples/pdf (skips without them)
bench-pdf: setup
	$(PYTHON) bench/pdf_bench.py --out bench/PDF_RESULTS.md

# cost per row of one long table (1k, 4k, 16k rows; text and markdown): bench/SCALE.md
bench-scale: setup
	$(PYTHON) bench/scale.py

pdf-fixtures: setup
	$(PYTHON) tools/make_pdf_fixtures.py
	$(PYTHON) tools/make_platypus_fixtures.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
