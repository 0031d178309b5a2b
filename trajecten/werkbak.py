"""The werkbak sections of trajecten: applications and extensions awaiting a decision, and the
provider's trajectories that end soon or lack an end report. Registered per role in
``trajecten/apps.py`` (``backoffice.registry``); read only through the scoped selectors. Two
queries per section at most: the first rows and, when they fill it, a count."""

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from backoffice.opmaak import datum
from backoffice.werkbak import sectie, url

from . import rules
from . import selectors as traj


def _aanvraag(a, today, user) -> dict:
    naam = f"{a.deelnemer.voorletters} {a.deelnemer.achternaam}" if traj.naam_zichtbaar(user, a) else "Afgeschermd"
    return {
        "label": f"{naam} · {a.perceel.naam} · {a.aanbieder.naam}",
        "url": url("web-aanvraag", uuid=a.uuid),
        "deadline": a.beslis_deadline,
        "verlopen": rules.termijn_verlopen(a.status, a.beslis_deadline, today),
        "toelichting": a.get_status_display(),
    }


def _verlenging(v, today) -> dict:
    return {
        "label": f"Toewijzing {v.traject.toewijzing_nummer} · {v.maanden} maanden",
        "url": url("web-verlenging-beoordeling", uuid=v.traject.uuid, verlenging_uuid=v.uuid),
        "deadline": None,
        "toelichting": f"aangevraagd {datum(v.aangevraagd_op)}",
    }


def _traject(t, today, toelichting="", *, verlopen: bool) -> dict:
    return {
        "label": f"Toewijzing {t.toewijzing_nummer} · {t.perceel.naam}",
        "url": url("web-traject", uuid=t.uuid),
        "deadline": t.einddatum_gepland,
        "verlopen": verlopen,
        "toelichting": toelichting,
    }


def _op_deadline(qs):
    """Only the relations the rows show: fewer joins to plan and fewer objects to build."""
    return (
        qs.select_related(None)
        .select_related("deelnemer", "perceel", "aanbieder")
        .prefetch_related(None)
        .order_by(F("beslis_deadline").asc(nulls_last=True), "ingediend_op", "id")
    )


def _aanvragen(user, wachtend: Q, leeg: str) -> dict:
    today = timezone.localdate()
    return sectie(
        "Aanvragen om te beslissen",
        lambda: _op_deadline(traj.aanvragen_for(user).filter(wachtend)),
        lambda a: _aanvraag(a, today, user),
        link=url("web-aanvragen"),
        leeg=leeg,
    )


def _verlengingen(user, route: str) -> dict:
    today = timezone.localdate()
    return sectie(
        "Verlengingen om te beslissen",
        lambda: (
            traj.verlengingen_for(user)
            .select_related(None)
            .select_related("traject")
            .filter(status="aangevraagd", traject__route=route)
            .order_by("aangevraagd_op", "id")
        ),
        lambda v: _verlenging(v, today),
        leeg="Er wachten geen verzoeken om verlenging.",
    )


# --- UWV beoordelaar (the UWV route; the gemeente route only in gemeente_akkoord) -----------------
# Where the scheme asks UWV's consent after the beschikking, and applications from before issue 11.


def uwv_aanvragen(user) -> dict:
    return _aanvragen(user, traj.wacht_op_besluit_q("uwv"), "Er wachten geen aanvragen op een besluit.")


def uwv_verlengingen(user) -> dict:
    return _verlengingen(user, "uwv")


# --- gemeente -------------------------------------------------------------------------------------


def gemeente_aanvragen(user) -> dict:
    return _aanvragen(user, traj.wacht_op_besluit_q("gemeente"), "Er wachten geen aanvragen op uw beschikking.")


def gemeente_verlengingen(user) -> dict:
    return _verlengingen(user, "gemeente")


# --- aanbieder ------------------------------------------------------------------------------------


def _trajecten(user):
    """The provider's trajectories with only the lot, which the rows show."""
    return traj.trajecten_for(user).select_related(None).select_related("perceel").prefetch_related(None)


def aanbieder_eindigt(user) -> dict:
    today = timezone.localdate()
    return sectie(
        "Trajecten die binnen 90 dagen eindigen",
        lambda: (
            _trajecten(user)
            .filter(status="actief", einddatum_gepland__gte=today, einddatum_gepland__lte=today + timedelta(days=90))
            .order_by("einddatum_gepland", "id")
        ),
        lambda t: _traject(
            t,
            today,
            "verlenging aanvragen of eindverslag voorbereiden",
            verlopen=rules.einddatum_verstreken(t.status, t.einddatum_gepland, today),
        ),
        link=url("web-trajecten") + "?eindigt_voor=" + (today + timedelta(days=90)).isoformat(),
        leeg="Geen trajecten die binnenkort eindigen.",
    )


def aanbieder_zonder_verslag(user) -> dict:
    today = timezone.localdate()
    return sectie(
        "Eindverslag ontbreekt",
        lambda: (
            _trajecten(user)
            .filter(status__in=("looptijd_verstreken", "beeindigd"), eindverslag__isnull=True)
            .order_by("einddatum_gepland", "id")
        ),
        # Ended trajectories: "verlopen" marks the report as late once the planned end has passed
        # (not ``rules.einddatum_verstreken``, which is about an active trajectory running on).
        lambda t: _traject(t, today, "stuur het eindverslag", verlopen=t.einddatum_gepland < today),
        leeg="Er ontbreken geen eindverslagen.",
    )
