# Two commands: `make serve` and `make test`. Both install what they need into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app storefront
PORT ?= 5000

.PHONY: serve test install translations lint bench clean messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

# Each feature package keeps its own catalog in storefront/<feature>/translations.
translations: $(VENV)/.installed
	@for d in storefront/*/translations; do \
		[ -d "$$d" ] && $(BIN)/pybabel -q compile --use-fuzzy -d "$$d" || true; \
	done

serve: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) demo logins
	$(BIN)/flask --app storefront run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) instance/*.db tests/artifacts

# Extract a feature's messages into its own catalog: `make messages FEATURE=catalog`.
# "core" also owns the shared top-level templates (base, macros, backoffice) and errors/.
messages: $(VENV)/.installed
	@test -n "$(FEATURE)" || (echo "usage: make messages FEATURE=<package>"; exit 2)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 --no-location \
		-o /tmp/$(FEATURE).pot storefront/$(FEATURE) $(wildcard templates/$(FEATURE)) \
		$(if $(filter core,$(FEATURE)),$(wildcard templates/*.html) templates/errors,)
	@if [ -f storefront/$(FEATURE)/translations/vi/LC_MESSAGES/messages.po ]; then \
		$(BIN)/pybabel -q update --no-fuzzy-matching -i /tmp/$(FEATURE).pot -d storefront/$(FEATURE)/translations -l vi; \
	else \
		$(BIN)/pybabel -q init -i /tmp/$(FEATURE).pot -d storefront/$(FEATURE)/translations -l vi; \
	fi
