"""What the provider registers on a trajectory: placements, the stop notice and the end report."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from backoffice import limieten
from backoffice.history import TaakHistorie

from .. import rules
from ._gedeeld import _in
from .trajecten import Traject


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
    # Open to anyone: not a job set aside for people with health problems (temp-agency work counts).
    # Part of "regular paid work" (domain.md 7). Placements from before the field: true, except
    # beschut werk (migration 0009_w3; rules.open_voor_iedereen_standaard).
    open_voor_iedereen = models.BooleanField(
        "open voor iedereen",
        default=True,
        db_default=True,  # also for rows written in SQL (bench/)
        help_text="Geen baan speciaal voor mensen met gezondheidsproblemen; uitzendwerk telt mee.",
    )
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
        """Paid, at least minimum wage, not a trial placement and open to anyone (``rules``)."""
        return rules.regulier_betaald_werk(
            minimumloon_of_meer=self.minimumloon_of_meer,
            proefplaatsing=self.proefplaatsing,
            open_voor_iedereen=self.open_voor_iedereen,
        )


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
