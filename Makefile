# Two commands on a fresh machine:  make book   and   make test
# Everything the course needs is installed here, from the package registries only.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JB := $(BIN)/jupyter-book
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# npm tools (Lighthouse, the Nu HTML checker, JupyterHub's proxy) installed from bench/package-lock.json; see below.
NODE_TOOLS := bench/node_modules/.installed

.PHONY: help setup chromium java book test check lab serve bench teacher handouts slides lms linkcheck clean

help:
	@echo "make book   - set up, execute the notebooks, build the HTML book into _build/html"
	@echo "make test   - set up, run every test (unit, nbval, book build, browser, JupyterHub)"
	@echo "make check  - set up, lint, run the fast tests only (no book build, browser, notebooks or hub)"
	@echo "make lab    - open JupyterLab on the course"
	@echo "make serve  - serve the built book on http://127.0.0.1:$(PORT)"
	@echo "make bench  - page weight, Lighthouse and build-time benchmarks (prints numbers)"
	@echo "make teacher  - teacher edition (guide + answer keys) into _build/teacher/_build/html"
	@echo "make handouts - per chapter a student PDF and a teacher key PDF into handouts/"
	@echo "make slides   - reveal.js slides for every chapter into _build/slides (offline)"
	@echo "make lms      - question banks for Moodle (XML, GIFT) and Canvas/Blackboard (QTI 1.2) into _build/lms"

# The course's JupyterLab pieces (sciatica_course/lab/install.py): the extension that shows
# citations and chapter links as the book does, its server side, the kernel setting that drops
# ipykernel's local-TCP notice, and Lab settings without the news popup. Links into $(VENV).
LAB_INSTALL := $(VENV)/.lab-installed
$(LAB_INSTALL): sciatica_course/lab/install.py | $(STAMP)
	@$(BIN)/python -m sciatica_course lab-install > /dev/null
	@touch $@

setup: $(STAMP) $(LAB_INSTALL)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	@echo "Installing requirements-dev.txt (with requirements.txt) into $(VENV) (log: $(VENV)/pip.log)..."
	@$(BIN)/python -m pip install -r requirements-dev.txt > $(VENV)/pip.log 2>&1 || { tail -30 $(VENV)/pip.log; exit 1; }
	touch $(STAMP)

# Debian's Chromium drives the browser tests (Playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# Debian's Java runtime runs the Nu HTML checker (vnu.jar) in the tests.
java:
	@command -v java >/dev/null || { \
	  echo "Installing Debian's default-jre-headless for the HTML checker..."; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless >/dev/null; }

book: setup
	$(JB) build . -W -n --keep-going
	@echo
	@echo "The book is at $(CURDIR)/_build/html/index.html"
	@echo "Serve it with:  make serve   (then open http://127.0.0.1:$(PORT))"

# The run's time is kept in .venv/last-make-test; `make bench` prints it.
# tests/test_html_valid.py runs the Nu HTML checker from bench/node_modules (on Java).
test: setup chromium java $(NODE_TOOLS)
	@start=$$(date +%s); $(BIN)/python -m pytest --nbval-lax tests notebooks; rc=$$?; \
	  secs=$$(( $$(date +%s) - start )); echo "make test: $$secs s (exit $$rc)"; \
	  echo "$$secs $$(date -u +%Y-%m-%dT%H:%MZ) exit=$$rc" > $(VENV)/last-make-test; exit $$rc

# The fast tier: lint (ruff on the package and tests, and through nbQA on the notebooks and the
# chapter template; configured in pyproject.toml), then what `make test` runs less the tests marked
# slow, browser or hub (pyproject.toml).
check: setup
	$(BIN)/ruff check sciatica_course tests
	$(BIN)/nbqa ruff notebooks docs
	$(BIN)/python -m pytest -m "not slow and not browser and not hub" tests

# JupyterLab on this machine only (127.0.0.1). tests/test_browser_lab.py runs this same target,
# adding its own token, port and temporary settings folders through LAB_OPTS.
LAB_OPTS ?=
# Jupyter refuses to run as root (CI, containers) unless told to.
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
# No update check: it would reach for another host. (The news popup is turned off by the Lab
# settings `make setup` installs, sciatica_course/lab/install.py.)
LAB_QUIET := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
lab: setup
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --notebook-dir=. $(ALLOW_ROOT) $(LAB_QUIET) $(LAB_OPTS) notebooks/01-welcome.ipynb

# Links to other sites, checked by Sphinx's linkcheck builder: needs a network, so it is not part of
# `make test` (tests/test_links.py checks every internal link and anchor offline).
linkcheck: setup
	$(JB) build . --builder linkcheck

serve:
	@test -f _build/html/index.html || { echo "No book yet: run 'make book' first"; exit 1; }
	@echo "Serving the book on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	cd _build/html && $(PYTHON) -m http.server $(PORT) --bind 127.0.0.1

# Teacher edition: the same sources plus the teacher guide and answer keys. The guide pages and the
# edition's _config.yml/_toc.yml are generated (python -m sciatica_course teacher-guide); the
# student edition (make book) never lists them.
TEACHER_OUT ?= _build/teacher
HANDOUTS_OUT ?= handouts
SLIDES_OUT ?= _build/slides
LMS_OUT ?= _build/lms

teacher: setup
	$(BIN)/python -m sciatica_course teacher-guide --edition $(TEACHER_OUT)
	$(JB) build . --config $(TEACHER_OUT)/_config.yml --toc $(TEACHER_OUT)/_toc.yml --path-output $(TEACHER_OUT) -W -n --keep-going
	@echo "The teacher edition is at $(abspath $(TEACHER_OUT))/_build/html/index.html"

handouts: setup chromium
	$(BIN)/python -m sciatica_course handouts --out $(HANDOUTS_OUT)

slides: setup
	$(BIN)/python -m sciatica_course slides --out $(SLIDES_OUT)
	@echo "Open $(abspath $(SLIDES_OUT))/<chapter>.slides.html (F: full screen, S: speaker view)"

# The question banks for learning platforms (book/teacher/lms.md tells teachers how to import them).
lms: setup
	$(BIN)/python -m sciatica_course export-questions --format moodle --out $(LMS_OUT)
	$(BIN)/python -m sciatica_course export-questions --format gift --out $(LMS_OUT)
	$(BIN)/python -m sciatica_course export-questions --format qti12 --out $(LMS_OUT)

# Lighthouse (make bench), and for make test the Nu HTML checker vnu-jar and configurable-http-proxy
# (JupyterHub's proxy, tests/test_hub_e2e.py), come from the npm registry,
# pinned in bench/package-lock.json, into bench/node_modules.
# Java first: without it vnu-jar's install step would try to download a Java runtime from elsewhere.
$(NODE_TOOLS): bench/package.json bench/package-lock.json | java
	@command -v npm >/dev/null || { \
	  echo "Installing Debian's nodejs and npm for Lighthouse and the HTML checker..."; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Page weight (cold/warm), Lighthouse per page, cold build and rebuild times; writes
# bench/results.md. BENCH_ARGS=--run-tests also times a full `make test`.
BENCH_ARGS ?=
bench: setup chromium $(NODE_TOOLS)
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

clean:
	rm -rf _build
