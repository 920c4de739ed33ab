# The two commands a newcomer needs: `make demo` and `make test`.
# Each sets up .venv with everything it needs by itself.

PYTHON ?= python3
# Both cores (or all a machine has): the suite takes half the time.
PYTEST_ARGS ?= -n auto
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench translations clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/wijknet demo $(DEMO_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

# After changing texts: collect them, add new ones to the Dutch catalogue
# (translate them in messages.po), and compile it.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location -o wijknet/translations/messages.pot .
	$(BIN)/pybabel update -i wijknet/translations/messages.pot -d wijknet/translations -l nl --width 100 --ignore-obsolete
	$(BIN)/pybabel compile -d wijknet/translations -l nl

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
