# SecureMail: two commands on a fresh machine.
#   make run    set everything up and start the desktop app
#   make test   set everything up and run lint, type checks, the import and dead-code checks and the whole test
#               suite (headless)
#   make dist   wheel + sdist in dist/;  make bundle  PyInstaller one-folder bundle + tar.gz in dist/ (packaging/)

SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PACK_STAMP := $(VENV)/.pack-installed

# A Python that cannot hit the PySide6 6.12.0 + Python 3.11 crash: prefer 3.12/3.13 (pyproject pins PySide6 < 6.12
# on 3.11 anyway). Found on PATH or in pyenv's versions folder; override with `make PYTHON=/path/to/python3.12`.
PYTHON ?= $(shell packaging/find-python.sh)

.PHONY: run test test-lowest venv catalogues sysdeps sysdeps-gui lint typecheck check-imports deadcode unit bench demo ui clean smoke dist bundle faults screenshots

venv: $(STAMP) catalogues

# Translation catalogues (ADR 0008): the .pot template from the Vietnamese .po, and both .mo files, compiled by a
# standard-library compiler; rewritten only when changed. The .mo are not committed (.gitignore).
catalogues: $(STAMP)
	@$(PY) packaging/compile_catalogues.py --quiet

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "No Python 3.11+ found. Install python3.12 (see README, Troubleshooting)."; exit 1; }
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Debian packages: poppler-utils (pdftoppm, tests render PDFs), desktop-file-utils and appstream (tests validate
# the .desktop and metainfo files), Qt's X11 libraries and Xvfb (the app and its
# screenshots). Installed only when missing, and only where we may (root or sudo without a password).
sysdeps:
	@packaging/install-sysdeps.sh test

sysdeps-gui:
	@packaging/install-sysdeps.sh gui

run: venv sysdeps-gui
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(VENV)/bin/securemail $(ARGS); \
	elif command -v xvfb-run >/dev/null; then echo "No display: starting under Xvfb (xvfb-run)."; \
	  xvfb-run -a -s "-screen 0 1366x800x24" $(VENV)/bin/securemail $(ARGS); \
	else echo "No display: starting offscreen."; QT_QPA_PLATFORM=offscreen $(VENV)/bin/securemail $(ARGS); fi

lint: venv
	$(VENV)/bin/ruff check securemail tests bench

# Both views of the code: this machine's, and Windows' (no fcntl/resource there; see docs/build-windows.md).
typecheck: venv
	$(VENV)/bin/mypy securemail
	$(VENV)/bin/mypy --platform win32 securemail

check-imports: venv
	$(PY) packaging/check_imports.py

# Dead code: a name defined and used nowhere in securemail, tests, bench or packaging (vulture; its settings are in
# pyproject.toml, the names only a framework calls in packaging/vulture_whitelist.py).
deadcode: venv
	$(VENV)/bin/vulture

unit: venv sysdeps
	@QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -p no:cacheprovider; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

test: lint typecheck check-imports deadcode unit

# The suite on the LOWEST versions pyproject allows (every ">=X" pinned to X by packaging/lowest_constraints.py),
# in its own venv (.venv-lowest). Not part of `make test`: the downloads alone take several minutes.
LOWEST := .venv-lowest
test-lowest: sysdeps
	@test -n "$(PYTHON)" || { echo "No Python 3.11+ found."; exit 1; }
	@test -x $(LOWEST)/bin/python || $(PYTHON) -m venv $(LOWEST)
	$(PYTHON) packaging/lowest_constraints.py > $(LOWEST)/constraints.txt
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(LOWEST)/bin/python -m pip install --quiet -c $(LOWEST)/constraints.txt -e '.[dev]'
	$(LOWEST)/bin/python packaging/lowest_constraints.py --check
	@QT_QPA_PLATFORM=offscreen $(LOWEST)/bin/pytest -q -p no:cacheprovider

smoke: venv
	python3 ../shared/tools/contract_smoke.py $(VENV)/bin/securemail-cli

# One table of ratios against the bare limits (bench/run.py, rows in bench/rows/). BENCH_SIZE=tiny|default|full
# (full: the 1,000,000-event and 1,000,000-item rows); big vaults are built once and cached in BENCH_DATA
# (default ~/.cache/securemail-bench; never in git). See docs/performance.md.
BENCH_SIZE ?= default
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	@touch $@

bench: $(BENCH_STAMP)
	$(PY) bench/run.py --size $(BENCH_SIZE) $(if $(BENCH_DATA),--data $(BENCH_DATA))

# Crash and fault harness (tests/faults): every CLI write path SIGKILLed at random moments, at least 60 kills,
# the vault checked after each; disk full (tmpfs) and read-only folders; power cuts. The suite runs a short version.
faults: venv
	SECUREMAIL_FAULT_KILLS=$${SECUREMAIL_FAULT_KILLS:-60} SECUREMAIL_FAULT_FULL=1 QT_QPA_PLATFORM=offscreen \
	  $(VENV)/bin/pytest tests/faults -q -s -p no:cacheprovider

# Screenshots for the user guide on a 1366x768 and a 1024x600 screen, both languages; LOOK at them afterwards.
screenshots: venv
	@for size in 1366x768 1024x600; do for lang in vi en; do \
	  $(PY) tests/gui/make_screenshots.py --size $$size --lang $$lang || exit 1; done; done

demo: venv
	$(VENV)/bin/securemail-cli --vault demo-vault demo

ui: venv
	$(PY) -m securemail.gui.build_ui

# Packaging tools (build, PyInstaller) only for the targets that need them.
$(PACK_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,pack]'
	@touch $@

dist: $(PACK_STAMP)
	rm -rf dist/securemail-*.whl dist/securemail-*.tar.gz
	$(PY) -m build --outdir dist .
	$(PY) packaging/check_dist.py dist

bundle: $(PACK_STAMP) catalogues sysdeps sysdeps-gui
	packaging/build-bundle.sh $(PY)

clean:
	rm -rf $(VENV) $(LOWEST) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
