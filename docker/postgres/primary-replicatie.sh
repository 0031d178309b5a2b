#!/bin/bash
# Eenmalig bij het aanmaken van de primary (docker-entrypoint-initdb.d): een rol alleen voor de
# streaming replicatie en de regel in pg_hba.conf die replicas toelaat (docs/reliability.md).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v wachtwoord="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'wachtwoord';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
