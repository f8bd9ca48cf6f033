# docintel — fresh Debian machine with Python 3.11 → `make demo` / `make test`.
# Every step leaves a stamp, so a second run redoes nothing. The Dockerfile mirrors these steps.

PYTHON  ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
STAMPS  := .make
VAR     ?= var
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

APT_PACKAGES := fonts-noto-cjk fonts-wqy-microhei fonts-arphic-ukai tesseract-ocr tesseract-ocr-chi-sim poppler-utils \
	libnss3-tools redis-server postgresql softhsm2 opensc libgl1 libglib2.0-0

export PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK := True
export DOCINTEL_VAR_DIR ?= $(abspath $(VAR))

.PHONY: setup apt venv models demo test lint serve worker bench bench-accuracy lock clean

setup: apt venv models

# --- system packages -------------------------------------------------------------------------
apt: $(STAMPS)/apt
$(STAMPS)/apt: Makefile
	@mkdir -p $(STAMPS)
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "apt: installing $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

# --- Python environment ------------------------------------------------------------------------
venv: $(STAMPS)/venv
$(STAMPS)/venv: requirements.lock pyproject.toml
	@mkdir -p $(STAMPS)
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q pip==26.3 setuptools==80.9.0 wheel==0.45.1
	$(BIN)/python -m pip install -q --no-deps -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

# --- OCR models: assembled from the rapidocr wheel, never downloaded -------------------------------
models: $(VAR)/models/manifest.json
$(VAR)/models/manifest.json: $(STAMPS)/venv
	$(BIN)/docintel models assemble

# --- the two commands of the README ------------------------------------------------------------------
demo: setup
	$(BIN)/python -m samples.demo

test: setup
	$(BIN)/ruff check --no-cache .
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --check .

serve: setup
	$(BIN)/docintel serve

worker: setup
	$(BIN)/docintel worker

# Speed and memory: each script prints one JSON object with ratios against a peer measured in the same run.
bench: setup
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/capture.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/sign.py
	$(BIN)/python bench/check.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/jobs.py

# The full contract accuracy run (≥ 30 documents per type and form; about an hour on 2 cores).
bench-accuracy: setup
	$(BIN)/python bench/contract_accuracy.py

lock:
	$(BIN)/pip freeze --exclude-editable | grep -v -E "^(docintel|opencv-python|opencv-python-headless)==" > requirements.lock.new
	@echo "review requirements.lock.new, keep the header comment, then move it over requirements.lock"

clean:
	rm -rf $(STAMPS) $(VENV) $(VAR)
