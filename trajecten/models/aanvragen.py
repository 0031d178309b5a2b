"""Applications and the funders' decisions on them (domain.md 5-6)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import TruncDate
from simple_history.models import HistoricalRecords

from backoffice import limieten
from backoffice.history import TaakHistorie
from financiering.models import Aanbieder, Budget, Gemeente, Mandaat, Perceel, Regeling, Route, Trajectbegeleider

from ._gedeeld import AMSTERDAM, _in
from .deelnemers import Deelnemer


class AanvraagStatus(models.TextChoices):
    CONCEPT = "concept", "Concept"
    INGEDIEND = "ingediend", "Ingediend"
    GEMEENTE_AKKOORD = "gemeente_akkoord", "Beschikking gemeente, wacht op UWV"
    GOEDGEKEURD = "goedgekeurd", "Goedgekeurd"
    AFGEWEZEN = "afgewezen", "Afgewezen"
    INGETROKKEN = "ingetrokken", "Ingetrokken"


class Aanvraag(models.Model):
    Status = AanvraagStatus

    OPEN = (Status.INGEDIEND, Status.GEMEENTE_AKKOORD)
    # What occupies a place under a quota or cap: open and approved applications.
    BEZET = (Status.INGEDIEND, Status.GEMEENTE_AKKOORD, Status.GOEDGEKEURD)
    # What a beschikking counts against the room: granted, or committed and waiting for UWV's consent.
    TOEGEKEND = (Status.GEMEENTE_AKKOORD, Status.GOEDGEKEURD)

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
            # UWV's werkbak: the applications waiting for a decision, nearest deadline first (issue 13).
            models.Index(
                fields=["beslis_deadline", "ingediend_op", "id"],
                condition=Q(status__in=["ingediend", "gemeente_akkoord"]),
                name="aanvraag_wacht_op_besluit",
            ),
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
    # The mandate the gemeente's beschikking rests on (domain.md 6); None for UWV's decisions and
    # for beschikkingen from before mandates were recorded.
    mandaat = models.ForeignKey(Mandaat, null=True, blank=True, on_delete=models.PROTECT, related_name="besluiten")
    op = models.DateTimeField(auto_now_add=True)
    # Revoked after a well-founded objection (bezwaren; trajecten.services.herroepen): kept, no
    # longer in force; the step may then be decided again.
    herroepen_op = models.DateTimeField(null=True, blank=True)
    herroepen_reden = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        verbose_name_plural = "besluiten"
        ordering = ["aanvraag", "id"]
        constraints = [
            limieten.lengte_check("besluit", "toelichting"),
            models.UniqueConstraint(
                fields=["aanvraag", "stap"], condition=Q(herroepen_op__isnull=True), name="een_besluit_per_stap"
            ),
            models.CheckConstraint(
                condition=Q(besluit="akkoord") | ~Q(toelichting=""), name="besluit_afwijzing_met_reden"
            ),
            models.CheckConstraint(condition=_in("stap", BesluitStap), name="besluit_stap_geldig"),
            models.CheckConstraint(condition=_in("besluit", BesluitUitkomst), name="besluit_uitkomst_geldig"),
        ]

    @property
    def orgaan_naam(self) -> str:
        """The body in whose name the decision is taken: "UWV", or "het college van burgemeester en
        wethouders van Amsterdam" (also when a samenwerkingsverband decided for that member gemeente)."""
        if self.stap == BesluitStap.UWV:
            return "UWV"
        return f"het college van burgemeester en wethouders van {self.aanvraag.gemeente.naam}"

    @property
    def ondertekening(self) -> str:
        """The Dutch signing line of the decision document: on whose behalf, under which mandate, by whom.

        "Namens het college van burgemeester en wethouders van Amsterdam, krachtens mandaat
        (Mandaatbesluit Participatiewet 2025, Gemeenteblad 2025 nr. 12345): J. Jansen"; a joint
        body adds itself ("krachtens mandaat aan Samenwerkingsverband X (...)"); UWV: "Namens UWV: J. Jansen"."""
        naam = self.door.get_full_name() or self.door.get_username()
        namens = f"Namens {self.orgaan_naam}"
        if self.mandaat_id is None:
            return f"{namens}: {naam}"
        mandaat = self.mandaat
        aan = f" aan {mandaat.samenwerkingsverband.naam}" if mandaat.samenwerkingsverband_id else ""
        return f"{namens}, krachtens mandaat{aan} ({mandaat.verwijzing}): {naam}"
