"""Django's Dutch formats with the project's short forms (backoffice/opmaak.py, docs/ui.md):
``{{ d }}`` is ``1 december 2026``, ``{{ d|date:"SHORT_DATE_FORMAT" }}`` ``01-12-2026``, a moment
``1 december 2026, 14:05``. Form fields accept ``01-12-2026`` and ISO ``2026-12-01``."""

from django.conf.locale.nl.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"  # 1 december 2026
DATETIME_FORMAT = "j F Y, H:i"  # 1 december 2026, 14:05
SHORT_DATE_FORMAT = "d-m-Y"  # 01-12-2026
SHORT_DATETIME_FORMAT = "d-m-Y H:i"  # 01-12-2026 14:05
YEAR_MONTH_FORMAT = "F Y"  # december 2026
