"""A smoke test of the bench fill at a small size (the 1,000,000 run is `make bench`, not a test):
the rows it writes satisfy every database rule and look like the real thing to the monitor."""

import datetime as dt

import pytest
from django.core.management import call_command

from bench.fill import fill, summary


@pytest.mark.django_db
def test_fill_200_trajectories_with_everything_around_them():
    call_command("load_reference_data", verbosity=0)
    today = dt.date(2026, 11, 22)
    counts = fill(n=200, today=today, verbose=False)
    assert counts["deelnemers"] == counts["aanvragen"] == counts["trajecten"] == 200
    assert counts["plaatsingen"] > 0 and counts["eindverslagen"] > 0 and counts["stopberichten"] > 0

    from trajecten.models import Aanvraag, Traject

    statuses = set(Traject.objects.values_list("status", flat=True))
    assert {"actief", "afgesloten"} <= statuses
    assert Traject.objects.filter(status="actief", einddatum_gepland__gte=today).exists()
    # ~40% ever in regular paid work (domain.md section 10); wide margins at this size.
    assert 20 <= summary()["ooit_betaald_werk_pct"] <= 60
    # New rows after the fill get fresh ids and toewijzingNummers (sequences were reset).
    assert Aanvraag.objects.order_by("-id").first().id >= 200
    with pytest.raises(RuntimeError):
        fill(n=10, today=today, verbose=False)
