#!/usr/bin/env bash
# Maakt requirements.lock opnieuw: verse venv, de afhankelijkheden uit pyproject.toml plus de
# extra 'test', dan pip freeze. Daarna: bash scripts/setup.sh installeert de nieuwe set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/_python.sh
source scripts/_python.sh

py="$(find_python)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "==> verse venv met $py"
"$py" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$tmp/venv/bin/python" - > "$tmp/requirements.in" <<'PY'
import tomllib

with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)["project"]
for req in project["dependencies"] + project.get("optional-dependencies", {}).get("test", []):
    print(req)
PY
echo "==> installeren:"; sed 's/^/    /' "$tmp/requirements.in"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$tmp/requirements.in"
"$tmp/venv/bin/python" -m pip freeze --all --exclude-editable \
  | grep -viE '^(pip|setuptools|wheel)==' > requirements.lock
echo "==> requirements.lock bijgewerkt ($(wc -l < requirements.lock) pakketten)"
