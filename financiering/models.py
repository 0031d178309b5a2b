"""Schemes, lots, products and prices, organisations, contracts, fidelity and budgets."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from backoffice import limieten
from backoffice.opmaak import datum_kort, euro

from . import rules
from .validators import validate_iban

ZERO = Decimal("0.00")


class Doelgroep(models.TextChoices):
    EPA = "epa", "EPA (ernstige psychische aandoening)"
    CMD = "cmd", "CMD (common mental disorders)"
    NAH = "nah", "NAH (niet-aangeboren hersenletsel)"
    LVB = "lvb", "LVB (licht verstandelijke beperking)"


class Route(models.TextChoices):
    UWV = "uwv", "UWV"
    GEMEENTE = "gemeente", "Gemeente"


class AanbiederType(models.TextChoices):
    GGZ = "ggz", "Specialistische ggz-instelling"
    RIBW = "ribw", "RIBW (beschermd/begeleid wonen)"
    REINTEGRATIE = "reintegratie", "Re-integratiebedrijf"
    VG = "vg", "Gehandicaptenzorg (vg)"
    NAH = "nah", "NAH-instelling"


def _in(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [c for c, _ in choices.choices]})


class Gemeente(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        "CBS-code", max_length=4, unique=True, validators=[RegexValidator(r"^\d{4}$", "Vier cijfers, zoals 0363.")]
    )
    naam = models.CharField(max_length=100)
    provincie = models.CharField(max_length=50)
    actief_van = models.DateField(null=True, blank=True)
    actief_tot = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "gemeenten"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{4}$"), name="gemeente_code_4_cijfers"),
            models.CheckConstraint(
                condition=Q(actief_tot__isnull=True) | Q(actief_van__isnull=True) | Q(actief_tot__gte=F("actief_van")),
                name="gemeente_periode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})"


class Aanbieder(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    naam = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=AanbiederType.choices)
    kvk_nummer = models.CharField(
        "KvK-nummer", max_length=8, unique=True, validators=[RegexValidator(r"^\d{8}$", "Acht cijfers.")]
    )
    agb_code = models.CharField(
        "AGB-code", max_length=8, unique=True, validators=[RegexValidator(r"^\d{8}$", "Acht cijfers.")]
    )
    iban = models.CharField("IBAN", max_length=34, validators=[validate_iban])
    # A new programme's implementation plan against the eight quality criteria, tested by Phrenos
    # (domain.md 3): without any audit yet it is not blocked while the plan is approved and the
    # implementation started less than ``Instellingen.modeltrouw_aanloop_maanden`` ago.
    implementatieplan_goedgekeurd_op = models.DateField(
        "implementatieplan goedgekeurd door Phrenos op", null=True, blank=True
    )
    implementatie_start = models.DateField("start van de implementatie", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "aanbieders"
        ordering = ["naam", "id"]
        constraints = [models.CheckConstraint(condition=_in("type", AanbiederType), name="aanbieder_type_geldig")]

    def __str__(self) -> str:
        return self.naam


class Medewerker(models.Model):
    """Ties a user to their organisation(s): one provider, or one or more gemeenten."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="medewerker")
    aanbieder = models.ForeignKey(
        Aanbieder, null=True, blank=True, on_delete=models.PROTECT, related_name="medewerkers"
    )
    gemeenten = models.ManyToManyField(Gemeente, blank=True, related_name="medewerkers")

    class Meta:
        verbose_name_plural = "medewerkers"

    def __str__(self) -> str:
        return str(self.user)


class Regeling(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    naam = models.CharField(max_length=200)
    route_uwv = models.BooleanField("route UWV", default=False)
    route_gemeente = models.BooleanField("route gemeente", default=False)
    raamovereenkomst_vereist = models.BooleanField(default=False)
    aanvraag_vanaf = models.DateField(null=True, blank=True)
    aanvraag_tot = models.DateField(null=True, blank=True, help_text="Leeg: geen einddatum.")
    quotum_uwv = models.PositiveIntegerField(null=True, blank=True)
    quotum_gemeente = models.PositiveIntegerField(null=True, blank=True)
    max_per_gemeente = models.PositiveIntegerField(null=True, blank=True)
    cofinanciering_aandeel = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("1"))],
    )
    uwv_akkoord_na_beschikking = models.BooleanField(
        "UWV-akkoord na de beschikking",
        default=False,
        help_text="Uit: de beschikking van de gemeente is de toekenning (domain.md 6). Aan: UWV beslist daarna "
        "nog (status 'akkoord gemeente' ertussen).",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "regelingen"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(route_uwv=True) | Q(route_gemeente=True), name="regeling_minstens_een_route"
            ),
            models.CheckConstraint(
                condition=Q(cofinanciering_aandeel__gte=0) & Q(cofinanciering_aandeel__lte=1),
                name="regeling_cofinanciering_0_1",
            ),
            models.CheckConstraint(
                condition=Q(aanvraag_tot__isnull=True)
                | Q(aanvraag_vanaf__isnull=True)
                | Q(aanvraag_tot__gte=F("aanvraag_vanaf")),
                name="regeling_venster",
            ),
        ]

    def __str__(self) -> str:
        return self.naam

    @property
    def routes(self) -> list[str]:
        return [r for r, on in ((Route.UWV, self.route_uwv), (Route.GEMEENTE, self.route_gemeente)) if on]


class Perceel(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    regeling = models.ForeignKey(Regeling, on_delete=models.PROTECT, related_name="percelen")
    code = models.SlugField(max_length=80, unique=True)
    naam = models.CharField(max_length=200)
    doelgroep = models.CharField(max_length=3, choices=Doelgroep.choices)
    basisduur_maanden = models.PositiveSmallIntegerField()
    max_verlenging_maanden = models.PositiveSmallIntegerField(default=0)
    toegestane_aanbiedertypen = models.JSONField(default=list)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "percelen"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=_in("doelgroep", Doelgroep), name="perceel_doelgroep_geldig"),
            models.CheckConstraint(
                condition=Q(basisduur_maanden__gte=1) & Q(basisduur_maanden__lte=60), name="perceel_basisduur"
            ),
            models.CheckConstraint(condition=Q(max_verlenging_maanden__lte=36), name="perceel_max_verlenging"),
        ]

    def __str__(self) -> str:
        return self.naam


class Trajectprijs(models.Model):
    """The price of one trajectory in a lot, valid from a date: a change applies to new ones only."""

    perceel = models.ForeignKey(Perceel, on_delete=models.CASCADE, related_name="prijzen")
    bedrag = models.DecimalField(max_digits=10, decimal_places=2)
    geldig_van = models.DateField()
    geldig_tot = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "trajectprijzen"
        ordering = ["perceel", "-geldig_van"]
        constraints = [
            models.CheckConstraint(condition=Q(bedrag__gt=0), name="trajectprijs_positief"),
            models.CheckConstraint(
                condition=Q(geldig_tot__isnull=True) | Q(geldig_tot__gte=F("geldig_van")), name="trajectprijs_periode"
            ),
            models.UniqueConstraint(fields=["perceel", "geldig_van"], name="trajectprijs_uniek_per_datum"),
        ]

    def __str__(self) -> str:
        return f"{self.perceel.code}: {euro(self.bedrag)} vanaf {datum_kort(self.geldig_van)}"


class ProductSoort(models.TextChoices):
    EENMALIG = "eenmalig", "Eenmalig vanaf de startdatum"
    PER_MAAND = "per_maand", "Per kalendermaand, naar rato"
    NA_PLAATSING = "na_plaatsing", "Eenmalig na plaatsing in regulier betaald werk"


class Product(models.Model):
    """One part of a lot's payment plan (domain.md section 8)."""

    Soort = ProductSoort

    perceel = models.ForeignKey(Perceel, on_delete=models.CASCADE, related_name="producten")
    code = models.SlugField(max_length=30)
    naam = models.CharField(max_length=100)
    soort = models.CharField(max_length=20, choices=Soort.choices)
    aandeel = models.DecimalField(max_digits=5, decimal_places=4, help_text="Deel van de trajectprijs, 0..1")
    min_uren_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "producten"
        ordering = ["perceel", "id"]
        constraints = [
            models.UniqueConstraint(fields=["perceel", "code"], name="product_uniek_per_perceel"),
            models.CheckConstraint(condition=Q(aandeel__gt=0) & Q(aandeel__lte=1), name="product_aandeel_0_1"),
            models.CheckConstraint(condition=_in("soort", ProductSoort), name="product_soort_geldig"),
        ]

    def __str__(self) -> str:
        return f"{self.perceel.code}/{self.code}"


class RaamovereenkomstStatus(models.TextChoices):
    ACTIEF = "actief", "Actief"
    OPGESCHORT = "opgeschort", "Opgeschort"
    BEEINDIGD = "beeindigd", "Beëindigd"


class Raamovereenkomst(models.Model):
    Status = RaamovereenkomstStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanbieder = models.ForeignKey(Aanbieder, on_delete=models.PROTECT, related_name="raamovereenkomsten")
    perceel = models.ForeignKey(Perceel, on_delete=models.PROTECT, related_name="raamovereenkomsten")
    van = models.DateField()
    tot = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIEF)
    reden = models.TextField(blank=True, max_length=limieten.TOELICHTING)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "raamovereenkomsten"
        ordering = ["aanbieder", "perceel", "-van"]
        constraints = [
            limieten.lengte_check("raamovereenkomst", "reden"),
            models.CheckConstraint(
                condition=_in("status", RaamovereenkomstStatus), name="raamovereenkomst_status_geldig"
            ),
            models.CheckConstraint(
                condition=Q(tot__isnull=True) | Q(tot__gte=F("van")), name="raamovereenkomst_periode"
            ),
            models.CheckConstraint(
                condition=Q(status="actief") | ~Q(reden=""), name="raamovereenkomst_reden_bij_opschorten"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aanbieder} - {self.perceel.code}"


class Trajectbegeleider(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanbieder = models.ForeignKey(Aanbieder, on_delete=models.PROTECT, related_name="trajectbegeleiders")
    naam = models.CharField(max_length=200)
    fte = models.DecimalField(max_digits=3, decimal_places=2)
    actief = models.BooleanField(default=True)
    clienten_elders = models.PositiveSmallIntegerField(
        "IPS-cliënten elders gefinancierd", default=0, help_text="Telt mee in de caseloadnorm (domain.md 3)."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "trajectbegeleiders"
        ordering = ["aanbieder", "naam", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=Decimal("1.5")), name="begeleider_fte"),
            models.CheckConstraint(condition=Q(clienten_elders__gte=0), name="begeleider_clienten_elders"),
        ]

    def __str__(self) -> str:
        return self.naam


class Schaalversie(models.Model):
    """A version of the fidelity scale (IPS-25, the Dutch 26-item version)."""

    code = models.SlugField(max_length=20, unique=True)
    naam = models.CharField(max_length=100)

    class Meta:
        verbose_name_plural = "schaalversies"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.naam


class SchaalItem(models.Model):
    versie = models.ForeignKey(Schaalversie, on_delete=models.CASCADE, related_name="items")
    nummer = models.PositiveSmallIntegerField()
    domein = models.CharField(max_length=50)
    omschrijving = models.CharField(max_length=200)

    class Meta:
        verbose_name = "schaalitem"
        verbose_name_plural = "schaalitems"
        ordering = ["versie", "nummer"]
        constraints = [models.UniqueConstraint(fields=["versie", "nummer"], name="schaalitem_uniek")]

    def __str__(self) -> str:
        return f"{self.nummer}. {self.omschrijving}"


class Band(models.Model):
    """Score bands per scale version, configurable (domain.md section 3)."""

    versie = models.ForeignKey(Schaalversie, on_delete=models.CASCADE, related_name="banden")
    code = models.SlugField(max_length=20)
    naam = models.CharField(max_length=50)
    ondergrens = models.PositiveSmallIntegerField()
    bovengrens = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name_plural = "banden"
        ordering = ["versie", "ondergrens"]
        constraints = [
            models.UniqueConstraint(fields=["versie", "code"], name="band_uniek"),
            models.CheckConstraint(condition=Q(bovengrens__gte=F("ondergrens")), name="band_grenzen"),
        ]

    def __str__(self) -> str:
        return f"{self.naam} ({self.ondergrens}-{self.bovengrens})"


GEEN_IPS = rules.GEEN_IPS


class Modeltrouwmeting(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanbieder = models.ForeignKey(Aanbieder, on_delete=models.PROTECT, related_name="modeltrouwmetingen")
    datum = models.DateField()
    versie = models.ForeignKey(Schaalversie, on_delete=models.PROTECT, related_name="metingen")
    # Two auditors score separately and agree a consensus (domain.md 3); the consensus counts.
    auditor_1 = models.CharField("auditor 1", max_length=200, blank=True)
    auditor_2 = models.CharField("auditor 2", max_length=200, blank=True)
    scores_auditor_1 = models.JSONField("scores auditor 1", null=True, blank=True)
    scores_auditor_2 = models.JSONField("scores auditor 2", null=True, blank=True)
    scores = models.JSONField("consensusscores", help_text="Itemnummer -> score 1..5 (de consensus)")
    totaal = models.PositiveSmallIntegerField()
    band = models.SlugField(max_length=20, blank=True, help_text="Leeg: de schaalversie heeft (nog) geen banden.")
    geregistreerd_door = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    geregistreerd_op = models.DateTimeField(auto_now_add=True)
    # a second registration of one audit from before the constraint (migration 0006 marked it, keeping
    # its data): it points to the first one and never counts; every new audit has none
    dubbel_van = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="dubbel van"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "modeltrouwmetingen"
        ordering = ["-datum", "-id"]
        indexes = [models.Index(fields=["aanbieder", "-datum"], name="meting_aanbieder_datum")]
        constraints = [
            # one audit of a provider per date, whichever path writes (the service says it first:
            # meting-bestaat-al)
            models.UniqueConstraint(
                fields=["aanbieder", "datum"], condition=models.Q(dubbel_van__isnull=True), name="meting_uniek_per_dag"
            )
        ]

    def __str__(self) -> str:
        return f"{self.aanbieder} {self.datum}: {self.totaal}"


class Budget(models.Model):
    """Per gemeente, scheme and calendar year. Free = toegekend - gereserveerd - gerealiseerd; the
    constraints make a negative free amount impossible on every path."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gemeente = models.ForeignKey(Gemeente, on_delete=models.PROTECT, related_name="budgetten")
    regeling = models.ForeignKey(Regeling, on_delete=models.PROTECT, related_name="budgetten")
    jaar = models.PositiveSmallIntegerField()
    toegekend = models.DecimalField(max_digits=14, decimal_places=2)
    gereserveerd = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    gerealiseerd = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "budgetten"
        ordering = ["jaar", "regeling", "gemeente"]
        constraints = [
            models.UniqueConstraint(fields=["gemeente", "regeling", "jaar"], name="budget_uniek"),
            models.CheckConstraint(
                condition=Q(toegekend__gte=0) & Q(gereserveerd__gte=0) & Q(gerealiseerd__gte=0),
                name="budget_niet_negatief",
            ),
            models.CheckConstraint(
                condition=Q(toegekend__gte=F("gereserveerd") + F("gerealiseerd")), name="budget_niet_overschreden"
            ),
            models.CheckConstraint(condition=Q(jaar__gte=2000) & Q(jaar__lte=2100), name="budget_jaar"),
        ]

    def __str__(self) -> str:
        return f"{self.gemeente} {self.regeling.code} {self.jaar}"

    @property
    def vrij(self) -> Decimal:
        return self.toegekend - self.gereserveerd - self.gerealiseerd


class BudgetmutatieSoort(models.TextChoices):
    TOEKENNING = "toekenning", "Toekenning"
    RESERVERING = "reservering", "Reservering (obligo)"
    VRIJVAL = "vrijval", "Vrijval"
    REALISATIE = "realisatie", "Realisatie (betaald)"


class Budgetmutatie(models.Model):
    """The ledger behind a budget: every allocation, commitment, release and realisation."""

    Soort = BudgetmutatieSoort

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="mutaties")
    soort = models.CharField(max_length=12, choices=Soort.choices)
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    omschrijving = models.CharField(max_length=200)
    object_uuid = models.UUIDField(null=True, blank=True)
    door = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "budgetmutaties"
        ordering = ["budget", "id"]
        constraints = [
            models.CheckConstraint(condition=_in("soort", BudgetmutatieSoort), name="budgetmutatie_soort_geldig")
        ]


# Mandate and joint municipal bodies (domain.md 6) live in their own module, re-exported here.
from .mandaten import Mandaat, Samenwerkingsverband  # noqa: E402, F401
