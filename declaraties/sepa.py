"""The bank file of a payment order: a SEPA credit transfer (pain.001.001.03) made with the
maintained ``sepaxml`` library, which validates its output against the XSD it ships.

One order is one credit transfer to the provider's IBAN (validated with schwifty, the BIC
derived from the IBAN where schwifty knows the bank). The order's uuid is the end-to-end id (as
32 hex digits: the field holds at most 35 characters) and is in the remittance information, so the
bank statement leads back to the order. The message id is derived from the order too, so that a
second download of the same order is recognised by the bank as the same message, not paid twice."""

from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SepaValidationError

from backoffice.errors import BusinessRuleError
from backoffice.models import Instellingen

from .models import Betaalopdracht

SCHEMA = "pain.001.001.03"
SEPA_STATUSES = ("geaccordeerd", "betaald")


def _iban(value: str, wie: str) -> IBAN:
    try:
        return IBAN(value)
    except SchwiftyException as exc:
        raise BusinessRuleError(
            code="iban-ongeldig", message=f"Het IBAN van {wie} ({value!r}) is ongeldig: {exc}."
        ) from exc


def _bic_for(iban: IBAN) -> str | None:
    try:
        bic = iban.bic
    except SchwiftyException:
        return None
    return str(bic) if bic else None


def message_id(opdracht: Betaalopdracht) -> str:
    return f"IPS{opdracht.uuid.hex}"  # 35 characters, the maximum


def end_to_end_id(opdracht: Betaalopdracht) -> str:
    return opdracht.uuid.hex


def nog_niet(opdracht: Betaalopdracht) -> BusinessRuleError | None:
    """The refusal (409 ``niet-geaccordeerd``) while an order has no bank file yet, else None."""
    if opdracht.status in SEPA_STATUSES:
        return None
    return BusinessRuleError(
        code="niet-geaccordeerd", message="Het SEPA-bestand is er pas als de betaalopdracht is geaccordeerd."
    )


def pain001(opdracht: Betaalopdracht, *, today: date) -> bytes:
    """The pain.001 XML of an approved (or paid) order; 409 before approval."""
    if fout := nog_niet(opdracht):
        raise fout
    instellingen = Instellingen.get()
    debtor = _iban(instellingen.uwv_iban, "de betalende rekening (UWV)")
    creditor = _iban(opdracht.iban, opdracht.aanbieder.naam)
    config = {
        "name": instellingen.uwv_rekening_naam,
        "IBAN": debtor.compact,
        "batch": True,
        "currency": "EUR",
    }
    debtor_bic = instellingen.uwv_bic or _bic_for(debtor)
    if debtor_bic:
        try:
            config["BIC"] = str(BIC(debtor_bic))
        except SchwiftyException as exc:
            raise BusinessRuleError(
                code="bic-ongeldig", message=f"De BIC van UWV ({debtor_bic!r}) is ongeldig."
            ) from exc
    sepa = SepaTransfer(config, schema=SCHEMA, clean=True)
    # Deterministic, so that the bank refuses a second upload of the same order as a duplicate.
    sepa._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId").text = message_id(opdracht)
    payment = {
        "name": opdracht.aanbieder.naam,
        "IBAN": creditor.compact,
        "amount": int(opdracht.bedrag * 100),
        "execution_date": opdracht.uitgevoerd_op or max(today, opdracht.datum),
        "description": f"IPS betaalopdracht {opdracht.uuid} ({opdracht.aantal_regels} regels, {opdracht.datum:%Y-%m-%d})",
        "endtoend_id": end_to_end_id(opdracht),
    }
    creditor_bic = _bic_for(creditor)
    if creditor_bic:
        payment["BIC"] = creditor_bic
    sepa.add_payment(payment)
    try:
        return sepa.export(validate=True)
    except SepaValidationError as exc:
        raise BusinessRuleError(
            code="sepa-ongeldig",
            message="Het SEPA-bestand voldoet niet aan het schema pain.001.001.03; controleer namen en rekeningen.",
        ) from exc


def sepa_response(opdracht: Betaalopdracht) -> HttpResponse:
    """The pain.001 file as a download, the same for the API, the web page and the admin; before
    approval (or with a bad account) the ``BusinessRuleError`` of ``pain001``, which each channel
    answers its own way (409 problem+json, a message on the page)."""
    response = HttpResponse(
        pain001(opdracht, today=timezone.localdate()), content_type="application/xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="pain001-{opdracht.datum:%Y%m%d}-{opdracht.uuid.hex}.xml"'
    return response
