"""The co-financing claim as an invoice (domain.md 8 and 13, docs/declaraties.md): the invoice
number given when the claim is sent, the PDF made then, and the UBL 2.1 e-invoice
(``GET /api/v1/vorderingen/{uuid}/factuur.xml``) validated against the official OASIS UBL 2.1
schema, its amounts, its profile and its privacy, and who may download it."""

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from lxml import etree

from backoffice import documenten
from backoffice.models import Document, Instellingen
from declaraties import factuur, services, ubl
from declaraties.models import Betaalopdracht, Vordering
from tests.pdf import pdf_tekst
from tests.trajecten.helpers import approved_traject
from trajecten.models import Traject

from .geld_helpers import declare, moment, pay, periode_amount, regel, start_line

D = datetime.date
pytestmark = pytest.mark.django_db
NS = {"inv": ubl.NS_INVOICE, "cac": ubl.NS_CAC, "cbc": ubl.NS_CBC}

# The official OASIS UBL 2.1 schemas (os-UBL-2.1, 04 November 2013), vendored unchanged in
# tests/data/ubl-2.1 (its README says where they come from). The hashes pin the files we checked
# against two independent copies, so a changed file fails here instead of quietly validating
# against something else.
UBL_SHA256 = {
    "maindoc/UBL-Invoice-2.1.xsd": "40fae8cb436f3a9506d7acce65ba162caef3b0bed4d5cbc0992b2153ded4edf4",
    "common/UBL-CommonAggregateComponents-2.1.xsd": "939172ad8dd057cd403e7f763f6532184dd5ed4b9de24c42ebb35db4792ba613",
    "common/UBL-CommonBasicComponents-2.1.xsd": "bd4ad043ee1d9da1c7f8018dabf739cfafdfb59143d0d16b9ef769e6b7c408a7",
    "common/UBL-UnqualifiedDataTypes-2.1.xsd": "09052d406b4293e2a5f9c2bfee6df10ad4d8d5f0b36e24a6349d7f7936d89eb6",
}


def ubl_21_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "ubl-2.1"


@pytest.fixture(scope="module")
def invoice_schema() -> etree.XMLSchema:
    base = ubl_21_dir()
    for name, sha in UBL_SHA256.items():
        assert hashlib.sha256((base / name).read_bytes()).hexdigest() == sha, f"{name} is not the checked OASIS file"
    return etree.XMLSchema(etree.parse(str(base / "maindoc" / "UBL-Invoice-2.1.xsd")))


@pytest.fixture
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


def _paid_march(world, clock, *, utrecht=True):
    """Paid start lines in March: two trajectories for Amsterdam (and one for Utrecht); 3200 paid
    per line, the gemeente's share 50%: 1600 claimed per line."""
    from tests.factories import budget

    ams = [approved_traject(world, perceel="demo-gem-epa") for _ in range(2)]
    trajecten = list(ams)
    if utrecht:
        budget(world.utrecht, world.gem_regeling)
        trajecten.append(
            approved_traject(world, perceel="demo-gem-epa", gemeente="0344", gemeente_user=world.gem_utrecht)
        )
    declare(world.ggz_noord, "D-1", [start_line(t, f"R-{i}", D(2026, 3, 2)) for i, t in enumerate(trajecten)])
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 2))
    opdracht = Betaalopdracht.objects.get()
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=opdracht)
    services.betaalopdracht_bevestigen(by=world.uwv_fin, opdracht=opdracht, datum=D(2026, 3, 2))
    return trajecten


@pytest.fixture
def claims(clock, world):
    """The April run sends the claims at once (the default): one per gemeente."""
    world.trajecten = _paid_march(world, clock)
    clock.move_to(moment(D(2026, 4, 1)))
    services.vorderingen_aanmaken(datum=D(2026, 4, 1))
    world.ams_claim = Vordering.objects.get(gemeente=world.amsterdam)
    world.utr_claim = Vordering.objects.get(gemeente=world.utrecht)
    return world


def xml_of(world, user, claim):
    return world.client(user).get(f"/api/v1/vorderingen/{claim.uuid}/factuur.xml")


def test_the_monthly_run_numbers_the_claims_it_sends(claims):
    """Sent at once by the run: each claim is invoice number N of 2026 in the order of the CBS
    code (Utrecht 0344 before Amsterdam 0363), dated the day of the run, due 30 days later."""
    utr, ams = claims.utr_claim, claims.ams_claim
    assert (utr.factuurnummer, ams.factuurnummer) == ("IPS-2026-000001", "IPS-2026-000002")
    assert utr.factuurdatum == ams.factuurdatum == D(2026, 4, 1)
    assert ams.vervaldatum == D(2026, 5, 1)


def test_a_concept_gets_its_number_when_sent_and_the_sequence_restarts_each_year(clock, world):
    """With sending by hand: the concept has no number and no e-invoice (409); sending gives the
    next number of the year of sending; the first claim sent in 2027 is IPS-2027-000001."""
    Instellingen.objects.update_or_create(pk=1, defaults={"vordering_automatisch_verzenden": False})
    _paid_march(world, clock)
    clock.move_to(moment(D(2026, 4, 1)))
    services.vorderingen_aanmaken(datum=D(2026, 4, 1))
    ams = Vordering.objects.get(gemeente=world.amsterdam)
    utr = Vordering.objects.get(gemeente=world.utrecht)
    assert ams.status == "concept" and ams.factuurnummer is None and ams.factuurdatum is None
    response = xml_of(world, world.uwv_fin, ams)
    assert response.status_code == 409 and response.json()["code"] == "factuur-niet-verzonden"

    clock.move_to(moment(D(2026, 12, 31)))
    ams = services.vordering_verzenden(by=world.uwv_fin, vordering=ams)
    assert (ams.factuurnummer, ams.factuurdatum) == ("IPS-2026-000001", D(2026, 12, 31))
    clock.move_to(moment(D(2027, 1, 4)))
    utr = services.vordering_verzenden(by=world.uwv_fin, vordering=utr)
    assert (utr.factuurnummer, utr.factuurdatum) == ("IPS-2027-000001", D(2027, 1, 4))
    assert services.factuurnummers_uitgeven(D(2027, 2, 1), 2) == ["IPS-2027-000002", "IPS-2027-000003"]


def test_the_invoice_pdf_states_the_invoice_without_personal_data(claims):
    """One document per claim, made when the run sent it: the PDF states the invoice number, its
    dates, the lines by toewijzingNummer with paid amount, share and claimed amount, the total,
    UWV's IBAN with the invoice number as reference; no participant's name, BSN or birth date."""
    claim = claims.ams_claim
    made = Document.objects.filter(object_uuid=claim.uuid, soort="factuur")
    assert made.count() == 1
    tekst = pdf_tekst(documenten.pdf_van(made.get()))
    for text in (
        "Factuurnummer IPS-2026-000002",
        "Factuurdatum 01-04-2026",
        "Vervaldatum 01-05-2026",
        "Gemeente Amsterdam",
        "CBS-code 0363",
        "€ 3.200,00 50% € 1.600,00",
        "Te betalen € 3.200,00",
        "NL91ABNA0417164300",
    ):
        assert text in tekst, text
    for t in claims.trajecten[:2]:
        assert str(t["toewijzingNummer"]) in tekst
    _assert_no_personal_data(claims, tekst)
    assert services.factuur_document_maken(claim, by=None) == made.get()  # made once


def test_a_concept_has_no_invoice_document_until_it_is_sent(clock, world):
    Instellingen.objects.update_or_create(pk=1, defaults={"vordering_automatisch_verzenden": False})
    _paid_march(world, clock, utrecht=False)
    clock.move_to(moment(D(2026, 4, 1)))
    services.vorderingen_aanmaken(datum=D(2026, 4, 1))
    claim = Vordering.objects.get()
    assert not Document.objects.filter(object_uuid=claim.uuid).exists()
    services.vordering_verzenden(by=world.uwv_fin, vordering=claim)
    document = Document.objects.get(object_uuid=claim.uuid, soort="factuur")
    assert document.gemaakt_door == world.uwv_fin
    assert "IPS-2026-000001" in document.html


def _assert_no_personal_data(world, text: str):
    for t in world.trajecten:
        deelnemer = Traject.objects.select_related("deelnemer").get(uuid=t["uuid"]).deelnemer
        assert deelnemer.achternaam not in text
        assert deelnemer.bsn not in text
        # the XML writes dates as 2026-04-01, the PDF as 01-04-2026: neither may hold the birth date
        assert deelnemer.geboortedatum.isoformat() not in text
        assert f"{deelnemer.geboortedatum:%d-%m-%Y}" not in text


def test_the_e_invoice_validates_against_the_official_ubl_21_schema(claims, invoice_schema):
    """The XML of a real claim, downloaded through the API, is a valid UBL 2.1 Invoice."""
    response = xml_of(claims, claims.uwv_fin, claims.ams_claim)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "factuur-IPS-2026-000002.xml" in response["Content-Disposition"]
    document = etree.fromstring(response.content)
    assert invoice_schema.validate(document), invoice_schema.error_log


def test_a_broken_invoice_fails_the_schema(claims, invoice_schema):
    """The check can fail: without its cbc:ID (BT-1) the same invoice is not valid UBL 2.1, and
    neither is one with an element out of the schema's order."""
    document = etree.fromstring(ubl.factuur_xml(factuur.factuur(claims.ams_claim)))
    assert invoice_schema.validate(document)
    document.remove(document.find("cbc:ID", NS))
    assert not invoice_schema.validate(document)
    assert "ID" in str(invoice_schema.error_log)

    document = etree.fromstring(ubl.factuur_xml(factuur.factuur(claims.ams_claim)))
    due = document.find("cbc:DueDate", NS)
    document.remove(due)
    document.append(due)  # after the invoice lines
    assert not invoice_schema.validate(document)


def test_the_e_invoice_says_what_the_claim_says(claims):
    """Peppol BIS Billing 3.0 profile, number, dates, the gemeente as buyer with its code as
    reference, credit transfer to UWV's IBAN with the invoice number, VAT category O with its
    exemption reason and no rate, one line per claim line, and the amounts add up to the claim."""
    claim = claims.ams_claim
    doc = etree.fromstring(xml_of(claims, claims.gem_amsterdam, claim).content)

    def one(path):
        found = doc.xpath(path, namespaces=NS)
        assert len(found) == 1, (path, found)
        return found[0].text if hasattr(found[0], "text") else found[0]

    assert one("cbc:CustomizationID") == "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    assert one("cbc:ProfileID") == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert one("cbc:ID") == claim.factuurnummer == "IPS-2026-000002"
    assert (one("cbc:IssueDate"), one("cbc:DueDate")) == ("2026-04-01", "2026-05-01")
    assert (one("cbc:InvoiceTypeCode"), one("cbc:DocumentCurrencyCode")) == ("380", "EUR")
    assert one("cbc:BuyerReference") == "0363"
    assert (one("cac:InvoicePeriod/cbc:StartDate"), one("cac:InvoicePeriod/cbc:EndDate")) == (
        "2026-03-01",
        "2026-03-31",
    )
    buyer = "cac:AccountingCustomerParty/cac:Party"
    assert one(f"{buyer}/cac:PartyLegalEntity/cbc:RegistrationName") == "Gemeente Amsterdam"
    assert one(f"{buyer}/cbc:EndpointID/@schemeID") == "0190"
    assert one("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID/@schemeID") == "0190"
    assert one("cac:PaymentMeans/cbc:PaymentMeansCode") == "58"
    assert one("cac:PaymentMeans/cbc:PaymentID") == "IPS-2026-000002"
    assert one("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "NL91ABNA0417164300"
    assert (
        doc.xpath("//cac:TaxCategory/cbc:ID/text() | //cac:ClassifiedTaxCategory/cbc:ID/text()", namespaces=NS)
        == ["O"] * 3
    )
    assert one("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode") == "VATEX-EU-O"
    assert not doc.xpath("//cbc:Percent", namespaces=NS)  # category O has no rate (BR-O-05)
    assert not doc.xpath("//cac:PartyTaxScheme", namespaces=NS)  # and no VAT identifiers (BR-O-02)

    lines = doc.xpath("cac:InvoiceLine", namespaces=NS)
    assert len(lines) == claim.regels.count() == 2
    amounts = [Decimal(x) for x in doc.xpath("cac:InvoiceLine/cbc:LineExtensionAmount/text()", namespaces=NS)]
    assert amounts == [Decimal("1600.00")] * 2
    assert sum(amounts) == claim.bedrag == Decimal("3200.00")
    for field in ("LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PayableAmount"):
        assert Decimal(one(f"cac:LegalMonetaryTotal/cbc:{field}")) == claim.bedrag
    assert Decimal(one("cac:TaxTotal/cbc:TaxAmount")) == 0
    assert Decimal(one("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount")) == claim.bedrag
    for line in lines:
        assert line.find("cbc:InvoicedQuantity", NS).get("unitCode") == "C62"
        assert line.find("cbc:InvoicedQuantity", NS).text == "1"
        assert line.find("cac:Price/cbc:PriceAmount", NS).text == "1600.00"
    names = doc.xpath("cac:InvoiceLine/cac:Item/cbc:Name/text()", namespaces=NS)
    assert sorted(names) == sorted(f"Traject {t['toewijzingNummer']}: Start" for t in claims.trajecten[:2])
    descriptions = doc.xpath("cac:InvoiceLine/cac:Item/cbc:Description/text()", namespaces=NS)
    assert {d.replace("\u00a0", " ").split(" betaald")[0] for d in descriptions} == {"Aandeel 50% van € 3.200,00"}


def test_the_e_invoice_holds_no_personal_data(claims):
    """Only toewijzingNummers: no participant's name, BSN or birth date anywhere in the file."""
    for claim in (claims.ams_claim, claims.utr_claim):
        _assert_no_personal_data(claims, xml_of(claims, claims.uwv_fin, claim).content.decode())


ACCESS = [
    ("uwv_fin", "ams_claim", 200),
    ("uwv_fin", "utr_claim", 200),
    ("gem_amsterdam", "ams_claim", 200),
    ("gem_amsterdam", "utr_claim", 404),
    ("gem_utrecht", "ams_claim", 404),
    ("uwv", "ams_claim", 403),
    ("ggz_noord", "ams_claim", 403),
    ("auditor", "ams_claim", 403),
]


def test_who_may_download_the_e_invoice(claims):
    """UWV financieel and the claimed gemeente; another gemeente's claim does not exist for it
    (404); other roles are refused (403). (One test: the claims are built once.)"""
    for user, claim, status in ACCESS:
        response = xml_of(claims, getattr(claims, user), getattr(claims, claim))
        assert response.status_code == status, (user, claim, response.status_code)
        if status == 200:
            assert etree.fromstring(response.content).find("cbc:ID", NS).text == getattr(claims, claim).factuurnummer
        else:
            assert response["Content-Type"].startswith("application/problem+json"), (user, claim)


def test_the_api_lists_the_invoice_number(claims):
    body = claims.client(claims.gem_amsterdam).get(f"/api/v1/vorderingen/{claims.ams_claim.uuid}").json()
    assert (body["factuurnummer"], body["factuurdatum"]) == ("IPS-2026-000002", "2026-04-01")
    listed = claims.client(claims.gem_amsterdam).get(f"/api/v1/documenten?object={claims.ams_claim.uuid}").json()
    assert [d["soort"] for d in listed["results"]] == ["factuur"]
    other = claims.client(claims.gem_utrecht).get(f"/api/v1/documenten?object={claims.ams_claim.uuid}")
    assert other.status_code == 404 or other.json()["results"] == []


@pytest.fixture
def correction(claims, clock):
    """A correction in April on one Amsterdam trajectory (credit of the start line, the start line
    again, March's month line), paid on 6 April: the May run claims a credit line too."""
    w = claims
    t = w.trajecten[0]
    clock.move_to(moment(D(2026, 4, 3)))
    w.maand = periode_amount(D(2026, 3, 2), D(2026, 3, 31))
    declare(
        w.ggz_noord,
        "D-2026-03-C",
        [
            regel(t, "R-0-C", "start", D(2026, 3, 2), D(2026, 3, 2), "3200.00", dc="C", vorig="R-0"),
            start_line(t, "R-0-B", D(2026, 3, 2)),
            regel(t, "R-MAART", "periode", D(2026, 3, 2), D(2026, 3, 31), w.maand, volume="30"),
        ],
    )
    pay(w, clock, D(2026, 4, 6))
    clock.move_to(moment(D(2026, 5, 1)))
    services.vorderingen_aanmaken(datum=D(2026, 5, 1))
    w.mei = Vordering.objects.get(gemeente=w.amsterdam, periode=D(2026, 4, 1))
    return w


def test_a_credit_line_is_a_negative_quantity_at_a_positive_price(correction, invoice_schema):
    """The May claim holds the credit (-1600), the start line again (+1600) and the month line:
    still valid UBL; the credit line is quantity -1 at price 1600 (a price is never negative,
    BR-27) and the lines add up to the claim. The May claim is invoice 3 of 2026."""
    mei = correction.mei
    assert mei.factuurnummer == "IPS-2026-000003"
    doc = etree.fromstring(xml_of(correction, correction.uwv_fin, mei).content)
    assert invoice_schema.validate(doc), invoice_schema.error_log
    lines = {
        Decimal(line.find("cbc:LineExtensionAmount", NS).text): (
            line.find("cbc:InvoicedQuantity", NS).text,
            line.find("cac:Price/cbc:PriceAmount", NS).text,
        )
        for line in doc.findall("cac:InvoiceLine", NS)
    }
    aandeel = (correction.maand * Decimal("0.5")).quantize(Decimal("0.01"))
    assert lines == {
        Decimal("-1600.00"): ("-1", "1600.00"),
        Decimal("1600.00"): ("1", "1600.00"),
        aandeel: ("1", f"{aandeel}"),
    }
    assert sum(lines) == mei.bedrag == aandeel
    # The claim is about April's payments, its lines about March: the invoice period covers both.
    period = doc.find("cac:InvoicePeriod", NS)
    assert (period.find("cbc:StartDate", NS).text, period.find("cbc:EndDate", NS).text) == ("2026-03-02", "2026-04-30")
    assert Decimal(doc.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS).text) == mei.bedrag


def test_a_line_whose_dispute_was_upheld_leaves_the_e_invoice(correction):
    """The gemeente disputes the month line and UWV upholds it: the claim drops by that line, and
    so does the e-invoice (two lines left, adding up to the claim, now zero)."""
    w, mei = correction, correction.mei
    maandregel = mei.regels.get(prestatie__product_code="periode")
    services.bezwaar_indienen(by=w.gem_amsterdam, vordering=mei, regel=maandregel, toelichting="Niet actief")
    services.bezwaar_beoordelen(by=w.uwv_fin, regel=maandregel, besluit="toegewezen", toelichting="Terecht")
    mei.refresh_from_db()
    doc = etree.fromstring(xml_of(w, w.gem_amsterdam, mei).content)
    amounts = [Decimal(x) for x in doc.xpath("cac:InvoiceLine/cbc:LineExtensionAmount/text()", namespaces=NS)]
    assert sorted(amounts) == [Decimal("-1600.00"), Decimal("1600.00")]
    assert sum(amounts) == mei.bedrag == 0


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_claim_pages_show_the_invoice_and_its_two_downloads(claims):
    """The list shows the invoice number; the claim's page the number and both downloads for UWV
    financieel and the gemeente; the PDF and the UBL file download; another gemeente gets 404."""
    claim = claims.ams_claim
    for user in (claims.uwv_fin, claims.gem_amsterdam):
        web = _web(user)
        assert "IPS-2026-000002" in web.get("/vorderingen/").content.decode()
        page = web.get(f"/vorderingen/{claim.uuid}/").content.decode()
        assert "IPS-2026-000002" in page and "Factuur (PDF)" in page and "E-factuur (UBL)" in page
        document = Document.objects.get(object_uuid=claim.uuid, soort="factuur")
        assert f"/documenten/{document.uuid}/document.pdf" in page
        pdf = web.get(f"/documenten/{document.uuid}/document.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        xml = web.get(f"/vorderingen/{claim.uuid}/factuur.xml")
        assert xml.status_code == 200 and xml["Content-Type"].startswith("application/xml")
        assert etree.fromstring(xml.content).find("cbc:ID", NS).text == "IPS-2026-000002"
    other = _web(claims.gem_utrecht)
    assert "IPS-2026-000002" not in other.get("/vorderingen/").content.decode()
    assert other.get(f"/vorderingen/{claim.uuid}/factuur.xml").status_code == 404
    assert other.get(f"/vorderingen/{claim.uuid}/").status_code == 404


def test_a_claim_whose_only_line_was_dropped_has_no_e_invoice(clock, world):
    """One line, disputed and upheld: nothing is left to invoice (UBL needs a line): 409."""
    _paid_march(world, clock, utrecht=False)
    Vordering.objects.all().delete()
    clock.move_to(moment(D(2026, 4, 1)))
    services.vorderingen_aanmaken(datum=D(2026, 4, 1))
    claim = Vordering.objects.get()
    for regel_ in claim.regels.order_by("id"):
        services.bezwaar_indienen(by=world.gem_amsterdam, vordering=claim, regel=regel_, toelichting="Niet hier")
        services.bezwaar_beoordelen(by=world.uwv_fin, regel=regel_, besluit="toegewezen", toelichting="Terecht")
    response = xml_of(world, world.uwv_fin, claim)
    assert response.status_code == 409 and response.json()["code"] == "factuur-zonder-regels"


# The loop the invoice template had before ``{% factuurregels %}`` (issue 13): the tag writes the
# same bytes, so an invoice made by the monthly run reads and hashes as before.
_LUS_VAN_VOOR = """{% load documenten %}{% for r in regels %}
    <tr>
      <td>{{ r.nummer }}</td>
      <td>{{ r.toewijzing_nummer }}</td>
      <td>{{ r.product }}{% if r.debet_credit == "C" %} (credit){% endif %}<br><span class="klein">{{ r.regeling }}</span></td>
      <td>{{ r.begindatum|datum_nl }} t/m {{ r.einddatum|datum_nl }}</td>
      <td class="bedrag">{{ r.betaald_bedrag|euro }}</td>
      <td class="bedrag">{% widthratio r.aandeel 1 100 %}%</td>
      <td class="bedrag">{{ r.bedrag|euro }}</td>
    </tr>
  {% endfor %}"""


@pytest.mark.django_db(False)
def test_the_invoice_lines_are_the_html_of_the_template_loop():
    from django.template import Context, Template

    regels = [
        factuur.Factuurregel(
            nummer=n,
            toewijzing_nummer=4711 + n,
            product_code=code,
            product=factuur.PRODUCTEN.get(code, code),
            regeling="R&D <2026>",
            begindatum=D(2026, 11, 1),
            einddatum=D(2026, 11, 30),
            debet_credit=dc,
            betaald_bedrag=Decimal(betaald),
            aandeel=Decimal(aandeel),
            bedrag=Decimal(bedrag),
        )
        for n, (code, dc, betaald, aandeel, bedrag) in enumerate(
            [
                ("periode", "D", "1234.50", "0.25", "308.63"),
                ("start", "C", "-800.00", "0.33", "-264.00"),
                ("x<y", "D", "0.00", "0.50", "0.00"),
            ],
            start=1,
        )
    ]
    voor = Template(_LUS_VAN_VOOR).render(Context({"regels": regels}))
    nu = Template("{% load factuur %}{% factuurregels regels %}").render(Context({"regels": regels}))
    assert nu == voor
    assert "R&amp;D &lt;2026&gt;" in nu and "(credit)" in nu and "33%" in nu
