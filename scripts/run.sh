#!/usr/bin/env bash
# Start IPS-loket lokaal: .venv + migraties, referentie- en demodata, en de ontwikkelserver.
# Zonder instellingen: SQLite in var/, Celery-taken direct in het proces (geen Redis nodig), en de
# ingebouwde planner (manage.py taken_planner) die de periodieke taken op hun schema draait
# (docs/jobs.md). Met een broker (CELERY_BROKER_URL/REDIS_URL) start het in plaats van de planner een
# Celery-worker (die de taken uitvoert, ook die van het web) en Celery beat (die ze plant).
#   bash scripts/run.sh            # http://127.0.0.1:8000/
#   PORT=8080 bash scripts/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
PY=.venv/bin/python

echo "==> referentiedata laden"
"$PY" manage.py load_reference_data
echo "==> demodata laden"
"$PY" manage.py demo_data

ADDR="127.0.0.1:${PORT:-8000}"
cat <<MSG

  IPS-loket draait op        http://$ADDR/
  API-documentatie           http://$ADDR/api/v1/docs
  OpenAPI-document           http://$ADDR/api/v1/openapi.json
  Demo-accounts (README.md): wachtwoord 'demo', bijvoorbeeld gebruiker 'uwv' of 'ggz-noord'.
  Taken (nachtelijk, wekelijks, maandelijks, per kwartaal): /taken/ (docs/jobs.md)
  Stoppen: Ctrl+C

MSG

# Every process runs in the background and the script waits for them: a signal to this script
# (Ctrl+C, or SIGTERM from make or a process manager) then runs the trap at once, which stops the
# planner (or the Celery worker and beat), and the web server with its autoreload child; no process
# is left behind.
PLANNER=""
WORKER=""
BEAT=""
WEB=""
stop() {
  trap - INT TERM EXIT
  local pid
  for pid in $WEB $BEAT $WORKER $PLANNER; do
    if kill -0 "$pid" 2>/dev/null; then
      pkill -TERM -P "$pid" 2>/dev/null || true
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${CELERY_BROKER_URL:-}${REDIS_URL:-}" ]; then
  echo "==> planner voor de periodieke taken (manage.py taken_planner)"
  "$PY" manage.py taken_planner &
  PLANNER=$!
else
  # a broker: the jobs go through its queue, so a worker runs them and beat plans them (as in
  # docker compose); the beat schedule file stays in var/ like the other local state
  mkdir -p var
  echo "==> Celery-worker en Celery beat voor de taken (met de broker)"
  .venv/bin/celery -A backoffice worker -l info --concurrency 2 &
  WORKER=$!
  .venv/bin/celery -A backoffice beat -l info --schedule var/celerybeat-schedule &
  BEAT=$!
fi
"$PY" manage.py runserver "$ADDR" &
WEB=$!
wait "$WEB"
