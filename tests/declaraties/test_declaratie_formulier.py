"""The provider's declaration form (issue 12, w4): the trajectory is picked from the provider's own
declarable trajectories (never another provider's, never typed), "Bedragen voorstellen" fills
period, volume and amount by the tariff, the judging's own rule (so the proposal is accepted),
"Meer regels" adds rows without JavaScript, and the declaration is labelled as entered on the web
form. On the provider's declaration page no sentence meant for UWV."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine

from declaraties.models import Declaratie
from tests.factories import client_as as _client
from tests.trajecten.helpers import approved_traject
from trajecten.models import Traject

from .geld_helpers import moment, periode_amount

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


def _kop(nummer="D-W4-1", periode="2026-03", totaal=3, **rijen) -> dict:
    data = {
        "declaratie_nummer": nummer,
        "periode": periode,
        "regels-TOTAL_FORMS": str(totaal),
        "regels-INITIAL_FORMS": "0",
        "regels-MIN_NUM_FORMS": "0",
        "regels-MAX_NUM_FORMS": "50",
    }
    for i in range(totaal):
        data[f"regels-{i}-debet_credit"] = "D"
    data.update(rijen)
    return data


def _value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    return match.group(1) if match else ""


def _selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{re.escape(name)}".*?</select>', html, re.S).group(0)
    match = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return match.group(1) if match else ""


def test_the_form_picks_proposes_adds_rows_and_labels_the_web_channel(world, clock, django_assert_max_num_queries):
    eigen = Traject.objects.get(uuid=approved_traject(world, perceel="uwv-ips-epa")["uuid"])  # 2 March
    vreemd = Traject.objects.get(
        uuid=approved_traject(world, provider_user=world.ggz_zuid, perceel="uwv-ips-epa")["uuid"]
    )
    clock.move_to(moment(D(2026, 4, 2)))
    client = _client(world.ggz_noord)
    with django_assert_max_num_queries(15):
        html = client.get("/declaraties/nieuw/").content.decode()
    # the picker: own trajectories by number and name, not another provider's; no number to type
    assert f'<option value="{eigen.toewijzing_nummer}">{eigen.toewijzing_nummer}: ' in html
    assert eigen.deelnemer.achternaam in html and f'value="{vreemd.toewijzing_nummer}"' not in html
    assert 'type="number" name="regels-0-toewijzing_nummer"' not in html
    assert 'src="/static/declaraties/regels.js"' in html and "<script>" not in html  # CSP: no inline script

    nr = str(eigen.toewijzing_nummer)
    rijen = {
        "regels-0-product_referentie": "W4-1", "regels-0-toewijzing_nummer": nr, "regels-0-product_code": "start",
        "regels-2-product_referentie": "W4-2", "regels-2-toewijzing_nummer": nr, "regels-2-product_code": "periode",
    }  # fmt: skip
    voorstel = client.post("/declaraties/nieuw/", {**_kop(periode="2026-03", **rijen), "actie": "voorstel"})
    html = voorstel.content.decode()
    assert voorstel.status_code == 200 and "Voor 2 regels is het bedrag volgens het tarief ingevuld" in html
    assert not Declaratie.objects.exists()  # proposing submits nothing
    # row 1 (start: 40% of 8000 once, from the start date) and row 2 (periode: March from the 2nd)
    assert (
        _value(html, "regels-0-begindatum") == "2026-03-02" and _value(html, "regels-0-ingediend_bedrag") == "3200,00"
    )
    assert _value(html, "regels-1-begindatum") == "2026-03-02" and _value(html, "regels-1-einddatum") == "2026-03-31"
    assert _value(html, "regels-1-geleverd_volume") == "30"
    expected = periode_amount(D(2026, 3, 2), D(2026, 3, 31))
    assert _value(html, "regels-1-ingediend_bedrag") == f"{expected:.2f}".replace(".", ",")
    assert _selected(html, "regels-1-toewijzing_nummer") == nr and _selected(html, "regels-1-product_code") == "periode"
    assert _value(html, "regels-TOTAL_FORMS") == "3"  # the two rows and one empty one

    meer = client.post("/declaraties/nieuw/", {**_kop(**rijen), "actie": "meer"})
    assert _value(meer.content.decode(), "regels-TOTAL_FORMS") == "5"  # two rows and three empty ones

    ingediend = {
        **rijen,
        "regels-0-begindatum": "2026-03-02", "regels-0-einddatum": "2026-03-02",
        "regels-0-geleverd_volume": "1", "regels-0-ingediend_bedrag": "3200,00",
        "regels-2-begindatum": "2026-03-02", "regels-2-einddatum": "2026-03-31",
        "regels-2-geleverd_volume": "30", "regels-2-ingediend_bedrag": str(expected),
    }  # fmt: skip
    done = client.post("/declaraties/nieuw/", _kop(**ingediend))
    declaratie = Declaratie.objects.get()
    assert done.status_code == 302 and declaratie.bron == "web"
    assert declaratie.totaal_toegekend == Decimal("3200.00") + expected  # the proposal is what the judging accepts
    page = client.get(f"/declaraties/{declaratie.uuid}/").content.decode()
    assert "(Webformulier)" in page and "API (JSON)" not in page
    assert f'href="/trajecten/{eigen.uuid}/">{eigen.toewijzing_nummer}</a>' in page  # each line links to it


def test_a_trajectory_of_another_provider_cannot_be_posted_and_the_provider_reads_no_uwv_sentence(world, clock):
    from declaraties import services
    from tests.declaraties.geld_helpers import start_line

    vreemd = approved_traject(world, provider_user=world.ggz_zuid, perceel="uwv-ips-epa")
    client = _client(world.ggz_noord)
    rijen = {
        "regels-0-product_referentie": "X", "regels-0-toewijzing_nummer": str(vreemd["toewijzingNummer"]),
        "regels-0-product_code": "start", "regels-0-begindatum": "2026-03-02", "regels-0-einddatum": "2026-03-02",
        "regels-0-geleverd_volume": "1", "regels-0-ingediend_bedrag": "3200",
    }  # fmt: skip
    response = client.post("/declaraties/nieuw/", _kop(totaal=1, **rijen))
    assert response.status_code == 400 and "Kies een traject uit de lijst" in response.content.decode()
    assert not Declaratie.objects.exists()

    # a line waiting for UWV: the provider is told what happens, not the four-eyes sentence for UWV
    from backoffice.models import Instellingen

    Instellingen.objects.update(declaratie_automatisch_toekennen=False)
    eigen = approved_traject(world, perceel="uwv-ips-epa")
    invoer = services.DeclaratieInvoer(
        declaratie_nummer="D-W4-2", begindatum=D(2026, 3, 1), einddatum=D(2026, 3, 31),
        regels=[start_line(eigen, "W-1", D(2026, 3, 2))],
    )  # fmt: skip
    declaratie, _ = services.declaratie_submit(by=world.ggz_noord, invoer=invoer)
    assert declaratie.prestaties.filter(status="in_behandeling").exists()
    html = client.get(f"/declaraties/{declaratie.uuid}/").content.decode()
    assert "andere beoordelaar beslist" not in html
    assert "1 regel wacht op de beoordeling door UWV" in html
