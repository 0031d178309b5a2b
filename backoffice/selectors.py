"""Reads of backoffice's own records for users, scoped like every other list (conventions.md).

A user's organisations hang off ``financiering.Medewerker``; backoffice reads them through the
user's reverse relation (``user.medewerker``) so that it imports no higher app."""

from django.db.models import Q, QuerySet

from . import roles
from .gebruiker import gemeente_ids
from .models import (
    BsnRaadpleging,
    Notificatie,
    Signaal,
    Taakrun,
    Verwerking,
    VerwerkingDoel,
    VerwerkingHandeling,
    VerwerkingKanaal,
)
from .signalering import UWV_INZAGE, uwv_mag_openen


def _aanbieder_id(user) -> int | None:
    medewerker = getattr(user, "medewerker", None)
    return medewerker.aanbieder_id if medewerker else None


def signalen_for(user) -> QuerySet[Signaal]:
    """Provider: the signals of its own organisation. Gemeente: those of its gemeente(n). UWV: all
    about objects its role may open (``signalering.UWV_INZAGE``: a co-financing claim only UWV
    financieel; no signal about a user or a role grant), except a late beschikking on the gemeente
    route (UWV does not see an application before the gemeente's decision) and an objection against
    a gemeente's decision (``bezwaren.selectors``: UWV sees objections against UWV's decisions
    only). Beheerder: the signals about a user (too many distinct BSNs,
    ``backoffice.services.bsn_gate``) and about role grants.
    Auditor: none. A user with several roles sees the union."""
    scope = Q(pk__in=[])
    uwv_rollen = roles.roles_of(user) & set(roles.UWV_ROLES)
    if uwv_rollen:
        gesloten = [
            object_type for object_type in UWV_INZAGE if not any(uwv_mag_openen(rol, object_type) for rol in uwv_rollen)
        ]
        # an application, or an objection, that only the gemeente acts on: not UWV's to see
        scope |= (~Q(object_type__in=("aanvraag", "bezwaar")) | ~Q(uwv_rol="")) & ~Q(object_type__in=gesloten)
    if roles.has_role(user, roles.BEHEERDER):
        scope |= Q(object_type__in=["gebruiker", "roltoekenning"])
    if roles.has_role(user, roles.GEMEENTE):
        scope |= Q(gemeente_id__in=gemeente_ids(user))
    if roles.has_role(user, roles.AANBIEDER):
        aanbieder_id = _aanbieder_id(user)
        if aanbieder_id:
            scope |= Q(aanbieder_id=aanbieder_id)
    return Signaal.objects.filter(scope).order_by("-id")


def modeltrouw_signalen_for(user) -> QuerySet[Signaal]:
    """The auditor (Phrenos) plans fidelity audits: the open "modeltrouw verlopen" signals of every
    provider (organisation-level facts, no participant data). Others: their own, as signalen_for."""
    open_ = Q(soort="modeltrouw_verlopen", afgehandeld=False)
    if roles.has_role(user, roles.AUDITOR):
        return Signaal.objects.filter(open_).select_related("aanbieder").order_by("deadline", "-id")
    return signalen_for(user).filter(open_)


def taakruns_list() -> QuerySet[Taakrun]:
    return Taakrun.objects.order_by("-gestart", "-id")


# Which job runs concern which role (docs/jobs.md, "Wie ziet welke taakruns"): the payment run
# pays the providers and is UWV financieel's, the claims are the gemeenten's and UWV financieel's,
# the nightly job (expiry, signals, e-mail, retention) and the quarterly work monitor are UWV
# beoordelaar's; the privacy officer sees the retention steps (nightly) and the log's own (monthly).
TAAKRUN_ZICHT: dict[str, tuple[str, ...]] = {
    roles.BEHEERDER: ("nightly", "weekly", "monthly", "quarterly"),
    roles.UWV_FINANCIEEL: ("weekly", "monthly"),
    roles.UWV_BEOORDELAAR: ("nightly", "quarterly"),
    roles.GEMEENTE: ("monthly",),
    roles.AANBIEDER: ("weekly",),
    roles.PRIVACY_OFFICER: ("nightly", "monthly"),
}


def taken_zichtbaar(user) -> set[str]:
    return {taak for rol in roles.roles_of(user) for taak in TAAKRUN_ZICHT.get(rol, ())}


def taakruns_for(user) -> QuerySet[Taakrun]:
    """The job runs that concern the user's roles (TAAKRUN_ZICHT); none for a role without any."""
    return taakruns_list().filter(taak__in=sorted(taken_zichtbaar(user)))


def notificaties_for(user) -> QuerySet[Notificatie]:
    return Notificatie.objects.filter(user_id=user.pk).prefetch_related("signalen").order_by("-datum", "-id")


# --- the processing log (docs/privacy.md, "Verwerkingslog") -----------------------------------


def verwerkingen_zoeken(
    user,
    *,
    deelnemer=None,
    bsn_hash: str = "",
    gebruiker: str = "",
    van=None,
    tot=None,
    doel: str = "",
) -> QuerySet[Verwerking]:
    """The processing log for the privacy officer (FG) only; anyone else gets nothing. Filters: a
    participant (uuid, or the keyed hash of a BSN), a username, a date range (inclusive, Europe/
    Amsterdam days) and a purpose."""
    if not roles.has_role(user, roles.PRIVACY_OFFICER):
        return Verwerking.objects.none()
    qs = Verwerking.objects.all()
    if deelnemer:
        qs = qs.filter(deelnemer_uuid=deelnemer)
    if bsn_hash:
        qs = qs.filter(bsn_hash=bsn_hash)
    if gebruiker:
        qs = qs.filter(gebruikersnaam=gebruiker)
    if van:
        qs = qs.filter(op__date__gte=van)
    if tot:
        qs = qs.filter(op__date__lte=tot)
    if doel:
        qs = qs.filter(doel=doel)
    return qs.order_by("-op", "-id")


def bsn_raadplegingen_zoeken(user, *, bsn_hash: str) -> QuerySet[BsnRaadpleging]:
    """Who looked up this BSN (also the lookups that found nothing): for the FG only."""
    if not roles.has_role(user, roles.PRIVACY_OFFICER) or not bsn_hash:
        return BsnRaadpleging.objects.none()
    return BsnRaadpleging.objects.filter(bsn_hash=bsn_hash).select_related("user").order_by("-op", "-id")


def verwerkingen_over(deelnemer_uuid) -> list[dict]:
    """For the participant's own inzage (AVG art. 15): who processed their data, per day,
    organisation, purpose, action and channel, with the number of times. No staff names. One query."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    rows = (
        Verwerking.objects.filter(deelnemer_uuid=deelnemer_uuid)
        .annotate(dag=TruncDate("op"))
        .values("dag", "organisatie", "doel", "handeling", "kanaal")
        .annotate(aantal=Count("id"))
        .order_by("-dag", "organisatie", "doel", "handeling", "kanaal")
    )
    labels = {**dict(VerwerkingDoel.choices), **dict(VerwerkingHandeling.choices), **dict(VerwerkingKanaal.choices)}
    return [
        {
            **row,
            "organisatie": row["organisatie"] or "IPS-loket (taak)",
            "doel_omschrijving": labels[row["doel"]],
            "handeling_omschrijving": labels[row["handeling"]],
            "kanaal_omschrijving": labels[row["kanaal"]],
        }
        for row in rows
    ]


def bsn_raadplegingen_van(user, *, gebruiker: str) -> QuerySet[BsnRaadpleging]:
    """The BSN lookups of one user (by username), newest first: for the FG only (its werkbak links
    here from "wie zocht de meeste BSN's op")."""
    if not roles.has_role(user, roles.PRIVACY_OFFICER) or not gebruiker:
        return BsnRaadpleging.objects.none()
    return BsnRaadpleging.objects.filter(user__username=gebruiker).select_related("user").order_by("-op", "-id")
