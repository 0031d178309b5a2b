#!/usr/bin/env bash
# Start IPS-loket lokaal: .venv + migraties, referentie- en demodata, en de ontwikkelserver.
# Zonder instellingen: SQLite in var/, Celery-taken direct in het proces (geen Redis nodig).
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
  Stoppen: Ctrl+C

MSG
exec "$PY" manage.py runserver "$ADDR"
