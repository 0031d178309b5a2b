"""The nightly steps of declaraties: the signal cause "co-financing claims not paid on time", and
the retention period that runs from the final settlement (docs/jobs.md, docs/privacy.md)."""

from datetime import date, datetime, time

from django.db.models import CharField, Exists, F, IntegerField, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from backoffice import roles
from backoffice.models import Instellingen, SignaalSoort
from backoffice.signalering import Oorzaken
from financiering.rules import add_months
from trajecten import selectors as traject_selectors
from trajecten import services as traject_services
from trajecten.models import Traject

from .models import Prestatie, Vordering
from .rules import PRESTATIE, VORDERING, vordering_te_laat_q


def signaal_oorzaken(*, datum: date, instellingen: Instellingen) -> list[Oorzaken]:
    # Past the due date and not (wholly) paid; a disputed claim waits for the dispute's decision.
    # The claims the monthly reminder takes: overdue (rules.vordering_te_laat) and not disputed.
    te_laat = Vordering.objects.filter(vordering_te_laat_q(datum), status__in=VORDERING.van("herinneren")).annotate(
        sig_deadline=F("vervaldatum"),
        sig_aanbieder_id=Value(None, output_field=IntegerField()),
        sig_gemeente_id=F("gemeente_id"),
        sig_uwv_rol=Value(roles.UWV_FINANCIEEL),
        sig_ref=Concat(F("gemeente__naam"), Value(" over "), Cast("periode", CharField()), output_field=CharField()),
    )
    return [Oorzaken(SignaalSoort.VORDERING_TE_LAAT, "vordering", te_laat)]


def vastgesteld_voor(moment: datetime) -> QuerySet[Traject]:
    """Trajectories whose final settlement (the vaststelling, done by ``eindverslag_submit`` when
    the end report closes the trajectory) lies before ``moment`` and which have no declaration line
    still waiting for judgement (money still moving: not finally settled)."""
    wachtend = Prestatie.objects.filter(traject=OuterRef("pk"), status__in=PRESTATIE.van("toekennen"))
    return Traject.objects.filter(status="afgesloten", eindverslag__op__lt=moment).filter(~Exists(wachtend))


def bewaartermijn_grens(*, datum: date, jaren: int) -> datetime:
    """The start (Amsterdam time) of the day ``jaren`` years before ``datum``: a settlement before
    that moment is older than the retention period. Settled on 10 March 2026, 7 years: the data is
    kept through 10 March 2033 and anonymised by the run of 11 March 2033."""
    return timezone.make_aware(datetime.combine(add_months(datum, -12 * jaren), time.min))


def bewaartermijn_toepassen(*, datum: date, instellingen: Instellingen | None = None) -> dict[str, int]:
    """The nightly retention step: anonymise the participants whose every trajectory was finally
    settled longer than the retention period ago (``Instellingen.bewaartermijn_jaren``, default 7)
    and who have nothing else running. A fixed number of queries; a second run finds nobody."""
    instellingen = instellingen or Instellingen.get()
    sinds = bewaartermijn_grens(datum=datum, jaren=instellingen.bewaartermijn_jaren)
    deelnemers = traject_selectors.deelnemers_voorbij_bewaartermijn(afgerond=vastgesteld_voor(sinds), sinds=sinds)
    ids = traject_services.deelnemers_anonymise(
        ids=deelnemers.values("pk"), by_job=f"nachtelijke taak {datum:%d-%m-%Y}", datum=datum
    )
    return {"bewaartermijn.deelnemers_geanonimiseerd": len(ids)}
