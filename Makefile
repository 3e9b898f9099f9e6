# idmbook: `make build` builds the publication, `make test` runs the tests.
# Both create .venv and install what they need when it is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install build draft validate status test lint format bench bench-readme schemas reference-docx pictures clean
.PHONY: ci-validate release github-release docs
.PHONY: hostile fuzz corpus

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-15s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install idmbook with its development tools

build: $(STAMP) ## Build the IDM 2017 publication into dist/ (DOCX and PDF)
	$(BIN)/idmbook build

draft: $(STAMP) ## Build a watermarked release draft into dist/
	$(BIN)/idmbook build --draft

validate: $(STAMP) ## Check every note, contribution and the config
	$(BIN)/idmbook validate

status: $(STAMP) ## Show notes per session, contributions, theme coverage, --final blockers
	$(BIN)/idmbook status

ci-validate: $(STAMP) ## CI: validate with GitHub annotations on the pull request
	$(BIN)/idmbook validate --format github

release: $(STAMP) ## CI on a tag: build the final book (refuses drafts and errors) into dist/
	$(BIN)/idmbook build --final --force

TAG ?= $(GITHUB_REF_NAME)
github-release: ## CI on a tag: attach dist/ (DOCX, PDF, manifest) to the GitHub release TAG (needs gh)
	@test -n "$(TAG)" || { echo "TAG is not set (make github-release TAG=v1.0)"; exit 2; }
	gh release create "$(TAG)" --verify-tag --title "$(TAG)" --generate-notes \
	  dist/*.docx dist/*.pdf dist/*.manifest.json

docs: $(STAMP) ## Regenerate docs/rules.md from the rules in idmbook/rules/codes.py
	$(BIN)/python scripts/make_rule_docs.py docs/rules.md

test: $(STAMP) ## Run the test suite
	$(BIN)/pytest -q

hostile: $(STAMP) ## Run the hostile-input corpus and print a table: case, entry point, expected, observed, pass
	$(BIN)/python scripts/hostile_report.py

corpus: $(STAMP) ## Gather the corpus of real Word/ODT/RTF files (IDMBOOK_CORPUS, default /work/corpus) and run idmbook on each (not part of `make test`)
	$(BIN)/python scripts/corpus_gather.py
	$(BIN)/python scripts/corpus_run.py

fuzz: $(STAMP) ## The property-based tests with a large example budget (HYPOTHESIS_PROFILE=fuzz)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q tests/test_fuzz_sanitize.py tests/test_preflight.py tests/test_fuzz_render.py
	FUZZ_EXAMPLES=3000 FUZZ_RANDOM=1 $(BIN)/pytest -q tests/test_fuzz_loader.py tests/test_yaml_parsers.py tests/test_content_scan.py

lint: $(STAMP) ## ruff (lint and format check), mypy --strict, the import contracts and size limits
	$(BIN)/ruff check idmbook tests scripts bench
	$(BIN)/ruff format --check idmbook tests scripts bench
	$(BIN)/mypy idmbook
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -q -p no:cacheprovider tests/test_architecture.py

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format idmbook tests scripts bench
	$(BIN)/ruff check --fix idmbook tests scripts bench

SCALE ?= idm
bench: $(STAMP) ## Benchmark against plain pandoc + typst into bench/results.json (SCALE=idm|compendium|both; idm: a few minutes)
	$(BIN)/python bench/bench.py --scale $(SCALE)

bench-readme: $(STAMP) ## The same, and the results written into README.md's Performance tables
	$(BIN)/python bench/bench.py --scale $(SCALE) --readme

schemas: $(STAMP) ## Write JSON Schemas of the front matter into schemas/
	$(BIN)/idmbook schema --out schemas

reference-docx: $(STAMP) ## Regenerate templates/reference.docx from its script
	$(BIN)/python scripts/make_reference_docx.py templates/reference.docx

pictures: build ## Regenerate the README's pictures of the built book (needs pdftoppm)
	$(BIN)/python scripts/make_pictures.py

clean: ## Remove the virtual environment, caches and outputs
	rm -rf $(VENV) dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
