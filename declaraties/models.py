"""The money after approval: declarations and their lines, payment orders and co-financing claims
(domain.md section 8). Lines are never edited after judgement: a correction is a credit line
pointing at the approved debit line, then a new debit."""

import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from simple_history.models import HistoricalRecords

from backoffice import limieten
from backoffice.history import TaakHistorie
from backoffice.ids import uuid7
from backoffice.opmaak import datum_kort, euro, maand
from financiering.models import Aanbieder, Gemeente, Regeling
from trajecten.models import Traject

ZERO = Decimal("0.00")


def _in(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [c for c, _ in choices.choices]})


class DeclaratieBron(models.TextChoices):
    API = "api", "API (JSON)"
    WEB = "web", "Webformulier"
    CSV = "csv", "CSV-bestand"
    XLSX = "xlsx", "XLSX-bestand"


class Declaratie(models.Model):
    """One declaration message (iWmo 323 shape) for one calendar month."""

    Bron = DeclaratieBron

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanbieder = models.ForeignKey(Aanbieder, on_delete=models.PROTECT, related_name="declaraties")
    declaratie_nummer = models.CharField(max_length=20)
    periode_begin = models.DateField()
    periode_eind = models.DateField()
    inhoud_hash = models.CharField(max_length=64, help_text="Hash van de inhoud: herkent een herhaalde inzending")
    bron = models.CharField(max_length=4, choices=DeclaratieBron.choices, default=DeclaratieBron.API)
    totaal_ingediend = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    totaal_toegekend = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    ingediend_door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ingediend_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "declaraties"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["aanbieder", "declaratie_nummer"], name="declaratienummer_uniek_per_aanbieder"
            ),
            models.CheckConstraint(condition=Q(periode_eind__gte=F("periode_begin")), name="declaratie_periode"),
            models.CheckConstraint(condition=_in("bron", DeclaratieBron), name="declaratie_bron_geldig"),
        ]

    def __str__(self) -> str:
        return f"Declaratie {self.declaratie_nummer} ({self.aanbieder})"


class PrestatieStatus(models.TextChoices):
    TOEGEKEND = "toegekend", "Toegekend"
    AFGEWEZEN = "afgewezen", "Afgewezen"
    IN_BEHANDELING = "in_behandeling", "In behandeling bij UWV"


class Prestatie(models.Model):
    """One declaration line, judged wholly yes or no (iWmo 325)."""

    Status = PrestatieStatus

    # time-ordered: a declaration's lines go to the right edge of the unique index (backoffice.ids)
    uuid = models.UUIDField(default=uuid7, unique=True, editable=False)
    declaratie = models.ForeignKey(Declaratie, on_delete=models.CASCADE, related_name="prestaties")
    aanbieder = models.ForeignKey(Aanbieder, on_delete=models.PROTECT, related_name="+")
    regelnummer = models.PositiveIntegerField()
    product_referentie = models.CharField(max_length=20)
    toewijzing_nummer = models.PositiveIntegerField()
    traject = models.ForeignKey(Traject, null=True, blank=True, on_delete=models.PROTECT, related_name="prestaties")
    product_code = models.CharField(max_length=30)
    eenmalig = models.BooleanField(default=False, help_text="Eenmalig product (start, plaatsing)")
    begindatum = models.DateField()
    einddatum = models.DateField()
    geleverd_volume = models.DecimalField(max_digits=10, decimal_places=2)
    ingediend_bedrag = models.DecimalField(max_digits=10, decimal_places=2)
    debet_credit = models.CharField(max_length=1, choices=[("D", "Debet"), ("C", "Credit")], default="D")
    vorig_referentie_nummer = models.CharField(max_length=20, blank=True)
    vorige = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credits")
    status = models.CharField(max_length=15, choices=PrestatieStatus.choices)
    retourcodes = models.JSONField(default=list, blank=True)
    toegekend_bedrag = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    gecrediteerd = models.BooleanField(default=False)
    beoordeeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    beoordeeld_op = models.DateTimeField(null=True, blank=True)
    beoordeling_toelichting = models.TextField(blank=True, max_length=limieten.TOELICHTING)
    betaalopdracht = models.ForeignKey(
        "Betaalopdracht", null=True, blank=True, on_delete=models.PROTECT, related_name="prestaties"
    )
    betaald_op = models.DateField(null=True, blank=True)
    # The monthly claims run has dealt with this paid line: claimed it, or it is not on the gemeente
    # route (nothing to claim, ever). Paying a line sets it to False (and a row inserted without it
    # starts False): the run then reads only the lines paid since it last looked, through the
    # partial index ``prestatie_te_vorderen``, and still applies its whole rule to them
    # (declaraties.jobs.vorderingrun_regels, docs/performance.md "Issue 13"). Bookkeeping of the
    # run, not of the line: not in the line's history.
    vordering_verwerkt = models.BooleanField(default=False, db_default=False, editable=False)
    history = HistoricalRecords(bases=[TaakHistorie], excluded_fields=["vordering_verwerkt"])

    class Meta:
        verbose_name_plural = "prestaties"
        ordering = ["declaratie", "regelnummer"]
        constraints = [
            limieten.lengte_check("prestatie", "beoordeling_toelichting"),
            models.UniqueConstraint(
                fields=["aanbieder", "product_referentie"],
                condition=~Q(status="afgewezen"),
                name="productreferentie_uniek_per_aanbieder",
            ),
            models.UniqueConstraint(
                fields=["traject", "product_code"],
                condition=Q(eenmalig=True, debet_credit="D", gecrediteerd=False) & ~Q(status="afgewezen"),
                name="eenmalig_product_eenmaal",
            ),
            models.UniqueConstraint(
                fields=["traject", "product_code", "begindatum"],
                condition=Q(eenmalig=False, debet_credit="D", gecrediteerd=False) & ~Q(status="afgewezen"),
                name="periode_eenmaal_per_maand",
            ),
            models.UniqueConstraint(
                fields=["vorige"], condition=Q(debet_credit="C") & ~Q(status="afgewezen"), name="een_credit_per_debet"
            ),
            models.CheckConstraint(condition=Q(einddatum__gte=F("begindatum")), name="prestatie_periode"),
            models.CheckConstraint(condition=_in("status", PrestatieStatus), name="prestatie_status_geldig"),
            models.CheckConstraint(condition=Q(debet_credit__in=["D", "C"]), name="prestatie_debet_credit"),
            models.CheckConstraint(
                condition=Q(ingediend_bedrag__gte=0) & Q(toegekend_bedrag__gte=0) & Q(geleverd_volume__gte=0),
                name="prestatie_bedragen_niet_negatief",
            ),
            models.CheckConstraint(
                condition=Q(status="toegekend", toegekend_bedrag=F("ingediend_bedrag"))
                | (~Q(status="toegekend") & Q(toegekend_bedrag=0)),
                name="prestatie_geheel_ja_of_nee",
            ),
            models.CheckConstraint(
                condition=Q(betaald_op__isnull=True) | (Q(status="toegekend") & Q(betaalopdracht__isnull=False)),
                name="prestatie_alleen_toegekend_betaald",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "betaalopdracht"], name="prestatie_te_betalen"),
            # The weekly run's free lines (accepted, not in an order yet): a small index that stays
            # small however many lines were ever paid. Without it PostgreSQL scans all lines,
            # because it cannot see that status and order are correlated (docs/performance.md).
            models.Index(
                fields=["aanbieder"],
                condition=Q(status="toegekend", betaalopdracht__isnull=True),
                name="prestatie_vrij_te_betalen",
            ),
            models.Index(fields=["betaald_op"], name="prestatie_betaald_op"),
            # The monthly run's new work: paid lines it has not dealt with yet (see vordering_verwerkt).
            models.Index(
                fields=["betaald_op"],
                condition=Q(betaald_op__isnull=False, vordering_verwerkt=False),
                name="prestatie_te_vorderen",
            ),
            # The werkbak (issue 13): the few lines waiting for UWV, in their order, and a provider's
            # rejected lines, without reading the millions of judged ones.
            models.Index(
                fields=["begindatum", "id"], condition=Q(status="in_behandeling"), name="prestatie_in_behandeling"
            ),
            models.Index(fields=["aanbieder"], condition=Q(status="afgewezen"), name="prestatie_afgewezen"),
        ]

    def __str__(self) -> str:
        return f"{self.product_referentie} ({self.get_status_display()})"

    @property
    def teken(self) -> int:
        return -1 if self.debet_credit == "C" else 1


class BetaalopdrachtStatus(models.TextChoices):
    TE_ACCORDEREN = "te_accorderen", "Te accorderen"
    GEACCORDEERD = "geaccordeerd", "Geaccordeerd, klaar voor de bank"
    BETAALD = "betaald", "Betaald (bevestigd door de bank)"


class Betaalopdracht(models.Model):
    """A weekly payment order: the accepted, unpaid lines of one provider."""

    Status = BetaalopdrachtStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanbieder = models.ForeignKey(Aanbieder, on_delete=models.PROTECT, related_name="betaalopdrachten")
    datum = models.DateField(help_text="De dag van de wekelijkse run")
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    aantal_regels = models.PositiveIntegerField()
    iban = models.CharField(max_length=34)
    status = models.CharField(
        max_length=15, choices=BetaalopdrachtStatus.choices, default=BetaalopdrachtStatus.TE_ACCORDEREN
    )
    akkoorden_nodig = models.PositiveSmallIntegerField(default=1)
    eerste_akkoord_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    eerste_akkoord_op = models.DateTimeField(null=True, blank=True)
    tweede_akkoord_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tweede_akkoord_op = models.DateTimeField(null=True, blank=True)
    bevestigd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uitgevoerd_op = models.DateField(null=True, blank=True, help_text="Uitvoeringsdatum volgens de bank")
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[TaakHistorie])

    class Meta:
        verbose_name_plural = "betaalopdrachten"
        ordering = ["-datum", "aanbieder", "id"]
        constraints = [
            models.UniqueConstraint(fields=["aanbieder", "datum"], name="een_betaalopdracht_per_aanbieder_per_run"),
            models.CheckConstraint(condition=Q(bedrag__gt=0), name="betaalopdracht_positief"),
            models.CheckConstraint(condition=_in("status", BetaalopdrachtStatus), name="betaalopdracht_status_geldig"),
            models.CheckConstraint(condition=Q(akkoorden_nodig__in=[1, 2]), name="betaalopdracht_akkoorden"),
            models.CheckConstraint(
                condition=Q(tweede_akkoord_door__isnull=True) | ~Q(tweede_akkoord_door=F("eerste_akkoord_door")),
                name="betaalopdracht_vier_ogen",
            ),
            models.CheckConstraint(
                condition=~Q(status="betaald") | Q(uitgevoerd_op__isnull=False), name="betaalopdracht_betaald_met_datum"
            ),
        ]

    def __str__(self) -> str:
        return f"Betaalopdracht {self.aanbieder} {datum_kort(self.datum)}: {euro(self.bedrag)}"


class VorderingStatus(models.TextChoices):
    CONCEPT = "concept", "Concept"
    VERZONDEN = "verzonden", "Verzonden"
    DEELS_BETAALD = "deels_betaald", "Deels betaald"
    BETAALD = "betaald", "Betaald"
    BETWIST = "betwist", "Betwist"


class Vordering(models.Model):
    """UWV's monthly co-financing claim on one gemeente: its share of what UWV paid that month."""

    Status = VorderingStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gemeente = models.ForeignKey(Gemeente, on_delete=models.PROTECT, related_name="vorderingen")
    periode = models.DateField(help_text="Eerste dag van de maand waarin UWV betaalde")
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    ontvangen = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    status = models.CharField(max_length=15, choices=VorderingStatus.choices, default=VorderingStatus.CONCEPT)
    verzonden_op = models.DateField(null=True, blank=True)
    vervaldatum = models.DateField(null=True, blank=True)
    # The claim is an invoice to the gemeente (domain.md 13): numbered when it is sent, one
    # sequence per calendar year of the invoice date (services.vorderingen.factuurnummer_uitgeven).
    factuurnummer = models.CharField(max_length=20, null=True, blank=True, unique=True, editable=False)
    factuurdatum = models.DateField(null=True, blank=True, editable=False)
    herinnerd_op = models.DateField(null=True, blank=True)
    aantal_herinneringen = models.PositiveSmallIntegerField(default=0)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[TaakHistorie])

    class Meta:
        verbose_name_plural = "vorderingen"
        ordering = ["-periode", "gemeente"]
        constraints = [
            models.UniqueConstraint(fields=["gemeente", "periode"], name="een_vordering_per_gemeente_per_maand"),
            models.CheckConstraint(condition=Q(ontvangen__gte=0), name="vordering_ontvangen_niet_negatief"),
            models.CheckConstraint(condition=_in("status", VorderingStatus), name="vordering_status_geldig"),
            models.CheckConstraint(
                condition=Q(status="concept") | Q(vervaldatum__isnull=False), name="vordering_verzonden_met_vervaldatum"
            ),
            models.CheckConstraint(
                condition=Q(status="concept", factuurnummer__isnull=True, factuurdatum__isnull=True)
                | (~Q(status="concept") & Q(factuurnummer__isnull=False, factuurdatum__isnull=False)),
                name="vordering_verzonden_met_factuurnummer",
            ),
            models.CheckConstraint(
                condition=Q(factuurnummer__isnull=True) | Q(factuurnummer__regex=r"^IPS-[0-9]{4}-[0-9]{6}$"),
                name="vordering_factuurnummer_vorm",
            ),
        ]

    def __str__(self) -> str:
        return f"Vordering {self.gemeente} {maand(self.periode)}: {euro(self.bedrag)}"

    @property
    def openstaand(self) -> Decimal:
        return self.bedrag - self.ontvangen


class VorderingRegel(models.Model):
    """One line per paid declaration line: the gemeente's share of it."""

    class Bezwaar(models.TextChoices):
        GEEN = "geen", "Geen"
        INGEDIEND = "ingediend", "Bezwaar ingediend"
        TOEGEWEZEN = "toegewezen", "Bezwaar toegewezen (regel vervalt)"
        AFGEWEZEN = "afgewezen", "Bezwaar afgewezen (regel blijft)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vordering = models.ForeignKey(Vordering, on_delete=models.CASCADE, related_name="regels")
    prestatie = models.OneToOneField(Prestatie, on_delete=models.PROTECT, related_name="vorderingregel")
    regeling = models.ForeignKey(Regeling, on_delete=models.PROTECT, related_name="+")
    aandeel = models.DecimalField(max_digits=3, decimal_places=2)
    bedrag = models.DecimalField(max_digits=10, decimal_places=2, help_text="Negatief voor een creditregel")
    bezwaar = models.CharField(max_length=10, default="geen")
    bezwaar_toelichting = models.TextField(blank=True, max_length=limieten.TOELICHTING)
    bezwaar_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bezwaar_op = models.DateTimeField(null=True, blank=True)
    bezwaar_besluit_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bezwaar_besluit_op = models.DateTimeField(null=True, blank=True)
    bezwaar_besluit_toelichting = models.TextField(blank=True, max_length=limieten.TOELICHTING)

    class Meta:
        verbose_name = "vorderingsregel"
        verbose_name_plural = "vorderingsregels"
        ordering = ["vordering", "id"]
        constraints = [
            limieten.lengte_check("vorderingregel", "bezwaar_toelichting"),
            limieten.lengte_check("vorderingregel", "bezwaar_besluit_toelichting"),
            models.CheckConstraint(
                condition=Q(bezwaar__in=["geen", "ingediend", "toegewezen", "afgewezen"]),
                name="vorderingregel_bezwaar_geldig",
            ),
            models.CheckConstraint(
                condition=Q(bezwaar="geen") | ~Q(bezwaar_toelichting=""), name="bezwaar_met_toelichting"
            ),
        ]
        # The werkbak of UWV financieel: the disputed lines, oldest first, among millions.
        indexes = [
            models.Index(
                fields=["bezwaar_op", "id"], condition=Q(bezwaar="ingediend"), name="vorderingregel_bezwaar_open"
            )
        ]


class Ontvangst(models.Model):
    """Money received from a gemeente on a claim, registered by UWV financieel."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vordering = models.ForeignKey(Vordering, on_delete=models.PROTECT, related_name="ontvangsten")
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    datum = models.DateField()
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "ontvangsten"
        ordering = ["vordering", "datum", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(bedrag__gt=0), name="ontvangst_positief"),
            # Not after the day it was registered (Amsterdam time); "not before the claim was
            # sent" spans two tables and is rules.ontvangst_datum_fout.
            models.CheckConstraint(
                condition=Q(datum__lte=TruncDate("op", tzinfo=ZoneInfo("Europe/Amsterdam"))),
                name="ontvangst_niet_na_registratie",
            ),
        ]
