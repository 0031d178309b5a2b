"""Participants, applications and decisions, trajectories, extensions, placements, stops and end
reports. State changes happen only in ``services.py``; the constraints here hold on every path."""

import uuid
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from simple_history.models import HistoricalRecords

from backoffice import crypto, limieten, verwerkingslog
from backoffice.history import TaakHistorie
from financiering.models import Aanbieder, Budget, Doelgroep, Gemeente, Perceel, Regeling, Route, Trajectbegeleider

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def _in(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [c for c, _ in choices.choices]})


class Uitkering(models.TextChoices):
    WGA_35_80 = "wga_35_80", "WIA: WGA 35-80"
    WGA_80_100 = "wga_80_100", "WIA: WGA 80-100"
    IVA = "iva", "WIA: IVA"
    WAO = "wao", "WAO"
    WAJONG = "wajong", "Wajong"
    ZIEKTEWET = "ziektewet", "Ziektewet"
    WW = "ww", "WW"
    PARTICIPATIEWET = "participatiewet", "Participatiewet (bijstand)"
    IOAW = "ioaw", "IOAW"
    IOAZ = "ioaz", "IOAZ"
    NUG = "nug", "Niet-uitkeringsgerechtigde werkzoekende"


class Diagnosegroep(models.TextChoices):
    STEMMING = "stemming", "Stemmingsstoornis"
    ANGST = "angst", "Angststoornis"
    PSYCHOTISCH = "psychotisch", "Psychotische stoornis"
    PERSOONLIJKHEID = "persoonlijkheid", "Persoonlijkheidsstoornis"
    TRAUMA = "trauma", "Trauma- en stressorgerelateerd"
    VERSLAVING = "verslaving", "Verslaving"
    ONTWIKKELING = "ontwikkeling", "Neurobiologische ontwikkelingsstoornis"
    OVERIG = "overig", "Overig"
    ONBEKEND = "onbekend", "Onbekend"


class Opleiding(models.TextChoices):
    GEEN = "geen", "Geen of basisonderwijs"
    VMBO = "vmbo", "Vmbo / mbo-1"
    MBO = "mbo", "Mbo 2-4"
    HAVO_VWO = "havo_vwo", "Havo / vwo"
    HBO = "hbo", "Hbo"
    WO = "wo", "Wo"
    ONBEKEND = "onbekend", "Onbekend"


class Geslacht(models.TextChoices):
    MAN = "man", "Man"
    VROUW = "vrouw", "Vrouw"
    ANDERS = "anders", "Anders"
    ONBEKEND = "onbekend", "Onbekend"


class BurgerlijkeStaat(models.TextChoices):
    ALLEENSTAAND = "alleenstaand", "Alleenstaand"
    SAMENWONEND = "samenwonend", "Gehuwd of samenwonend"
    GESCHEIDEN = "gescheiden", "Gescheiden"
    WEDUWE = "weduwe", "Weduwe/weduwnaar"
    ONBEKEND = "onbekend", "Onbekend"


class Deelnemer(models.Model):
    """A participant as registered by one provider. The BSN is encrypted; ``bsn_hash`` (a keyed
    hash) finds it and keeps the one-trajectory rule across providers without decrypting."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanbieder = models.ForeignKey(Aanbieder, on_delete=models.PROTECT, related_name="deelnemers")
    bsn_versleuteld = models.TextField(editable=False)
    bsn_hash = models.CharField(max_length=64, editable=False, db_index=True)
    voorletters = models.CharField(max_length=20)
    achternaam = models.CharField(max_length=limieten.NAAM)
    geboortedatum = models.DateField()
    gemeente = models.ForeignKey(Gemeente, on_delete=models.PROTECT, related_name="deelnemers")
    uitkering = models.CharField(max_length=20, choices=Uitkering.choices)
    doelgroep = models.CharField(max_length=3, choices=Doelgroep.choices)
    hoofddiagnosegroep = models.CharField(max_length=20, choices=Diagnosegroep.choices, default=Diagnosegroep.ONBEKEND)
    opleiding = models.CharField(max_length=10, choices=Opleiding.choices, default=Opleiding.ONBEKEND)
    werkervaring_jaren = models.PositiveSmallIntegerField(null=True, blank=True)
    geslacht = models.CharField(max_length=10, choices=Geslacht.choices, default=Geslacht.ONBEKEND)
    burgerlijke_staat = models.CharField(
        max_length=15, choices=BurgerlijkeStaat.choices, default=BurgerlijkeStaat.ONBEKEND
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    geanonimiseerd_op = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="De dag waarop de bewaartermijn verliep en de persoonsgegevens zijn geanonimiseerd",
    )
    history = HistoricalRecords(excluded_fields=["bsn_versleuteld", "bsn_hash"], bases=[TaakHistorie])

    class Meta:
        verbose_name_plural = "deelnemers"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["aanbieder", "bsn_hash"], name="deelnemer_uniek_per_aanbieder"),
            models.CheckConstraint(condition=_in("uitkering", Uitkering), name="deelnemer_uitkering_geldig"),
            models.CheckConstraint(condition=_in("doelgroep", Doelgroep), name="deelnemer_doelgroep_geldig"),
            models.CheckConstraint(
                condition=Q(werkervaring_jaren__isnull=True) | Q(werkervaring_jaren__lte=60),
                name="deelnemer_werkervaring",
            ),
        ]

    def __str__(self) -> str:
        if self.geanonimiseerd_op:
            return f"Geanonimiseerde deelnemer {self.uuid}"
        return f"{self.voorletters} {self.achternaam} ({self.bsn_gemaskeerd})"

    @classmethod
    def from_db(cls, db, field_names, values):
        """Every participant loaded while a request or a job step runs goes into the processing
        log (backoffice/verwerkingslog.py): whatever the path, no read of personal data is missed."""
        instance = super().from_db(db, field_names, values)
        verwerkingslog.noteer(instance)
        return instance

    @property
    def bsn(self) -> str:
        # Historical versions leave the encrypted field out: nothing to decrypt there.
        return crypto.decrypt(self.bsn_versleuteld) if self.bsn_versleuteld else ""

    @property
    def bsn_gemaskeerd(self) -> str:
        return crypto.mask_bsn(self.bsn)


class AanvraagStatus(models.TextChoices):
    CONCEPT = "concept", "Concept"
    INGEDIEND = "ingediend", "Ingediend"
    GEMEENTE_AKKOORD = "gemeente_akkoord", "Akkoord gemeente (beschikking)"
    GOEDGEKEURD = "goedgekeurd", "Goedgekeurd"
    AFGEWEZEN = "afgewezen", "Afgewezen"
    INGETROKKEN = "ingetrokken", "Ingetrokken"


class Aanvraag(models.Model):
    Status = AanvraagStatus

    OPEN = (Status.INGEDIEND, Status.GEMEENTE_AKKOORD)
    # What occupies a place under a quota or cap: open and approved applications.
    BEZET = (Status.INGEDIEND, Status.GEMEENTE_AKKOORD, Status.GOEDGEKEURD)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    deelnemer = models.ForeignKey(Deelnemer, on_delete=models.PROTECT, related_name="aanvragen")
    bsn_hash = models.CharField(max_length=64, editable=False)
    aanbieder = models.ForeignKey(Aanbieder, on_delete=models.PROTECT, related_name="aanvragen")
    uitvoerder = models.ForeignKey(
        Aanbieder, null=True, blank=True, on_delete=models.PROTECT, related_name="uitgevoerde_aanvragen"
    )
    regeling = models.ForeignKey(Regeling, on_delete=models.PROTECT, related_name="aanvragen")
    perceel = models.ForeignKey(Perceel, on_delete=models.PROTECT, related_name="aanvragen")
    route = models.CharField(max_length=8, choices=Route.choices)
    gemeente = models.ForeignKey(Gemeente, on_delete=models.PROTECT, related_name="aanvragen")
    regiebehandelaar = models.CharField(max_length=limieten.NAAM)
    trajectbegeleider = models.ForeignKey(Trajectbegeleider, null=True, blank=True, on_delete=models.PROTECT)
    gewenste_startdatum = models.DateField(null=True, blank=True)
    in_behandeling_sggz = models.BooleanField()
    wens_betaald_werk = models.BooleanField()
    geen_of_klein_dienstverband = models.BooleanField()
    behandelduur_maanden = models.PositiveSmallIntegerField(null=True, blank=True)
    bedrag = models.DecimalField("verwachte kosten", max_digits=10, decimal_places=2)
    budget = models.ForeignKey(
        Budget,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aanvragen",
        help_text="Het gemeentebudget waarop de verwachte kosten zijn gereserveerd.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONCEPT)
    waarschuwingen = models.JSONField(default=list, blank=True)
    samenloop_bij_indienen = models.BooleanField(
        default=False,
        help_text="Bij het indienen liep voor dit BSN al een aanvraag of een actief traject bij een andere "
        "aanbieder. Alleen voor de financier; de aanbieder ziet dit nooit (domain.md 12).",
    )
    ingediend_door = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    ingediend_op = models.DateTimeField(null=True, blank=True)
    # The participant's signed consent (domain.md 12, docs/privacy.md "Toestemming"): the date on
    # the signed form, who registered it and when. Applications from before the desk recorded it
    # carry ``toestemming_voor_loket`` instead; the constraint below holds for every other one.
    toestemming_op = models.DateField("toestemming deelnemer getekend op", null=True, blank=True)
    toestemming_geregistreerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    toestemming_geregistreerd_op = models.DateTimeField(null=True, blank=True)
    toestemming_voor_loket = models.BooleanField(
        "toestemming gegeven vóór het loket bestond",
        default=False,
        help_text="Alleen voor aanvragen van vóór de registratie van toestemming: de datum is niet vastgelegd.",
    )
    beslis_deadline = models.DateField(null=True, blank=True)
    afgehandeld_op = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(bases=[TaakHistorie])

    class Meta:
        verbose_name = "aanvraag"
        verbose_name_plural = "aanvragen"
        ordering = ["-id"]
        constraints = [
            # Per provider: a second provider's application for the same person is accepted and goes to
            # the funder (domain.md section 12), who cannot approve it (services.aanvraag_decide).
            models.UniqueConstraint(
                fields=["aanbieder", "bsn_hash"],
                condition=Q(status__in=["ingediend", "gemeente_akkoord"]),
                name="een_open_aanvraag_per_deelnemer_per_aanbieder",
            ),
            models.CheckConstraint(condition=_in("status", AanvraagStatus), name="aanvraag_status_geldig"),
            models.CheckConstraint(condition=_in("route", Route), name="aanvraag_route_geldig"),
            models.CheckConstraint(condition=Q(bedrag__gt=0), name="aanvraag_bedrag_positief"),
            models.CheckConstraint(
                condition=Q(status="concept") | Q(ingediend_op__isnull=False), name="aanvraag_ingediend_op"
            ),
            models.CheckConstraint(
                condition=(
                    Q(toestemming_voor_loket=False)
                    & Q(toestemming_op__isnull=False)
                    & Q(toestemming_geregistreerd_door__isnull=False)
                    & Q(toestemming_geregistreerd_op__isnull=False)
                    & Q(toestemming_op__lte=TruncDate("toestemming_geregistreerd_op", tzinfo=AMSTERDAM))
                )
                | (Q(toestemming_voor_loket=True) & Q(toestemming_op__isnull=True)),
                name="aanvraag_toestemming",
            ),
        ]
        indexes = [
            models.Index(fields=["regeling", "route", "status"], name="aanvraag_quotum"),
            models.Index(fields=["gemeente", "status"], name="aanvraag_gemeente_status"),
        ]

    def __str__(self) -> str:
        return f"Aanvraag {self.uuid} ({self.get_status_display()})"


class BesluitStap(models.TextChoices):
    GEMEENTE = "gemeente", "Beschikking gemeente"
    UWV = "uwv", "Besluit UWV"


class BesluitUitkomst(models.TextChoices):
    AKKOORD = "akkoord", "Akkoord"
    AFGEWEZEN = "afgewezen", "Afgewezen"


class Besluit(models.Model):
    """A decision on an application: who, when and why. One per step."""

    Stap = BesluitStap

    Uitkomst = BesluitUitkomst

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanvraag = models.ForeignKey(Aanvraag, on_delete=models.CASCADE, related_name="besluiten")
    stap = models.CharField(max_length=8, choices=Stap.choices)
    besluit = models.CharField(max_length=10, choices=Uitkomst.choices)
    toelichting = models.TextField(blank=True, max_length=limieten.TOELICHTING)
    cofinanciering_bevestigd = models.BooleanField(default=False)
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "besluiten"
        ordering = ["aanvraag", "id"]
        constraints = [
            limieten.lengte_check("besluit", "toelichting"),
            models.UniqueConstraint(fields=["aanvraag", "stap"], name="een_besluit_per_stap"),
            models.CheckConstraint(
                condition=Q(besluit="akkoord") | ~Q(toelichting=""), name="besluit_afwijzing_met_reden"
            ),
            models.CheckConstraint(condition=_in("stap", BesluitStap), name="besluit_stap_geldig"),
            models.CheckConstraint(condition=_in("besluit", BesluitUitkomst), name="besluit_uitkomst_geldig"),
        ]


class Toewijzingsnummer(models.Model):
    """Hands out toewijzingNummers from the database's own sequence: unique, also under races."""

    class Meta:
        verbose_name_plural = "toewijzingsnummers"


class TrajectStatus(models.TextChoices):
    ACTIEF = "actief", "Actief"
    BEEINDIGD = "beeindigd", "Beëindigd (stopbericht)"
    LOOPTIJD_VERSTREKEN = "looptijd_verstreken", "Looptijd verstreken"
    AFGESLOTEN = "afgesloten", "Afgesloten"


class Traject(models.Model):
    Status = TrajectStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    toewijzing_nummer = models.PositiveIntegerField(unique=True)
    aanvraag = models.OneToOneField(Aanvraag, on_delete=models.PROTECT, related_name="traject")
    deelnemer = models.ForeignKey(Deelnemer, on_delete=models.PROTECT, related_name="trajecten")
    bsn_hash = models.CharField(max_length=64, editable=False)
    aanbieder = models.ForeignKey(Aanbieder, on_delete=models.PROTECT, related_name="trajecten")
    uitvoerder = models.ForeignKey(
        Aanbieder, null=True, blank=True, on_delete=models.PROTECT, related_name="uitgevoerde_trajecten"
    )
    regeling = models.ForeignKey(Regeling, on_delete=models.PROTECT, related_name="trajecten")
    perceel = models.ForeignKey(Perceel, on_delete=models.PROTECT, related_name="trajecten")
    route = models.CharField(max_length=8, choices=Route.choices)
    gemeente = models.ForeignKey(Gemeente, on_delete=models.PROTECT, related_name="trajecten")
    trajectbegeleider = models.ForeignKey(Trajectbegeleider, null=True, blank=True, on_delete=models.PROTECT)
    startdatum = models.DateField()
    einddatum_gepland = models.DateField()
    verlengd_maanden = models.PositiveSmallIntegerField(default=0)
    trajectprijs = models.DecimalField(max_digits=10, decimal_places=2)
    verlenging_bedrag = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    # Kept by the money module (declaraties) through trajecten.services.traject_add_amounts:
    gedeclareerd = models.DecimalField(
        "toegekend gedeclareerd (netto)", max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    betaald = models.DecimalField("betaald (netto)", max_digits=10, decimal_places=2, default=Decimal("0.00"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIEF)
    einddatum = models.DateField(null=True, blank=True)
    goedgekeurd_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[TaakHistorie])

    class Meta:
        verbose_name_plural = "trajecten"
        ordering = ["toewijzing_nummer"]
        constraints = [
            models.UniqueConstraint(
                fields=["bsn_hash"], condition=Q(status="actief"), name="een_actief_traject_per_deelnemer"
            ),
            models.CheckConstraint(condition=_in("status", TrajectStatus), name="traject_status_geldig"),
            models.CheckConstraint(
                condition=Q(toewijzing_nummer__gte=1) & Q(toewijzing_nummer__lte=999_999_999),
                name="toewijzingnummer_bereik",
            ),
            models.CheckConstraint(condition=Q(einddatum_gepland__gt=F("startdatum")), name="traject_einde_na_start"),
            models.CheckConstraint(
                condition=Q(einddatum__isnull=True) | Q(einddatum__gte=F("startdatum")),
                name="traject_einddatum_na_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="beeindigd") | Q(einddatum__isnull=False), name="traject_beeindigd_met_einddatum"
            ),
            models.CheckConstraint(
                condition=Q(trajectprijs__gt=0) & Q(verlenging_bedrag__gte=0), name="traject_bedragen"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "einddatum_gepland"], name="traject_status_einde"),
            models.Index(fields=["aanbieder", "status"], name="traject_aanbieder_status"),
            models.Index(fields=["gemeente", "status"], name="traject_gemeente_status"),
        ]

    def __str__(self) -> str:
        return f"Traject {self.toewijzing_nummer}"

    @property
    def maximaal_bedrag(self) -> Decimal:
        return self.trajectprijs + self.verlenging_bedrag


class VerlengingStatus(models.TextChoices):
    AANGEVRAAGD = "aangevraagd", "Aangevraagd"
    GOEDGEKEURD = "goedgekeurd", "Goedgekeurd"
    AFGEWEZEN = "afgewezen", "Afgewezen"


class Verlenging(models.Model):
    Status = VerlengingStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="verlengingen")
    maanden = models.PositiveSmallIntegerField()
    toelichting = models.TextField(max_length=limieten.TOELICHTING)
    bedrag = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AANGEVRAAGD)
    aangevraagd_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    aangevraagd_op = models.DateTimeField(auto_now_add=True)
    besluit_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    besluit_op = models.DateTimeField(null=True, blank=True)
    besluit_toelichting = models.TextField(blank=True, max_length=limieten.TOELICHTING)
    history = HistoricalRecords(bases=[TaakHistorie])

    class Meta:
        verbose_name_plural = "verlengingen"
        ordering = ["traject", "id"]
        constraints = [
            limieten.lengte_check("verlenging", "toelichting"),
            limieten.lengte_check("verlenging", "besluit_toelichting"),
            models.UniqueConstraint(fields=["traject"], condition=Q(status="aangevraagd"), name="een_open_verlenging"),
            models.CheckConstraint(condition=Q(maanden__gte=1), name="verlenging_minstens_een_maand"),
            models.CheckConstraint(condition=_in("status", VerlengingStatus), name="verlenging_status_geldig"),
            models.CheckConstraint(
                condition=~Q(status="afgewezen") | ~Q(besluit_toelichting=""), name="verlenging_afwijzing_met_reden"
            ),
        ]


class PlaatsingContractsoort(models.TextChoices):
    ARBEIDSOVEREENKOMST = "arbeidsovereenkomst", "Arbeidsovereenkomst"
    UITZEND = "uitzend", "Uitzendovereenkomst"
    ZELFSTANDIG = "zelfstandig", "Zelfstandige"
    ANDERS = "anders", "Anders"


class Plaatsing(models.Model):
    """A job episode (domain.md section 7)."""

    Contractsoort = PlaatsingContractsoort

    LOONONDERSTEUNING = ("loonkostensubsidie", "loondispensatie", "beschut_werk")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="plaatsingen")
    werkgever = models.CharField(max_length=limieten.NAAM)
    startdatum = models.DateField()
    einddatum = models.DateField(null=True, blank=True)
    uren_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    contractsoort = models.CharField(max_length=20, choices=Contractsoort.choices)
    vast = models.BooleanField(default=False)
    minimumloon_of_meer = models.BooleanField()
    proefplaatsing = models.BooleanField(default=False)
    loonondersteuning = models.JSONField(default=list, blank=True)
    sector = models.CharField("sector (SBI)", max_length=5, blank=True)
    # Did the participant tell the employer about their condition (domain.md 12)? Asked for every
    # new placement; null only for placements registered before the desk asked it.
    aandoening_bekend_bij_werkgever = models.BooleanField("aandoening bekend bij werkgever", null=True, blank=True)
    aangemaakt_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(bases=[TaakHistorie])

    class Meta:
        verbose_name_plural = "plaatsingen"
        ordering = ["traject", "startdatum", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(einddatum__isnull=True) | Q(einddatum__gte=F("startdatum")), name="plaatsing_periode"
            ),
            models.CheckConstraint(
                condition=Q(uren_per_week__gt=0) & Q(uren_per_week__lte=60), name="plaatsing_uren_per_week"
            ),
            models.CheckConstraint(
                condition=_in("contractsoort", PlaatsingContractsoort), name="plaatsing_contractsoort_geldig"
            ),
            models.CheckConstraint(
                condition=~Q(proefplaatsing=True) | Q(minimumloon_of_meer=False), name="proefplaatsing_onbetaald"
            ),
        ]

    @property
    def regulier_betaald_werk(self) -> bool:
        """Paid at least minimum wage and not a trial placement (seed 002 item 21)."""
        return self.minimumloon_of_meer and not self.proefplaatsing


class StopberichtReden(models.TextChoices):
    WERK_DUURZAAM = "werk_duurzaam", "Duurzaam werk, begeleiding overgedragen"
    UITVAL = "uitval", "Deelnemer gestopt"
    VERHUISD = "verhuisd", "Verhuisd buiten de gemeente"
    OVERLEDEN = "overleden", "Overleden"
    ANDERS = "anders", "Anders"


class Stopbericht(models.Model):
    Reden = StopberichtReden

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    traject = models.OneToOneField(Traject, on_delete=models.CASCADE, related_name="stopbericht")
    einddatum = models.DateField()
    reden = models.CharField(max_length=15, choices=Reden.choices)
    toelichting = models.TextField(blank=True, max_length=limieten.TOELICHTING)
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "stopberichten"
        constraints = [
            limieten.lengte_check("stopbericht", "toelichting"),
            models.CheckConstraint(condition=_in("reden", StopberichtReden), name="stopbericht_reden_geldig"),
            models.CheckConstraint(
                condition=~Q(reden="anders") | ~Q(toelichting=""), name="stopbericht_anders_met_toelichting"
            ),
        ]


class EindverslagUitkomst(models.TextChoices):
    WERK = "werk", "Werk"
    OPLEIDING = "opleiding", "Opleiding"
    GEEN_WERK = "geen_werk", "Geen werk"
    ANDERS = "anders", "Anders"


class Eindverslag(models.Model):
    Uitkomst = EindverslagUitkomst

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    traject = models.OneToOneField(Traject, on_delete=models.CASCADE, related_name="eindverslag")
    uitkomst = models.CharField(max_length=10, choices=Uitkomst.choices)
    toelichting = models.TextField(blank=True, max_length=limieten.TOELICHTING)
    uren_besteed = models.PositiveIntegerField(null=True, blank=True)
    vrijgevallen_bedrag = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "eindverslagen"
        constraints = [
            limieten.lengte_check("eindverslag", "toelichting"),
            models.CheckConstraint(condition=_in("uitkomst", EindverslagUitkomst), name="eindverslag_uitkomst_geldig"),
        ]
