#!/bin/bash
# Een streaming read replica van de service `postgres` (docs/reliability.md). De eerste keer (lege
# datamap) een kopie met pg_basebackup -R (dat schrijft primary_conninfo en standby.signal), daarna
# gewoon starten: de replica haalt zelf in wat hij miste, zolang de primary die WAL nog heeft
# (wal_keep_size). Draait als gebruiker postgres.
set -euo pipefail
if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  until pg_basebackup -h "${PRIMARY_HOST:-postgres}" -U replicator -D "$PGDATA" -R -X stream -c fast; do
    echo "replica: primary nog niet bereikbaar, opnieuw over 2 s" >&2
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c hot_standby_feedback=on
