import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .roles import ROLES


class User(AbstractUser):
    """A person or system account. Roles are groups; organisations hang off ``financiering``.

    A security invariant lives in :meth:`save`: a new password or a deactivation revokes every API
    token of the user, whichever path made the change (the admin, ``set_password`` in a service or a
    command, the web). Sessions end by themselves then (Django's session hash, ``is_active``)."""

    class Meta:
        verbose_name = "gebruiker"
        verbose_name_plural = "gebruikers"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        watched = {"password", "is_active"}
        revoke = False
        if self.pk and (update_fields is None or watched & set(update_fields)):
            before = type(self).objects.filter(pk=self.pk).values("password", "is_active").first()
            revoke = before is not None and (
                before["password"] != self.password or (before["is_active"] and not self.is_active)
            )
        super().save(*args, **kwargs)
        if revoke:
            self.auth_token_set.all().delete()


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
    vier_ogen_drempel = models.DecimalField(
        "vier-ogendrempel betaalopdracht", max_digits=12, decimal_places=2, default=Decimal("100000.00")
    )
    modeltrouw_geldig_maanden = models.PositiveSmallIntegerField("modeltrouwmeting geldig (maanden)", default=24)
    modeltrouw_handhaving = models.CharField(
        "handhaving modeltrouw", max_length=12, choices=Handhaving.choices, default=Handhaving.BLOKKEREN
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


# --- jobs, signals and notifications (issue 4) --------------------------------------------------


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
        return f"{self.get_taak_display()} {self.datum} ({self.get_status_display()})"


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


class SignaalObject(models.TextChoices):
    TRAJECT = "traject", "Traject"
    AANVRAAG = "aanvraag", "Aanvraag"
    AANBIEDER = "aanbieder", "Aanbieder"
    TRAJECTBEGELEIDER = "trajectbegeleider", "Trajectbegeleider"
    BUDGET = "budget", "Budget"
    VORDERING = "vordering", "Vordering"
    ROLTOEKENNING = "roltoekenning", "Roltoekenning"
    GEBRUIKER = "gebruiker", "Gebruiker"


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


class BsnKanaal(models.TextChoices):
    API = "api", "API (POST /api/v1/deelnemers/_zoek)"
    WEB = "web", "Webpagina (POST /deelnemers/zoeken/)"
    REGISTRATIE = "registratie", "Controle bij het registreren van een deelnemer (API of web)"
    AANVRAAG = "aanvraag", "Controle bij het indienen van een aanvraag: één traject per deelnemer (API of web)"


class BsnRaadpleging(models.Model):
    """Who looked up a BSN: when, for which organisation, through which channel, and which hash.
    Never the BSN itself (only its keyed HMAC hash, the one the search uses). Written by every path
    that searches by BSN (``backoffice.services.bsn_raadpleging_log``); read-only in the admin."""

    Kanaal = BsnKanaal

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bsn_raadplegingen", verbose_name="gebruiker"
    )
    op = models.DateTimeField(auto_now_add=True, db_index=True)
    organisatie = models.CharField(
        max_length=300, blank=True, help_text="De organisatie van de gebruiker op dat moment"
    )
    rollen = models.CharField(max_length=200, blank=True)
    kanaal = models.CharField(max_length=12, choices=BsnKanaal.choices)
    bsn_hash = models.CharField(max_length=64, db_index=True, help_text="HMAC-SHA256 van het BSN, nooit het BSN")
    aantal_gevonden = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "BSN-raadpleging"
        verbose_name_plural = "BSN-raadplegingen"
        ordering = ["-op", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kanaal__in=BsnKanaal.values), name="bsn_raadpleging_kanaal_geldig"
            ),
        ]
        # the throttle counts one user's distinct hashes of the last hour (backoffice.services.bsn_gate)
        indexes = [models.Index(fields=["user", "op"], name="bsn_raadpleging_user_op")]

    def __str__(self) -> str:
        return f"{self.user} {self.op:%Y-%m-%d %H:%M} ({self.get_kanaal_display()})"


# --- four eyes on roles (issue 9, finding 7) ------------------------------------------------------


class RolToekenningStatus(models.TextChoices):
    AANGEVRAAGD = "aangevraagd", "Aangevraagd"
    GOEDGEKEURD = "goedgekeurd", "Goedgekeurd (rol toegekend)"
    AFGEWEZEN = "afgewezen", "Afgewezen"
    INGETROKKEN = "ingetrokken", "Ingetrokken (rol weer ontnomen)"


class RolToekenning(models.Model):
    """A role (group) for a user, requested by one beheerder and decided by another: never for
    oneself, never decided by the requester (four eyes, docs/security.md "Vier ogen op rollen").
    The only path by which a role is given or taken in the running service; the transitions are
    ``backoffice.rules.ROL_TRANSITIES``, one service each (``backoffice.services``). A row without
    ``aangevraagd_door`` is a role someone already had before four eyes existed (migration)."""

    Status = RolToekenningStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rol_toekenningen", verbose_name="gebruiker"
    )
    rol = models.CharField(max_length=30, choices=[(k, v) for k, v in ROLES.items()])
    status = models.CharField(
        max_length=12, choices=RolToekenningStatus.choices, default=RolToekenningStatus.AANGEVRAAGD
    )
    toelichting = models.CharField(max_length=300, blank=True)
    aangevraagd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    aangevraagd_op = models.DateTimeField(default=timezone.now)
    beslist_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    beslist_op = models.DateTimeField(null=True, blank=True)
    ingetrokken_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ingetrokken_op = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "roltoekenning"
        verbose_name_plural = "roltoekenningen"
        ordering = ["-aangevraagd_op", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RolToekenningStatus.values), name="roltoekenning_status_geldig"
            ),
            models.CheckConstraint(condition=models.Q(rol__in=list(ROLES)), name="roltoekenning_rol_geldig"),
            # never for oneself, never decided by the requester or by the user it is for
            models.CheckConstraint(
                condition=~models.Q(aangevraagd_door=models.F("gebruiker")), name="roltoekenning_niet_voor_uzelf"
            ),
            models.CheckConstraint(
                condition=~models.Q(beslist_door=models.F("aangevraagd_door"))
                & ~models.Q(beslist_door=models.F("gebruiker")),
                name="roltoekenning_vier_ogen",
            ),
            models.CheckConstraint(
                condition=models.Q(status="aangevraagd", beslist_door__isnull=True)
                | ~models.Q(status="aangevraagd")
                & (models.Q(beslist_door__isnull=False) | models.Q(aangevraagd_door__isnull=True)),
                name="roltoekenning_besluit_met_beslisser",
            ),
            models.UniqueConstraint(
                fields=["gebruiker", "rol"],
                condition=models.Q(status__in=["aangevraagd", "goedgekeurd"]),
                name="roltoekenning_een_lopende_per_rol",
            ),
        ]

    def __str__(self) -> str:
        return f"{ROLES.get(self.rol, self.rol)} voor {self.gebruiker} ({self.get_status_display()})"

class OidcKoppeling(models.Model):
    """An account that logs in through its organisation's identity provider (OpenID Connect,
    backoffice/oidc.py): found by the provider (``issuer``) and its identifier for the person
    (``sub``), never by e-mail address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_koppeling", verbose_name="gebruiker"
    )
    issuer = models.CharField("identity provider (issuer)", max_length=255)
    sub = models.CharField("kenmerk bij de identity provider (sub)", max_length=255)
    aangemaakt = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "koppeling met identity provider"
        verbose_name_plural = "koppelingen met identity providers"
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"], name="oidc_koppeling_uniek")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.sub}"

# --- the processing log (issue 9, item 3; docs/privacy.md "Verwerkingslog") ------------------------


class VerwerkingHandeling(models.TextChoices):
    RAADPLEGEN = "raadplegen", "Raadplegen"
    AANMAKEN = "aanmaken", "Aanmaken"
    WIJZIGEN = "wijzigen", "Wijzigen"
    EXPORTEREN = "exporteren", "Exporteren"
    VERWIJDEREN = "verwijderen", "Verwijderen"
    ANONIMISEREN = "anonimiseren", "Anonimiseren"


class VerwerkingDoel(models.TextChoices):
    """The coded purposes (verwerkingsactiviteiten) for which the desk processes personal data."""

    AANVRAAG_INDIENEN = "aanvraag_indienen", "Aanvraag indienen"
    AANVRAAG_BEOORDELEN = "aanvraag_beoordelen", "Aanvraag of verlenging beoordelen"
    TRAJECT_BEGELEIDEN = "traject_begeleiden", "Traject begeleiden"
    TRAJECT_FINANCIEREN = "traject_financieren", "Traject financieren (beschikking, budget, verlenging)"
    DECLAREREN = "declareren", "Declareren"
    BETALEN = "betalen", "Betalen en vorderen"
    MONITORING = "monitoring", "Werkmonitor (verantwoording)"
    SIGNALERING = "signalering", "Signalering (taken en berichten)"
    INZAGE = "inzage", "Inzage door de betrokkene (AVG art. 15)"
    TOEZICHT = "toezicht", "Toezicht op de verwerking (FG)"
    BEHEER = "beheer", "Beheer van het loket"
    BEWAARTERMIJN = "bewaartermijn", "Bewaartermijn (verwijderen of anonimiseren)"


class VerwerkingKanaal(models.TextChoices):
    API = "api", "API"
    WEB = "web", "Webpagina"
    EXPORT = "export", "Export"
    JOB = "job", "Taak (job)"


class Verwerking(models.Model):
    """One processing of one participant's personal data (in the spirit of the government's
    Logboek Dataverwerkingen): who (user, organisation and roles at that moment), when, which
    participant, what, for which purpose, through which channel and which object or route.

    The participant is referred to by its uuid and keyed BSN hash, never by the BSN and without a
    foreign key, so that the entry survives the participant's anonymisation. A row cannot be
    changed or deleted: a PostgreSQL trigger refuses UPDATE and DELETE (migration
    ``0012_verwerking``), except the log's own retention purge (``verwerkingen_opschonen``).
    Written in bulk by ``backoffice.verwerkingslog``; read by the FG only."""

    Handeling = VerwerkingHandeling
    Doel = VerwerkingDoel
    Kanaal = VerwerkingKanaal

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    op = models.DateTimeField(default=timezone.now, db_index=True)
    verzoek = models.UUIDField(help_text="Eén verzoek of taakstap: alle regels ervan delen dit kenmerk")
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # the log outlives anything: no cascade, no protect, no update
        related_name="+",
    )
    gebruikersnaam = models.CharField(max_length=150, blank=True, help_text="Leeg: het loket zelf (een taak)")
    organisatie = models.CharField(max_length=300, blank=True, help_text="De organisatie op dat moment")
    rollen = models.CharField(max_length=200, blank=True, help_text="De rollen op dat moment")
    deelnemer_uuid = models.UUIDField(db_index=True)
    bsn_hash = models.CharField(max_length=64, blank=True, db_index=True, help_text="HMAC-SHA256, nooit het BSN")
    handeling = models.CharField(max_length=12, choices=VerwerkingHandeling.choices)
    doel = models.CharField(max_length=20, choices=VerwerkingDoel.choices)
    kanaal = models.CharField(max_length=6, choices=VerwerkingKanaal.choices)
    object_type = models.CharField(max_length=30, blank=True)
    object_uuid = models.UUIDField(null=True, blank=True)
    route = models.CharField(max_length=200, blank=True, help_text="Methode en URL-patroon, of de taakstap")

    class Meta:
        verbose_name = "verwerking"
        verbose_name_plural = "verwerkingen"
        ordering = ["-op", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(handeling__in=VerwerkingHandeling.values), name="verwerking_handeling_geldig"
            ),
            models.CheckConstraint(condition=models.Q(doel__in=VerwerkingDoel.values), name="verwerking_doel_geldig"),
            models.CheckConstraint(
                condition=models.Q(kanaal__in=VerwerkingKanaal.values), name="verwerking_kanaal_geldig"
            ),
        ]
        indexes = [
            models.Index(fields=["deelnemer_uuid", "op"], name="verwerking_deelnemer_op"),
            models.Index(fields=["gebruikersnaam", "op"], name="verwerking_gebruiker_op"),
        ]

    def __str__(self) -> str:
        return f"{self.op:%Y-%m-%d %H:%M} {self.gebruikersnaam or 'loket'} {self.handeling} {self.deelnemer_uuid}"
