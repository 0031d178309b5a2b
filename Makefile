# IPS-loket. `make help` toont de doelen.
.DEFAULT_GOAL := help
.PHONY: help run test bench lock lint setup

PY := .venv/bin/python

help: ## deze hulp
	@echo "IPS-loket: make <doel>"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

run: ## start lokaal op http://127.0.0.1:8000 (SQLite, demodata; PORT=... om te wijzigen)
	bash scripts/run.sh

test: ## migratiecheck, ruff en pytest tegen PostgreSQL + Redis (ARGS="-k iets" gaat naar pytest)
	bash scripts/test.sh $(ARGS)

setup: ## alleen .venv + pakketten + migrate
	bash scripts/setup.sh

bench: ## vult ips_bench (1M) en ips_bench_10k en meet nightly, naieve lus en werkmonitor (docs/performance.md)
	@if [ -f bench/__main__.py ]; then bash scripts/setup.sh >/dev/null && $(PY) -m bench; \
	else echo "nog geen benchmarks (bench/__main__.py ontbreekt)"; fi

lint: ## ruff check en migratiecheck (zonder tests)
	bash scripts/setup.sh >/dev/null
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run

lock: ## requirements.lock opnieuw maken uit pyproject.toml (verse venv, pip freeze)
	bash scripts/lock.sh
