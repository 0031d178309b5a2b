"""A quarter of the work monitor: ``2026-Q4``, its first and last day, and the last complete
quarter before a day (what the quarterly job exports)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from backoffice.errors import BusinessRuleError

_KWARTAAL = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Kwartaal:
    jaar: int
    nummer: int

    @property
    def code(self) -> str:
        return f"{self.jaar}-Q{self.nummer}"

    @property
    def van(self) -> date:
        return date(self.jaar, 3 * self.nummer - 2, 1)

    @property
    def tot(self) -> date:
        if self.nummer == 4:
            return date(self.jaar, 12, 31)
        return date(self.jaar, 3 * self.nummer + 1, 1) - timedelta(days=1)


def parse_kwartaal(value: str | None) -> Kwartaal:
    """``2026-Q4``; empty means the current quarter. Anything else: 400 ``ongeldig-kwartaal``."""
    if not value:
        today = timezone.localdate()
        return Kwartaal(today.year, (today.month - 1) // 3 + 1)
    match = _KWARTAAL.match(value.strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise BusinessRuleError(
            code="ongeldig-kwartaal",
            message="Geef het kwartaal als JJJJ-Qn, bijvoorbeeld 2026-Q4.",
            status=400,
            field="kwartaal",
        )
    return Kwartaal(int(match.group(1)), int(match.group(2)))


def vorig_kwartaal(datum: date) -> str:
    """The last complete quarter before ``datum`` (what the quarterly job exports): 2026-Q3 on
    any day of 2026-Q4."""
    nummer = (datum.month - 1) // 3 + 1
    return f"{datum.year - 1}-Q4" if nummer == 1 else f"{datum.year}-Q{nummer - 1}"
