"""The objection letter (*bezwaarschrift*, Awb 6:4) against one decision and the decision on it."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from backoffice import limieten
from backoffice.history import TaakHistorie
from declaraties.models import Prestatie
from financiering.models import Aanbieder, Gemeente
from trajecten.models import Aanvraag, Traject, Verlenging

from . import rules


def _in(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [c for c, _ in choices.choices]})


class BesluitSoort(models.TextChoices):
    AANVRAAG = "aanvraag", "Besluit op de aanvraag"
    VERLENGING = "verlenging", "Besluit op de verlenging"
    PRESTATIE = "prestatie", "Beoordeling van een declaratieregel"
    VASTSTELLING = "vaststelling", "Vaststelling (eindafrekening) van het traject"


class Beslisorgaan(models.TextChoices):
    UWV = "uwv", "UWV"
    GEMEENTE = "gemeente", "Gemeente"


class BezwaarschriftStatus(models.TextChoices):
    INGEDIEND = "ingediend", "Ingediend"
    VERDAAGD = "verdaagd", "Verdaagd (beslistermijn verlengd)"
    GEGROND = "gegrond", "Gegrond"
    ONGEGROND = "ongegrond", "Ongegrond"
    NIET_ONTVANKELIJK = "niet_ontvankelijk", "Niet-ontvankelijk"
    INGETROKKEN = "ingetrokken", "Ingetrokken"


class Bezwaarschrift(models.Model):
    """An objection by the party a decision concerns (the provider), decided by the body that
    took the decision (``beslisorgaan``). ``object_uuid`` is the decided object (the application,
    extension, declaration line or, for the settlement, the trajectory); ``besluit_ref`` names the
    one decision on it (a revoked and retaken decision is a new one), so that one decision has at
    most one open objection. The FK of the kind is set (check constraint); ``traject`` is set
    whenever there is one."""

    Soort = BesluitSoort
    Orgaan = Beslisorgaan
    Status = BezwaarschriftStatus
    document_object = "bezwaar"  # its documents' object kind (backoffice.documenten)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    besluit_soort = models.CharField(max_length=12, choices=BesluitSoort.choices)
    object_uuid = models.UUIDField(help_text="Het object van het besluit (aanvraag, verlenging, regel of traject)")
    besluit_ref = models.CharField(max_length=100, help_text="Welk besluit op het object (intern)")
    besluit_omschrijving = models.CharField(max_length=300, help_text="Het besluit in woorden, bij het indienen")
    aanvraag = models.ForeignKey(
        Aanvraag, null=True, blank=True, on_delete=models.PROTECT, related_name="bezwaarschriften"
    )
    verlenging = models.ForeignKey(
        Verlenging, null=True, blank=True, on_delete=models.PROTECT, related_name="bezwaarschriften"
    )
    prestatie = models.ForeignKey(
        Prestatie, null=True, blank=True, on_delete=models.PROTECT, related_name="bezwaarschriften"
    )
    traject = models.ForeignKey(
        Traject, null=True, blank=True, on_delete=models.PROTECT, related_name="bezwaarschriften"
    )
    aanbieder = models.ForeignKey(Aanbieder, on_delete=models.PROTECT, related_name="bezwaarschriften")
    gemeente = models.ForeignKey(
        Gemeente, null=True, blank=True, on_delete=models.PROTECT, related_name="bezwaarschriften"
    )
    beslisorgaan = models.CharField(max_length=8, choices=Beslisorgaan.choices)
    besluit_genomen_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Wie het besluit nam waartegen het bezwaar is (beslist niet op het bezwaar, Awb 7:5)",
    )
    datum_besluit = models.DateField()
    termijn_einde = models.DateField("einde bezwaartermijn")
    indiener = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ingediend_op = models.DateTimeField()
    te_laat = models.BooleanField("na de bezwaartermijn ingediend", default=False)
    reden_termijnoverschrijding = models.TextField(blank=True, max_length=limieten.TOELICHTING)
    gronden = models.TextField(max_length=limieten.TOELICHTING)
    beslistermijn = models.DateField()
    verdaagd_op = models.DateTimeField(null=True, blank=True)
    verdaging_reden = models.TextField(blank=True, max_length=limieten.TOELICHTING)
    status = models.CharField(
        max_length=20, choices=BezwaarschriftStatus.choices, default=BezwaarschriftStatus.INGEDIEND
    )
    beslissing_toelichting = models.TextField(blank=True, max_length=limieten.TOELICHTING)
    beslist_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    beslist_op = models.DateTimeField(null=True, blank=True)
    ingetrokken_op = models.DateTimeField(null=True, blank=True)
    ingetrokken_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What a gegrond decision changed (for the page, the API and the document): the revocation's
    # own summary from the owning app, e.g. {"vrijgevallen": "8000.00", "regels_afgewezen": 2, ...}.
    gevolgen = models.JSONField(default=dict, blank=True)
    terug_te_vorderen = models.DecimalField(
        "terug te vorderen (al betaald)",
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="Wat al betaald was op een herroepen besluit; de terugvordering zelf loopt buiten het loket.",
    )
    history = HistoricalRecords(bases=[TaakHistorie])

    class Meta:
        verbose_name = "bezwaarschrift"
        verbose_name_plural = "bezwaarschriften"
        ordering = ["-id"]
        constraints = [
            limieten.lengte_check("bezwaarschrift", "gronden"),
            limieten.lengte_check("bezwaarschrift", "reden_termijnoverschrijding"),
            limieten.lengte_check("bezwaarschrift", "verdaging_reden"),
            limieten.lengte_check("bezwaarschrift", "beslissing_toelichting"),
            models.CheckConstraint(condition=_in("status", BezwaarschriftStatus), name="bezwaarschrift_status_geldig"),
            models.CheckConstraint(condition=_in("besluit_soort", BesluitSoort), name="bezwaarschrift_soort_geldig"),
            models.CheckConstraint(condition=_in("beslisorgaan", Beslisorgaan), name="bezwaarschrift_orgaan_geldig"),
            models.CheckConstraint(
                condition=Q(besluit_soort="aanvraag", aanvraag__isnull=False)
                | Q(besluit_soort="verlenging", verlenging__isnull=False, traject__isnull=False)
                | Q(besluit_soort="prestatie", prestatie__isnull=False)
                | Q(besluit_soort="vaststelling", traject__isnull=False),
                name="bezwaarschrift_object_van_soort",
            ),
            models.CheckConstraint(condition=~Q(gronden=""), name="bezwaarschrift_met_gronden"),
            models.CheckConstraint(
                condition=Q(te_laat=False) | ~Q(reden_termijnoverschrijding=""),
                name="bezwaarschrift_te_laat_met_reden",
            ),
            models.CheckConstraint(
                condition=Q(verdaagd_op__isnull=True) | ~Q(verdaging_reden=""),
                name="bezwaarschrift_verdaging_met_reden",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=rules.UITKOMSTEN)
                | (Q(beslist_door__isnull=False) & Q(beslist_op__isnull=False) & ~Q(beslissing_toelichting="")),
                name="bezwaarschrift_beslissing_volledig",
            ),
            # Awb 7:5: who took the decision does not decide on the objection.
            models.CheckConstraint(
                condition=Q(beslist_door__isnull=True)
                | Q(besluit_genomen_door__isnull=True)
                | ~Q(beslist_door=F("besluit_genomen_door")),
                name="bezwaarschrift_vier_ogen",
            ),
            models.UniqueConstraint(
                fields=["besluit_ref"], condition=Q(status__in=rules.OPEN), name="een_open_bezwaar_per_besluit"
            ),
        ]
        indexes = [
            models.Index(fields=["object_uuid"], name="bezwaarschrift_object"),
            models.Index(fields=["status", "beslistermijn"], name="bezwaarschrift_termijn"),
        ]

    def __str__(self) -> str:
        return f"Bezwaarschrift {self.nummer} ({self.get_status_display()})"

    @property
    def nummer(self) -> str:
        return rules.nummer(self.pk) if self.pk else "-"

    @property
    def open(self) -> bool:
        return self.status in rules.OPEN
