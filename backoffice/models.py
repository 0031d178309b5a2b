from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person or system account. Roles are groups; organisations hang off ``financiering``."""

    class Meta:
        verbose_name = "gebruiker"
        verbose_name_plural = "gebruikers"


class Instellingen(models.Model):
    """Settings a beheerder can change without code (domain.md: "configurable")."""

    class Handhaving(models.TextChoices):
        BLOKKEREN = "blokkeren", "Blokkeren"
        WAARSCHUWEN = "waarschuwen", "Waarschuwen"

    minimum_leeftijd = models.PositiveSmallIntegerField("minimumleeftijd", default=18)
    aow_leeftijd = models.PositiveSmallIntegerField("AOW-leeftijd", default=67)
    beslistermijn_gemeente_dagen = models.PositiveSmallIntegerField("beslistermijn gemeente (dagen)", default=56)
    beslistermijn_uwv_dagen = models.PositiveSmallIntegerField("beslistermijn UWV (dagen)", default=14)
    vier_ogen_drempel = models.DecimalField(
        "vier-ogendrempel betaalopdracht", max_digits=12, decimal_places=2, default=Decimal("100000.00")
    )
    modeltrouw_geldig_maanden = models.PositiveSmallIntegerField("modeltrouwmeting geldig (maanden)", default=24)
    modeltrouw_handhaving = models.CharField(
        "handhaving modeltrouw", max_length=12, choices=Handhaving.choices, default=Handhaving.BLOKKEREN
    )
    caseload_norm_per_fte = models.PositiveSmallIntegerField("caseloadnorm per fte", default=25)
    cmd_max_behandelduur_maanden = models.PositiveSmallIntegerField("CMD: max. behandelduur (maanden)", default=24)
    declaratie_automatisch_toekennen = models.BooleanField(
        "declaratieregels die alle controles doorstaan automatisch toekennen", default=True
    )
    vordering_betaaltermijn_dagen = models.PositiveSmallIntegerField("betaaltermijn vordering (dagen)", default=30)
    vordering_automatisch_verzenden = models.BooleanField("vorderingen direct verzenden", default=True)
    uwv_rekening_naam = models.CharField("naam betalende rekening (UWV)", max_length=70, default="UWV")
    uwv_iban = models.CharField("IBAN betalende rekening (UWV)", max_length=34, default="NL02ABNA0123456789")
    uwv_bic = models.CharField("BIC betalende rekening (UWV)", max_length=11, default="ABNANL2A")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "instellingen"
        verbose_name_plural = "instellingen"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="instellingen_singleton"),
            models.CheckConstraint(
                condition=models.Q(aow_leeftijd__gt=models.F("minimum_leeftijd")), name="instellingen_leeftijden"
            ),
        ]

    def __str__(self) -> str:
        return "Instellingen"

    @classmethod
    def get(cls) -> "Instellingen":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
