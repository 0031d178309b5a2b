"""Participants (domain.md 4) and the choices that describe them."""

import uuid

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from backoffice import crypto, limieten, verwerkingslog
from backoffice.history import TaakHistorie
from financiering.models import Aanbieder, Doelgroep, Gemeente

from ._gedeeld import _in


class Uitkering(models.TextChoices):
    WGA_35_80 = "wga_35_80", "WIA: WGA 35-80"
    WGA_80_100 = "wga_80_100", "WIA: WGA 80-100"
    IVA = "iva", "WIA: IVA"
    WAO = "wao", "WAO"
    WAJONG_OUD = "wajong_oud", "Wajong oude wet (vóór 2010)"
    WAJONG_NIEUW = "wajong_nieuw", "Wajong nieuw (nWajong: Wajong 2010, 2015 en 2021)"
    WAO_DIENSTVERLENING = "wao_dienstverlening", "WAO-dienstverlening"
    ZIEKTEWET = "ziektewet", "Ziektewet"
    WW = "ww", "WW"
    PARTICIPATIEWET = "participatiewet", "Participatiewet (bijstand)"
    IOAW = "ioaw", "IOAW"
    IOAZ = "ioaz", "IOAZ"
    NUG = "nug", "Niet-uitkeringsgerechtigde werkzoekende"


class Diagnosegroep(models.TextChoices):
    STEMMING = "stemming", "Stemmingsstoornis"
    ANGST = "angst", "Angststoornis"
    PSYCHOTISCH = "psychotisch", "Psychotische stoornis"
    PERSOONLIJKHEID = "persoonlijkheid", "Persoonlijkheidsstoornis"
    TRAUMA = "trauma", "Trauma- en stressorgerelateerd"
    VERSLAVING = "verslaving", "Verslaving"
    ONTWIKKELING = "ontwikkeling", "Neurobiologische ontwikkelingsstoornis"
    OVERIG = "overig", "Overig"
    ONBEKEND = "onbekend", "Onbekend"


class Opleiding(models.TextChoices):
    GEEN = "geen", "Geen of basisonderwijs"
    VMBO = "vmbo", "Vmbo / mbo-1"
    MBO = "mbo", "Mbo 2-4"
    HAVO_VWO = "havo_vwo", "Havo / vwo"
    HBO = "hbo", "Hbo"
    WO = "wo", "Wo"
    ONBEKEND = "onbekend", "Onbekend"


class Geslacht(models.TextChoices):
    MAN = "man", "Man"
    VROUW = "vrouw", "Vrouw"
    ANDERS = "anders", "Anders"
    ONBEKEND = "onbekend", "Onbekend"


class BurgerlijkeStaat(models.TextChoices):
    ALLEENSTAAND = "alleenstaand", "Alleenstaand"
    SAMENWONEND = "samenwonend", "Gehuwd of samenwonend"
    GESCHEIDEN = "gescheiden", "Gescheiden"
    WEDUWE = "weduwe", "Weduwe/weduwnaar"
    ONBEKEND = "onbekend", "Onbekend"


class Deelnemer(models.Model):
    """A participant as registered by one provider. The BSN is encrypted; ``bsn_hash`` (a keyed
    hash) finds it and keeps the one-trajectory rule across providers without decrypting."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanbieder = models.ForeignKey(Aanbieder, on_delete=models.PROTECT, related_name="deelnemers")
    bsn_versleuteld = models.TextField(editable=False)
    bsn_hash = models.CharField(max_length=64, editable=False, db_index=True)
    voorletters = models.CharField(max_length=20)
    achternaam = models.CharField(max_length=limieten.NAAM)
    geboortedatum = models.DateField()
    gemeente = models.ForeignKey(Gemeente, on_delete=models.PROTECT, related_name="deelnemers")
    uitkering = models.CharField(max_length=20, choices=Uitkering.choices)
    doelgroep = models.CharField(max_length=3, choices=Doelgroep.choices)
    hoofddiagnosegroep = models.CharField(max_length=20, choices=Diagnosegroep.choices, default=Diagnosegroep.ONBEKEND)
    opleiding = models.CharField(max_length=10, choices=Opleiding.choices, default=Opleiding.ONBEKEND)
    werkervaring_jaren = models.PositiveSmallIntegerField(null=True, blank=True)
    geslacht = models.CharField(max_length=10, choices=Geslacht.choices, default=Geslacht.ONBEKEND)
    burgerlijke_staat = models.CharField(
        max_length=15, choices=BurgerlijkeStaat.choices, default=BurgerlijkeStaat.ONBEKEND
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    geanonimiseerd_op = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="De dag waarop de bewaartermijn verliep en de persoonsgegevens zijn geanonimiseerd",
    )
    history = HistoricalRecords(excluded_fields=["bsn_versleuteld", "bsn_hash"], bases=[TaakHistorie])

    class Meta:
        verbose_name_plural = "deelnemers"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["aanbieder", "bsn_hash"], name="deelnemer_uniek_per_aanbieder"),
            models.CheckConstraint(condition=_in("uitkering", Uitkering), name="deelnemer_uitkering_geldig"),
            models.CheckConstraint(condition=_in("doelgroep", Doelgroep), name="deelnemer_doelgroep_geldig"),
            models.CheckConstraint(
                condition=Q(werkervaring_jaren__isnull=True) | Q(werkervaring_jaren__lte=60),
                name="deelnemer_werkervaring",
            ),
        ]

    def __str__(self) -> str:
        if self.geanonimiseerd_op:
            return f"Geanonimiseerde deelnemer {self.uuid}"
        return f"{self.voorletters} {self.achternaam} ({self.bsn_gemaskeerd})"

    @classmethod
    def from_db(cls, db, field_names, values):
        """Every participant loaded while a request or a job step runs goes into the processing
        log (backoffice/verwerkingslog.py): whatever the path, no read of personal data is missed."""
        instance = super().from_db(db, field_names, values)
        verwerkingslog.noteer(instance)
        return instance

    @property
    def bsn(self) -> str:
        # Historical versions leave the encrypted field out: nothing to decrypt there.
        return crypto.decrypt(self.bsn_versleuteld) if self.bsn_versleuteld else ""

    @property
    def bsn_gemaskeerd(self) -> str:
        return crypto.mask_bsn(self.bsn)
