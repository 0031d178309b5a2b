# shellcheck shell=bash
# Gedeeld door de scripts: vindt een Python >= 3.12 (Django 6 vraagt dat).
# Volgorde: $PYTHON, dan python3.13 / python3.12 / python3 op PATH (alleen als ze echt draaien:
# een pyenv-shim zonder die versie faalt), dan de nieuwste ~/.pyenv/versions/3.1[2-9]*.

python_ok() {
  # Draait het, en is het >= 3.12?
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
  if [[ -n "${PYTHON:-}" ]]; then
    if python_ok "$PYTHON"; then
      printf '%s\n' "$PYTHON"
      return 0
    fi
    echo "FOUT: \$PYTHON=$PYTHON is geen werkende Python >= 3.12." >&2
    echo "ERROR: \$PYTHON=$PYTHON is not a working Python >= 3.12." >&2
    return 1
  fi
  local cand path
  for cand in python3.13 python3.12 python3; do
    path="$(command -v "$cand" 2>/dev/null || true)"
    if [[ -n "$path" ]] && python_ok "$path"; then
      printf '%s\n' "$path"
      return 0
    fi
  done
  local best="" p
  local roots=("${PYENV_ROOT:-$HOME/.pyenv}")
  [[ "${roots[0]}" != /root/.pyenv ]] && roots+=(/root/.pyenv)
  local root
  for root in "${roots[@]}"; do
    # Nieuwste eerst (sort -V), eerste die werkt wint.
    while IFS= read -r p; do
      if python_ok "$p"; then best="$p"; break; fi
    done < <(ls -d "$root"/versions/3.1[2-9]*/bin/python3.1? 2>/dev/null | sort -rV)
    [[ -n "$best" ]] && break
  done
  if [[ -n "$best" ]]; then
    printf '%s\n' "$best"
    return 0
  fi
  echo "FOUT: geen Python >= 3.12 gevonden (Django 6 vraagt dat). Installeer Python 3.12 of nieuwer," >&2
  echo "      of wijs er een aan met PYTHON=/pad/naar/python3.12." >&2
  echo "ERROR: no Python >= 3.12 found (Django 6 requires it). Install Python 3.12 or newer," >&2
  echo "       or point to one with PYTHON=/path/to/python3.12." >&2
  return 1
}
