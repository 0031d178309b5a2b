"""The money pages through Django's test client: who may see and do what (another gemeente's
claim is a 404, a provider on the payment orders a 403, a logged-out user the login page), the
confirmation step before an approval, refusals on the form with their code, exports without
personal data and with formulas neutralised, and a dashboard whose query count does not grow
with the data."""

import datetime
import re
from collections import Counter
from decimal import Decimal
from uuid import UUID

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from backoffice.models import Instellingen
from declaraties import services
from declaraties.models import Betaalopdracht, Declaratie, Vordering
from tests.declaraties.geld_helpers import claim, declare, moment, pay, start_line
from tests.factories import client_as as _client
from tests.factories import make_user
from tests.trajecten.helpers import approved_traject
from trajecten.models import Traject

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """Monday 2 March 2026, before the world is built (its fidelity audits are dated today)."""
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


def build_money(world, clock, n_trajecten=1):
    """Amsterdam's trajectories declared (one reference looks like a formula), paid on 16 March
    and claimed on 1 April: one payment order (paid) and one sent claim."""
    trajecten = [approved_traject(world, perceel="demo-gem-epa") for _ in range(n_trajecten)]
    clock.move_to(moment(D(2026, 3, 10)))
    refs = ["=1+2", *(f"R-{i}" for i in range(1, n_trajecten))]
    declare(
        world.ggz_noord,
        "D-2026-03",
        [start_line(t, ref, D(2026, 3, 2)) for t, ref in zip(trajecten, refs, strict=False)],
    )
    opdracht = pay(world, clock, D(2026, 3, 16))
    claim(clock, D(2026, 4, 1))
    return trajecten, opdracht, Vordering.objects.get()


@pytest.fixture
def money(world, clock):
    trajecten, opdracht, vordering = build_money(world, clock)
    return {"trajecten": trajecten, "opdracht": opdracht, "vordering": vordering}


# --- access -----------------------------------------------------------------------------------


def test_logged_out_user_is_sent_to_the_login_page(world, money):
    o, v = money["opdracht"].uuid, money["vordering"].uuid
    for url in (
        "/declaraties/",
        "/declaraties/bestand/",
        "/betaalopdrachten/",
        f"/betaalopdrachten/{o}/",
        f"/betaalopdrachten/{o}/regels.csv",
        "/vorderingen/",
        f"/vorderingen/{v}/",
        "/vorderingen/overzicht.csv",
        "/budgetten/",
        "/dashboard/",
    ):
        response = _client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/inloggen"), (url, response["Location"])
    response = _client().post(f"/betaalopdrachten/{o}/akkoord/", {"bevestigd": "on"})
    assert response.status_code == 302 and response["Location"].startswith("/inloggen")


@pytest.mark.parametrize("username", ["ggz-noord", "gemeente-amsterdam", "auditor"])
def test_payment_orders_are_uwvs_business(world, money, username):
    user = {"ggz-noord": world.ggz_noord, "gemeente-amsterdam": world.gem_amsterdam, "auditor": world.auditor}[username]
    o = money["opdracht"].uuid
    for url in (
        "/betaalopdrachten/",
        f"/betaalopdrachten/{o}/",
        f"/betaalopdrachten/{o}/sepa.xml",
        f"/betaalopdrachten/{o}/regels.csv",
    ):
        assert _client(user).get(url).status_code == 403, url


def test_provider_sees_no_claims_and_gemeente_no_declarations(world, money):
    assert _client(world.ggz_noord).get("/vorderingen/").status_code == 403
    assert _client(world.ggz_noord).get(f"/vorderingen/{money['vordering'].uuid}/").status_code == 403
    assert _client(world.gem_amsterdam).get("/declaraties/").status_code == 403


def test_another_gemeentes_claim_answers_404_on_every_page_and_action(world, money):
    v = money["vordering"]
    regel_uuid = v.regels.get().uuid
    utrecht = _client(world.gem_utrecht)
    assert utrecht.get(f"/vorderingen/{v.uuid}/").status_code == 404
    assert utrecht.get(f"/vorderingen/{v.uuid}/regels.csv").status_code == 404
    response = utrecht.post(
        f"/vorderingen/{v.uuid}/bezwaar/", {"regel": regel_uuid, "toelichting": "Niet van ons", "bevestigd": "on"}
    )
    assert response.status_code == 404
    assert v.regels.get().bezwaar == "geen"
    listing = utrecht.get("/vorderingen/")
    assert listing.status_code == 200 and str(v.uuid) not in listing.content.decode()
    overzicht = utrecht.get("/vorderingen/overzicht.csv").content.decode("utf-8-sig")
    assert "Amsterdam" not in overzicht
    dashboard = utrecht.get("/dashboard/").content.decode()
    assert "Amsterdam" not in dashboard
    # Amsterdam itself sees it.
    assert _client(world.gem_amsterdam).get(f"/vorderingen/{v.uuid}/").status_code == 200


def test_another_providers_declaration_answers_404(world, money):
    declaratie = Declaratie.objects.get()
    assert _client(world.ggz_zuid).get(f"/declaraties/{declaratie.uuid}/").status_code == 404
    assert _client(world.ggz_noord).get(f"/declaraties/{declaratie.uuid}/").status_code == 200


# --- actions ------------------------------------------------------------------------------------


def test_approval_asks_for_confirmation_and_four_eyes_shows_its_code(world, clock):
    instellingen = Instellingen.get()
    instellingen.vier_ogen_drempel = Decimal("1000.00")
    instellingen.save()
    traject = approved_traject(world, perceel="demo-gem-epa")
    clock.move_to(moment(D(2026, 3, 10)))
    declare(world.ggz_noord, "D-1", [start_line(traject, "S-1", D(2026, 3, 2))])
    clock.move_to(moment(D(2026, 3, 16)))
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 16))
    opdracht = Betaalopdracht.objects.get()
    url = f"/betaalopdrachten/{opdracht.uuid}/akkoord/"
    fin = _client(world.uwv_fin)

    confirm = fin.post(url)
    assert confirm.status_code == 200
    assert "Bevestig uw akkoord" in confirm.content.decode()
    opdracht.refresh_from_db()
    assert opdracht.eerste_akkoord_door_id is None  # nothing happened yet

    assert fin.post(url, {"bevestigd": "on"}).status_code == 302
    again = fin.post(url, {"bevestigd": "on"})
    assert again.status_code == 403
    assert "(code: vier-ogen)" in again.content.decode()
    opdracht.refresh_from_db()
    assert (opdracht.status, opdracht.tweede_akkoord_door_id) == ("te_accorderen", None)

    second = make_user(roles.UWV_FINANCIEEL, username="uwv-financieel-2")
    assert _client(second).post(url, {"bevestigd": "on"}).status_code == 302
    opdracht.refresh_from_db()
    assert opdracht.status == "geaccordeerd"

    # Confirmation with a date in the future: the error sits at the date field, with its code.
    response = fin.post(f"/betaalopdrachten/{opdracht.uuid}/bevestiging/", {"datum": "2026-03-20", "bevestigd": "on"})
    assert response.status_code == 400
    form = response.context["bevestig_form"]
    assert "(code: datum-ongeldig)" in " ".join(form.errors["datum"])
    sepa = fin.get(f"/betaalopdrachten/{opdracht.uuid}/sepa.xml")
    assert sepa.status_code == 200 and b"pain.001.001.03" in sepa.content


def test_a_dispute_needs_a_reason_tied_to_its_field(world, money):
    v = money["vordering"]
    regel_obj = v.regels.get()
    response = _client(world.gem_amsterdam).post(
        f"/vorderingen/{v.uuid}/bezwaar/", {"regel": regel_obj.uuid, "toelichting": "  ", "bevestigd": "on"}
    )
    assert response.status_code == 400
    form = next(item["bezwaar_form"] for item in response.context["regels"] if item["r"].pk == regel_obj.pk)
    assert "toelichting" in form.errors and "toelichting-verplicht" in " ".join(form.errors["toelichting"])
    regel_obj.refresh_from_db()
    assert regel_obj.bezwaar == "geen"


def test_a_receipt_above_the_outstanding_amount_is_refused_on_the_amount(world, money):
    v = money["vordering"]
    response = _client(world.uwv_fin).post(
        f"/vorderingen/{v.uuid}/ontvangst/", {"bedrag": "99999.00", "datum": "2026-04-01", "bevestigd": "on"}
    )
    assert response.status_code == 400
    assert "(code: bedrag-te-hoog)" in " ".join(response.context["ontvangst_form"].errors["bedrag"])
    v.refresh_from_db()
    assert v.ontvangen == 0


def test_upload_with_a_broken_cell_names_the_row_and_stores_nothing(world, clock):
    csv = (
        b"declaratieNummer;declaratiePeriodeBegin;declaratiePeriodeEind;productReferentie;toewijzingNummer;"
        b"productCode;productPeriodeBegin;productPeriodeEind;geleverdVolume;ingediendBedrag\r\n"
        b"D-9;01-03-2026;31-03-2026;X-1;123;start;2026-03-02;2026-03-02;1;veel\r\n"
        b"D-9;01-03-2026;31-03-2026;X-2;123;start;31-02-2026;02-03-2026;1;10,00\r\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _client(world.ggz_noord).post(
        "/declaraties/bestand/", {"bestand": SimpleUploadedFile("d.csv", csv, content_type="text/csv")}
    )
    assert response.status_code == 400
    html = response.content.decode()
    # one Dutch line per problem, by row and column, as a list; the Dutch dates themselves are fine
    items = re.findall(r"<li><strong>(Regel \d+, kolom \w+):</strong> ([^<]+)", html)
    assert items == [
        ("Regel 2, kolom ingediendBedrag", "Een geldig nummer is vereist. "),
        (
            "Regel 3, kolom productPeriodeBegin",
            "&#x27;31-02-2026&#x27; is geen geldige datum. Schrijf een datum als DD-MM-JJJJ (01-12-2026) of "
            "JJJJ-MM-DD (2026-12-01). ",
        ),
    ], items
    assert "(code: ongeldige-waarde)" in html and "(code: datum-ongeldig)" in html and "(code: invalid)" not in html
    assert not Declaratie.objects.exists()


# --- exports --------------------------------------------------------------------------------------


def test_exports_carry_no_personal_data_and_neutralise_formulas(world, money):
    o, v = money["opdracht"], money["vordering"]
    deelnemer = Traject.objects.select_related("deelnemer").get(uuid=money["trajecten"][0]["uuid"]).deelnemer
    fin = _client(world.uwv_fin)
    for url in (f"/betaalopdrachten/{o.uuid}/regels.csv", f"/vorderingen/{v.uuid}/regels.csv"):
        body = fin.get(url).content.decode("utf-8-sig")
        assert "'=1+2" in body, url
        assert ";=1+2" not in body
        assert deelnemer.achternaam not in body and deelnemer.bsn not in body
    for url in (f"/betaalopdrachten/{o.uuid}/regels.xlsx", "/vorderingen/overzicht.xlsx", "/dashboard/budget.xlsx"):
        response = fin.get(url)
        assert response.status_code == 200 and response.content[:2] == b"PK", url
    overzicht = _client(world.gem_amsterdam).get("/vorderingen/overzicht.csv").content.decode("utf-8-sig")
    assert overzicht.splitlines()[1].startswith("0363;Amsterdam;1;")
    budget = _client(world.gem_amsterdam).get("/dashboard/budget.csv").content.decode("utf-8-sig")
    assert budget.splitlines()[0] == "maand;toegekend;gereserveerd;gerealiseerd;vrij"
    assert "2026-03;100000.00;4800.00;3200.00;92000.00" in budget  # paid 3200 of the 8000 committed


# --- dashboard --------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_costs_a_fixed_number_of_queries(world, clock):
    build_money(world, clock, n_trajecten=1)
    few = {u: _count(_client(getattr(world, u)), "/dashboard/") for u in ("gem_amsterdam", "uwv_fin", "uwv")}
    # More of everything: more trajectories, lines, another month's order and claim.
    more = [approved_traject(world, perceel="demo-gem-epa") for _ in range(3)]
    clock.move_to(moment(D(2026, 4, 2)))
    declare(world.ggz_noord, "D-2026-04", [start_line(t, f"M-{i}", D(2026, 4, 1)) for i, t in enumerate(more)])
    clock.move_to(moment(D(2026, 4, 6)))
    services.betaalopdrachten_aanmaken(datum=D(2026, 4, 6))
    opdracht = Betaalopdracht.objects.get(datum=D(2026, 4, 6))
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=opdracht)
    services.betaalopdracht_bevestigen(by=world.uwv_fin, opdracht=opdracht, datum=D(2026, 4, 6))
    clock.move_to(moment(D(2026, 5, 1)))
    services.vorderingen_aanmaken(datum=D(2026, 5, 1))
    many = {u: _count(_client(getattr(world, u)), "/dashboard/") for u in ("gem_amsterdam", "uwv_fin", "uwv")}
    assert many == few
    assert max(many.values()) <= 20, many

    page = _client(world.gem_amsterdam).get("/dashboard/").content.decode()
    assert 'role="img"' in page and "<table" in page  # every chart has its table
    assert "Werkmonitor" not in page  # that is UWV's
    uwv_page = _client(world.uwv_fin).get("/dashboard/").content.decode()
    assert "Doorlooptijd van besluiten" in uwv_page and "Werkmonitor 2026-Q1" in uwv_page


def test_budget_list_per_role(world, clock):
    assert "Amsterdam" in _client(world.uwv).get("/budgetten/").content.decode()
    assert "Amsterdam" in _client(world.gem_amsterdam).get("/budgetten/").content.decode()
    assert "Amsterdam" not in _client(world.gem_utrecht).get("/budgetten/").content.decode()
    assert _client(world.ggz_noord).get("/budgetten/").status_code == 403


def test_lines_of_an_order_and_a_claim_link_to_their_trajectory_in_fixed_queries(world, clock):
    """Each line's toewijzingNummer opens its trajectory where the role may see it (UWV on both
    pages, the gemeente on its claim: its own route); no query is repeated per line."""
    trajecten, opdracht, vordering = build_money(world, clock, n_trajecten=4)
    pages = [
        ("uwv_fin", f"/betaalopdrachten/{opdracht.uuid}/"),
        ("uwv_fin", f"/vorderingen/{vordering.uuid}/"),
        ("gem_amsterdam", f"/vorderingen/{vordering.uuid}/"),
    ]
    nummers = dict(Traject.objects.values_list("uuid", "toewijzing_nummer"))
    for user, url in pages:
        with CaptureQueriesContext(connection) as ctx:
            page = _client(getattr(world, user)).get(url).content.decode()
        for t in trajecten:
            link = f'<a href="/trajecten/{t["uuid"]}/">{nummers[UUID(t["uuid"])]}</a>'
            assert link in page, (user, url, link)
        shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in ctx.captured_queries)
        assert max(shapes.values()) < len(trajecten), (user, url, shapes.most_common(1))
