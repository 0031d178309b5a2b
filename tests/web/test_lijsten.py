"""The list pages as office workers use them (backoffice.lijsten), through Django's test client:
search by BSN in a POST only (never in a URL, shown masked, logged like the BSN search), by name
only where the role may see the name, sort by column header, filters that are remembered, the
export equal to the page, the bulk acceptance of waiting lines with a refused line, and a fixed
number of queries per list."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from openpyxl import load_workbook

from backoffice import roles
from backoffice.models import BsnRaadpleging, Instellingen, User, Verwerking
from declaraties import services
from declaraties.models import Prestatie
from tests.declaraties.geld_helpers import moment, start_line
from tests.factories import client_as as _client
from tests.factories import valid_bsn
from tests.trajecten.helpers import approved_traject
from trajecten.models import Deelnemer, Traject

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


def _declare(user, nummer, trajecten, refs, day=None):
    day = day or D(2026, 3, 2)
    invoer = services.DeclaratieInvoer(
        declaratie_nummer=nummer,
        begindatum=D(2026, 3, 1),
        einddatum=D(2026, 3, 31),
        regels=[start_line(t, ref, day) for t, ref in zip(trajecten, refs, strict=True)],
    )
    return services.declaratie_submit(by=user, invoer=invoer)[0]


@pytest.fixture
def queue(world, clock):
    """Two UWV-route trajectories of GGZ Noord (participants 'Bakker' and 'de Vries') and one on
    Amsterdam's gemeente route ('Smit'); automatic acceptance off: a declaration D-1 with two
    waiting lines, and a declaration D-0 (Smit's) whose line UWV already accepted."""
    Instellingen.objects.update_or_create(pk=1, defaults={"declaratie_automatisch_toekennen": False})
    a, b = approved_traject(world), approved_traject(world)
    g = approved_traject(world, perceel="demo-gem-epa")
    Deelnemer.objects.filter(trajecten__uuid=a["uuid"]).update(achternaam="Bakker")
    Deelnemer.objects.filter(trajecten__uuid=g["uuid"]).update(achternaam="Smit")
    clock.move_to(moment(D(2026, 3, 9)))
    d0 = _declare(world.ggz_noord, "D-0", [g], ["OUD"])
    services.prestaties_beoordelen(
        by=world.uwv, declaratie=d0, besluiten=[{"product_referentie": "OUD", "besluit": "toegekend"}]
    )
    clock.move_to(moment(D(2026, 3, 10)))
    d1 = _declare(world.ggz_noord, "D-1", [a, b], ["S-A", "S-B"])
    bakker = Deelnemer.objects.get(trajecten__uuid=a["uuid"])
    return {"a": a, "b": b, "g": g, "d0": d0, "d1": d1, "bakker": bakker}


def test_bsn_search_is_a_post_shown_masked_logged_and_remembered(world, queue):
    client = _client(world.ggz_noord)
    bsn = queue["bakker"].bsn
    response = client.post("/aanvragen/", {"zoekterm": bsn})
    assert response.status_code == 302 and bsn not in response["Location"]
    # the lookup is in the BSN log (hash only) and the participant found in the processing log
    assert BsnRaadpleging.objects.filter(user=world.ggz_noord, bsn_hash=queue["bakker"].bsn_hash).exists()
    logged = Verwerking.objects.filter(deelnemer_uuid=queue["bakker"].uuid, route="POST /aanvragen/")
    assert logged.filter(handeling="raadplegen").exists()

    page = client.get(response["Location"]).content.decode()
    assert f"*****{bsn[-4:]}" in page and bsn not in page
    assert "Bakker" in page and "de Vries" not in page  # only the participant searched
    assert client.get("/aanvragen/").content.decode().count("Bakker") >= 1  # the search is remembered

    # the export is the list as shown: the one row, the BSN masked
    export = client.get("/aanvragen/?export=csv")
    text = export.content.decode("utf-8-sig")
    assert export["Content-Disposition"].startswith("attachment")
    assert text.splitlines()[0].startswith("Deelnemer;BSN;Aanbieder")
    assert len(text.splitlines()) == 2 and "Bakker" in text and bsn not in text and f"*****{bsn[-4:]}" in text
    assert Verwerking.objects.filter(deelnemer_uuid=queue["bakker"].uuid, handeling="exporteren").count() == 1

    # clearing the search shows everything again
    client.post("/aanvragen/", {"zoeken_wissen": "1"})
    assert "de Vries" in client.get("/aanvragen/").content.decode()
    # a ?bsn= or ?zoekterm= in a URL searches nothing
    assert "de Vries" in client.get(f"/aanvragen/?zoekterm={bsn}").content.decode()
    # the search page: nobody with this BSN yet; the provider's first step is a new application
    page = client.post("/deelnemers/zoeken/", {"bsn": valid_bsn(9999)}).content.decode()
    assert "Geen deelnemer gevonden" in page and 'href="/aanvragen/nieuw/"' in page


def test_name_search_only_where_the_role_sees_the_name(world, queue):
    # the provider sees its participants' names; UWV not on the gemeente route (docs/privacy.md)
    provider = _client(world.ggz_noord)
    provider.post("/trajecten/", {"zoekterm": "smit"})
    page = provider.get("/trajecten/").content.decode()
    assert "Smit" in page and str(queue["g"]["toewijzingNummer"]) in page
    uwv = _client(world.uwv)
    uwv.post("/trajecten/", {"zoekterm": "smit"})
    page = uwv.get("/trajecten/").content.decode()
    assert str(queue["g"]["toewijzingNummer"]) not in page and "Niets gevonden" in page
    # a toewijzingNummer and a declaration number find their rows
    uwv.post("/declaraties/werkvoorraad/", {"zoekterm": str(queue["a"]["toewijzingNummer"])})
    page = uwv.get("/declaraties/werkvoorraad/").content.decode()
    assert "S-A" in page and "S-B" not in page
    uwv.post("/declaraties/", {"zoekterm": "D-0"})
    page = uwv.get("/declaraties/").content.decode()
    assert ">D-0<" in page and ">D-1<" not in page


def test_sort_by_header_and_remembered_filters(world, queue):
    client = _client(world.uwv)
    page = client.get("/declaraties/werkvoorraad/").content.decode()
    # the default: the waiting lines only, oldest declaration first
    assert "S-A" in page and "OUD" not in page
    assert 'aria-sort="ascending"><a href="?status=in_behandeling&amp;sorteer=-ingediend"' in page
    # "Alle statussen" shows every status, and is remembered
    page = client.get("/declaraties/werkvoorraad/?status=&toewijzing=").content.decode()
    assert "OUD" in page and "S-A" in page
    page = client.get("/declaraties/werkvoorraad/").content.decode()
    assert "OUD" in page and "Filters wissen" in page
    # sorting by a header, the other way on a second click; an unknown key is ignored
    page = client.get("/declaraties/werkvoorraad/?status=&sorteer=-referentie").content.decode()
    assert page.index("S-B") < page.index("S-A") < page.index("OUD")
    assert 'aria-sort="descending"><a href="?status=&amp;sorteer=referentie"' in page
    assert client.get("/declaraties/werkvoorraad/?sorteer=wachtwoord").status_code == 200
    # "Filters wissen" forgets it all: the waiting lines again
    assert client.get("/declaraties/werkvoorraad/?wissen=1").status_code == 302
    assert "OUD" not in client.get("/declaraties/werkvoorraad/").content.decode()
    # /aanvragen/ says what it sorts by
    page = client.get("/aanvragen/").content.decode()
    assert '<option value="deadline" selected>Beslissen vóór (eerst verlopend)</option>' in page


def test_export_is_the_list_as_shown(world, queue):
    client = _client(world.uwv)
    client.get("/declaraties/werkvoorraad/?status=&sorteer=-referentie")
    csv = client.get("/declaraties/werkvoorraad/?export=csv").content.decode("utf-8-sig").splitlines()
    assert csv[0] == ("Declaratie;Aanbieder;Ingediend;Productreferentie;Toewijzingnummer;Product;Periode;Bedrag;Status")
    assert [r.split(";")[3] for r in csv[1:]] == ["S-B", "S-A", "OUD"]
    assert csv[1].split(";")[2] == "10-03-2026" and csv[1].split(";")[7] == "3.200,00"
    xlsx = client.get("/declaraties/werkvoorraad/?export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][7] == "Bedrag" and [r[3] for r in rows[1:]] == ["S-B", "S-A", "OUD"]
    assert rows[1][7] == 3200 and sheet.cell(row=2, column=8).number_format == "#,##0.00"
    assert isinstance(rows[1][2], datetime.datetime) and rows[1][2].date() == D(2026, 3, 10)


def test_bulk_acceptance_with_a_refused_line(world, queue):
    client = _client(world.uwv)
    page = client.get("/declaraties/werkvoorraad/").content.decode()
    assert "Geselecteerde regels toekennen" in page
    s_a, s_b, oud = (Prestatie.objects.get(product_referentie=r) for r in ("S-A", "S-B", "OUD"))
    # a line accepted meanwhile (a stale page) is refused, the others are accepted
    selectie = {"regel": [str(s_a.uuid), str(s_b.uuid), str(oud.uuid), "5a0e3c52-0000-4000-8000-000000000000"]}
    confirm = client.post("/declaraties/werkvoorraad/toekennen/", selectie).content.decode()
    assert "U kent <strong>2 regels</strong> toe, samen <strong>€\u00a06.400,00</strong>" in confirm
    assert "1 regel: Deze regel bestaat niet of is niet voor u. (code: onbekende-regel)" in confirm  # not "regel(s)"
    assert "Regel OUD van declaratie D-0: Deze regel wacht niet (meer) op beoordeling." in confirm
    assert Prestatie.objects.filter(status="in_behandeling").count() == 2  # nothing happened yet
    # without the box ticked nothing happens
    assert client.post("/declaraties/werkvoorraad/toekennen/", {**selectie, "stap": "bevestigen"}).status_code == 400
    response = client.post(
        "/declaraties/werkvoorraad/toekennen/", {**selectie, "stap": "bevestigen", "bevestigd": "on"}, follow=True
    )
    page = response.content.decode()
    assert "2 regels toegekend, samen €\u00a06.400,00" in page
    assert "Regel OUD van declaratie D-0 is niet toegekend: Deze regel wacht niet (meer) op beoordeling." in page
    assert set(Prestatie.objects.filter(declaratie=queue["d1"]).values_list("status", flat=True)) == {"toegekend"}
    queue["d1"].refresh_from_db()
    assert queue["d1"].totaal_toegekend == Decimal("6400.00")
    assert Traject.objects.get(uuid=queue["a"]["uuid"]).gedeclareerd == Decimal("3200.00")
    assert s_a.history.first().history_user == world.uwv


def test_bulk_acceptance_keeps_four_eyes(world, queue, clock):
    world.ggz_noord.groups.add(Group.objects.get(name=roles.UWV_BEOORDELAAR))
    both = User.objects.get(pk=world.ggz_noord.pk)
    d2 = _declare(both, "D-2", [approved_traject(world)], ["EIGEN"], day=D(2026, 3, 10))
    eigen, s_b = Prestatie.objects.get(declaratie=d2), Prestatie.objects.get(product_referentie="S-B")
    response = _client(both).post(
        "/declaraties/werkvoorraad/toekennen/",
        {"regel": [str(eigen.uuid), str(s_b.uuid)], "stap": "bevestigen", "bevestigd": "on"},
        follow=True,
    )
    page = response.content.decode()
    assert "Regel EIGEN van declaratie D-2 is niet toegekend: Wie declareerde, beoordeelt niet (vier ogen)." in page
    assert "(code: vier-ogen)" in page
    assert Prestatie.objects.get(pk=eigen.pk).status == "in_behandeling"
    # S-B was declared by the same person too: refused as well; nothing accepted
    assert Prestatie.objects.get(pk=s_b.pk).status == "in_behandeling"
    # a provider cannot reach the bulk acceptance at all
    # "Alle wachtende regels op deze pagina" sends the page's waiting lines
    confirm = _client(world.uwv).post(
        "/declaraties/werkvoorraad/toekennen/", {"alle": "1", "pagina_regel": [str(eigen.uuid), str(s_b.uuid)]}
    )
    assert "U kent <strong>2 regels</strong> toe" in confirm.content.decode()
    refused = _client(world.gem_amsterdam).post("/declaraties/werkvoorraad/toekennen/", {"regel": [str(s_b.uuid)]})
    assert refused.status_code == 403


LIJSTEN = [
    ("ggz_noord", "/aanvragen/", "de Vries"),
    ("uwv", "/aanvragen/", "de Vries"),
    ("ggz_noord", "/trajecten/", "de Vries"),
    ("ggz_noord", "/signalen/", "1"),
    ("ggz_noord", "/declaraties/", "D-1"),
    ("uwv", "/declaraties/werkvoorraad/", "S-A"),
    ("uwv_fin", "/betaalopdrachten/", "D-1"),
    ("uwv_fin", "/vorderingen/", "de Vries"),
    ("ggz_noord", "/bezwaren/", "de Vries"),
    ("ggz_noord", "/berichten/", "signaal"),
]


def test_each_list_costs_a_fixed_number_of_queries(world, queue, django_assert_max_num_queries):
    """Search, sort and both exports of every list; one world for all (the suite stays cheap)."""
    for rol, url, zoekterm in LIJSTEN:
        client = _client(getattr(world, rol))
        client.get(url)  # the session and the user's caches warm
        with django_assert_max_num_queries(20):
            assert client.post(url, {"zoekterm": zoekterm}).status_code == 302
        with django_assert_max_num_queries(20):
            assert client.get(f"{url}?sorteer=-status" if "berichten" not in url else url).status_code == 200
        for formaat in ("xlsx", "csv"):
            with django_assert_max_num_queries(20):
                response = client.get(f"{url}?export={formaat}")
            assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment"), url


def test_the_empty_berichten_page_offers_the_signals_only_to_who_may_open_them(world):
    """The auditor cannot open /signalen/ (403), so its empty Berichten page does not send it there;
    the provider's does."""
    auditor = _client(world.auditor).get("/berichten/")
    assert auditor.status_code == 200 and "Naar de signalen" not in auditor.content.decode()
    assert _client(world.auditor).get("/signalen/").status_code == 403
    assert "Naar de signalen" in _client(world.ggz_noord).get("/berichten/").content.decode()


def test_a_bsn_typed_with_other_words_is_still_searched_as_a_bsn(world, queue):
    """ "bsn 123456782" is not kept in the session or echoed in clear as a text search."""
    client = _client(world.ggz_noord)
    bsn = queue["bakker"].bsn
    response = client.post("/aanvragen/", {"zoekterm": f"bsn {bsn}"})
    page = client.get(response["Location"]).content.decode()
    assert f"*****{bsn[-4:]}" in page and bsn not in page and "Bakker" in page
    assert bsn not in str(dict(client.session.items()))
    # a number that merely contains nine digits stays a number search
    from backoffice.lijsten import _classificeer

    assert _classificeer(f"D-{bsn}")[0] == "tekst"


def test_sorting_by_surname_never_orders_names_the_role_may_not_see(world, queue):
    """UWV does not see the name of Smit (gemeente route): sorted by surname either way, that
    trajectory stays at the end, so the order gives nothing of the hidden name away."""
    Deelnemer.objects.filter(trajecten__uuid=queue["b"]["uuid"]).update(achternaam="Zwart")
    Deelnemer.objects.filter(trajecten__uuid=queue["g"]["uuid"]).update(achternaam="Aa")  # would sort first
    client = _client(world.uwv)
    nummers = {k: str(Traject.objects.get(uuid=queue[k]["uuid"]).toewijzing_nummer) for k in ("a", "b", "g")}
    for sorteer, verwacht in (("deelnemer", ["a", "b", "g"]), ("-deelnemer", ["b", "a", "g"])):
        csv = client.get(f"/trajecten/?status=&sorteer={sorteer}&export=csv").content.decode("utf-8-sig")
        rijen = [r.split(";")[0] for r in csv.splitlines()[1:]]
        assert rijen == [nummers[k] for k in verwacht], sorteer
        assert "Aa" not in csv
