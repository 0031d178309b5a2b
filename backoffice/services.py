"""Writes that every app shares: the audit record of a BSN check and the throttle on checks, and
the four eyes on roles.

Every path that looks a BSN up, registers one or files an application for one goes through
``bsn_controle``: first the throttle (``bsn_gate``), then the work, then the record in
``BsnRaadpleging`` (also when the work was refused: a probe on a closed window is a check too)."""

import math
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from . import crypto, roles, rules
from .errors import BusinessRuleError
from .history import bulk_snapshot, record
from .models import BsnKanaal, BsnRaadpleging, Instellingen, RolToekenning, Signaal, SignaalObject, SignaalSoort

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


# --- four eyes on roles (docs/security.md "Vier ogen op rollen") ----------------------------------
# One service per transition of RolToekenning (backoffice.rules.ROL_TRANSITIES). Each takes a row
# lock, checks the rules, changes the group membership and raises or resolves the beheerders' signal.


def _require_beheerder(by) -> None:
    if not (getattr(by, "is_superuser", False) or roles.has_role(by, roles.BEHEERDER)):
        roles.require_role(by, roles.BEHEERDER)


def _heeft_organisatie(user, rol: str) -> bool:
    medewerker = getattr(user, "medewerker", None)  # financiering.Medewerker, read without importing it
    if medewerker is None:
        return False
    if rol == roles.AANBIEDER:
        return medewerker.aanbieder_id is not None
    return medewerker.gemeenten.exists()


def _signaal(soort: str, toekenning: RolToekenning, omschrijving: str) -> None:
    Signaal.objects.create(
        soort=soort,
        object_type=SignaalObject.ROLTOEKENNING,
        object_uuid=toekenning.uuid,
        omschrijving=omschrijving[:300],
        gesignaleerd_op=timezone.localdate(),
    )


def _signaal_afhandelen(soort: str, toekenning: RolToekenning) -> None:
    now = timezone.now()
    Signaal.objects.filter(soort=soort, object_uuid=toekenning.uuid, afgehandeld=False).update(
        afgehandeld=True, afgehandeld_op=now, afgehandeld_datum=timezone.localdate(now)
    )


def _locked(toekenning: RolToekenning) -> RolToekenning:
    return RolToekenning.objects.select_for_update().select_related("gebruiker").get(pk=toekenning.pk)


@transaction.atomic
def rol_aanvragen(*, by, gebruiker, rol: str, toelichting: str = "") -> RolToekenning:
    """Beheerder A asks for role ``rol`` for ``gebruiker`` (not A); a second beheerder decides."""
    _require_beheerder(by)
    gebruiker = type(gebruiker).objects.select_for_update().get(pk=gebruiker.pk)
    rules.check_aanvraag(
        door_id=by.pk,
        gebruiker_id=gebruiker.pk,
        rol=rol,
        heeft_rol=gebruiker.groups.filter(name=rol).exists(),
        loopt_al=RolToekenning.objects.filter(gebruiker=gebruiker, rol=rol, status="aangevraagd").exists(),
    )
    toekenning = RolToekenning(gebruiker=gebruiker, rol=rol, toelichting=toelichting[:300], aangevraagd_door=by)
    record(toekenning, by=by, reason=f"rol {roles.ROLES[rol]} aangevraagd")
    toekenning.save()
    _signaal(
        SignaalSoort.ROL_AANGEVRAAGD,
        toekenning,
        f"Beheerder {by.get_username()} vraagt de rol {roles.ROLES[rol]} aan voor {gebruiker.get_username()}; "
        "een tweede beheerder keurt goed of wijst af.",
    )
    return toekenning


@transaction.atomic
def rol_goedkeuren(*, by, toekenning: RolToekenning) -> RolToekenning:
    """Beheerder B (not the requester, not the user) approves: the user gets the role."""
    _require_beheerder(by)
    toekenning = _locked(toekenning)
    nieuw = rules.ROLTOEKENNING.volgende("goedkeuren", toekenning.status)
    rules.check_besluit(
        door_id=by.pk, aanvrager_id=toekenning.aangevraagd_door_id, gebruiker_id=toekenning.gebruiker_id
    )
    gebruiker = toekenning.gebruiker
    rules.check_organisatie(rol=toekenning.rol, heeft_organisatie=_heeft_organisatie(gebruiker, toekenning.rol))
    toekenning.status, toekenning.beslist_door, toekenning.beslist_op = nieuw, by, timezone.now()
    record(toekenning, by=by, reason=f"rol {roles.ROLES[toekenning.rol]} goedgekeurd (tweede beheerder)")
    toekenning.save(update_fields=["status", "beslist_door", "beslist_op"])
    gebruiker.groups.add(Group.objects.get_or_create(name=toekenning.rol)[0])
    if toekenning.rol == roles.BEHEERDER and not gebruiker.is_staff:
        gebruiker.is_staff = True  # the admin is the beheerder's tool; only this path opens it
        gebruiker.save(update_fields=["is_staff"])
    _signaal_afhandelen(SignaalSoort.ROL_AANGEVRAAGD, toekenning)
    _signaal(
        SignaalSoort.ROL_TOEGEKEND,
        toekenning,
        f"{gebruiker.get_username()} heeft de rol {roles.ROLES[toekenning.rol]} gekregen "
        f"(aangevraagd door {_naam(toekenning.aangevraagd_door)}, goedgekeurd door {by.get_username()}).",
    )
    return toekenning


@transaction.atomic
def rol_afwijzen(*, by, toekenning: RolToekenning) -> RolToekenning:
    _require_beheerder(by)
    toekenning = _locked(toekenning)
    nieuw = rules.ROLTOEKENNING.volgende("afwijzen", toekenning.status)
    rules.check_besluit(
        door_id=by.pk, aanvrager_id=toekenning.aangevraagd_door_id, gebruiker_id=toekenning.gebruiker_id
    )
    toekenning.status, toekenning.beslist_door, toekenning.beslist_op = nieuw, by, timezone.now()
    record(toekenning, by=by, reason=f"rol {roles.ROLES[toekenning.rol]} afgewezen")
    toekenning.save(update_fields=["status", "beslist_door", "beslist_op"])
    _signaal_afhandelen(SignaalSoort.ROL_AANGEVRAAGD, toekenning)
    return toekenning


@transaction.atomic
def rol_intrekken(*, by, toekenning: RolToekenning) -> RolToekenning:
    """Any beheerder takes a granted role away again (less access needs no second pair of eyes)."""
    _require_beheerder(by)
    toekenning = _locked(toekenning)
    nieuw = rules.ROLTOEKENNING.volgende("intrekken", toekenning.status)
    toekenning.status, toekenning.ingetrokken_door, toekenning.ingetrokken_op = nieuw, by, timezone.now()
    record(toekenning, by=by, reason=f"rol {roles.ROLES[toekenning.rol]} ingetrokken")
    toekenning.save(update_fields=["status", "ingetrokken_door", "ingetrokken_op"])
    gebruiker = toekenning.gebruiker
    gebruiker.groups.remove(*Group.objects.filter(name=toekenning.rol))
    if toekenning.rol == roles.BEHEERDER and gebruiker.is_staff and not gebruiker.is_superuser:
        gebruiker.is_staff = False
        gebruiker.save(update_fields=["is_staff"])
    _signaal_afhandelen(SignaalSoort.ROL_TOEGEKEND, toekenning)
    return toekenning


def _naam(user) -> str:
    return user.get_username() if user is not None else "(bestaand)"


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


# Where the signal sends its reader: the FG's processing log on the web (its werkbak links there
# filtered on the user, so ``werkbak_fg`` leaves this sentence out).
VEEL_BSN_VERWIJZING = (
    "Zie het verwerkingslog (menu Verwerkingslog, /verwerkingen/) van de functionaris gegevensbescherming, "
    "gefilterd op deze gebruiker."
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
        f"{VEEL_BSN_VERWIJZING}"
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


# --- the beheerder's desk in the browser (issue 12, w2): settings and accounts ---------------------


@transaction.atomic
def instellingen_wijzigen(*, by, data: dict) -> Instellingen:
    """Change the settings (one row): the model's validators and constraints checked first
    (``instellingen-ongeldig`` with the field), one history row naming the changed fields."""
    from django.core.exceptions import ValidationError

    _require_beheerder(by)
    instellingen = Instellingen.get()
    instellingen = Instellingen.objects.select_for_update().get(pk=instellingen.pk)
    velden = {f.name for f in Instellingen._meta.concrete_fields} - {"id"}
    gewijzigd = [k for k, v in data.items() if k in velden and getattr(instellingen, k) != v]
    for k in gewijzigd:
        setattr(instellingen, k, data[k])
    if not gewijzigd:
        return instellingen
    if instellingen.aow_leeftijd <= instellingen.minimum_leeftijd:
        raise BusinessRuleError(
            code="instellingen-ongeldig",
            message="De AOW-leeftijd ligt boven de minimumleeftijd.",
            status=400,
            field="aow_leeftijd",
        )
    if "uwv_iban" in gewijzigd:
        from schwifty import IBAN
        from schwifty.exceptions import SchwiftyException

        try:
            instellingen.uwv_iban = str(IBAN(instellingen.uwv_iban).compact)
        except SchwiftyException as exc:
            raise BusinessRuleError(
                code="instellingen-ongeldig",
                message="Dit is geen geldig IBAN (controleer de cijfers).",
                status=400,
                field="uwv_iban",
            ) from exc
    try:
        instellingen.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise BusinessRuleError(
            code="instellingen-ongeldig", message=" ".join(messages), status=400, field=field
        ) from exc
    namen = ", ".join(str(Instellingen._meta.get_field(k).verbose_name) for k in gewijzigd)
    record(instellingen, by=by, reason=f"gewijzigd: {namen}")
    instellingen.save()
    return instellingen


def gebruiker_deactiveren(*, by, gebruiker):
    """Close an account: it can no longer log in, and its API tokens are revoked (``User.save``).
    Never one's own account (a beheerder locking himself out)."""
    _require_beheerder(by)
    if gebruiker.pk == by.pk:
        raise BusinessRuleError(
            code="gebruiker-eigen-account",
            message="U kunt uw eigen account niet deactiveren; vraag een andere beheerder.",
            status=403,
        )
    if not gebruiker.is_active:
        raise BusinessRuleError(code="gebruiker-al-inactief", message="Dit account is al gedeactiveerd.")
    gebruiker.is_active = False
    record(gebruiker, by=by, reason="account gedeactiveerd")
    gebruiker.save(update_fields=["is_active"])
    return gebruiker


@transaction.atomic
def gebruiker_heractiveren(*, by, gebruiker) -> list[str]:
    """Open a deactivated account again, without its roles: every role it still holds is revoked
    first (``rol_intrekken_zonder_aanvraag``, in the history), so that no role comes back on one
    beheerder's word; each is requested again under four eyes (docs/security.md "Vier ogen op
    rollen"). Returns the Dutch names of the roles taken away."""
    _require_beheerder(by)
    gebruiker = type(gebruiker).objects.select_for_update().get(pk=gebruiker.pk)
    if gebruiker.is_active:
        raise BusinessRuleError(code="gebruiker-al-actief", message="Dit account is al actief.")
    ingetrokken = []
    for rol in sorted(gebruiker.groups.filter(name__in=list(roles.ROLES)).values_list("name", flat=True)):
        rol_intrekken_zonder_aanvraag(by=by, gebruiker=gebruiker, rol=rol)
        ingetrokken.append(roles.ROLES[rol])
    gebruiker.is_active = True
    record(gebruiker, by=by, reason="account weer geactiveerd, zonder rollen")
    gebruiker.save(update_fields=["is_active"])
    return ingetrokken


def inlog_blokkades(gebruikersnamen) -> set[str]:
    """Which of these accounts are locked out now (django-axes, after too many failed logins)."""
    from axes.models import AccessAttempt
    from django.conf import settings as django_settings

    grens = django_settings.AXES_FAILURE_LIMIT
    since = timezone.now() - django_settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=list(gebruikersnamen), failures_since_start__gte=grens, attempt_time__gte=since
        ).values_list("username", flat=True)
    )


def inlogblokkade_opheffen(*, by, gebruiker) -> int:
    """Lift the lockout of an account (django-axes' failed attempts for its username)."""
    from axes.utils import reset

    _require_beheerder(by)
    if gebruiker.get_username() not in inlog_blokkades([gebruiker.get_username()]):
        raise BusinessRuleError(code="geen-blokkade", message="Dit account is niet geblokkeerd.")
    # the lockout lives in django-axes, not on the account: the account's history gets a row that
    # says who lifted it (a copy of the account as it is, with the reason)
    bulk_snapshot(type(gebruiker), ids=[gebruiker.pk], reason="inlogblokkade opgeheven", by=by)
    return reset(username=gebruiker.get_username())


@transaction.atomic
def rol_intrekken_zonder_aanvraag(*, by, gebruiker, rol: str) -> RolToekenning:
    """Revoke a role the user holds without a grant in the loket (given before four eyes existed, or
    by ``demo_data``/a command): first the grant is written down as it stood (no requester, as the
    migration did), then revoked like any other (``rol_intrekken``)."""
    _require_beheerder(by)
    if not gebruiker.groups.filter(name=rol).exists():
        raise BusinessRuleError(
            code="rol-niet-toegekend", message=f"Deze gebruiker heeft de rol {roles.ROLES.get(rol, rol)} niet."
        )
    toekenning = RolToekenning.objects.filter(gebruiker=gebruiker, rol=rol, status="goedgekeurd").first()
    if toekenning is None:
        toekenning = RolToekenning(gebruiker=gebruiker, rol=rol, status="goedgekeurd", toelichting="bestond al")
        record(toekenning, by=by, reason=f"rol {roles.ROLES[rol]} bestond al (zonder aanvraag)")
        toekenning.save()
    return rol_intrekken(by=by, toekenning=toekenning)
