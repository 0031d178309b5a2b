"""Job runs, signals and notifications (issue 4)."""

import uuid

from django.conf import settings
from django.db import models


class TaakNaam(models.TextChoices):
    NIGHTLY = "nightly", "Nachtelijk"
    WEEKLY = "weekly", "Wekelijks (maandag)"
    MONTHLY = "monthly", "Maandelijks (de 1e)"
    QUARTERLY = "quarterly", "Per kwartaal"


class TaakrunStatus(models.TextChoices):
    BEZIG = "bezig", "Bezig"
    GESLAAGD = "geslaagd", "Geslaagd"
    MISLUKT = "mislukt", "Mislukt (zie fouten)"
    OVERGESLAGEN = "overgeslagen", "Overgeslagen (een andere run van deze taak liep al)"
    AFGEBROKEN = "afgebroken", "Afgebroken (het proces stopte midden in de run)"


class Taakrun(models.Model):
    """The record of one run of a scheduled job: what it did (counts per step) and what failed."""

    Taak = TaakNaam
    Status = TaakrunStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    taak = models.CharField(max_length=12, choices=TaakNaam.choices)
    datum = models.DateField(help_text="De dag waarvoor de taak draaide (--date)")
    gestart = models.DateTimeField()
    klaar = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=TaakrunStatus.choices, default=TaakrunStatus.BEZIG)
    counts = models.JSONField("aantallen", default=dict, blank=True)
    fouten = models.JSONField(default=list, blank=True)
    bron = models.CharField(max_length=20, default="", blank=True, help_text="celery, beat of run_job")

    class Meta:
        verbose_name = "taakrun"
        verbose_name_plural = "taakruns"
        ordering = ["-gestart", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(taak__in=TaakNaam.values), name="taakrun_taak_geldig"),
            models.CheckConstraint(condition=models.Q(status__in=TaakrunStatus.values), name="taakrun_status_geldig"),
        ]
        indexes = [models.Index(fields=["taak", "datum"], name="taakrun_taak_datum")]

    def __str__(self) -> str:
        return f"{self.get_taak_display()} {self.datum:%d-%m-%Y} ({self.get_status_display()})"  # a Dutch date


class SignaalSoort(models.TextChoices):
    TRAJECT_EINDIGT_90 = "traject_eindigt_90", "Traject eindigt binnen 90 dagen"
    TRAJECT_EINDIGT_30 = "traject_eindigt_30", "Traject eindigt binnen 30 dagen"
    LOOPTIJD_VERSTREKEN = "looptijd_verstreken", "Looptijd verstreken: eindverslag gevraagd"
    EINDVERSLAG_ONTBREEKT = "eindverslag_ontbreekt", "Eindverslag ontbreekt"
    BESLUIT_TE_LAAT = "besluit_te_laat", "Besluit op aanvraag te laat"
    MODELTROUW_VERLOPEN = "modeltrouw_verlopen", "Modeltrouwmeting verlopen of onvoldoende"
    CASELOAD_TE_HOOG = "caseload_te_hoog", "Caseload trajectbegeleider te hoog"
    BUDGET_BIJNA_OP = "budget_bijna_op", "Budget bijna op"
    VORDERING_TE_LAAT = "vordering_te_laat", "Vordering niet op tijd betaald"
    ROL_AANGEVRAAGD = "rol_aangevraagd", "Rol aangevraagd: een tweede beheerder beslist"
    ROL_TOEGEKEND = "rol_toegekend", "Rol toegekend (vier ogen)"
    BSN_VEEL_GERAADPLEEGD = "bsn_veel_geraadpleegd", "Veel verschillende BSN's geraadpleegd door één gebruiker"
    BEZWAAR_TE_LAAT = "bezwaar_te_laat", "Beslissing op bezwaar te laat"
    BEZWAAR_TERMIJN_NADERT = "bezwaar_termijn_nadert", "Beslistermijn bezwaar nadert"


class SignaalObject(models.TextChoices):
    TRAJECT = "traject", "Traject"
    AANVRAAG = "aanvraag", "Aanvraag"
    AANBIEDER = "aanbieder", "Aanbieder"
    TRAJECTBEGELEIDER = "trajectbegeleider", "Trajectbegeleider"
    BUDGET = "budget", "Budget"
    VORDERING = "vordering", "Vordering"
    ROLTOEKENNING = "roltoekenning", "Roltoekenning"
    GEBRUIKER = "gebruiker", "Gebruiker"
    BEZWAAR = "bezwaar", "Bezwaar"


class Signaal(models.Model):
    """What the nightly job flagged: one open signal per cause (the partial unique constraint), for
    the organisations that must act, resolved by the same job when the cause is gone.

    ``aanbieder``/``gemeente``/``uwv_rol`` name who must act (and so who sees it and gets it in the
    digest); the object it is about is ``object_type`` + ``object_uuid``. It never holds personal
    data of a participant: the description names a trajectory by its toewijzingNummer only."""

    Soort = SignaalSoort
    Object = SignaalObject

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    soort = models.CharField(max_length=25, choices=SignaalSoort.choices)
    object_type = models.CharField(max_length=20, choices=SignaalObject.choices)
    object_uuid = models.UUIDField()
    omschrijving = models.CharField(max_length=300)
    aanbieder = models.ForeignKey(
        "financiering.Aanbieder", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    gemeente = models.ForeignKey(
        "financiering.Gemeente", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    uwv_rol = models.CharField(
        "UWV-rol die moet handelen", max_length=20, blank=True, default="", help_text="Leeg: UWV hoeft niets te doen"
    )
    deadline = models.DateField(null=True, blank=True)
    gesignaleerd_op = models.DateField(help_text="De dag van de run die het signaal gaf")
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    afgehandeld = models.BooleanField(default=False)
    afgehandeld_op = models.DateTimeField(null=True, blank=True)
    afgehandeld_datum = models.DateField(null=True, blank=True, help_text="De dag van de run die het afhandelde")

    class Meta:
        verbose_name = "signaal"
        verbose_name_plural = "signalen"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["soort", "object_uuid"],
                condition=models.Q(afgehandeld=False),
                name="signaal_een_open_per_oorzaak",
            ),
            models.CheckConstraint(condition=models.Q(soort__in=SignaalSoort.values), name="signaal_soort_geldig"),
            models.CheckConstraint(
                condition=models.Q(object_type__in=SignaalObject.values), name="signaal_object_geldig"
            ),
            models.CheckConstraint(
                condition=models.Q(afgehandeld=False) | models.Q(afgehandeld_op__isnull=False),
                name="signaal_afgehandeld_met_tijd",
            ),
        ]
        indexes = [
            models.Index(fields=["soort", "afgehandeld"], name="signaal_soort_open"),
            models.Index(fields=["aanbieder", "afgehandeld"], name="signaal_aanbieder_open"),
            models.Index(fields=["gemeente", "afgehandeld"], name="signaal_gemeente_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_soort_display()}: {self.omschrijving}"


class NotificatieStatus(models.TextChoices):
    VERZONDEN = "verzonden", "Verzonden"
    MISLUKT = "mislukt", "Verzenden mislukt"


class Notificatie(models.Model):
    """One daily e-mail digest sent to one user: what was in it, so users can see what they got."""

    Status = NotificatieStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notificaties")
    datum = models.DateField()
    aan = models.EmailField()
    onderwerp = models.CharField(max_length=200)
    tekst = models.TextField()
    signalen = models.ManyToManyField(Signaal, blank=True, related_name="notificaties")
    aantal_signalen = models.PositiveIntegerField(default=0)
    tot_signaal_id = models.PositiveBigIntegerField(
        default=0, help_text="Alle signalen tot en met dit id zijn voor deze gebruiker bekeken"
    )
    status = models.CharField(max_length=10, choices=NotificatieStatus.choices, default=NotificatieStatus.VERZONDEN)
    fout = models.CharField(max_length=300, blank=True)
    verzonden_op = models.DateTimeField()

    class Meta:
        verbose_name = "notificatie"
        verbose_name_plural = "notificaties"
        ordering = ["-datum", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "datum"],
                condition=models.Q(status="verzonden"),
                name="een_digest_per_gebruiker_per_dag",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=NotificatieStatus.values), name="notificatie_status_geldig"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.datum}: {self.onderwerp}"
