"""Every read of personal data goes through here, scoped to the user's organisation(s)."""

from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from backoffice import crypto, roles
from financiering.selectors import user_aanbieder_id, user_gemeente_ids

from . import rules
from .models import Aanvraag, Besluit, Deelnemer, Traject, Verlenging

# --- purpose-bound visibility (domain.md 12; the table is docs/privacy.md) ----------------------

IDENTITEIT = frozenset({"voorletters", "achternaam", "bsn_gemaskeerd", "geboortedatum"})
DIAGNOSE = frozenset({"hoofddiagnosegroep"})
MONITORKENMERKEN = frozenset({"opleiding", "werkervaring_jaren", "geslacht", "burgerlijke_staat"})
# Every personal field of a participant (Deelnemer); what is not here (uuid, gemeente, doelgroep,
# registering provider) describes the trajectory, not the person.
PERSOONSVELDEN = IDENTITEIT | DIAGNOSE | MONITORKENMERKEN | {"uitkering"}
# What a funder's task needs of its own client: who it is and the benefit that sets the route.
FINANCIER = IDENTITEIT | {"uitkering"}
GEEN: frozenset[str] = frozenset()


def personal_fields_for(user, obj) -> frozenset[str]:
    """The participant's personal fields (names as on ``Deelnemer``, :data:`PERSOONSVELDEN`) that
    ``user`` may see on ``obj``: a ``Deelnemer`` (as found through :func:`deelnemers_for`), an
    ``Aanvraag`` or a ``Traject`` (the participant seen through that case). The one place of the
    rule; every serializer, page, export and job that shows a participant asks it. No query.

    - the provider (the one that registered the participant, or holds or executes the case): all;
    - the gemeente, for a case on the gemeente route of one of its gemeenten: name, masked BSN,
      date of birth and benefit; never the diagnosis;
    - UWV (beoordelaar, financieel) on the UWV route, its own client: the same; on the gemeente
      route nothing (the toewijzingNummer, provider, gemeente, lot, dates and money only);
    - the auditor, the beheerder and anyone else: nothing.

    A user with several roles sees the union."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return GEEN
    aanbieder_id = user_aanbieder_id(user) if roles.has_role(user, roles.AANBIEDER) else None
    if isinstance(obj, Deelnemer):
        own = aanbieder_id is not None and obj.aanbieder_id == aanbieder_id
        route = rules.route_for(obj.uitkering)
    else:
        own = aanbieder_id is not None and aanbieder_id in (obj.aanbieder_id, obj.uitvoerder_id)
        route = obj.route
    if own:
        return PERSOONSVELDEN
    if route == "uwv" and roles.has_role(user, *roles.UWV_ROLES):
        return FINANCIER
    if route == "gemeente" and roles.has_role(user, roles.GEMEENTE) and obj.gemeente_id in user_gemeente_ids(user):
        return FINANCIER
    return GEEN


def naam_zichtbaar(user, obj) -> bool:
    """May ``user`` see the participant's name on ``obj`` (:func:`personal_fields_for`)? Without
    decrypting the BSN, as :func:`persoon_for` does for every field."""
    return {"voorletters", "achternaam"} <= personal_fields_for(user, obj)


def persoon_for(user, obj) -> dict:
    """The participant of ``obj`` (see :func:`personal_fields_for`) as a page may show it: the
    allowed fields (choices as their Dutch label), ``naam``, and ``uuid`` (to link to the
    participant's page) only when anything may be shown; the rest is None."""
    velden = personal_fields_for(user, obj)
    deelnemer = obj if isinstance(obj, Deelnemer) else obj.deelnemer
    out = {"zichtbaar": bool(velden), "uuid": deelnemer.uuid if velden else None}
    for veld in PERSOONSVELDEN:
        if veld not in velden:
            out[veld] = None
        elif veld == "bsn_gemaskeerd":
            out[veld] = deelnemer.bsn_gemaskeerd
        elif hasattr(deelnemer, f"get_{veld}_display"):
            out[veld] = getattr(deelnemer, f"get_{veld}_display")()
        else:
            out[veld] = getattr(deelnemer, veld)
    naam = {"voorletters", "achternaam"} <= velden
    out["naam"] = f"{deelnemer.voorletters} {deelnemer.achternaam}" if naam else None
    return out


def termijn_verlopen_q(today: date) -> Q:
    """The queryset twin of ``rules.termijn_verlopen``: applications still waiting for a decision
    whose deadline lay before ``today``. The nightly signal and any list filter use this."""
    return Q(status__in=rules.WACHT_OP_BESLUIT, beslis_deadline__lt=today)


def einddatum_verstreken_q(today: date) -> Q:
    """The queryset twin of ``rules.einddatum_verstreken``: active trajectories whose planned end
    lay before ``today`` (what the nightly ``trajecten_expire`` moves on)."""
    return Q(status="actief", einddatum_gepland__lt=today)


def wacht_op_besluit_q(stap: str) -> Q:
    """The queryset twin of ``permissions.beslisser`` and the state table: the applications that
    wait for the gemeente's beschikking (``stap="gemeente"``) or for UWV's decision (``"uwv"``:
    on the gemeente route only in ``gemeente_akkoord``, where the scheme asks UWV's consent after
    the beschikking; a beschikking that is the grant leaves UWV nothing). For the werkbak and the
    nightly signal."""
    if stap == "gemeente":
        return Q(route="gemeente", status__in=rules.AANVRAAG.van("gemeente_akkoord"))
    return Q(status__in=rules.AANVRAAG.van("uwv_akkoord")) & ~Q(route="gemeente", status="ingediend")


def aanvragen_for(user) -> QuerySet[Aanvraag]:
    """Provider: its own. Gemeente: the gemeente route for its gemeenten. UWV: the UWV route,
    and gemeente-route applications only once the gemeente has given its beschikking."""
    qs = Aanvraag.objects.select_related(
        "deelnemer", "aanbieder", "uitvoerder", "perceel", "regeling", "gemeente", "trajectbegeleider"
    ).prefetch_related("besluiten__door", "besluiten__mandaat__samenwerkingsverband")
    # A user with several roles (four eyes make that a real case) sees the union of their scopes:
    # a provider who is also a UWV assessor still sees its own gemeente-route applications.
    scope = Q(pk__in=[])
    if roles.has_role(user, *roles.UWV_ROLES):
        gemeente_akkoord = Besluit.objects.filter(aanvraag=OuterRef("pk"), stap="gemeente", besluit="akkoord")
        scope |= (Q(route="uwv") | Exists(gemeente_akkoord)) & ~Q(status="concept")
    if roles.has_role(user, roles.GEMEENTE):
        scope |= Q(route="gemeente", gemeente_id__in=user_gemeente_ids(user)) & ~Q(status="concept")
    if roles.has_role(user, roles.AANBIEDER):
        scope |= Q(aanbieder_id=user_aanbieder_id(user))
    return qs.filter(scope)


def trajecten_for(user) -> QuerySet[Traject]:
    qs = Traject.objects.select_related(
        "aanbieder", "uitvoerder", "perceel", "regeling", "gemeente", "trajectbegeleider"
    ).prefetch_related(
        "plaatsingen",
        # The serializer names who asked and who decided: with the users, one query for the page.
        Prefetch("verlengingen", queryset=Verlenging.objects.select_related("aangevraagd_door", "besluit_door")),
    )
    if roles.has_role(user, *roles.UWV_ROLES):
        return qs
    scope = Q(pk__in=[])  # the union of the user's scopes, as for applications
    if roles.has_role(user, roles.GEMEENTE):
        scope |= Q(route="gemeente", gemeente_id__in=user_gemeente_ids(user))
    if roles.has_role(user, roles.AANBIEDER):
        aanbieder_id = user_aanbieder_id(user)
        scope |= Q(aanbieder_id=aanbieder_id) | Q(uitvoerder_id=aanbieder_id)
    return qs.filter(scope)


def verlengingen_for(user) -> QuerySet[Verlenging]:
    """Extension requests on the trajectories the user may see (UWV: every one, without a
    semi-join over every trajectory)."""
    qs = Verlenging.objects.select_related("traject", "traject__perceel", "traject__gemeente")
    if roles.has_role(user, *roles.UWV_ROLES):
        return qs
    return qs.filter(traject__in=trajecten_for(user).prefetch_related(None).values("pk"))


def deelnemers_for(user) -> QuerySet[Deelnemer]:
    """Provider: the participants it registered. Gemeente and UWV: those in an application they
    may see."""
    qs = Deelnemer.objects.select_related("gemeente", "aanbieder")
    scope = Q(pk__in=[])
    if roles.has_role(user, roles.AANBIEDER):
        scope |= Q(aanbieder_id=user_aanbieder_id(user))
    if roles.has_role(user, roles.GEMEENTE):
        scope |= Exists(aanvragen_for(user).filter(deelnemer=OuterRef("pk"), route="gemeente"))
    if roles.has_role(user, *roles.UWV_ROLES):
        # On the gemeente route the person is not UWV's client (domain.md 12): UWV sees the
        # trajectory, not the participant, so the participant is not found (404) for UWV.
        scope |= Exists(aanvragen_for(user).filter(deelnemer=OuterRef("pk"), route="uwv"))
    return qs.filter(scope)


def deelnemers_by_bsn(user, bsn: str) -> QuerySet[Deelnemer]:
    return deelnemers_for(user).filter(bsn_hash=crypto.bsn_hash(bsn))


def _samenloop_traject(bsn_hash, aanvraag_pk):
    return Traject.objects.filter(bsn_hash=bsn_hash, status="actief").exclude(aanvraag_id=aanvraag_pk)


def _samenloop_aanvraag(bsn_hash, aanvraag_pk):
    return Aanvraag.objects.filter(bsn_hash=bsn_hash, status__in=Aanvraag.OPEN, pk__lt=aanvraag_pk)


def with_samenloop(qs: QuerySet[Aanvraag]) -> QuerySet[Aanvraag]:
    """For the funder's lists: whether the same person has another active trajectory, or an earlier
    open application, anywhere (two EXISTS in the one query of the list)."""
    return qs.annotate(
        samenloop_traject=Exists(_samenloop_traject(OuterRef("bsn_hash"), OuterRef("pk"))),
        samenloop_aanvraag=Exists(_samenloop_aanvraag(OuterRef("bsn_hash"), OuterRef("pk"))),
    )


def samenloop(aanvraag: Aanvraag) -> list[str]:
    """The funder's warnings about the same person elsewhere (rules.samenloop_meldingen), now."""
    if hasattr(aanvraag, "samenloop_traject"):
        actief, eerder = aanvraag.samenloop_traject, aanvraag.samenloop_aanvraag
    else:
        actief = _samenloop_traject(aanvraag.bsn_hash, aanvraag.pk).exists()
        eerder = _samenloop_aanvraag(aanvraag.bsn_hash, aanvraag.pk).exists()
    return rules.samenloop_meldingen(actief_traject=actief, eerdere_aanvraag=eerder)


def is_financier(user) -> bool:
    """Gemeente and UWV decide on applications: they see the samenloop, a provider never."""
    return roles.has_role(user, roles.GEMEENTE, *roles.UWV_ROLES)


def pending_budget_claims(*, gemeente_id: int, regeling_id: int) -> Decimal:
    """Expected cost of submitted gemeente-route applications not yet committed to a budget."""
    total = Aanvraag.objects.filter(
        gemeente_id=gemeente_id, regeling_id=regeling_id, route="gemeente", status="ingediend", budget__isnull=True
    ).aggregate(s=Sum("bedrag"))["s"]
    return total or Decimal("0")


def doorlooptijden(user, *, van, tot) -> list[dict]:
    """Lead times of decided applications the user may see, per route: from submission
    (``ingediend_op``) to the final decision (``afgehandeld_op``) on a day in [van, tot], in days
    (Europe/Amsterdam calendar days): number, median and mean. One query; the median is taken in
    Python over the durations of that period (a year of decisions is a few thousand numbers)."""
    from statistics import mean, median

    rows = (
        aanvragen_for(user)
        .prefetch_related(None)
        .filter(afgehandeld_op__date__gte=van, afgehandeld_op__date__lte=tot, ingediend_op__isnull=False)
        .order_by()
        .values_list("route", "ingediend_op", "afgehandeld_op")
    )
    per_route: dict[str, list[int]] = {}
    for route, ingediend, afgehandeld in rows:
        per_route.setdefault(route, []).append(rules.wachttijd_dagen(ingediend, afgehandeld))
    return [
        {
            "route": route,
            "aantal": len(dagen),
            "mediaan": median(dagen),
            "gemiddeld": round(mean(dagen), 1),
        }
        for route, dagen in sorted(per_route.items())
    ]


def deelnemers_voorbij_bewaartermijn(*, afgerond: QuerySet[Traject], sinds) -> QuerySet[Deelnemer]:
    """The participants whose data has no purpose left (docs/privacy.md, "Bewaartermijn"), not yet
    anonymised. ``sinds`` (an aware datetime) starts the retention period; ``afgerond`` are the
    trajectories the money module calls finally settled before it. A participant qualifies when
    nothing of theirs still runs: every trajectory is in ``afgerond``, every application without a
    trajectory was refused or withdrawn before ``sinds``; and either one trajectory is in
    ``afgerond``, or there never was a trajectory and the registration is older than ``sinds``.
    Not a user's scope: for the nightly job."""
    eigen = Traject.objects.filter(deelnemer=OuterRef("pk"))
    lopende_aanvraag = Aanvraag.objects.filter(deelnemer=OuterRef("pk"), traject__isnull=True).exclude(
        status__in=["afgewezen", "ingetrokken"], afgehandeld_op__lt=sinds
    )
    return Deelnemer.objects.filter(
        Exists(afgerond.filter(deelnemer=OuterRef("pk"))) | (~Exists(eigen) & Q(aangemaakt_op__lt=sinds)),
        ~Exists(eigen.exclude(pk__in=afgerond.values("pk"))),
        ~Exists(lopende_aanvraag),
        geanonimiseerd_op__isnull=True,
    )
