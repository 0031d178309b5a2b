"""The objection's documents through the core's document service (``backoffice.documenten``):
the acknowledgement of receipt (Awb 6:14) when it is filed and the decision on the objection
(outcome, reasons, what changes and the appeal clause, Awb 7:12, 8:1, 6:7) when it is decided.
Made inside the service's transaction, once per objection."""

from datetime import timedelta

from django.utils import timezone

from backoffice.documenten import document_maken
from financiering.selectors import geldig_mandaat
from trajecten.documenten import UWV_NAAM, gemeente_orgaan

from . import rules, weergave
from .models import Beslisorgaan, Bezwaarschrift
from .selectors import bezwaren_voor

BEROEPSTERMIJN = timedelta(weeks=6)  # Awb 6:7


def orgaan_naam(bezwaar: Bezwaarschrift) -> str:
    return UWV_NAAM if bezwaar.beslisorgaan == Beslisorgaan.UWV else gemeente_orgaan(bezwaar.gemeente)


def _deelnemer_uuid(bezwaar: Bezwaarschrift):
    zaak = bezwaar.aanvraag or bezwaar.traject
    return getattr(getattr(zaak, "deelnemer", None), "uuid", None)


def _context(bezwaar: Bezwaarschrift) -> dict:
    ontvanger = bezwaar.aanbieder
    return {
        "bezwaar": bezwaar,
        "kenmerk": bezwaar.nummer,
        "afzender": {"naam": orgaan_naam(bezwaar)[:1].upper() + orgaan_naam(bezwaar)[1:], "regels": []},
        "ontvanger": {"naam": ontvanger.naam, "regels": []},
        "orgaan_naam": orgaan_naam(bezwaar),
        # the decision objected to, as it was when the objection was filed
        "besluit_omschrijving": bezwaar.besluit_omschrijving,
    }


def _mandaat_tekst(bezwaar: Bezwaarschrift, by) -> str:
    """ ", krachtens mandaat (<mandate>)" for a gemeente official deciding under a mandate, as the
    beschikking's signing line names it (domain.md 13: who decided under which mandate)."""
    if bezwaar.beslisorgaan == Beslisorgaan.UWV or by is None or bezwaar.gemeente_id is None:
        return ""
    mandaat = geldig_mandaat(by, bezwaar.gemeente_id, timezone.localdate(bezwaar.beslist_op or timezone.now()))
    if mandaat is None:
        return ""
    aan = f" aan {mandaat.samenwerkingsverband.naam}" if mandaat.samenwerkingsverband_id else ""
    return f", krachtens mandaat{aan} ({mandaat.verwijzing})"


def ontvangstbevestiging(bezwaar: Bezwaarschrift, *, by):
    return document_maken(
        soort="bezwaar_ontvangst",
        object=bezwaar,
        template="documenten/bezwaar_ontvangst.html",
        context=_context(bezwaar),
        titel=f"Ontvangstbevestiging bezwaar {bezwaar.nummer}",
        by=by,
        deelnemer_uuid=_deelnemer_uuid(bezwaar),
    )


def beslissing_op_bezwaar(bezwaar: Bezwaarschrift, *, by):
    beslist = timezone.localdate(bezwaar.beslist_op)
    return document_maken(
        soort="beslissing_op_bezwaar",
        object=bezwaar,
        template="documenten/beslissing_op_bezwaar.html",
        context={
            **_context(bezwaar),
            "uitkomst_tekst": rules.UITKOMST_TEKST[bezwaar.status],
            "gevolgen_tekst": weergave.gevolgen_tekst(bezwaar),
            "beslist_door_naam": by.get_full_name() or by.get_username(),
            "mandaat_tekst": _mandaat_tekst(bezwaar, by),
            "beroep_uiterlijk": beslist + BEROEPSTERMIJN,
        },
        titel=f"Beslissing op bezwaar {bezwaar.nummer}",
        by=by,
        deelnemer_uuid=_deelnemer_uuid(bezwaar),
    )


def herroeping(bezwaar: Bezwaarschrift, *, by):
    """A gegrond decision: the revocation, also among the documents of the revoked decision's case
    (the application, or the trajectory of an extension, line or settlement)."""
    zaak = bezwaar.aanvraag if bezwaar.besluit_soort == "aanvraag" else bezwaar.traject
    if zaak is None:  # a line without a trajectory: the decision on the objection says it all
        return None
    return document_maken(
        soort="herroeping",
        object=zaak,
        template="documenten/herroeping.html",
        context={
            **_context(bezwaar),
            "gevolgen_tekst": weergave.gevolgen_tekst(bezwaar),
            "beslist_door_naam": by.get_full_name() or by.get_username(),
            "mandaat_tekst": _mandaat_tekst(bezwaar, by),
        },
        titel=f"Herroeping na bezwaar {bezwaar.nummer}",
        by=by,
        sleutel=str(bezwaar.uuid),
        deelnemer_uuid=_deelnemer_uuid(bezwaar),
    )


def zichtbaar(user, uuid) -> bool:
    """The documents of an objection: whoever may see the objection (``register_document_object``)."""
    return bezwaren_voor(user).filter(uuid=uuid).exists()


__all__ = ["herroeping", "beslissing_op_bezwaar", "ontvangstbevestiging", "orgaan_naam", "zichtbaar"]
