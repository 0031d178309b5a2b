"""Writes that every app shares: the audit record of a BSN check, and the throttle on checks.

Every path that looks a BSN up, registers one or files an application for one goes through
``bsn_controle``: first the throttle (``bsn_gate``), then the work, then the record in
``BsnRaadpleging`` (also when the work was refused: a probe on a closed window is a check too)."""

import math
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from . import crypto, roles
from .errors import BusinessRuleError
from .models import BsnKanaal, BsnRaadpleging, Instellingen, Signaal, SignaalObject, SignaalSoort

VENSTER = timedelta(hours=1)
_SIGNAAL_NS = uuid.UUID("6f1c3a52-8d0e-4b7a-9a43-3f2b1c9e7d10")


def bsn_raadpleging_log(*, by, kanaal: str, aantal_gevonden: int, bsn: str = "", bsn_hash: str = "") -> BsnRaadpleging:
    """Record that ``by`` checked a BSN: who, when, for which organisation, which hash. The BSN
    itself is never stored (only the keyed hash the search uses)."""
    from .web import organisatie_naam

    if kanaal not in BsnKanaal.values:
        raise ValueError(kanaal)
    if not bsn_hash:
        bsn_hash = crypto.bsn_hash(bsn)
    return BsnRaadpleging.objects.create(
        user=by,
        organisatie=organisatie_naam(by)[:300],
        rollen=", ".join(sorted(roles.roles_of(by)))[:200],
        kanaal=kanaal,
        bsn_hash=bsn_hash,
        aantal_gevonden=aantal_gevonden,
    )


def bsn_gate(*, by, bsn_hash: str) -> None:
    """Refuse (429 ``te-veel-bsn``) a user who used more distinct BSNs in the last hour than
    ``Instellingen.bsn_per_uur`` allows (registering, applying and searching together). A BSN the
    user already used in that hour passes: typing one person's number again is no probing. The
    first refusal of a day raises a signal for the beheerder. One query, whatever the BSN."""
    grens = Instellingen.get().bsn_per_uur
    now = timezone.now()
    stats = BsnRaadpleging.objects.filter(user=by, op__gte=now - VENSTER).aggregate(
        aantal=Count("bsn_hash", distinct=True), eerste=Min("op"), deze=Count("id", filter=Q(bsn_hash=bsn_hash))
    )
    if stats["deze"] or stats["aantal"] < grens:
        return
    _signaal_veel_bsn(by, grens)
    wait = max(1, math.ceil((stats["eerste"] + VENSTER - now).total_seconds()))
    raise BusinessRuleError(
        code="te-veel-bsn",
        status=429,
        retry_after=wait,
        message=(
            f"U heeft het afgelopen uur {stats['aantal']} verschillende BSN's gebruikt (registreren, aanvragen en "
            f"zoeken samen); de grens is {grens}. Probeer het over {math.ceil(wait / 60)} minuten opnieuw, of vraag "
            "de beheerder om hulp."
        ),
    )


def _signaal_veel_bsn(by, grens: int) -> None:
    """One signal per user per day, for the beheerder (``signalen_for``); no participant data."""
    from .web import organisatie_naam

    today = timezone.localdate()
    key = uuid.uuid5(_SIGNAAL_NS, f"{SignaalSoort.BSN_VEEL_GERAADPLEEGD}:{by.pk}:{today.isoformat()}")
    if Signaal.objects.filter(soort=SignaalSoort.BSN_VEEL_GERAADPLEEGD, object_uuid=key).exists():
        return
    omschrijving = (
        f"Gebruiker {by.username} ({organisatie_naam(by) or 'geen organisatie'}) gebruikte binnen een uur meer "
        f"dan {grens} verschillende BSN's (registreren, aanvragen, zoeken); verdere pogingen worden geweigerd. "
        "Zie de BSN-raadplegingen in de admin."
    )
    try:
        with transaction.atomic():
            Signaal.objects.create(
                soort=SignaalSoort.BSN_VEEL_GERAADPLEEGD,
                object_type=SignaalObject.GEBRUIKER,
                object_uuid=key,
                omschrijving=omschrijving[:300],
                gesignaleerd_op=today,
            )
    except IntegrityError:  # a parallel request raised it first
        pass


@contextmanager
def bsn_controle(*, by, bsn_hash: str, kanaal: str):
    """Throttle, do the work, record the check. The body sets ``controle["aantal_gevonden"]``. The
    record is written after the body, also when it raised (a refused application is a check too);
    call this outside a transaction, so that a refusal's rollback does not take the record along."""
    bsn_gate(by=by, bsn_hash=bsn_hash)
    controle = {"aantal_gevonden": 0}
    try:
        yield controle
    finally:
        if not transaction.get_connection().needs_rollback:
            bsn_raadpleging_log(by=by, bsn_hash=bsn_hash, kanaal=kanaal, aantal_gevonden=controle["aantal_gevonden"])
