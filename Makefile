# Backprop by Hand: two commands from a fresh clone — `make lab` and `make test`.
# Both create .venv when it is missing and install the project (editable) with its extras.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Single-threaded BLAS: the course's matrices are small, and on a 2-core machine BLAS threads
# spinning against each other (or against a second process) made sequence backward passes up
# to 100x slower. Override with `make test OPENBLAS_NUM_THREADS=2`.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: lab test test-quick notebooks bench bench-threads figures slides pdf mutation lint clean-venv install \
	classroom classroom-check

install: $(STAMP)

$(BIN)/python:
	@$(PYTHON) scripts/check_python.py
	$(PYTHON) -m venv $(VENV)

# labextensions/backprop-rise-widgets lets ipywidgets 8 render in jupyterlab-rise's live
# slideshow (a prebuilt federated module, no build step); pip -e does not install data files.
RISE_FIX := labextensions/backprop-rise-widgets

$(STAMP): pyproject.toml $(RISE_FIX)/static/remoteEntry.js $(RISE_FIX)/package.json | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,author]'
	mkdir -p $(VENV)/share/jupyter/labextensions
	cp -R $(RISE_FIX) $(VENV)/share/jupyter/labextensions/
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# One worker per core; pyproject's addopts add --dist loadscope, which keeps each notebook (and
# each test module's fixtures, such as the browser test's JupyterLab) on one worker.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

# Everything but the real-browser test (about a minute): for quick iterations.
test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -n auto -m "not browser"

notebooks: $(STAMP)
	$(BIN)/python scripts/build_notebooks.py $(NB)

bench: $(STAMP)
	$(BIN)/python bench/bench_layers.py
	$(BIN)/python bench/bench_aliasing.py
	$(BIN)/python bench/bench_norm.py
	$(BIN)/python bench/bench_attention.py
	$(BIN)/python bench/bench_widgets.py

# Notebook execution with vs without the BLAS thread variables, beside a busy process.
bench-threads: $(STAMP)
	env -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS -u MKL_NUM_THREADS \
		$(BIN)/python bench/bench_threads.py $(NB)

# Mutation score of helpers/ modules (widgets excepted) by the unit tests alone: every module,
# or `make mutation MUTATE=helpers/gradcheck.py JOBS=2`. Runs in a private copy under /tmp.
MUTATE ?= $(filter-out helpers/widgets/%,$(wildcard helpers/*.py helpers/*/*.py))
mutation: $(STAMP)
	$(BIN)/python scripts/mutation.py $(MUTATE) --jobs $(or $(JOBS),2)

slides: $(STAMP)
	$(BIN)/python scripts/build_slides.py

# One PDF per deck (reveal.js print mode in Chromium), one slide per page, into build/pdf/.
pdf: slides
	$(BIN)/python scripts/make_pdf.py

figures: $(STAMP)
	$(BIN)/python scripts/make_figures.py

# The classroom edition (nbgrader): build/classroom/ holds the nbgrader course, source/ and the
# student versions in release/, for every notebook (or NB="03 06"; OUT=dir, CONFIG=my.toml for a
# lecturer's own copy). nbgrader (the classroom extra) goes into build/.venv-classroom, a venv on
# top of .venv, so `make lab` stays without it.
CLASSROOM_PY := build/.venv-classroom/bin/python
CLASSROOM_ARGS = $(NB) $(if $(CONFIG),--config $(CONFIG))

classroom: $(STAMP)
	$(BIN)/python scripts/classroom.py install
	$(CLASSROOM_PY) scripts/classroom.py build $(CLASSROOM_ARGS) $(if $(OUT),--out $(OUT))

# The round trip with nbgrader on throw-away gradebooks: the source scores full marks, the
# student version 0, a planted classic mistake loses exactly its exercise. Prints the scores.
classroom-check: $(STAMP)
	$(BIN)/python scripts/classroom.py install
	$(CLASSROOM_PY) scripts/classroom_check.py $(CLASSROOM_ARGS) --jobs $(or $(JOBS),2)

lint: $(STAMP)
	$(BIN)/ruff check helpers tests scripts bench

clean-venv:
	rm -rf $(VENV)
