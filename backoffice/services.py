"""Writes that every app shares: the audit record of a BSN lookup, and the four eyes on roles."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from . import crypto, roles, rules
from .models import BsnKanaal, BsnRaadpleging, RolToekenning, Signaal, SignaalObject, SignaalSoort


def bsn_raadpleging_log(*, by, bsn: str, kanaal: str, aantal_gevonden: int) -> BsnRaadpleging:
    """Record that ``by`` looked up a BSN: who, when, for which organisation, which hash. The BSN
    itself is never stored (only the keyed hash the search uses)."""
    from .web import organisatie_naam

    if kanaal not in BsnKanaal.values:
        raise ValueError(kanaal)
    return BsnRaadpleging.objects.create(
        user=by,
        organisatie=organisatie_naam(by)[:300],
        rollen=", ".join(sorted(roles.roles_of(by)))[:200],
        kanaal=kanaal,
        bsn_hash=crypto.bsn_hash(bsn),
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
    toekenning._history_user = by
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
    nieuw = rules.rol_next_state("goedkeuren", toekenning.status)
    rules.check_besluit(
        door_id=by.pk, aanvrager_id=toekenning.aangevraagd_door_id, gebruiker_id=toekenning.gebruiker_id
    )
    gebruiker = toekenning.gebruiker
    rules.check_organisatie(rol=toekenning.rol, heeft_organisatie=_heeft_organisatie(gebruiker, toekenning.rol))
    toekenning.status, toekenning.beslist_door, toekenning.beslist_op = nieuw, by, timezone.now()
    toekenning._history_user = by
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
    nieuw = rules.rol_next_state("afwijzen", toekenning.status)
    rules.check_besluit(
        door_id=by.pk, aanvrager_id=toekenning.aangevraagd_door_id, gebruiker_id=toekenning.gebruiker_id
    )
    toekenning.status, toekenning.beslist_door, toekenning.beslist_op = nieuw, by, timezone.now()
    toekenning._history_user = by
    toekenning.save(update_fields=["status", "beslist_door", "beslist_op"])
    _signaal_afhandelen(SignaalSoort.ROL_AANGEVRAAGD, toekenning)
    return toekenning


@transaction.atomic
def rol_intrekken(*, by, toekenning: RolToekenning) -> RolToekenning:
    """Any beheerder takes a granted role away again (less access needs no second pair of eyes)."""
    _require_beheerder(by)
    toekenning = _locked(toekenning)
    nieuw = rules.rol_next_state("intrekken", toekenning.status)
    toekenning.status, toekenning.ingetrokken_door, toekenning.ingetrokken_op = nieuw, by, timezone.now()
    toekenning._history_user = by
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
