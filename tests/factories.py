"""factory_boy factories for every app, with traits where a state matters."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from backoffice import crypto
from backoffice.models import User
from financiering import services as fin_services
from financiering.models import (
    Aanbieder,
    Band,
    Budget,
    Gemeente,
    Medewerker,
    Modeltrouwmeting,
    Perceel,
    Raamovereenkomst,
    Regeling,
    SchaalItem,
    Schaalversie,
    Trajectbegeleider,
)
from trajecten.models import Deelnemer

_BSNS: list[str] = []


def valid_bsn(n: int) -> str:
    """The n-th 9-digit number from 100000000 up that passes the eleven-test (deterministic, for
    many participants). Each 8-digit start has at most one last digit that passes (the weighted sum
    of the first eight, modulo 11, if that is a digit): found once, remembered."""
    prefix = int(_BSNS[-1]) // 10 + 1 if _BSNS else 10000000
    while len(_BSNS) <= n:
        last = sum(int(d) * w for d, w in zip(str(prefix), range(9, 1, -1), strict=True)) % 11
        if last <= 9:
            _BSNS.append(f"{prefix}{last}")
        prefix += 1
    return _BSNS[n]


class GemeenteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gemeente
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{9000 + n:04d}")
    naam = factory.Sequence(lambda n: f"Gemeente {n}")
    provincie = "Utrecht"


class AanbiederFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aanbieder

    naam = factory.Sequence(lambda n: f"GGZ Instelling {n}")
    type = "ggz"
    kvk_nummer = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    agb_code = factory.Sequence(lambda n: f"{22000000 + n:08d}")
    iban = "NL91ABNA0417164300"


class RegelingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regeling
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"regeling-{n}")
    naam = factory.Sequence(lambda n: f"Regeling {n}")
    route_uwv = True
    route_gemeente = False
    raamovereenkomst_vereist = True
    aanvraag_vanaf = datetime.date(2020, 1, 1)

    class Params:
        gemeente = factory.Trait(route_uwv=False, route_gemeente=True, raamovereenkomst_vereist=False)


class PerceelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perceel
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    regeling = factory.SubFactory(RegelingFactory)
    code = factory.Sequence(lambda n: f"perceel-{n}")
    naam = factory.Sequence(lambda n: f"Perceel {n}")
    doelgroep = "epa"
    basisduur_maanden = 36
    max_verlenging_maanden = 0
    toegestane_aanbiedertypen = factory.LazyFunction(lambda: ["ggz", "ribw"])

    class Params:
        cmd = factory.Trait(
            doelgroep="cmd", basisduur_maanden=24, max_verlenging_maanden=12, toegestane_aanbiedertypen=["ggz"]
        )

    @factory.post_generation
    def plan(obj, create, extracted, **kwargs):
        if create and not obj.producten.exists():
            fin_services.perceel_set_payment_plan(perceel=obj, producten=None)
            fin_services.perceel_set_price(
                perceel=obj, bedrag=extracted or Decimal("8000.00"), geldig_van=datetime.date(2019, 1, 1)
            )


class RaamovereenkomstFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Raamovereenkomst

    aanbieder = factory.SubFactory(AanbiederFactory)
    perceel = factory.SubFactory(PerceelFactory)
    van = datetime.date(2020, 1, 1)
    status = "actief"


def ips25() -> Schaalversie:
    """IPS-25 as seeded: 25 items and no bands (the seeds publish none, domain.md 3)."""
    versie, created = Schaalversie.objects.get_or_create(code="ips-25", defaults={"naam": "IPS-25"})
    if created or not versie.items.exists():
        SchaalItem.objects.bulk_create(
            [SchaalItem(versie=versie, nummer=i, domein="Begeleiding", omschrijving=f"Item {i}") for i in range(1, 26)],
            ignore_conflicts=True,
        )
    return versie


IPS26_BANDEN = (("geen_ips", 26, 73), ("redelijk", 74, 99), ("goed", 100, 114), ("voorbeeldig", 115, 130))


def ips26() -> Schaalversie:
    """The Dutch 26-item scale with the bands of domain.md 3."""
    versie, created = Schaalversie.objects.get_or_create(code="ips-26", defaults={"naam": "IPS-26"})
    if created or not versie.items.exists():
        SchaalItem.objects.bulk_create(
            [SchaalItem(versie=versie, nummer=i, domein="Begeleiding", omschrijving=f"Item {i}") for i in range(1, 27)],
            ignore_conflicts=True,
        )
        for code, low, high in IPS26_BANDEN:
            Band.objects.get_or_create(
                versie=versie, code=code, defaults={"naam": code, "ondergrens": low, "bovengrens": high}
            )
    return versie


class ModeltrouwmetingFactory(factory.django.DjangoModelFactory):
    """A banded audit on the 26-item scale, 60 days ago, banded "goed" (26 x 4 = 104), with two
    auditors whose consensus it is. ``niet_ingedeeld=True``: on IPS-25, which has no bands."""

    class Meta:
        model = Modeltrouwmeting

    aanbieder = factory.SubFactory(AanbiederFactory)
    datum = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
    versie = factory.LazyFunction(ips26)
    auditor_1 = "A. Auditor"
    auditor_2 = "B. Auditor"
    scores = factory.LazyFunction(lambda: {str(i): 4 for i in range(1, 27)})
    scores_auditor_1 = factory.SelfAttribute("scores")
    scores_auditor_2 = factory.SelfAttribute("scores")
    totaal = 104
    band = "goed"

    class Params:
        verlopen = factory.Trait(
            datum=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=800))
        )
        geen_ips = factory.Trait(totaal=60, band="geen_ips")
        niet_ingedeeld = factory.Trait(
            versie=factory.LazyFunction(ips25),
            scores=factory.LazyFunction(lambda: {str(i): 4 for i in range(1, 26)}),
            totaal=100,
            band="",
        )


class TrajectbegeleiderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trajectbegeleider

    aanbieder = factory.SubFactory(AanbiederFactory)
    naam = factory.Sequence(lambda n: f"Begeleider {n}")
    fte = Decimal("1.00")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("geheim-wachtwoord")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            group, _ = Group.objects.get_or_create(name=extracted)
            obj.groups.add(group)


def make_user(role: str, *, aanbieder: Aanbieder | None = None, gemeenten=(), username: str | None = None) -> User:
    from backoffice import roles

    user = UserFactory(role=role, **({"username": username} if username else {}))
    if aanbieder or gemeenten:
        medewerker, _ = Medewerker.objects.get_or_create(user=user, defaults={"aanbieder": aanbieder})
        if gemeenten:
            medewerker.gemeenten.add(*gemeenten)
            if role == roles.GEMEENTE:
                for gemeente in gemeenten:
                    mandaat_voor(gemeente).gemandateerden.add(user)
    return user


def mandaat_voor(gemeente: Gemeente, **fields):
    """The gemeente's mandate decision for the tests (a beschikking needs one, domain.md 6): made
    once per gemeente, valid from 2000 without end; ``make_user(GEMEENTE, gemeenten=...)`` puts the
    user in it."""
    from financiering.models import Mandaat

    mandaat = Mandaat.objects.filter(gemeente=gemeente, naam="Mandaatbesluit IPS").first()
    return mandaat or Mandaat.objects.create(
        gemeente=gemeente,
        naam="Mandaatbesluit IPS",
        vindplaats=f"Gemeenteblad 2025 nr. {gemeente.code}",
        geldig_van=datetime.date(2000, 1, 1),
        **fields,
    )


class DeelnemerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deelnemer
        exclude = ("bsn",)

    bsn = factory.Sequence(lambda n: valid_bsn(n))
    aanbieder = factory.SubFactory(AanbiederFactory)
    bsn_versleuteld = factory.LazyAttribute(lambda o: crypto.encrypt(o.bsn))
    bsn_hash = factory.LazyAttribute(lambda o: crypto.bsn_hash(o.bsn))
    voorletters = "J."
    achternaam = factory.Sequence(lambda n: f"Jansen-{n}")
    geboortedatum = datetime.date(1985, 6, 15)
    gemeente = factory.SubFactory(GemeenteFactory)
    uitkering = "wga_80_100"
    doelgroep = "epa"

    class Params:
        gemeentelijk = factory.Trait(uitkering="participatiewet")


def budget(gemeente: Gemeente, regeling: Regeling, toegekend: str = "100000.00", jaar: int | None = None) -> Budget:
    return Budget.objects.create(
        gemeente=gemeente, regeling=regeling, jaar=jaar or timezone.localdate().year, toegekend=Decimal(toegekend)
    )


# --- the domain: cases and money, built through the services ------------------------------------
#
# Every state is reached the way the loket reaches it (the service of each step: submit, decide,
# extend, stop, declare, pay, claim), so budgets, ledgers, history, assignment numbers and the DB
# constraints hold exactly as in production; no HTTP. Defaults come from what is in the database
# (the test world, when there is one) and are made when missing: a provider with a contract and a
# fidelity audit, a UWV assessor, a gemeente user, a budget.
#
#   TrajectFactory()                                 an active trajectory on the UWV route
#   TrajectFactory(route="gemeente")                 the gemeente's beschikking (the grant; UWV's
#                                                    consent after it where the scheme asks it)
#   AanvraagFactory()                                submitted; goedgekeurd=True / afgewezen=True;
#                                                    gemeente_akkoord=True: the gemeente's beschikking
#   VerlengingFactory(traject=t)                     requested; goedgekeurd=True / afgewezen=True
#   PlaatsingFactory(traject=t), StopberichtFactory(traject=t), EindverslagFactory(traject=t)
#   DeclaratieFactory(trajecten=[t])                 one start line per trajectory, judged
#   PrestatieFactory()                               toegekend (default); betaald=True; afgewezen=True
#   BetaalopdrachtFactory()                          the weekly run's order; geaccordeerd=True / betaald=True
#   VorderingFactory()                               the monthly claim of a gemeente; verzonden=True
#   VorderingRegelFactory(), OntvangstFactory(vordering=v, bedrag=...)


def _today() -> datetime.date:
    return timezone.localdate()


def _user_with_role(role: str, **filters) -> User | None:
    return User.objects.filter(groups__name=role, is_active=True, **filters).order_by("id").first()


def provider_user(perceel: Perceel) -> User:
    """A provider's user whose organisation may apply under ``perceel`` (contract and fidelity)."""
    from backoffice import roles

    for user in User.objects.filter(groups__name=roles.AANBIEDER, medewerker__aanbieder__isnull=False).order_by("id"):
        aanbieder = user.medewerker.aanbieder
        if aanbieder.type in perceel.toegestane_aanbiedertypen and (
            not perceel.regeling.raamovereenkomst_vereist
            or aanbieder.raamovereenkomsten.filter(perceel=perceel, status="actief").exists()
        ):
            return user
    aanbieder = AanbiederFactory()
    RaamovereenkomstFactory(aanbieder=aanbieder, perceel=perceel)
    ModeltrouwmetingFactory(aanbieder=aanbieder)
    from backoffice import roles as r

    return make_user(r.AANBIEDER, aanbieder=aanbieder)


def uwv_beoordelaar() -> User:
    from backoffice import roles

    return _user_with_role(roles.UWV_BEOORDELAAR) or make_user(roles.UWV_BEOORDELAAR)


def uwv_financieel(exclude: User | None = None) -> User:
    from backoffice import roles

    users = User.objects.filter(groups__name=roles.UWV_FINANCIEEL, is_active=True).order_by("id")
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.first() or make_user(roles.UWV_FINANCIEEL)


def gemeente_user(gemeente: Gemeente) -> User:
    from backoffice import roles

    return _user_with_role(roles.GEMEENTE, medewerker__gemeenten=gemeente) or make_user(
        roles.GEMEENTE, gemeenten=[gemeente]
    )


def _perceel(route: str, doelgroep: str) -> Perceel:
    flag = {"uwv": "regeling__route_uwv", "gemeente": "regeling__route_gemeente"}[route]
    found = Perceel.objects.filter(**{flag: True}, doelgroep=doelgroep).select_related("regeling").order_by("id")
    if found.exists():
        return found.first()
    regeling = RegelingFactory(gemeente=True, cofinanciering_aandeel="0.50") if route == "gemeente" else None
    return PerceelFactory(**({"regeling": regeling} if regeling else {}), cmd=doelgroep == "cmd")


class AanvraagFactory(factory.django.DjangoModelFactory):
    """An application, submitted by a provider (``trajecten.services.aanvraag_submit``)."""

    class Meta:
        model = "trajecten.Aanvraag"

    route = "uwv"
    doelgroep = "epa"
    perceel = factory.LazyAttribute(lambda o: _perceel(o.route, o.doelgroep))
    door = factory.LazyAttribute(lambda o: provider_user(o.perceel))
    gemeente = factory.LazyFunction(lambda: GemeenteFactory(code="0363", naam="Amsterdam"))
    deelnemer = factory.LazyAttribute(
        lambda o: DeelnemerFactory(
            aanbieder=o.door.medewerker.aanbieder,
            gemeente=o.gemeente,
            doelgroep=o.perceel.doelgroep,
            uitkering="participatiewet" if o.perceel.regeling.route_gemeente else "wga_80_100",
        )
    )
    regiebehandelaar = "Dr. P. Jansen"
    toestemming_op = factory.LazyFunction(_today)
    besluit_gemeente = None  # "akkoord" / "afgewezen": the gemeente's beschikking (gemeente route)
    besluit_uwv = None  # "akkoord" / "afgewezen": UWV's decision

    class Params:
        gemeente_akkoord = factory.Trait(route="gemeente", besluit_gemeente="akkoord")
        goedgekeurd = factory.Trait(besluit_uwv="akkoord")
        afgewezen = factory.Trait(besluit_uwv="afgewezen")

    @classmethod
    def _create(
        cls,
        model_class,
        *,
        route,
        doelgroep,
        door,
        perceel,
        deelnemer,
        gemeente,
        besluit_gemeente,
        besluit_uwv,
        **fields,
    ):
        from trajecten import services

        if perceel.regeling.route_gemeente:
            from financiering.models import Budget

            if not Budget.objects.filter(gemeente=gemeente, regeling=perceel.regeling, jaar=_today().year).exists():
                budget(gemeente, perceel.regeling)
        aanvraag = services.aanvraag_submit(
            by=door,
            deelnemer=deelnemer,
            perceel=perceel,
            in_behandeling_sggz=True,
            wens_betaald_werk=True,
            geen_of_klein_dienstverband=True,
            behandelduur_maanden=12 if perceel.doelgroep == "cmd" else None,
            **fields,
        )
        if aanvraag.route == "gemeente" and (besluit_gemeente or besluit_uwv):
            # Without UWV's consent step the beschikking decides: ``afgewezen=True`` is the gemeente's refusal.
            if not besluit_gemeente and not perceel.regeling.uwv_akkoord_na_beschikking:
                besluit_gemeente = besluit_uwv
            aanvraag, _ = services.aanvraag_decide(
                by=gemeente_user(gemeente),
                aanvraag=aanvraag,
                besluit=besluit_gemeente or "akkoord",
                toelichting="Geen budget." if besluit_gemeente == "afgewezen" else "",
            )
        # UWV decides on the UWV route, and on the gemeente route only where the scheme asks its
        # consent after the beschikking (``uwv_akkoord_na_beschikking``): otherwise the beschikking
        # was the grant and ``goedgekeurd=True`` is already true.
        if besluit_uwv and aanvraag.status in ("ingediend", "gemeente_akkoord"):
            aanvraag, _ = services.aanvraag_decide(
                by=uwv_beoordelaar(),
                aanvraag=aanvraag,
                besluit=besluit_uwv,
                toelichting="Deelnemer heeft al werk." if besluit_uwv == "afgewezen" else "",
            )
        return aanvraag


class TrajectFactory(factory.django.DjangoModelFactory):
    """An active trajectory: the application approved (``TrajectFactory(route="gemeente")``: after
    the gemeente's beschikking). ``goedgekeurd=True`` is the default and the only way there is."""

    class Meta:
        model = "trajecten.Traject"

    aanvraag = factory.SubFactory(
        AanvraagFactory,
        route=factory.SelfAttribute("..route"),
        doelgroep=factory.SelfAttribute("..doelgroep"),
        goedgekeurd=True,
    )
    route = "uwv"
    doelgroep = "epa"

    class Params:
        goedgekeurd = factory.Trait()

    @classmethod
    def _create(cls, model_class, *, aanvraag, route, doelgroep, **fields):
        return aanvraag.traject


def _traject_user(traject) -> User:
    return User.objects.get(pk=traject.aanvraag.ingediend_door_id)


class VerlengingFactory(factory.django.DjangoModelFactory):
    """An extension request by the provider; ``goedgekeurd`` / ``afgewezen`` by the route's funder."""

    class Meta:
        model = "trajecten.Verlenging"

    traject = factory.SubFactory(TrajectFactory, doelgroep="cmd")
    maanden = 6
    toelichting = "Werkt sinds kort, begeleiding nodig."
    besluit = None

    class Params:
        goedgekeurd = factory.Trait(besluit="akkoord")
        afgewezen = factory.Trait(besluit="afgewezen")

    @classmethod
    def _create(cls, model_class, *, traject, maanden, toelichting, besluit):
        from trajecten import services

        verlenging = services.verlenging_request(
            by=_traject_user(traject), traject=traject, maanden=maanden, toelichting=toelichting
        )
        if besluit:
            decider = uwv_beoordelaar() if traject.route == "uwv" else gemeente_user(traject.gemeente)
            verlenging = services.verlenging_decide(
                by=decider,
                verlenging=verlenging,
                besluit=besluit,
                toelichting="Niet nodig." if besluit == "afgewezen" else "",
            )
        return verlenging


class PlaatsingFactory(factory.django.DjangoModelFactory):
    """A placement with a regular employer from the trajectory's start (paid, at least minimum wage,
    open to anyone: regular paid work). ``apart=True``: a job set aside for people with health
    problems (not regular paid work); ``beschut=True``: beschut werk (only the monitor's wider
    measure counts it)."""

    class Meta:
        model = "trajecten.Plaatsing"

    traject = factory.SubFactory(TrajectFactory)
    werkgever = factory.Sequence(lambda n: f"Bakkerij {n}")
    startdatum = factory.LazyAttribute(lambda o: o.traject.startdatum)
    uren_per_week = Decimal("16.0")
    contractsoort = "arbeidsovereenkomst"
    minimumloon_of_meer = True
    open_voor_iedereen = True
    aandoening_bekend_bij_werkgever = False

    class Params:
        apart = factory.Trait(open_voor_iedereen=False)
        beschut = factory.Trait(open_voor_iedereen=False, loonondersteuning=["beschut_werk"])

    @classmethod
    def _create(cls, model_class, *, traject, **fields):
        from trajecten import services

        return services.plaatsing_create(by=_traject_user(traject), traject=traject, **fields)


class StopberichtFactory(factory.django.DjangoModelFactory):
    """The provider stops the trajectory early (today by default)."""

    class Meta:
        model = "trajecten.Stopbericht"

    traject = factory.SubFactory(TrajectFactory)
    einddatum = factory.LazyAttribute(lambda o: max(o.traject.startdatum, _today()))
    reden = "uitval"
    toelichting = ""

    @classmethod
    def _create(cls, model_class, *, traject, **fields):
        from trajecten import services

        return services.traject_stop(by=_traject_user(traject), traject=traject, **fields)


class EindverslagFactory(factory.django.DjangoModelFactory):
    """The end report (after a stop notice, made first when the trajectory still runs): closes the
    trajectory and settles its money (``declaraties.services.eindverslag_submit``)."""

    class Meta:
        model = "trajecten.Eindverslag"

    traject = factory.SubFactory(TrajectFactory)
    uitkomst = "werk"
    toelichting = "Vaste baan gevonden."
    uren_besteed = 120

    @classmethod
    def _create(cls, model_class, *, traject, **fields):
        from declaraties import services

        if traject.status == "actief":
            StopberichtFactory(traject=traject)
            traject.refresh_from_db()
        return services.eindverslag_submit(by=_traject_user(traject), traject=traject, **fields)


def start_regel(traject, ref: str, day: datetime.date | None = None, product: str = "start", bedrag=None):
    """A declaration line for ``traject``: the start product (40% of the price) by default."""
    from declaraties import rules

    day = day or max(traject.startdatum, _today().replace(day=1))
    share = {"start": Decimal("0.40"), "plaatsing": Decimal("0.20")}.get(product, Decimal("0.40"))
    return rules.Regel(
        product_referentie=ref,
        toewijzing_nummer=traject.toewijzing_nummer,
        product_code=product,
        begindatum=day,
        einddatum=day,
        geleverd_volume=Decimal("1"),
        ingediend_bedrag=bedrag if bedrag is not None else (traject.trajectprijs * share).quantize(Decimal("0.01")),
    )


class DeclaratieFactory(factory.django.DjangoModelFactory):
    """A declaration of one provider, judged by the rules (``declaratie_submit``): by default one
    start line per trajectory, for the month of the first line."""

    class Meta:
        model = "declaraties.Declaratie"

    trajecten = factory.LazyFunction(lambda: [TrajectFactory()])
    declaratie_nummer = factory.Sequence(lambda n: f"D-F{n}")
    regels = factory.LazyAttribute(
        lambda o: [start_regel(t, f"{o.declaratie_nummer}-{i}") for i, t in enumerate(o.trajecten)]
    )

    @classmethod
    def _create(cls, model_class, *, trajecten, declaratie_nummer, regels):
        from declaraties import rules, services

        begin, eind = rules.month_bounds(regels[0].begindatum)
        declaratie, _ = services.declaratie_submit(
            by=_traject_user(trajecten[0]),
            invoer=services.DeclaratieInvoer(
                declaratie_nummer=declaratie_nummer, begindatum=begin, einddatum=eind, regels=regels
            ),
        )
        return declaratie


class BetaalopdrachtFactory(factory.django.DjangoModelFactory):
    """The weekly run's payment order for the granted lines (one declared first when there are
    none); ``geaccordeerd=True``: approved by UWV financieel (twice above the threshold);
    ``betaald=True``: and confirmed by the bank, the lines paid. One order per provider per day,
    as the run makes them: a second one for the same provider needs another ``datum``."""

    class Meta:
        model = "declaraties.Betaalopdracht"

    datum = factory.LazyFunction(_today)
    stap = 0  # 1 approved, 2 paid

    class Params:
        geaccordeerd = factory.Trait(stap=1)
        betaald = factory.Trait(stap=2)

    @classmethod
    def _create(cls, model_class, *, datum, stap):
        from declaraties import services
        from declaraties.models import Betaalopdracht, Prestatie

        if not Prestatie.objects.filter(status="toegekend", betaalopdracht__isnull=True).exists():
            DeclaratieFactory()
        services.betaalopdrachten_aanmaken(datum=datum)
        opdracht = (
            Betaalopdracht.objects.filter(datum=datum, status="te_accorderen", eerste_akkoord_door__isnull=True)
            .order_by("-id")
            .first()
        )
        assert opdracht is not None, "geen opdracht: de aanbieder heeft op deze dag al een geaccordeerde (één per dag)"
        if stap >= 1:
            first = uwv_financieel()
            opdracht = services.betaalopdracht_accorderen(by=first, opdracht=opdracht)
            if opdracht.status == "te_accorderen":  # four eyes above the threshold
                opdracht = services.betaalopdracht_accorderen(by=uwv_financieel(exclude=first), opdracht=opdracht)
        if stap >= 2:
            opdracht = services.betaalopdracht_bevestigen(by=uwv_financieel(), opdracht=opdracht, datum=datum)
        return opdracht


class PrestatieFactory(factory.django.DjangoModelFactory):
    """One declared line: ``toegekend`` (the default: a start line, accepted), ``betaald=True``
    (and paid through a payment order), ``afgewezen=True`` (a placement product without a
    qualifying placement: refused by the rules)."""

    class Meta:
        model = "declaraties.Prestatie"

    traject = factory.SubFactory(TrajectFactory)
    product = "start"
    betalen = False

    class Params:
        toegekend = factory.Trait(product="start")
        betaald = factory.Trait(product="start", betalen=True)
        afgewezen = factory.Trait(product="plaatsing")

    @classmethod
    def _create(cls, model_class, *, traject, product, betalen):
        declaratie = DeclaratieFactory(
            trajecten=[traject], regels=[start_regel(traject, f"P-{traject.pk}-{product}", product=product)]
        )
        line = declaratie.prestaties.get()
        if betalen:
            assert line.status == "toegekend", (line.status, line.retourcodes)
            BetaalopdrachtFactory(betaald=True)
            line.refresh_from_db()
        return line


class VorderingFactory(factory.django.DjangoModelFactory):
    """The monthly claims run on ``datum`` (default: today when it is the 1st, else the next 1st),
    over the month before; answers the claim it made for ``gemeente`` (default: the first one).
    Something must be claimable: a line on the gemeente route paid that month
    (``PrestatieFactory(betaald=True, traject=TrajectFactory(route="gemeente"))``).
    ``verzonden=True``: sent to the gemeente."""

    class Meta:
        model = "declaraties.Vordering"

    datum = factory.LazyFunction(
        lambda: (
            _today() if _today().day == 1 else (_today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        )
    )
    gemeente = None
    versturen = False

    class Params:
        verzonden = factory.Trait(versturen=True)

    @classmethod
    def _create(cls, model_class, *, datum, gemeente, versturen):
        from declaraties import services
        from declaraties.models import Vordering

        before = set(Vordering.objects.values_list("pk", flat=True))
        services.vorderingen_aanmaken(datum=datum)
        made = Vordering.objects.exclude(pk__in=before).order_by("id")
        if gemeente is not None:
            made = made.filter(gemeente=gemeente)
        vordering = made.first()
        assert vordering is not None, "niets te vorderen: betaal eerst een regel op de gemeenteroute"
        if versturen and vordering.status == "concept":
            vordering = services.vordering_verzenden(by=uwv_financieel(), vordering=vordering)
        return vordering


class VorderingRegelFactory(factory.django.DjangoModelFactory):
    """A line of a claim: the first line of ``vordering`` (made by ``VorderingFactory``)."""

    class Meta:
        model = "declaraties.VorderingRegel"

    vordering = factory.SubFactory(VorderingFactory)

    @classmethod
    def _create(cls, model_class, *, vordering):
        return vordering.regels.order_by("id").first()


class OntvangstFactory(factory.django.DjangoModelFactory):
    """A receipt registered by UWV financieel on a sent claim (the whole amount by default)."""

    class Meta:
        model = "declaraties.Ontvangst"

    vordering = factory.SubFactory(VorderingFactory, verzonden=True)
    bedrag = factory.LazyAttribute(lambda o: o.vordering.bedrag)
    datum = factory.LazyFunction(_today)

    @classmethod
    def _create(cls, model_class, *, vordering, bedrag, datum):
        from declaraties import services

        return services.ontvangst_registreren(by=uwv_financieel(), vordering=vordering, bedrag=bedrag, datum=datum)


def client_as(user=None, **kwargs):
    """A Django test client logged in as ``user`` (anonymous without one); ``kwargs`` go to ``Client``."""
    from django.test import Client

    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client
