"""The co-financing claim as an e-invoice: a UBL 2.1 Invoice in the profile of Peppol BIS Billing
3.0, which is the Dutch NLCIUS for this case (docs/declaraties.md "De e-factuur (UBL)").

Built with lxml in the element order of the OASIS UBL 2.1 schema (``UBL-Invoice-2.1.xsd``), which
the tests validate every generated invoice against. The data is ``declaraties.factuur``'s, the same
the PDF is made from. Co-financing between two government bodies is not subject to VAT: every line
and the one VAT breakdown carry category ``O`` with exemption reason ``VATEX-EU-O`` and no rate
(EN 16931 BR-O-*), and no party carries a VAT identifier (BR-O-02)."""

from decimal import Decimal

from django.http import HttpResponse
from lxml import etree

from backoffice.errors import BusinessRuleError
from backoffice.opmaak import euro

from .factuur import Factuur, factuur
from .rules import month_bounds

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NSMAP = {None: NS_INVOICE, "cac": NS_CAC, "cbc": NS_CBC}

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_TYPE_CODE = "380"  # commercial invoice (UNTDID 1001)
PAYMENT_MEANS_CODE = "58"  # SEPA credit transfer (UNTDID 4461)
SCHEME_OIN = "0190"  # Dutch Originator's Identification Number (ISO 6523 ICD / Peppol EAS)
SCHEME_KVK = "0106"  # Dutch Chamber of Commerce number
TAX_CATEGORY = "O"  # not subject to VAT (UNCL 5305)
VATEX_CODE = "VATEX-EU-O"
VATEX_TEKST = "Niet onderworpen aan btw: cofinanciering tussen overheden"
CURRENCY = "EUR"
UNIT_CODE = "C62"  # one (UN/ECE Recommendation 20)


def _cbc(parent, tag: str, text=None, **attrs):
    el = etree.SubElement(parent, f"{{{NS_CBC}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = str(text)
    return el


def _cac(parent, name: str):
    return etree.SubElement(parent, f"{{{NS_CAC}}}{name}")


def _amount(parent, name: str, value: Decimal):
    return _cbc(parent, name, f"{value.quantize(Decimal('0.01'))}", currencyID=CURRENCY)


def _tax_category(parent, name: str, *, reason: bool):
    cat = _cac(parent, name)
    _cbc(cat, "ID", TAX_CATEGORY)
    if reason:
        _cbc(cat, "TaxExemptionReasonCode", VATEX_CODE)
        _cbc(cat, "TaxExemptionReason", VATEX_TEKST)
    _cbc(_cac(cat, "TaxScheme"), "ID", "VAT")
    return cat


def _party(parent, wrapper: str, partij: dict):
    """A seller or buyer (``factuur.verkoper()`` / ``factuur.koper()``); ``kvk`` and ``email`` optional."""
    naam, oin, kvk, email = partij["naam"], partij["oin"], partij.get("kvk"), partij.get("email")
    party = _cac(_cac(parent, wrapper), "Party")
    _cbc(party, "EndpointID", oin, schemeID=SCHEME_OIN)
    _cbc(_cac(party, "PartyIdentification"), "ID", oin, schemeID=SCHEME_OIN)
    _cbc(_cac(party, "PartyName"), "Name", naam)
    address = _cac(party, "PostalAddress")
    _cbc(address, "StreetName", partij["straat"])
    _cbc(address, "CityName", partij["plaats"])
    _cbc(address, "PostalZone", partij["postcode"])
    _cbc(_cac(address, "Country"), "IdentificationCode", partij["land"])
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", naam)
    if kvk:
        _cbc(legal, "CompanyID", kvk, schemeID=SCHEME_KVK)
    else:
        _cbc(legal, "CompanyID", oin, schemeID=SCHEME_OIN)
    if email:
        _cbc(_cac(party, "Contact"), "ElectronicMail", email)
    return party


def factuur_xml(f: Factuur) -> bytes:
    """The UBL 2.1 Invoice of one sent claim, as UTF-8 bytes with an XML declaration."""
    root = etree.Element(f"{{{NS_INVOICE}}}Invoice", nsmap=NSMAP)
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", f.nummer)
    _cbc(root, "IssueDate", f.datum.isoformat())
    _cbc(root, "DueDate", f.vervaldatum.isoformat())
    _cbc(root, "InvoiceTypeCode", INVOICE_TYPE_CODE)
    _cbc(root, "Note", f"Cofinanciering IPS-trajecten over {f.periode:%m-%Y}, per toewijzingNummer.")
    _cbc(root, "DocumentCurrencyCode", CURRENCY)
    _cbc(root, "BuyerReference", f.koper["code"])
    # The month UWV paid in, widened to the product periods of the lines: a line paid late can be
    # about an earlier month, and a line's period lies within the invoice's (PEPPOL-EN16931-R110/R111).
    begin, eind = month_bounds(f.periode)
    periode = _cac(root, "InvoicePeriod")
    _cbc(periode, "StartDate", min([begin, *(r.begindatum for r in f.regels)]).isoformat())
    _cbc(periode, "EndDate", max([eind, *(r.einddatum for r in f.regels)]).isoformat())
    v = f.verkoper
    _party(root, "AccountingSupplierParty", v)
    _party(root, "AccountingCustomerParty", f.koper)
    means = _cac(root, "PaymentMeans")
    _cbc(means, "PaymentMeansCode", PAYMENT_MEANS_CODE, name="SEPA credit transfer")
    _cbc(means, "PaymentID", f.nummer)
    account = _cac(means, "PayeeFinancialAccount")
    _cbc(account, "ID", v["iban"])
    _cbc(account, "Name", v["rekeninghouder"])
    if v.get("bic"):
        _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", v["bic"])
    _cbc(
        _cac(root, "PaymentTerms"),
        "Note",
        f"Te betalen vóór {f.vervaldatum:%d-%m-%Y} op {v['iban']} onder vermelding van {f.nummer}.",
    )
    totaal = f.totaal
    tax_total = _cac(root, "TaxTotal")
    _amount(tax_total, "TaxAmount", Decimal("0"))
    subtotal = _cac(tax_total, "TaxSubtotal")
    _amount(subtotal, "TaxableAmount", totaal)
    _amount(subtotal, "TaxAmount", Decimal("0"))
    _tax_category(subtotal, "TaxCategory", reason=True)
    monetary = _cac(root, "LegalMonetaryTotal")
    for name in ("LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PayableAmount"):
        _amount(monetary, name, totaal)
    for r in f.regels:
        _line(root, r)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _line(root, r) -> None:
    """One claim line. A credit line is quantity -1 at a positive price (EN 16931 BR-27: a price
    is never negative), so quantity x price = the (negative) line amount (PEPPOL-EN16931-R120)."""
    line = _cac(root, "InvoiceLine")
    _cbc(line, "ID", r.nummer)
    _cbc(line, "InvoicedQuantity", "-1" if r.bedrag < 0 else "1", unitCode=UNIT_CODE)
    _amount(line, "LineExtensionAmount", r.bedrag)
    periode = _cac(line, "InvoicePeriod")
    _cbc(periode, "StartDate", r.begindatum.isoformat())
    _cbc(periode, "EndDate", r.einddatum.isoformat())
    item = _cac(line, "Item")
    _cbc(
        item,
        "Description",
        f"Aandeel {r.aandeel * 100:.0f}% van {euro(r.betaald_bedrag)} betaald door UWV "
        f"({'credit' if r.debet_credit == 'C' else 'debet'}, regeling {r.regeling}).",
    )
    _cbc(item, "Name", f"Traject {r.toewijzing_nummer}: {r.product}")
    _cbc(_cac(item, "SellersItemIdentification"), "ID", r.product_code)
    _tax_category(item, "ClassifiedTaxCategory", reason=False)
    for naam, waarde in (("toewijzingNummer", r.toewijzing_nummer), ("productCode", r.product_code)):
        prop = _cac(item, "AdditionalItemProperty")
        _cbc(prop, "Name", naam)
        _cbc(prop, "Value", waarde)
    _amount(_cac(line, "Price"), "PriceAmount", abs(r.bedrag))


def factuur_response(vordering) -> HttpResponse:
    """The e-invoice as a download, the same for the API and the web page. A concept claim has no
    invoice yet: ``factuur-niet-verzonden`` (409), nor has a claim whose every line was dropped after
    a dispute (``factuur-zonder-regels``); each channel answers those its own way."""
    if not vordering.factuurnummer:
        raise BusinessRuleError(
            code="factuur-niet-verzonden",
            message="Deze vordering is nog niet verzonden en heeft dus nog geen factuur.",
            status=409,
        )
    f = factuur(vordering)
    if not f.regels:  # UBL needs at least one line; every line was dropped after a dispute
        raise BusinessRuleError(
            code="factuur-zonder-regels",
            message="Alle regels van deze vordering zijn na bezwaar vervallen; er valt niets meer te factureren.",
            status=409,
        )
    response = HttpResponse(factuur_xml(f), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="factuur-{vordering.factuurnummer}.xml"'
    return response
