"""The settings a beheerder can change without code (``Instellingen``, one row)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

BEWAARTERMIJN_MIN, BEWAARTERMIJN_MAX = 1, 30
DREMPEL_MIN, DREMPEL_MAX = 1, 50


class Instellingen(models.Model):
    """Settings a beheerder can change without code (domain.md: "configurable")."""

    class Handhaving(models.TextChoices):
        BLOKKEREN = "blokkeren", "Blokkeren"
        WAARSCHUWEN = "waarschuwen", "Waarschuwen"

    minimum_leeftijd = models.PositiveSmallIntegerField("minimumleeftijd", default=18)
    aow_leeftijd = models.PositiveSmallIntegerField("AOW-leeftijd", default=67)
    beslistermijn_gemeente_dagen = models.PositiveSmallIntegerField("beslistermijn gemeente (dagen)", default=56)
    beslistermijn_uwv_dagen = models.PositiveSmallIntegerField("beslistermijn UWV (dagen)", default=14)
    bezwaar_beslistermijn_weken = models.PositiveSmallIntegerField(
        "beslistermijn bezwaar (weken na de bezwaartermijn)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text="Awb 7:10: zes weken (twaalf met een adviescommissie); één keer te verdagen met zes weken.",
    )
    bezwaar_signaal_dagen = models.PositiveSmallIntegerField(
        "signaal 'beslistermijn bezwaar nadert' (dagen vooraf)", default=7
    )
    vier_ogen_drempel = models.DecimalField(
        "vier-ogendrempel betaalopdracht", max_digits=12, decimal_places=2, default=Decimal("100000.00")
    )
    modeltrouw_geldig_maanden = models.PositiveSmallIntegerField("modeltrouwmeting geldig (maanden)", default=24)
    modeltrouw_handhaving = models.CharField(
        "handhaving modeltrouw", max_length=12, choices=Handhaving.choices, default=Handhaving.BLOKKEREN
    )
    modeltrouw_aanloop_maanden = models.PositiveSmallIntegerField(
        "aanloop nieuw programma zonder meting (maanden)",
        default=12,
        help_text="Een aanbieder zonder (ingedeelde) modeltrouwmeting wordt niet geblokkeerd zolang zijn "
        "implementatieplan is goedgekeurd en de implementatie korter dan dit aantal maanden geleden startte.",
    )
    caseload_norm_per_fte = models.PositiveSmallIntegerField("caseloadnorm per fte", default=25)
    budget_signaal_procent = models.PositiveSmallIntegerField(
        "signaal 'budget bijna op' boven (% van toegekend)", default=90
    )
    eindverslag_termijn_dagen = models.PositiveSmallIntegerField(
        "eindverslag verwacht binnen (dagen na einde)", default=30
    )
    cmd_max_behandelduur_maanden = models.PositiveSmallIntegerField("CMD: max. behandelduur (maanden)", default=24)
    declaratie_automatisch_toekennen = models.BooleanField(
        "declaratieregels die alle controles doorstaan automatisch toekennen", default=True
    )
    vordering_betaaltermijn_dagen = models.PositiveSmallIntegerField("betaaltermijn vordering (dagen)", default=30)
    vordering_automatisch_verzenden = models.BooleanField("vorderingen direct verzenden", default=True)
    uwv_rekening_naam = models.CharField("naam betalende rekening (UWV)", max_length=70, default="UWV")
    uwv_iban = models.CharField("IBAN betalende rekening (UWV)", max_length=34, default="NL02ABNA0123456789")
    uwv_bic = models.CharField("BIC betalende rekening (UWV)", max_length=11, default="ABNANL2A")
    # Privacy (domain.md section 12; docs/privacy.md "Bewaartermijn" and "Kleine aantallen").
    bewaartermijn_jaren = models.PositiveSmallIntegerField(
        "bewaartermijn persoonsgegevens (jaren na de vaststelling)",
        default=7,
        validators=[MinValueValidator(BEWAARTERMIJN_MIN), MaxValueValidator(BEWAARTERMIJN_MAX)],
        help_text="Na zoveel jaar na de vaststelling (eindverslag) anonimiseert de nachtelijke taak de deelnemer. "
        "Standaard 7 (de fiscale bewaarplicht).",
    )
    kleine_aantallen_drempel = models.PositiveSmallIntegerField(
        "kleine aantallen: groepen met minder dan ... trajecten niet tonen",
        default=5,
        validators=[MinValueValidator(DREMPEL_MIN), MaxValueValidator(DREMPEL_MAX)],
        help_text="Werkmonitor en dashboards tonen een groep met minder trajecten als '< drempel'. Standaard 5.",
    )
    bsn_per_uur = models.PositiveSmallIntegerField(
        "verschillende BSN's per gebruiker per uur",
        default=30,
        help_text="Registreren, aanvragen en zoeken samen; daarboven weigert het loket (429) en krijgt de "
        "beheerder een signaal (docs/security.md).",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "instellingen"
        verbose_name_plural = "instellingen"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="instellingen_singleton"),
            models.CheckConstraint(
                condition=models.Q(aow_leeftijd__gt=models.F("minimum_leeftijd")), name="instellingen_leeftijden"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    bewaartermijn_jaren__gte=BEWAARTERMIJN_MIN, bewaartermijn_jaren__lte=BEWAARTERMIJN_MAX
                ),
                name="instellingen_bewaartermijn",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kleine_aantallen_drempel__gte=DREMPEL_MIN, kleine_aantallen_drempel__lte=DREMPEL_MAX
                ),
                name="instellingen_kleine_aantallen",
            ),
        ]

    def __str__(self) -> str:
        return "Instellingen"

    @classmethod
    def get(cls) -> "Instellingen":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
