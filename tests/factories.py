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


def valid_bsn(n: int) -> str:
    """The n-th 9-digit number that passes the eleven-test (deterministic, for many participants)."""
    found = 0
    candidate = 100000000
    while True:
        digits = [int(d) for d in str(candidate)]
        total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
        if total % 11 == 0:
            if found == n:
                return str(candidate)
            found += 1
        candidate += 1


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
    versie, created = Schaalversie.objects.get_or_create(code="ips-25", defaults={"naam": "IPS-25"})
    if created or not versie.items.exists():
        SchaalItem.objects.bulk_create(
            [SchaalItem(versie=versie, nummer=i, domein="Begeleiding", omschrijving=f"Item {i}") for i in range(1, 26)],
            ignore_conflicts=True,
        )
        for code, low, high in (
            ("geen_ips", 25, 73),
            ("redelijk", 74, 99),
            ("goed", 100, 114),
            ("voorbeeldig", 115, 125),
        ):
            Band.objects.get_or_create(
                versie=versie, code=code, defaults={"naam": code, "ondergrens": low, "bovengrens": high}
            )
    return versie


class ModeltrouwmetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Modeltrouwmeting

    aanbieder = factory.SubFactory(AanbiederFactory)
    datum = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
    versie = factory.LazyFunction(ips25)
    scores = factory.LazyFunction(lambda: {str(i): 4 for i in range(1, 26)})
    totaal = 100
    band = "goed"

    class Params:
        verlopen = factory.Trait(
            datum=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=800))
        )
        geen_ips = factory.Trait(totaal=60, band="geen_ips")


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
    user = UserFactory(role=role, **({"username": username} if username else {}))
    if aanbieder or gemeenten:
        medewerker, _ = Medewerker.objects.get_or_create(user=user, defaults={"aanbieder": aanbieder})
        if gemeenten:
            medewerker.gemeenten.add(*gemeenten)
    return user


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
