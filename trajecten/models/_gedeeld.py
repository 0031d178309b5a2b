"""What the model modules share: the loket's time zone and the check that a field holds one of its choices."""

import zoneinfo

from django.db.models import Q

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def _in(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [c for c, _ in choices.choices]})
