"""Money and dates as a Dutch reader expects them, everywhere: ``€ 8.000,00`` and ``1 december
2026`` / ``01-12-2026`` (backoffice/opmaak.py). A scan of every template refuses "EUR", a
``floatformat`` on an amount and any other date format; the money pages, rendered, show no
other money format (tests/web's ``assert_accessible`` checks the same on every browser page)."""

import datetime
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.test import Client

from backoffice.opmaak import datum, datum_kort, datum_tijd, euro, maand, verkeerde_bedragen

D = datetime.date
ROOT = Path(settings.BASE_DIR)
NBSP = "\u00a0"


def test_money_is_written_the_dutch_way():
    assert euro(Decimal("8000")) == f"€{NBSP}8.000,00"
    assert euro(Decimal("9602.875")) == f"€{NBSP}9.602,88"  # half-up, to the cent
    assert euro(Decimal("-8000")) == f"€{NBSP}-8.000,00"  # nl-NL: the minus after the sign
    assert euro(Decimal("3200"), "C") == f"€{NBSP}-3.200,00"  # a credit line
    assert euro(Decimal("1234567.5")) == f"€{NBSP}1.234.567,50"
    assert euro(None) == euro(0) == f"€{NBSP}0,00"
    assert euro(Decimal("-0.001")) == f"€{NBSP}0,00"


def test_dates_are_dutch_whatever_language_is_active():
    from django.utils import translation

    moment = datetime.datetime(2026, 12, 1, 13, 5, tzinfo=datetime.UTC)
    with translation.override("en"):
        assert datum(D(2026, 12, 1)) == "1 december 2026"
        assert datum(moment) == "1 december 2026"
        assert datum_tijd(moment) == "1 december 2026, 14:05"  # Europe/Amsterdam
        assert datum_kort(D(2026, 3, 2)) == "02-03-2026"
        assert maand(D(2026, 3, 1)) == "maart 2026"
    assert datum(None) == datum_kort("") == ""


def test_the_filters_need_no_load_and_django_defaults_are_dutch():
    t = Template(
        "{{ b|euro }}|{{ d|datum }}|{{ d|datum_kort }}|{{ d|maand }}|{{ d }}|{{ d|date:'SHORT_DATE_FORMAT' }}|{{ m }}"
    )
    moment = datetime.datetime(2026, 12, 1, 14, 5, tzinfo=ZoneInfo("Europe/Amsterdam"))
    out = t.render(Context({"b": Decimal("8000"), "d": D(2026, 12, 1), "m": moment}))
    assert out == (
        f'€{NBSP}8.000,00|1 december 2026|<span class="datum">01-12-2026</span>|december 2026|1 december 2026|'
        "01-12-2026|1 december 2026, 14:05"
    )  # a short date is kept on one line in a narrow table column


def test_the_checker_catches_every_other_money_format():
    for wrong in ("EUR 9602.87", "€ 8000,00", "EUR 8.000,00", "€ 9602.87", "-€ 8.000,00", "€8.000,00"):
        assert verkeerde_bedragen(f"Bedrag: {wrong}."), wrong
    assert not verkeerde_bedragen(f"Bedrag: €{NBSP}8.000,00, credit €{NBSP}-1.600,00 en € 12,50; as € 12.345 (€)")


TEMPLATE_DIRS = [p for p in ROOT.glob("*/templates") if p.is_dir()]
ALLOWED_DATE_FORMATS = {
    "j F Y",  # 1 december 2026 (= |datum)
    "j F Y, H:i",  # 1 december 2026, 14:05 (= |datum_tijd)
    "d-m-Y",  # 01-12-2026 (= |datum_kort)
    "d-m-Y H:i",
    "d-m-Y, H:i",
    "d-m-Y H:i:s",  # the processing log, to the second
    "F Y",  # december 2026 (= |maand)
    "l j F Y",  # dinsdag 1 december 2026
    r"j F Y \o\m H:i",
    "c",  # machine-readable, in <time datetime>
    "Y-m-d",  # the value of an <input type="date">
    "H:i",
}
NOT_MONEY = re.compile(r"volume|aandeel|uren|procent|score|percentage", re.I)


def _templates():
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*"):
            if path.suffix in {".html", ".txt"}:
                yield path, path.read_text(encoding="utf-8")


def test_no_template_writes_money_or_dates_another_way():
    wrong = []
    for path, text in _templates():
        where = path.relative_to(ROOT)
        for n, line in enumerate(text.splitlines(), 1):
            if re.search(r"\bEUR\b", line):
                wrong.append(f"{where}:{n}: EUR (use |euro)")
            for m in re.finditer(r"\{\{\s*([^}|]+)\|floatformat", line):
                if not NOT_MONEY.search(m.group(1)):
                    wrong.append(f"{where}:{n}: {m.group(1).strip()}|floatformat (an amount? use |euro)")
            for m in re.finditer(r"\|date:[\"']([^\"']*)[\"']", line):
                if m.group(1) not in ALLOWED_DATE_FORMATS:
                    wrong.append(f"{where}:{n}: |date:{m.group(1)!r} (use |datum, |datum_kort, |datum_tijd)")
    assert not wrong, "\n".join(wrong)


@pytest.fixture
def clock():
    """Monday 2 March 2026, before the world is built (as tests/web/test_geld_views.py)."""
    from tests.declaraties.geld_helpers import moment

    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_the_money_pages_show_only_dutch_amounts(clock, world):
    from declaraties.models import Declaratie
    from tests.web.test_geld_views import build_money

    _, opdracht, vordering = build_money(world, clock)
    declaratie = Declaratie.objects.get()
    pages = {
        world.uwv_fin: [
            "/betaalopdrachten/",
            f"/betaalopdrachten/{opdracht.uuid}/",
            "/vorderingen/",
            f"/vorderingen/{vordering.uuid}/",
            "/dashboard/",
            "/budgetten/",
            "/declaraties/werkvoorraad/?status=alle",
        ],
        world.gem_amsterdam: ["/vorderingen/", f"/vorderingen/{vordering.uuid}/", "/budgetten/"],
        world.ggz_noord: ["/declaraties/", f"/declaraties/{declaratie.uuid}/"],
    }
    seen_money = 0
    for user, urls in pages.items():
        client = Client()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert not verkeerde_bedragen(html), (url, verkeerde_bedragen(html))
            seen_money += html.count("€\u00a0")
    assert seen_money > 20
