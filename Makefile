# docintel — fresh Debian machine with Python 3.11 → `make demo` / `make test`.
# Every step leaves a stamp, so a second run redoes nothing. The Dockerfile mirrors these steps.

PYTHON  ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
STAMPS  := .make
VAR     ?= var
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

APT_PACKAGES := fonts-noto-cjk fonts-wqy-microhei fonts-arphic-ukai tesseract-ocr tesseract-ocr-chi-sim poppler-utils \
	libnss3-tools redis-server postgresql softhsm2 opensc libgl1 libglib2.0-0 chromium chromium-driver

export PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK := True
export DOCINTEL_VAR_DIR ?= $(abspath $(VAR))

.PHONY: setup apt venv models demo test lint serve worker redis pg migrate api workers bench bench-accuracy lock clean

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
	$(BIN)/python -m devtools.demo

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

# --- scale-out topology without containers: the services of docker-compose.yml, one terminal each -------
#   make redis   make pg   make migrate   make api   make workers N=2
# Same commands and settings as the compose file; data under $(VAR)/redis and $(VAR)/pg. On more hosts, point
# REDIS_HOST/PG_HOST at the machine running redis and pg, and run `make workers` there.
N          ?= 2
REDIS_HOST ?= 127.0.0.1
REDIS_PORT ?= 6379
PG_HOST    ?= 127.0.0.1
PG_PORT    ?= 5433
PG_BIN      = $(lastword $(sort $(wildcard /usr/lib/postgresql/*/bin)))
AS_PG       = $(if $(SUDO),,runuser -u postgres --)
SCALE_ENV   = DOCINTEL_JOBS__BROKER_URL=redis://$(REDIS_HOST):$(REDIS_PORT)/0 \
	DOCINTEL_STORAGE__DATABASE_URL=postgresql+psycopg2://docintel@$(PG_HOST):$(PG_PORT)/docintel \
	DOCINTEL_STORAGE__AUTO_MIGRATE=false DOCINTEL_OCR__THREADS=1

redis: apt
	@mkdir -p $(VAR)/redis
	redis-server --bind 127.0.0.1 --port $(REDIS_PORT) --appendonly yes --save "" --dir $(abspath $(VAR))/redis

# Loopback only with trust authentication, as the throwaway test clusters (devtools/pg_cluster.py); PostgreSQL
# refuses to run as root, so root runs it as the postgres user.
pg: apt
	@mkdir -p $(VAR)/pg && $(if $(SUDO),true,chown postgres $(VAR)/pg)
	@[ -f $(VAR)/pg/PG_VERSION ] || $(AS_PG) $(PG_BIN)/initdb -D $(abspath $(VAR))/pg -U docintel --auth=trust \
		--encoding=UTF8 --no-locale
	$(AS_PG) $(PG_BIN)/postgres -D $(abspath $(VAR))/pg -c listen_addresses=$(PG_HOST) -p $(PG_PORT) -k /tmp

migrate: setup
	@$(PG_BIN)/psql -h $(PG_HOST) -p $(PG_PORT) -U docintel -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = 'docintel'" | grep -q 1 \
		|| $(PG_BIN)/createdb -h $(PG_HOST) -p $(PG_PORT) -U docintel docintel
	$(SCALE_ENV) $(BIN)/docintel db upgrade

api: setup
	$(SCALE_ENV) $(BIN)/docintel serve --host 0.0.0.0 --port 8000 --no-worker

# N workers of one process and one inference thread each (the compose file's replicas): on a 2-core host
# this beats one worker of two processes or two threads (docs/jobs.md). Ctrl-C stops them all.
workers: setup
	@trap 'kill 0' INT TERM; for i in $$(seq $(N)); do \
		$(SCALE_ENV) $(BIN)/docintel worker --concurrency 1 --ocr-threads 1 -n worker$$i@%h & \
	done; wait

# Speed and memory: each script prints one JSON object with ratios against a peer measured in the same run.
bench: setup
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/capture.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/sign.py
	$(BIN)/python bench/check.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/shapes.py
	$(BIN)/python bench/jobs.py
	$(BIN)/python bench/console.py

# The full accuracy runs: contracts (≥ 30 documents per type and form; about an hour on 2 cores), ID cards in
# real scenes (20 per kind; about 7 minutes).
bench-accuracy: setup
	$(BIN)/python bench/contract_accuracy.py
	$(BIN)/python bench/scenes.py

lock:
	$(BIN)/pip freeze --exclude-editable | grep -v -E "^(docintel|opencv-python|opencv-python-headless)==" > requirements.lock.new
	@echo "review requirements.lock.new, keep the header comment, then move it over requirements.lock"

clean:
	rm -rf $(STAMPS) $(VENV) $(VAR)
