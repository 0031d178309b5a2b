#!/usr/bin/env bash
# wrk (de load-generator van bench/lijsten.py, docs/performance.md) installeren met apt-get als dat
# kan (root of sudo), en anders stoppen met een duidelijke melding. Zoals scripts/setup.sh pango doet.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
echo "==> systeempakket wrk installeren (apt)"
if [[ "$(id -u)" == 0 ]]; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk; } || true
elif command -v sudo >/dev/null 2>&1; then
  { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk; } || true
fi
if ! command -v wrk >/dev/null 2>&1; then
  echo "FOUT: wrk ontbreekt; bench/lijsten.py meet de lijsten met wrk. Installeer als root: apt-get install wrk" >&2
  exit 1
fi
