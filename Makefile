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
	$(PYTHON) -m pip install --quiet -e '.[dev]'
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

bench: setup
	$(PYTHON) bench/run_bench.py

pdf-fixtures: setup
	$(PYTHON) tools/make_pdf_fixtures.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
