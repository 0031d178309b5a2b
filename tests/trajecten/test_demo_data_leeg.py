"""demo_data on an empty database (the other tests of tests/trajecten/test_demo_data.py share one
run of it for their module): refused where not allowed; an audit early in January."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management.base import CommandError

from financiering.models import Aanbieder, Modeltrouwmeting

from .test_demo_data import User, _demo_allowed, run_demo  # noqa: F401 (the autouse fixture)

pytestmark = pytest.mark.django_db


def test_audit_early_in_january_stays_in_this_year():
    with time_machine.travel(datetime(2027, 1, 10, 12, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        run_demo()
    assert set(Modeltrouwmeting.objects.values_list("datum", flat=True)) == {date(2027, 1, 1)}


def test_refused_when_settings_do_not_allow_demo_data(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="niet toegestaan"):
        run_demo()
    assert not User.objects.exists()
    assert not Aanbieder.objects.exists()
