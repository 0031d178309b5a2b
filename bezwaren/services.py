"""Everything that writes an Awb objection: file, extend the term, decide, withdraw. Each service
checks its transition against ``rules.BEZWAARSCHRIFT`` (deciding: the action of the outcome) and
runs in one transaction with its history; filing makes the acknowledgement of receipt, deciding
the decision on the objection (and, when gegrond, the revocation); extending and withdrawing make
no document. A ``gegrond`` decision revokes the decision with all its effects through the owning
app's revocation service (``trajecten.services.herroepen``, ``declaraties.services.herroepen``)
in the same transaction."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from backoffice.errors import BusinessRuleError
from backoffice.history import record
from backoffice.models import Instellingen
from backoffice.rules import toelichting_ontbreekt, toelichting_vereist, weigeren
from declaraties.services import herroepen as geld_herroepen
from trajecten.services import herroepen as zaak_herroepen

from . import besluiten, documenten, permissions, rules
from .models import BesluitSoort, Bezwaarschrift


def _vergrendeld(besluit_soort: str, object):
    """The decided object's row, locked: two objections racing for one decision (or an objection
    and a new decision) are judged one after the other."""
    model = besluiten.MODELLEN.get(besluit_soort)
    if model is None or object is None:
        return None
    return model.objects.select_for_update(of=("self",)).filter(pk=object.pk).first()


@transaction.atomic
def bezwaar_indienen(
    *, by, besluit_soort: str, object, gronden: str, reden_termijnoverschrijding: str = ""
) -> Bezwaarschrift:
    """The provider objects against the decision on ``object`` (an ``Aanvraag``, ``Verlenging``,
    ``Prestatie`` or, for ``vaststelling``, the ``Traject``), with its reasons (Awb 6:5), within
    six weeks of the decision or later with a reason for the delay (Awb 6:11). Makes the
    acknowledgement of receipt (Awb 6:14)."""
    object = _vergrendeld(besluit_soort, object)  # read fresh: the state the decision is in now
    weigeren(permissions.indienen_weigering(by, besluit_soort, object))
    feiten = besluiten.feiten(besluit_soort, object)
    if toelichting_ontbreekt(gronden):
        raise BusinessRuleError(
            code="gronden-verplicht",
            message="Een bezwaarschrift noemt de gronden van het bezwaar (Awb 6:5).",
            status=400,
            field="gronden",
        )
    now = timezone.now()
    today = timezone.localdate(now)
    te_laat = rules.te_laat(datum_besluit=feiten.datum, ingediend=today)
    reden = (reden_termijnoverschrijding or "").strip()
    if te_laat and not reden:
        raise BusinessRuleError(
            code="bezwaartermijn-verstreken",
            message=f"De bezwaartermijn eindigde op {rules.termijn_einde(feiten.datum):%d-%m-%Y}. Een later "
            "bezwaar vraagt de reden waarom het niet eerder kon (Awb 6:11).",
            field="redenTermijnoverschrijding",
        )
    bezwaar = Bezwaarschrift(
        besluit_soort=besluit_soort,
        object_uuid=feiten.object_uuid,
        besluit_ref=feiten.ref,
        besluit_omschrijving=feiten.omschrijving[:300],
        aanvraag=object if besluit_soort == BesluitSoort.AANVRAAG else None,
        verlenging=object if besluit_soort == BesluitSoort.VERLENGING else None,
        prestatie=object if besluit_soort == BesluitSoort.PRESTATIE else None,
        traject=feiten.traject,
        aanbieder_id=feiten.aanbieder_id,
        gemeente_id=feiten.gemeente_id,
        beslisorgaan=feiten.beslisorgaan,
        besluit_genomen_door_id=feiten.genomen_door_id,
        datum_besluit=feiten.datum,
        termijn_einde=rules.termijn_einde(feiten.datum),
        indiener=by,
        ingediend_op=now,
        te_laat=te_laat,
        reden_termijnoverschrijding=reden if te_laat else "",
        gronden=gronden.strip(),
        beslistermijn=rules.beslistermijn(
            datum_besluit=feiten.datum, ontvangen=today, weken=Instellingen.get().bezwaar_beslistermijn_weken
        ),
    )
    record(bezwaar, by=by, reason="bezwaar ingediend door de aanbieder" + (" (na de termijn)" if te_laat else ""))
    try:
        with transaction.atomic():
            bezwaar.save()
    except IntegrityError:  # a racing objection against the same decision (een_open_bezwaar_per_besluit)
        raise BusinessRuleError(code="bezwaar-loopt-al", message="Tegen dit besluit loopt al een bezwaar.") from None
    documenten.ontvangstbevestiging(bezwaar, by=by)
    return bezwaar


@transaction.atomic
def bezwaar_verdagen(*, by, bezwaar: Bezwaarschrift, reden: str) -> Bezwaarschrift:
    """The deciding body extends the decision term once by six weeks, with a reason (Awb 7:10 lid 3)."""
    bezwaar = Bezwaarschrift.objects.select_for_update().get(pk=bezwaar.pk)
    weigeren(permissions.verdagen_weigering(by, bezwaar))
    toelichting_vereist(reden, message="Verdagen vraagt een reden (Awb 7:10 lid 3).")
    bezwaar.status = rules.BEZWAARSCHRIFT.volgende("verdagen", bezwaar.status)
    bezwaar.beslistermijn = bezwaar.beslistermijn + rules.VERDAGING
    bezwaar.verdaagd_op = timezone.now()
    bezwaar.verdaging_reden = reden.strip()
    record(bezwaar, by=by, reason=f"beslistermijn verdaagd tot {bezwaar.beslistermijn:%d-%m-%Y}")
    bezwaar.save()
    return bezwaar


def _herroepen(*, by, bezwaar: Bezwaarschrift) -> dict:
    """Revoke the decision with all its effects, through the owning app (one service per kind)."""
    reden = f"herroepen na gegrond bezwaar {bezwaar.nummer}"
    soort = bezwaar.besluit_soort
    if soort == BesluitSoort.AANVRAAG:
        aanvraag = bezwaar.aanvraag
        if aanvraag.status == "goedgekeurd":
            return geld_herroepen.goedkeuring_herroepen(by=by, aanvraag=aanvraag, reden=reden)
        return zaak_herroepen.afwijzing_herroepen(by=by, aanvraag=aanvraag, reden=reden)
    if soort == BesluitSoort.VERLENGING:
        return zaak_herroepen.verlenging_herroepen(by=by, verlenging=bezwaar.verlenging, reden=reden)
    if soort == BesluitSoort.PRESTATIE:
        return geld_herroepen.prestatie_herroepen(by=by, prestatie=bezwaar.prestatie, reden=reden)
    return geld_herroepen.vaststelling_herroepen(by=by, traject=bezwaar.traject, reden=reden)


@transaction.atomic
def bezwaar_beslissen(*, by, bezwaar: Bezwaarschrift, uitkomst: str, toelichting: str) -> Bezwaarschrift:
    """The decision on the objection (Awb 7:11, 7:12): ``gegrond`` revokes the decision with all its
    effects on budgets and money and opens a new decision; ``ongegrond`` keeps it;
    ``niet_ontvankelijk`` does not judge it (too late without an excusable reason, no interest).
    Always with reasons; makes the decision document with the appeal clause."""
    bezwaar = Bezwaarschrift.objects.select_for_update().get(pk=bezwaar.pk)
    weigeren(permissions.beslissen_weigering(by, bezwaar))
    if uitkomst not in rules.UITKOMSTEN:
        raise BusinessRuleError(
            code="ongeldige-invoer",
            message="De uitkomst is 'gegrond', 'ongegrond' of 'niet_ontvankelijk'.",
            status=400,
            field="uitkomst",
        )
    toelichting_vereist(toelichting, message="Een beslissing op bezwaar vraagt een motivering (Awb 7:12).")
    bezwaar.status = rules.BEZWAARSCHRIFT.volgende(rules.UITKOMST_ACTIE[uitkomst], bezwaar.status)
    if uitkomst == "gegrond":
        gevolgen = _herroepen(by=by, bezwaar=bezwaar)
        bezwaar.gevolgen = gevolgen
        bezwaar.terug_te_vorderen = Decimal(gevolgen.get("terug_te_vorderen", "0.00"))
    bezwaar.beslissing_toelichting = toelichting.strip()
    bezwaar.beslist_door = by
    bezwaar.beslist_op = timezone.now()
    record(bezwaar, by=by, reason=f"bezwaar {rules.UITKOMST_TEKST[uitkomst]} verklaard")
    bezwaar.save()
    documenten.beslissing_op_bezwaar(bezwaar, by=by)
    if uitkomst == "gegrond":
        documenten.herroeping(bezwaar, by=by)
    return bezwaar


@transaction.atomic
def bezwaar_intrekken(*, by, bezwaar: Bezwaarschrift, toelichting: str = "") -> Bezwaarschrift:
    """The provider withdraws its objection while it is open (Awb 6:21)."""
    bezwaar = Bezwaarschrift.objects.select_for_update().get(pk=bezwaar.pk)
    weigeren(permissions.intrekken_weigering(by, bezwaar))
    bezwaar.status = rules.BEZWAARSCHRIFT.volgende("intrekken", bezwaar.status)
    bezwaar.ingetrokken_op = timezone.now()
    bezwaar.ingetrokken_door = by
    record(bezwaar, by=by, reason=(toelichting or "").strip()[:100] or "bezwaar ingetrokken door de aanbieder")
    bezwaar.save()
    return bezwaar
