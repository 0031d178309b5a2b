"""Mandate and joint municipal bodies (domain.md 6: a beschikking is taken under *mandaat*; a
*samenwerkingsverband* may decide for its member gemeenten). Re-exported by ``financiering.models``."""

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .models import Gemeente, Medewerker


class Samenwerkingsverband(models.Model):
    """A joint municipal body that decides for its member gemeenten: its staff (``medewerkers``)
    act for every member gemeente as for their own (``selectors.user_gemeente_ids``)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    naam = models.CharField(max_length=200, unique=True)
    leden = models.ManyToManyField(
        Gemeente, related_name="samenwerkingsverbanden", verbose_name="deelnemende gemeenten"
    )
    medewerkers = models.ManyToManyField(
        Medewerker, blank=True, related_name="samenwerkingsverbanden", verbose_name="medewerkers van het verband"
    )

    class Meta:
        verbose_name = "samenwerkingsverband"
        verbose_name_plural = "samenwerkingsverbanden"
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam


class Mandaat(models.Model):
    """A mandate decision (*mandaatbesluit*) of a gemeente's college, or of the colleges of a joint
    body's member gemeenten: the officials it covers may take beschikkingen on their behalf."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    gemeente = models.ForeignKey(
        Gemeente, null=True, blank=True, on_delete=models.PROTECT, related_name="mandaten", verbose_name="mandaatgever"
    )
    samenwerkingsverband = models.ForeignKey(
        Samenwerkingsverband, null=True, blank=True, on_delete=models.PROTECT, related_name="mandaten"
    )
    naam = models.CharField(
        "naam van het besluit", max_length=200, help_text="Bijv. Mandaatbesluit Participatiewet 2025."
    )
    vindplaats = models.CharField(max_length=200, help_text="De publicatie, bijv. Gemeenteblad 2025 nr. 12345.")
    geldig_van = models.DateField()
    geldig_tot = models.DateField(null=True, blank=True, help_text="Leeg: zonder einddatum.")
    gemandateerden = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mandaten", verbose_name="gemandateerde medewerkers"
    )

    class Meta:
        verbose_name = "mandaat"
        verbose_name_plural = "mandaten"
        ordering = ["-geldig_van", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gemeente__isnull=True) ^ Q(samenwerkingsverband__isnull=True), name="mandaat_een_gever"
            ),
            models.CheckConstraint(
                condition=Q(geldig_tot__isnull=True) | Q(geldig_tot__gte=F("geldig_van")), name="mandaat_periode"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.naam} ({self.gemeente or self.samenwerkingsverband})"

    def geldig_op(self, dag) -> bool:
        return self.geldig_van <= dag and (self.geldig_tot is None or dag <= self.geldig_tot)

    @property
    def verwijzing(self) -> str:
        """The mandate as a signing line names it: "Mandaatbesluit Participatiewet 2025, Gemeenteblad 2025 nr. 12345"."""
        return f"{self.naam}, {self.vindplaats}" if self.vindplaats else self.naam
