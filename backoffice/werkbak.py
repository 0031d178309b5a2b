"""The start page's work queue per role: what awaits this user, most urgent first.

Each section is a dict ``{"titel", "aantal", "rijen", "link", "leeg"}``; rows are dicts with
``label``, ``url``, ``deadline`` (a date or None) and ``toelichting``. Counts and rows come from
the apps' selectors; at most two queries per section whatever the data size (the first rows, and
a count when they fill the section).

backoffice sits at the bottom of the import order: the apps register their sections per role in
their ``AppConfig.ready()`` (``backoffice.registry``); ``voor`` shows them without naming an app."""

import uuid
from datetime import datetime, time, timedelta

from django.db.models import F
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from . import querycache, registry, roles, selectors

MAX_RIJEN = 8

# The order of the roles' sections for a user with several roles.
ROLVOLGORDE = (
    roles.UWV_BEOORDELAAR,
    roles.UWV_FINANCIEEL,
    roles.GEMEENTE,
    roles.AANBIEDER,
    roles.AUDITOR,
    roles.BEHEERDER,
    roles.PRIVACY_OFFICER,
)


def url(name: str, *args, **kwargs) -> str:
    """``reverse(name, ...)``, "" for a name that does not resolve. A link whose arguments are all
    uuids (a row's link) is filled into a pattern reversed once per name and script prefix: Django's
    ``reverse()`` cost 0.1 ms a row, mostly in reading its request-local state."""
    if kwargs and not args and all(isinstance(v, uuid.UUID) for v in kwargs.values()):
        key = (name, tuple(kwargs), get_script_prefix(), get_urlconf())
        patroon = _PATRONEN.get(key)
        if patroon is None:
            patroon = _PATRONEN[key] = _reverse_of_leeg(name, {k: _plaats(i) for i, k in enumerate(kwargs)})
        for i, waarde in enumerate(kwargs.values()):
            patroon = patroon.replace(str(_plaats(i)), str(waarde))
        return patroon
    return _reverse_of_leeg(name, kwargs, args)


_PATRONEN: dict[tuple, str] = {}


def _plaats(i: int) -> uuid.UUID:
    """A stand-in uuid per argument, that no object has (the nil uuid with the argument's number)."""
    return uuid.UUID(int=0xFFFF_0000 + i)


def _reverse_of_leeg(name: str, kwargs: dict, args: tuple = ()) -> str:
    try:
        return reverse(name, args=args, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def sinds_dagen(dagen: int) -> datetime:
    """Midnight (local time) ``dagen`` days before today: "the last ``dagen`` days" by the calendar,
    the same all day long, so that a section's SQL follows from the day (``backoffice.querycache``)."""
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=dagen), time.min))


def sectie(titel: str, qs, rij, *, link: str = "", leeg: str = "Niets te doen.", tel_eerst: bool = False) -> dict:
    """A section from a queryset already ordered most urgent first: the first rows, and a count
    only when they fill the section (fewer rows are all there are). ``tel_eerst``: the count
    first and the rows only when there are any, for a section that is mostly empty and whose rows
    are costly to ask (many joins).

    In :func:`voor` the compiled SQL is kept for the user and the day (``backoffice.querycache``);
    ``qs`` given as a callable that returns the queryset is then not even built again."""
    maak = qs if callable(qs) else (lambda: qs)
    if tel_eerst:
        aantal = querycache.aantal(maak)
        eerste = querycache.rijen(maak, MAX_RIJEN) if aantal else []
    else:
        eerste = querycache.rijen(maak, MAX_RIJEN)
        aantal = querycache.aantal(maak) if len(eerste) == MAX_RIJEN else len(eerste)
    return {"titel": titel, "aantal": aantal, "rijen": [rij(obj) for obj in eerste], "link": link, "leeg": leeg}


def voor(user) -> list[dict]:
    secties = []
    for role in ROLVOLGORDE:
        if roles.has_role(user, role):
            for maker in registry.werkbak_secties(role):
                with querycache.sectie_van(maker, user):
                    secties.append(maker(user))
    return secties


def signalen(user, soorten: tuple[str, ...], titel: str, *, leeg: str = "Geen open signalen.") -> dict:
    return sectie(
        titel,
        lambda: (
            selectors.signalen_for(user)
            .filter(soort__in=soorten, afgehandeld=False)
            .order_by(F("deadline").asc(nulls_last=True), "-id")
        ),
        lambda s: {"label": s.omschrijving, "url": "", "deadline": s.deadline, "toelichting": s.get_soort_display()},
        link=url("web-signalen"),
        leeg=leeg,
    )
