# IPS-loket. `make help` toont de doelen.
.DEFAULT_GOAL := help
.PHONY: help run test bench bench-nl bench-lijsten lock lint setup fuzz

PY := .venv/bin/python

help: ## deze hulp
	@echo "IPS-loket: make <doel>"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

run: ## start lokaal op http://127.0.0.1:8000 (SQLite, demodata; PORT=... om te wijzigen)
	bash scripts/run.sh

test: ## migratiecheck, ruff en pytest tegen PostgreSQL + Redis (ARGS="-k iets" gaat naar pytest)
	bash scripts/test.sh $(ARGS)

setup: ## alleen .venv + pakketten + migrate
	bash scripts/setup.sh

bench: ## vult ips_bench (1M) en ips_bench_10k en meet nightly, naieve lus en werkmonitor (docs/performance.md)
	@if [ -f bench/__main__.py ]; then bash scripts/setup.sh >/dev/null && $(PY) -m bench; \
	else echo "nog geen benchmarks (bench/__main__.py ontbreekt)"; fi

bench-nl: ## landelijke schaal (issue 6): vult ips_bench_nl (500k trajecten, ~10M declaratieregels), meet taken, declaratie en load
	bash scripts/setup.sh >/dev/null
	$(PY) -m bench.national --opnieuw
	$(PY) -m bench.jobs
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/ips_bench_nl $(PY) -m bench.declaratie --terugdraaien
	$(PY) -m bench.load

bench-lijsten: ## de API-lijsten naast hun handgeschreven referentie (issue 13): wrk, p50-factor; ARGS="--database ..."
	bash scripts/setup.sh >/dev/null
	bash scripts/wrk.sh
	$(PY) -m bench.lijsten $(ARGS)

fuzz: ## lange fuzz-run: tests/fuzz met FUZZ_EXAMPLES=25 en de schemathesis-CLI als elke rol (docs/reliability.md)
	bash scripts/setup.sh >/dev/null
	bash scripts/fuzz.sh

lint: ## ruff check en migratiecheck (zonder tests)
	bash scripts/setup.sh >/dev/null
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run

lock: ## requirements.lock opnieuw maken uit pyproject.toml (verse venv, pip freeze)
	bash scripts/lock.sh
