#!/usr/bin/env bash
# Maakt of ververst .venv (Python >= 3.12), installeert requirements.lock (alleen als die sinds de
# vorige installatie veranderde) en migreert de database uit de omgeving (standaard SQLite in var/).
# Idempotent; een tweede run doet alleen de (lege) migrate.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/_python.sh
source scripts/_python.sh

VENV=.venv
VPY="$VENV/bin/python"
STAMP="$VENV/.requirements.lock.sha256"

# Een bestaande .venv blijft, tenzij hij niet draait, ouder is dan 3.12, of $PYTHON een andere
# versie vraagt.
recreate=0
if [[ ! -x "$VPY" ]] || ! python_ok "$VPY"; then
  recreate=1
elif [[ -n "${PYTHON:-}" ]]; then
  want="$("$(find_python)" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  have="$("$VPY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  [[ "$want" != "$have" ]] && recreate=1
fi

if [[ "$recreate" == 1 ]]; then
  py="$(find_python)"
  echo "==> .venv aanmaken met $py ($("$py" --version 2>&1))"
  rm -rf "$VENV"
  "$py" -m venv "$VENV"
  "$VPY" -m pip install --quiet --disable-pip-version-check --upgrade pip
fi

lock_hash="$("$VPY" -c 'import hashlib, sys; print(hashlib.sha256(open("requirements.lock", "rb").read()).hexdigest())')"
if [[ ! -f "$STAMP" ]] || [[ "$(cat "$STAMP")" != "$lock_hash" ]]; then
  echo "==> pakketten installeren uit requirements.lock"
  "$VPY" -m pip install --quiet --disable-pip-version-check -r requirements.lock
  printf '%s\n' "$lock_hash" > "$STAMP"
fi

# WeasyPrint (de PDF-documenten, docs/documenten.md) heeft pango en lettertypen van het systeem
# nodig: libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0 en fonts-dejavu-core. Installeer ze
# met apt-get als dat kan (root of sudo), en stop anders met een duidelijke melding.
pdf_ok() { "$VPY" -c 'import weasyprint' >/dev/null 2>&1 && { fc-list 2>/dev/null | grep -i dejavu >/dev/null; }; }
if ! pdf_ok; then
  pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig)
  echo "==> systeempakketten voor de PDF-documenten installeren (apt): ${pkgs[*]}"
  if [[ "$(id -u)" == 0 ]]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; } || true
  elif command -v sudo >/dev/null 2>&1; then
    { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; } || true
  fi
  if ! pdf_ok; then
    echo "FOUT: WeasyPrint kan geen PDF maken: pango of de lettertypen ontbreken. Installeer als root: apt-get install ${pkgs[*]}" >&2
    echo "ERROR: WeasyPrint cannot make PDFs: pango or the fonts are missing. Install as root: apt-get install ${pkgs[*]}" >&2
    exit 1
  fi
fi

# PgBouncer: de testsuite draait de API- en taaktests ook via een echte pgbouncer voor een eigen
# primary met streaming replica (tests/reliability/test_replica.py, docs/reliability.md). Debian's
# pakket start zelf een dienst op poort 6432; die is niet nodig en wordt gestopt en uitgezet.
if ! command -v pgbouncer >/dev/null 2>&1; then
  echo "==> pgbouncer installeren (apt)"
  if [[ "$(id -u)" == 0 ]]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer; } || true
    { service pgbouncer stop; update-rc.d pgbouncer disable; systemctl disable --now pgbouncer; } >/dev/null 2>&1 || true
  elif command -v sudo >/dev/null 2>&1; then
    { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer; } || true
    { sudo service pgbouncer stop; sudo update-rc.d pgbouncer disable; sudo systemctl disable --now pgbouncer; } >/dev/null 2>&1 || true
  fi
  command -v pgbouncer >/dev/null 2>&1 || echo "WAARSCHUWING/WARNING: pgbouncer ontbreekt / is missing (apt-get install pgbouncer)" >&2
fi

# PostgreSQL: maak de database aan als die nog niet bestaat (migrate doet dat niet zelf).
if [[ "${DATABASE_URL:-}" =~ ^postgres(ql)?:// ]]; then
  "$VPY" - <<'PY'
import os
import sys

import dj_database_url
import psycopg
from psycopg import sql

cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
params = {k: v for k, v in {
    "host": cfg.get("HOST"), "port": cfg.get("PORT"), "user": cfg.get("USER"),
    "password": cfg.get("PASSWORD"),
}.items() if v}
name = cfg["NAME"]
try:
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"==> database {name} aangemaakt")
except psycopg.Error as exc:
    sys.exit(f"FOUT/ERROR: PostgreSQL-database {name!r} niet aan te maken / cannot be created: {exc}")
PY
fi

echo "==> migrate"
"$VPY" manage.py migrate --noinput
