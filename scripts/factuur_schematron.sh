#!/usr/bin/env bash
# Controleert e-facturen (UBL, declaraties/ubl.py) met de CEN EN 16931-schematronregels (BR-*), met
# de hand: niet in de testsuite (docs/geldstroom.md "De vordering als factuur", docs/decisions.md).
# Zet een tijdelijke venv op met saxonche (Saxon-HE, XSLT 3.0) en mcp-einvoicing-core zonder
# afhankelijkheden, dat de gecompileerde regels CEN-EN16931-UBL.xslt (peppol-bis-invoice-3 v3.0.20)
# meelevert, en draait die regels op elk bestand. Exitcode 1 als een regel faalt.
# Gebruik: bash scripts/factuur_schematron.sh factuur-IPS-2026-000001.xml [...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/_python.sh
source scripts/_python.sh
[[ $# -ge 1 ]] || { echo "gebruik: $0 factuur.xml [...]" >&2; exit 2; }

py="$(find_python)"
venv="${IPS_SCHEMATRON_VENV:-${TMPDIR:-/tmp}/ips-schematron-venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check saxonche==13.1.1 lxml
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps mcp-einvoicing-core==1.34.1
fi
"$venv/bin/python" - "$@" <<'PY'
import sys
from importlib.util import find_spec
from pathlib import Path

from lxml import etree
from saxonche import PySaxonProcessor

base = Path(find_spec("mcp_einvoicing_core").submodule_search_locations[0])
xslt = base / "resources" / "schematron" / "en16931_base" / "CEN-EN16931-UBL.xslt"
svrl = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
fouten = 0
with PySaxonProcessor(license=False) as proc:
    exe = proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(xslt))
    for bestand in sys.argv[1:]:
        rapport = etree.fromstring(exe.transform_to_string(source_file=str(Path(bestand).resolve())).encode())
        afgegaan = len(rapport.findall(".//svrl:fired-rule", svrl))
        mislukt = rapport.findall(".//svrl:failed-assert", svrl)
        print(f"{bestand}: {afgegaan} regels afgegaan, {len(mislukt)} mislukt")
        for m in mislukt:
            print(f"  {m.get('id')} ({m.get('flag')}): {' '.join(m.findtext('svrl:text', '', svrl).split())[:160]}")
        fouten += sum(1 for m in mislukt if m.get("flag") in ("fatal", "error", None))
sys.exit(1 if fouten else 0)
PY
