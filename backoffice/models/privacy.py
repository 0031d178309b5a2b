"""What the desk records about the reading of personal data: BSN look-ups and the processing log
(issue 9, item 3; docs/privacy.md "Verwerkingslog")."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


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
