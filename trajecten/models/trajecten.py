"""Trajectories, their allocation numbers and extension requests (domain.md 7)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from backoffice import limieten
from backoffice.history import TaakHistorie
from financiering.models import Aanbieder, Gemeente, Perceel, Regeling, Route, Trajectbegeleider

from ._gedeeld import _in
from .aanvragen import Aanvraag
from .deelnemers import Deelnemer


class Toewijzingsnummer(models.Model):
    """Hands out toewijzingNummers from the database's own sequence: unique, also under races."""

    class Meta:
        verbose_name_plural = "toewijzingsnummers"


class TrajectStatus(models.TextChoices):
    ACTIEF = "actief", "Actief"
    BEEINDIGD = "beeindigd", "Beëindigd (stopbericht)"
    LOOPTIJD_VERSTREKEN = "looptijd_verstreken", "Looptijd verstreken"
    AFGESLOTEN = "afgesloten", "Afgesloten"
    HERROEPEN = "herroepen", "Herroepen (na bezwaar)"


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
