"""Retention (docs/privacy.md, "Bewaartermijn"): the set-based anonymisation of participants."""

from datetime import date

from django.db import transaction
from django.db.models import Case, CharField, DateField, IntegerField, Value, When
from django.db.models.functions import Cast, Concat, ExtractYear
from django.utils import timezone

from backoffice import verwerkingslog
from backoffice.history import bulk_snapshot
from backoffice.models import Document

from ..models import Aanvraag, Besluit, Deelnemer, Eindverslag, Plaatsing, Stopbericht, Traject, Verlenging

GEANONIMISEERD = "(geanonimiseerd)"
ANONIEM_REDEN = "Geanonimiseerd: bewaartermijn verstreken"
_CHUNK = 10_000  # ids per statement: bounded statements, still a fixed number of queries per 10,000


def _vrije_tekst(field: str):
    """A free text that may name the person: emptied where it was empty, replaced where it was not
    (constraints ask a reason on a refusal or a stop 'anders')."""
    return Case(When(**{field: ""}, then=Value("")), default=Value(GEANONIMISEERD))


def _geboortejaar_klasse():
    """1 January of the birth year's five-year class (1987-06-15 -> 1985-01-01): age groups stay."""
    jaar = Cast(ExtractYear("geboortedatum"), IntegerField()) / 5 * 5
    return Cast(Concat(Cast(jaar, CharField()), Value("-01-01"), output_field=CharField()), DateField())


@transaction.atomic
def deelnemers_anonymise(*, ids, by_job: str | None = None, datum: date | None = None) -> list[int]:
    """Remove the personal data of the participants ``ids`` (a list or a ``values("pk")``
    queryset) and everything that may name them, in their current rows and in every history row;
    keep what the work monitor counts and all the money. Returns the ids actually anonymised
    (those not done before), so that the processing log can record them. Set-based: a fixed
    number of statements per 10,000 participants, none per participant; a second call with the
    same ids changes nothing.

    Removed or replaced: BSN (encrypted value and its hash, also on applications and trajectories),
    initials and surname, date of birth (to its five-year class), main diagnosis group, education,
    work experience, sex and marital status, the regiebehandelaar, the employer of every placement,
    the free texts of decisions, extensions, stop notices and end reports, the content (HTML and
    PDF) of the generated documents about them, and the names in the admin's log. Kept: provider, gemeente, benefit type and target group, the trajectories' dates,
    lot, route, status and amounts, the placements' anonymous fields, the outcomes, every declaration
    line, payment order and claim."""
    datum = datum or timezone.localdate()
    reden = f"{ANONIEM_REDEN} ({by_job or 'handmatig'})"
    gedaan: list[int] = list(
        Deelnemer.objects.select_for_update()
        .filter(pk__in=ids, geanonimiseerd_op__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if gedaan:
        # the processing log (docs/privacy.md "Verwerkingslog"): one INSERT ... SELECT, before the
        # BSN hash is gone, so that the FG can still tell that a person's data was removed
        bron, params = Deelnemer.objects.filter(pk__in=gedaan).values("uuid", "bsn_hash").query.sql_with_params()
        verwerkingslog.vastleggen_sql(
            bron,
            params,
            handeling="anonimiseren",
            doel="bewaartermijn",
            kanaal="job",
            route=f"bewaartermijn: {by_job or 'handmatig'}",
        )
    for start in range(0, len(gedaan), _CHUNK):
        _anonymise_chunk(gedaan[start : start + _CHUNK], datum=datum, reden=reden)
    return gedaan


def _anonymise_chunk(ids: list[int], *, datum: date, reden: str) -> None:
    from django.contrib.admin.models import LogEntry

    persoon = {
        "voorletters": "",
        "achternaam": GEANONIMISEERD,
        "geboortedatum": _geboortejaar_klasse(),
        "hoofddiagnosegroep": "onbekend",
        "opleiding": "onbekend",
        "werkervaring_jaren": None,
        "geslacht": "onbekend",
        "burgerlijke_staat": "onbekend",
        "geanonimiseerd_op": datum,
    }
    Deelnemer.history.model.objects.filter(id__in=ids).update(**persoon)
    # The hash must stay unique per provider: a fixed text per participant, no longer the BSN's.
    Deelnemer.objects.filter(pk__in=ids).update(
        **persoon,
        bsn_versleuteld="",
        bsn_hash=Concat(Value("geanonimiseerd-"), Cast("pk", CharField()), output_field=CharField()),
    )
    aanvraag = {"bsn_hash": "", "regiebehandelaar": ""}
    Aanvraag.history.model.objects.filter(deelnemer_id__in=ids).update(**aanvraag)
    Aanvraag.objects.filter(deelnemer_id__in=ids).update(**aanvraag)
    Besluit.objects.filter(aanvraag__deelnemer_id__in=ids).exclude(toelichting="").update(
        toelichting=Case(When(besluit="akkoord", then=Value("")), default=Value(GEANONIMISEERD))
    )
    Traject.history.model.objects.filter(deelnemer_id__in=ids).update(bsn_hash="")
    Traject.objects.filter(deelnemer_id__in=ids).update(bsn_hash="")
    trajecten = list(Traject.objects.filter(deelnemer_id__in=ids).values_list("pk", flat=True))
    if trajecten:
        for model in (Verlenging.history.model, Verlenging):
            model.objects.filter(traject_id__in=trajecten).update(
                toelichting=_vrije_tekst("toelichting"), besluit_toelichting=_vrije_tekst("besluit_toelichting")
            )
        for model in (Plaatsing.history.model, Plaatsing):
            model.objects.filter(traject_id__in=trajecten).update(werkgever=GEANONIMISEERD)
        Stopbericht.objects.filter(traject_id__in=trajecten).update(toelichting=_vrije_tekst("toelichting"))
        Eindverslag.objects.filter(traject_id__in=trajecten).update(toelichting=_vrije_tekst("toelichting"))
    # the generated documents about them: the content goes, the hash and the metadata stay
    Document.objects.filter(
        deelnemer_uuid__in=Deelnemer.objects.filter(pk__in=ids).values("uuid"), inhoud_verwijderd_op__isnull=True
    ).update(html="", pdf=None, inhoud_verwijderd_op=datum)
    LogEntry.objects.filter(
        content_type__app_label=Deelnemer._meta.app_label,
        content_type__model=Deelnemer._meta.model_name,
        object_id__in=[str(i) for i in ids],
    ).update(object_repr=GEANONIMISEERD)
    # The anonymisation itself, in the history of every record it changed.
    bulk_snapshot(Deelnemer, ids=ids, reason=reden)
    bulk_snapshot(Aanvraag, column="deelnemer_id", ids=ids, reason=reden)
    bulk_snapshot(Traject, column="deelnemer_id", ids=ids, reason=reden)
    if trajecten:
        bulk_snapshot(Verlenging, column="traject_id", ids=trajecten, reason=reden)
        bulk_snapshot(Plaatsing, column="traject_id", ids=trajecten, reason=reden)
