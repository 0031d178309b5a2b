#!/usr/bin/env bash
# De testsuite zoals CI hem draait: tegen een echte PostgreSQL en Redis, nooit overgeslagen.
#   bash scripts/test.sh                # alles
#   bash scripts/test.sh -k aanvraag    # extra argumenten gaan naar pytest
# Omgeving: DATABASE_URL (standaard postgres://postgres@127.0.0.1:5432/ips_loket),
#           REDIS_URL (standaard redis://127.0.0.1:6379/15).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ips_loket}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/15}"
export IPS_REQUIRE_SERVICES=1
# The tests need no durability: a commit that is not yet flushed to disk is still seen by every other
# connection (a live server, a Celery worker), only a crash of PostgreSQL itself could lose it. Each
# commit waiting for fsync cost a third of the transactional tests' time (docs/testing.md). libpq
# reads PGOPTIONS for every connection the suite makes, subprocesses included; production is untouched.
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c synchronous_commit=off"
# Bytecode is cached (__pycache__, ignored by git) even where the environment says not to: without
# it each process (both xdist workers, every Celery worker and server the tests start) compiled the
# project from source and pytest rewrote every test module again, 6 s per process (docs/testing.md).
unset PYTHONDONTWRITEBYTECODE

fail() {
  echo >&2
  echo "FOUT:  $1" >&2
  echo "ERROR: $2" >&2
  exit 1
}

# Eerst: draaien PostgreSQL en Redis? Zonder die twee slaagt de suite niet, en slaat hij niets over.
any_python() {
  local p
  for p in .venv/bin/python python3 python; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c '' >/dev/null 2>&1; then printf '%s\n' "$p"; return 0; fi
  done
  return 1
}

check_postgres() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -t 5 -d "$DATABASE_URL"
    return
  fi
  local py
  py="$(any_python)" || return 1
  "$py" - <<'PY'
import os, socket, sys
from urllib.parse import urlsplit
u = urlsplit(os.environ["DATABASE_URL"])
try:
    import psycopg
except ImportError:
    psycopg = None
if psycopg:
    try:
        psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username, password=u.password,
                        dbname="postgres", connect_timeout=5).close()
    except psycopg.Error:
        sys.exit(1)
else:
    try:
        socket.create_connection((u.hostname or "127.0.0.1", u.port or 5432), timeout=5).close()
    except OSError:
        sys.exit(1)
PY
}

check_redis() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ "$(redis-cli -u "$REDIS_URL" ping 2>/dev/null)" == "PONG" ]]
    return
  fi
  local py
  py="$(any_python)" || return 1
  "$py" - <<'PY'
import os, socket, sys
from urllib.parse import unquote, urlsplit
u = urlsplit(os.environ["REDIS_URL"])
try:
    import redis
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=5).ping()
    sys.exit(0)
except ImportError:
    pass
except Exception:
    sys.exit(1)
try:
    with socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=5) as s:
        if u.password:
            args = [b"AUTH"] + ([unquote(u.username).encode()] if u.username else []) + [unquote(u.password).encode()]
            s.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
            s.recv(512)
        s.sendall(b"PING\r\n")
        sys.exit(0 if s.recv(64).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PY
}

check_postgres || fail \
  "PostgreSQL is niet bereikbaar op $DATABASE_URL. Start PostgreSQL of zet DATABASE_URL; de tests draaien niet zonder." \
  "PostgreSQL is not reachable at $DATABASE_URL. Start PostgreSQL or set DATABASE_URL; the tests do not run without it."
check_redis || fail \
  "Redis is niet bereikbaar op $REDIS_URL. Start Redis of zet REDIS_URL; de tests draaien niet zonder." \
  "Redis is not reachable at $REDIS_URL. Start Redis or set REDIS_URL; the tests do not run without it."

# Setup migreert ook de hoofddatabase op PostgreSQL: bewijst dat de migraties daar toepasbaar zijn.
bash scripts/setup.sh

# PgBouncer en de PostgreSQL-programma's voor de eigen primary met replica (tests/reliability/pair.py).
command -v pgbouncer >/dev/null 2>&1 || fail \
  "pgbouncer ontbreekt: 'apt-get install pgbouncer' als root (scripts/setup.sh probeert dat); de replica- en pgbouncertests draaien niet zonder." \
  "pgbouncer is missing: run 'apt-get install pgbouncer' as root (scripts/setup.sh tries that); the replica and pgbouncer tests do not run without it."
pg_bin="${IPS_PG_BIN:-/usr/lib/postgresql/15/bin}"
for prog in initdb pg_ctl pg_basebackup pg_dump pg_restore; do
  [[ -x "$pg_bin/$prog" ]] || fail \
    "$pg_bin/$prog ontbreekt (PostgreSQL-serverprogramma's; zet IPS_PG_BIN)." \
    "$pg_bin/$prog is missing (the PostgreSQL server programs; set IPS_PG_BIN)."
done

PY=.venv/bin/python

# De browsertests: Debian's Chromium-headless-shell (nooit een browser die Playwright zelf downloadt), axe-core en
# oidc-provider (de echte OpenID provider van tests/web/test_oidc.py) uit het npm-register
# (package-lock.json). Alleen installeren als een van beide ontbreekt of verouderd is.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# chromium-headless-shell: Chromium's own headless browser (the one Playwright uses for headless),
# without the full browser's window machinery: the same Blink and V8, a third of the CPU of
# /usr/bin/chromium per page (the crawl: 19.6 -> 7.4 s; docs/testing.md).
if [[ ! -x /usr/bin/chromium-headless-shell ]]; then
  echo "==> chromium-headless-shell installeren (apt)"
  if [[ "$(id -u)" == 0 ]]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell; } || true
  elif command -v sudo >/dev/null 2>&1; then
    { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell; } || true
  fi
  [[ -x /usr/bin/chromium-headless-shell ]] || fail \
    "Chromium (/usr/bin/chromium-headless-shell) ontbreekt en kon niet geïnstalleerd worden: 'apt-get install chromium-headless-shell' als root." \
    "Chromium (/usr/bin/chromium-headless-shell) is missing and could not be installed: run 'apt-get install chromium-headless-shell' as root."
fi
npm_outdated() {
  local pkg want have
  for pkg in axe-core oidc-provider; do
    want="$(sed -n "s/.*\"$pkg\": *\"\([^\"]*\)\".*/\1/p" package.json | head -1)"
    have="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "node_modules/$pkg/package.json" 2>/dev/null | head -1 || true)"
    [[ -n "$want" && "$want" == "$have" ]] || { echo "$pkg $want"; return 0; }
  done
  [[ -f node_modules/axe-core/axe.min.js ]] || { echo "axe-core"; return 0; }
  return 1
}
if outdated="$(npm_outdated)"; then
  echo "==> npm-pakketten voor de browsertests installeren (npm ci; $outdated ontbreekt of is verouderd)"
  command -v npm >/dev/null 2>&1 || fail \
    "npm ontbreekt; installeer Node.js en npm (apt-get install npm) voor de browsertests." \
    "npm is missing; install Node.js and npm (apt-get install npm) for the browser tests."
  npm ci --no-audit --no-fund --loglevel=error || fail \
    "npm ci (axe-core, oidc-provider) mislukte; is het npm-register bereikbaar?" \
    "npm ci (axe-core, oidc-provider) failed; can the npm registry be reached?"
fi

# The migrated template the test databases are copied from (tests/testdb.py, docs/testing.md): built
# now, while the checks below run, when the migrations changed since the last run (12-15 s).
template_log="$(mktemp)"
"$PY" -m tests.testdb >"$template_log" 2>&1 &
template_pid=$!
# Meanwhile the test modules are rewritten and the project compiled once, into __pycache__, so that
# the two xdist workers load them instead of each doing it (collecting: 10 s -> 4 s per process).
warm_log="$(mktemp)"
"$PY" -m pytest -p no:cacheprovider -q --collect-only >"$warm_log" 2>&1 &
warm_pid=$!

echo "==> makemigrations --check"
"$PY" manage.py makemigrations --check --dry-run || fail \
  "er zijn modelwijzigingen zonder migratie: draai 'python manage.py makemigrations'." \
  "there are model changes without a migration: run 'python manage.py makemigrations'."

echo "==> ruff check"
"$PY" -m ruff check . || fail "ruff vond fouten (zie hierboven)." "ruff found problems (see above)."

# Bekende kwetsbaarheden in de vastgezette afhankelijkheden (docs/security.md). Een gevonden
# kwetsbaarheid laat de suite falen. Kan pip-audit zijn vulnerability-dienst niet bereiken (elke
# afhankelijkheid "not found"), dan is dat een waarschuwing, of een fout met IPS_PIP_AUDIT=strict (CI).
echo "==> pip-audit"
audit_json="$(mktemp)"
set +e
"$PY" -m pip_audit -r requirements.lock --no-deps --disable-pip --progress-spinner off -f json -o "$audit_json" 2>/dev/null
audit_rc=$?
set -e
"$PY" - "$audit_json" "$audit_rc" "${IPS_PIP_AUDIT:-warn}" <<'PY' || fail "pip-audit: zie hierboven." "pip-audit: see above."
import json, sys
path, rc, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    deps = json.load(open(path))["dependencies"]
except (OSError, ValueError, KeyError):
    print(f"pip-audit gaf geen resultaat (exitcode {rc}).")
    sys.exit(1 if mode == "strict" else 0)
vulns = [(d["name"], d["version"], v["id"], ", ".join(v.get("fix_versions", []))) for d in deps for v in d.get("vulns", [])]
skipped = [d["name"] for d in deps if "skip_reason" in d]
for name, version, vid, fix in vulns:
    print(f"KWETSBAAR: {name} {version}: {vid} (opgelost in: {fix or 'nog niet'})")
print(f"pip-audit: {len(deps)} pakketten, {len(deps) - len(skipped)} gecontroleerd, {len(vulns)} kwetsbaarheden.")
if skipped:
    print(f"WAARSCHUWING: {len(skipped)} pakketten niet te controleren (vulnerability-dienst onbereikbaar?): "
          + ", ".join(skipped[:10]) + (" ..." if len(skipped) > 10 else ""))
sys.exit(1 if vulns or (skipped and mode == "strict") else 0)
PY
rm -f "$audit_json"

wait "$warm_pid" || { cat "$warm_log" >&2; rm -f "$warm_log"; fail \
  "pytest kon de tests niet verzamelen (zie hierboven)." "pytest could not collect the tests (see above)."; }
rm -f "$warm_log"

if ! wait "$template_pid"; then
  cat "$template_log" >&2
  rm -f "$template_log"
  fail "de testsjabloon (tests/testdb.py) kon niet gemigreerd worden (zie hierboven)." \
       "the test template (tests/testdb.py) could not be migrated (see above)."
fi
cat "$template_log"
rm -f "$template_log"

echo "==> pytest"
set +e
# --durations: the slowest steps are in every log, so a test that became slow is seen (docs/testing.md).
# --dist worksteal: an idle process takes tests from the other's queue, so the slow browser and
# worker tests at the end no longer keep one process busy while the other waits (4:35 -> 3:45).
"$PY" -m pytest -n 2 --dist worksteal -p no:cacheprovider --durations=15 --durations-min=3 "$@"
rc=$?
set -e
case "$rc" in
  0) echo "==> alle tests geslaagd / all tests passed" ;;
  5) fail "pytest vond geen tests (exitcode 5); dat telt als mislukt." \
          "pytest collected no tests (exit code 5); that counts as a failure." ;;
  *) fail "pytest faalde (exitcode $rc)." "pytest failed (exit code $rc)." ;;
esac
