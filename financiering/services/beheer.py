"""The beheerder's desk in the browser (issue 12): lots, prices, payment plans and accounts."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.history import record
from backoffice.rules import weigeren

from .. import permissions
from ..models import (
    Aanbieder,
    Gemeente,
    Perceel,
    Product,
    Regeling,
    Trajectprijs,
)

# --- the beheerder's desk in the browser (issue 12, w2): lots, prices, payment plans, accounts -----
# The web pages (financiering/views_beheer.py) write through these; each checks the role itself and
# records who changed what (django-simple-history, backoffice.history.record).
from .regelingen import PERCEEL_FIELDS, _check_aanbiedertypen, perceel_set_payment_plan, prijs_vastleggen


def _beheerder(by) -> None:
    weigeren(permissions.regeling_beheren_weigering(by))


def trajectprijs_opslaan(*, by, perceel: Perceel, **prijs) -> Trajectprijs:
    """The beheerder's page: ``prijs_vastleggen`` (the one rule of prices, the API's too) after the
    beheerder check."""
    _beheerder(by)
    return prijs_vastleggen(by=by, perceel=perceel, **prijs)


@transaction.atomic
def perceel_aanmaken(
    *, by, regeling: Regeling, data: dict, trajectprijs: Decimal | None = None, prijs_geldig_van: date | None = None
) -> Perceel:
    """A new lot of a scheme with the default payment plan (domain.md 8) and, when given, its first
    price; without a price the scheme's page says that it is still missing."""
    _beheerder(by)
    _check_aanbiedertypen(regeling, data.get("toegestane_aanbiedertypen", []))
    if Perceel.objects.filter(code=data["code"]).exists():
        raise BusinessRuleError(
            code="code-bestaat", message=f"Er is al een perceel met code '{data['code']}'.", status=409, field="code"
        )
    perceel = Perceel(regeling=regeling, code=data["code"], **{f: data[f] for f in PERCEEL_FIELDS if f in data})
    perceel.full_clean()
    record(perceel, by=by, reason="perceel aangemaakt")
    perceel.save()
    betaalplan_wijzigen(by=by, perceel=perceel, producten=None)
    if trajectprijs:
        trajectprijs_opslaan(
            by=by,
            perceel=perceel,
            bedrag=trajectprijs,
            geldig_van=prijs_geldig_van or regeling.aanvraag_vanaf or timezone.localdate(),
        )
    return perceel


@transaction.atomic
def perceel_wijzigen(*, by, perceel: Perceel, data: dict) -> Perceel:
    """Change a lot's name, target group, duration, extension and allowed provider types (its code
    and scheme stay)."""
    _beheerder(by)
    perceel = Perceel.objects.select_for_update().select_related("regeling").get(pk=perceel.pk)
    if "toegestane_aanbiedertypen" in data:
        if not data["toegestane_aanbiedertypen"]:
            raise BusinessRuleError(
                code="aanbiedertype-ontbreekt",
                message="Kies minstens één aanbiedertype dat dit perceel mag aanbieden.",
                status=400,
                field="toegestane_aanbiedertypen",
            )
        _check_aanbiedertypen(perceel.regeling, data["toegestane_aanbiedertypen"])
    gewijzigd = [f for f in PERCEEL_FIELDS if f in data and getattr(perceel, f) != data[f]]
    for f in gewijzigd:
        setattr(perceel, f, data[f])
    if gewijzigd:
        perceel.full_clean()
        record(perceel, by=by, reason="perceel gewijzigd")
        perceel.save()
    return perceel


@transaction.atomic
def betaalplan_wijzigen(*, by, perceel: Perceel, producten: list[dict] | None) -> list[Product]:
    """Replace a lot's payment plan (``None``: the default plan), the shares adding up to 1
    (``betaalplan-ongeldig``); the new products get a history row each (made by ``by``)."""
    from backoffice.history import bulk_snapshot

    _beheerder(by)
    codes = [p["code"] for p in producten or []]
    if len(codes) != len(set(codes)):
        raise BusinessRuleError(
            code="ongeldige-invoer", message="Elke productcode mag maar één keer voorkomen.", status=400
        )
    perceel_set_payment_plan(perceel=perceel, producten=producten)
    nieuw = list(perceel.producten.all())
    bulk_snapshot(Product, ids=[p.pk for p in nieuw], reason="betaalplan vastgesteld", by=by, created=True)
    return nieuw


def _check_een_organisatie(aanbieder: Aanbieder | None, gemeenten) -> None:
    """An account belongs to one provider, or to one or more gemeenten, never to both."""
    if aanbieder is not None and gemeenten:
        raise BusinessRuleError(
            code="organisatie-ongeldig",
            message="Een account hoort bij één aanbieder of bij een of meer gemeenten, niet bij allebei.",
            status=400,
            field="aanbieder",
        )


@transaction.atomic
def gebruiker_aanmaken(
    *,
    by,
    username: str,
    wachtwoord: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    aanbieder: Aanbieder | None = None,
    gemeenten: list[Gemeente] | tuple = (),
):
    """A new account, with its organisation (``Medewerker``: one provider or one or more gemeenten)
    and no role: a role is requested afterwards and approved by a second beheerder (four eyes)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from ..models import Medewerker

    roles.require_role(by, roles.BEHEERDER)
    user_model = get_user_model()
    username = (username or "").strip()
    if not username:
        raise BusinessRuleError(
            code="ongeldige-invoer", message="Een gebruikersnaam is verplicht.", status=400, field="username"
        )
    if user_model.objects.filter(username__iexact=username).exists():
        raise BusinessRuleError(
            code="gebruikersnaam-bestaat",
            message=f"Er is al een account met de gebruikersnaam '{username}'.",
            status=409,
            field="username",
        )
    _check_een_organisatie(aanbieder, gemeenten)
    user = user_model(username=username, first_name=first_name, last_name=last_name, email=email)
    try:
        validate_password(wachtwoord, user)
    except ValidationError as exc:
        raise BusinessRuleError(
            code="wachtwoord-ongeldig", message=" ".join(exc.messages), status=400, field="wachtwoord"
        ) from exc
    user.set_password(wachtwoord)
    organisatie = aanbieder.naam if aanbieder is not None else ", ".join(f"gemeente {g.naam}" for g in gemeenten)
    record(user, by=by, reason="account aangemaakt" + (f" bij {organisatie}" if organisatie else ""))
    user.save()
    if aanbieder is not None or gemeenten:
        medewerker = Medewerker.objects.create(user=user, aanbieder=aanbieder)
        if gemeenten:
            medewerker.gemeenten.add(*gemeenten)
    return user


@transaction.atomic
def medewerker_koppelen(*, by, gebruiker, aanbieder: Aanbieder | None = None, gemeenten=()):
    """Link an existing account to its organisation: one provider, or one or more gemeenten, or
    none. An account with the role of aanbieder or gemeente keeps an organisation of that kind
    (``rol-zonder-organisatie``): revoke the role first."""
    from backoffice.rules import check_organisatie

    from ..models import Medewerker

    roles.require_role(by, roles.BEHEERDER)
    _check_een_organisatie(aanbieder, gemeenten)
    rollen = set(gebruiker.groups.values_list("name", flat=True))
    if roles.AANBIEDER in rollen:
        check_organisatie(rol=roles.AANBIEDER, heeft_organisatie=aanbieder is not None)
    if roles.GEMEENTE in rollen:
        check_organisatie(rol=roles.GEMEENTE, heeft_organisatie=bool(gemeenten))
    medewerker = Medewerker.objects.select_for_update().filter(user=gebruiker).first()
    if medewerker is None:
        if aanbieder is None and not gemeenten:
            return None
        medewerker = Medewerker.objects.create(user=gebruiker, aanbieder=aanbieder)
    else:
        medewerker.aanbieder = aanbieder
        medewerker.save(update_fields=["aanbieder"])
    medewerker.gemeenten.set(list(gemeenten))
    return medewerker
