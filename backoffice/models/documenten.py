"""Generated documents (domain.md 13, docs/documenten.md): the beschikking, a refusal, UWV's
decision, the stop notice, the end report, the final settlement, the invoice, the payment
specification, the objection documents. Each is made ONCE, when its decision is taken
(``backoffice.documenten.document_maken``), and never changed afterwards: the HTML is fixed in
the decision's transaction, the PDF is rendered from it once and its SHA-256 kept. Only the
retention job blanks the content of a document that names an anonymised participant (the hash
and the metadata stay)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class DocumentSoort(models.TextChoices):
    BESCHIKKING = "beschikking", "Beschikking (toekenning)"
    AFWIJZING = "afwijzing", "Afwijzing"
    UWV_BESLUIT = "uwv_besluit", "Besluit UWV"
    VERLENGING_BESLUIT = "verlenging_besluit", "Besluit op verlenging"
    STOPBERICHT_DEEL1 = "stopbericht_deel1", "Stopbericht deel 1"
    STOPBERICHT_DEEL2 = "stopbericht_deel2", "Stopbericht deel 2"
    EINDVERSLAG = "eindverslag", "Beëindigingsverslag"
    VASTSTELLINGSBESCHIKKING = "vaststellingsbeschikking", "Vaststellingsbeschikking"
    FACTUUR = "factuur", "Factuur (vordering cofinanciering)"
    BETAALSPECIFICATIE = "betaalspecificatie", "Betaalspecificatie"
    BEZWAAR_ONTVANGST = "bezwaar_ontvangst", "Ontvangstbevestiging bezwaar"
    BESLISSING_OP_BEZWAAR = "beslissing_op_bezwaar", "Beslissing op bezwaar"
    HERROEPING = "herroeping", "Herroeping"


class DocumentObject(models.TextChoices):
    """What a document belongs to; each app registers who may see its objects
    (``backoffice.registry.register_document_object``)."""

    AANVRAAG = "aanvraag", "Aanvraag"
    TRAJECT = "traject", "Traject"
    VORDERING = "vordering", "Vordering"
    BETAALOPDRACHT = "betaalopdracht", "Betaalopdracht"
    BEZWAAR = "bezwaar", "Bezwaar"


class Document(models.Model):
    Soort = DocumentSoort
    Object = DocumentObject

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    soort = models.CharField(max_length=30, choices=DocumentSoort.choices)
    object_soort = models.CharField(max_length=20, choices=DocumentObject.choices)
    object_uuid = models.UUIDField(db_index=True)
    sleutel = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="Onderscheidt documenten van dezelfde soort bij één object (bijv. het besluit of de verlenging).",
    )
    titel = models.CharField(max_length=200)
    html = models.TextField(help_text="De HTML zoals die bij het besluit werd vastgelegd.")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, default="", help_text="SHA-256 van de PDF.")
    deelnemer_uuid = models.UUIDField(
        null=True,
        blank=True,
        db_index=True,
        help_text="De deelnemer over wie het document gaat: lezen is een verwerking (verwerkingslog); "
        "de bewaartermijn leegt de inhoud na anonimisering.",
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    gerenderd_op = models.DateTimeField(null=True, blank=True)
    gemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inhoud_verwijderd_op = models.DateField(
        null=True, blank=True, help_text="De inhoud is geleegd omdat de deelnemer is geanonimiseerd."
    )

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documenten"
        ordering = ["aangemaakt_op", "id"]
        constraints = [
            models.UniqueConstraint(fields=["object_uuid", "soort", "sleutel"], name="document_een_keer"),
            models.CheckConstraint(condition=Q(soort__in=DocumentSoort.values), name="document_soort_geldig"),
            models.CheckConstraint(
                condition=Q(object_soort__in=DocumentObject.values), name="document_object_soort_geldig"
            ),
            models.CheckConstraint(
                condition=Q(pdf__isnull=True) | ~Q(sha256="") | Q(inhoud_verwijderd_op__isnull=False),
                name="document_pdf_met_hash",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titel} ({timezone.localtime(self.aangemaakt_op):%d-%m-%Y})" if self.aangemaakt_op else self.titel

    def save(self, *args, **kwargs):
        """Only the first save: a document is never changed afterwards (the PDF is set once by a
        conditional ``update`` in ``backoffice.documenten.renderen``, the retention job blanks it
        set-based)."""
        if self.pk is not None and not self._state.adding:
            raise ValueError("Een document wordt nooit gewijzigd (docs/documenten.md).")
        super().save(*args, **kwargs)

    @property
    def bestandsnaam(self) -> str:
        """A Dutch file name: ``beschikking-2026-12-01-1a2b3c4d.pdf``, the day made in Europe/Amsterdam."""
        datum = timezone.localtime(self.aangemaakt_op).date().isoformat() if self.aangemaakt_op else ""
        return f"{self.soort.replace('_', '-')}-{datum}-{str(self.uuid)[:8]}.pdf"
