# Moved to the core's one spreadsheet writer (backoffice/spreadsheet.py); this re-export goes at integration.
from backoffice.spreadsheet import CSV_TYPE, FORMATS, XLSX_TYPE, csv_bytes, response, safe_text, xlsx_bytes  # noqa: F401
