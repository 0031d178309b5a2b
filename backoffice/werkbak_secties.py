"""The core's own werkbak sections: the provider's open signals, the auditor's fidelity audits and
the administrator's job runs. The domain apps register theirs from their own ``werkbak.py``
(``backoffice.registry``); all of them are registered in the apps' ``apps.py``. At most two queries
per section: the first rows and, when they fill it, a count."""

from django.utils import timezone

from . import registry, roles, selectors, werkbak_fg
from .werkbak import sectie, signalen, url


def aanbieder_signalen(user) -> dict:
    return signalen(user, ("caseload_te_hoog", "modeltrouw_verlopen", "traject_eindigt_30"), "Open signalen")


def auditor_modeltrouw(user) -> dict:
    return sectie(
        "Aanbieders met een verlopen modeltrouwmeting",
        lambda: selectors.modeltrouw_signalen_for(user),
        lambda s: {
            "label": s.aanbieder.naam if s.aanbieder_id else s.omschrijving,
            "url": url("web-modeltrouw-aanbieder", uuid=s.aanbieder.uuid) if s.aanbieder_id else "",
            "deadline": s.deadline,
            "toelichting": s.omschrijving,
        },
        leeg="Geen aanbieder heeft een verlopen of onvoldoende meting.",
    )


def _taakrun(r) -> dict:
    return {
        "label": str(r),
        "url": url("web-taakrun", uuid=r.uuid),
        "deadline": None,
        "verlopen": r.status in ("mislukt", "afgebroken"),
        "toelichting": f"gestart {timezone.localtime(r.gestart):%d-%m-%Y %H:%M}",
    }


def beheerder_mislukt(user) -> dict:
    return sectie(
        "Mislukte taakruns",
        lambda: selectors.taakruns_list().filter(status__in=("mislukt", "afgebroken")),
        _taakrun,
        leeg="Geen mislukte taakruns.",
    )


def beheerder_laatste(user) -> dict:
    return sectie("Laatste taakruns", selectors.taakruns_list, _taakrun, leeg="Er heeft nog geen taak gedraaid.")


def financieel_taken(user) -> dict:
    """UWV financieel: the payment run and the claims, whether they ran this period, and a link
    to their preview (backoffice/views_taken.py)."""
    from . import schedule
    from .views_taken import STARTBAAR

    vandaag = timezone.localdate()
    rijen = []
    for taak, info in STARTBAAR.items():
        eerder = schedule.run_in_periode(taak, vandaag)
        volgende = timezone.localtime(schedule.volgend_moment(schedule.crontab_for(taak), timezone.now()))
        rijen.append(
            {
                "label": f"{info['titel']}: "
                + ("deze " + info["periode"] + " gedraaid" if eerder else "bekijk en start"),
                "url": url("web-taakrun", uuid=eerder.uuid) if eerder else url("web-taak-voorbeeld", taak=taak),
                "deadline": None,
                "toelichting": f"vanzelf op {volgende:%d-%m-%Y %H:%M}",
            }
        )
    return {
        "titel": "Betaalrun en vorderingen",
        # the runs that did not run yet in their period (the schedule will, or UWV financieel now)
        "aantal": sum(1 for r in rijen if r["label"].endswith("bekijk en start")),
        "rijen": rijen,
        "link": url("web-taken"),
        "leeg": "",
    }


def beheerder_rolaanvragen(user) -> dict:
    """Role requests waiting for a second beheerder (four eyes); the user's own requests say so."""
    from .models import RolToekenning

    return sectie(
        "Rolaanvragen die op een tweede beheerder wachten",
        lambda: (
            RolToekenning.objects.filter(status="aangevraagd")
            .select_related("gebruiker", "aangevraagd_door")
            .order_by("aangevraagd_op", "id")
        ),
        lambda t: {
            "label": f"{t.get_rol_display()} voor {t.gebruiker.username}",
            "url": url("web-beheer-gebruiker", username=t.gebruiker.username),
            "deadline": None,
            "toelichting": "door u aangevraagd: een andere beheerder beslist"
            if t.aangevraagd_door_id == user.pk
            else f"aangevraagd door {t.aangevraagd_door.username if t.aangevraagd_door else 'onbekend'}",
        },
        link=url("web-beheer-gebruikers"),
        leeg="Geen rolaanvragen open.",
    )


def register() -> None:
    """After the apps' sections of the provider (trajecten 10-20, declaraties 30)."""
    registry.register_werkbak_sectie(roles.AANBIEDER, aanbieder_signalen, order=40)
    registry.register_werkbak_sectie(roles.AUDITOR, auditor_modeltrouw, order=10)
    registry.register_werkbak_sectie(roles.BEHEERDER, beheerder_rolaanvragen, order=4)
    registry.register_werkbak_sectie(roles.BEHEERDER, beheerder_mislukt, order=10)
    registry.register_werkbak_sectie(roles.BEHEERDER, beheerder_laatste, order=20)
    registry.register_werkbak_sectie(roles.UWV_FINANCIEEL, financieel_taken, order=5)
    registry.register_werkbak_sectie(roles.PRIVACY_OFFICER, werkbak_fg.fg_signalen, order=10)
    registry.register_werkbak_sectie(roles.PRIVACY_OFFICER, werkbak_fg.fg_raadplegingen, order=20)
