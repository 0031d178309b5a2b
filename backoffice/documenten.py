"""Generated documents (domain.md 13, docs/documenten.md): made once, when the decision is taken,
kept unchanged with their SHA-256, listed and downloaded scoped like their object.

- :func:`document_maken` is called by the service that takes the decision, inside its
  transaction: it renders the Dutch Django template to HTML there (so the document says what the
  decision says) and stores the row; a second call for the same object, soort and ``sleutel``
  returns the existing row and makes nothing new (a retried decision).
- The PDF (WeasyPrint, ~75 ms) is rendered after the commit by a Celery task
  (``backoffice.document_renderen``: eager in the embedded default, the worker in production),
  idempotent: a document that has its PDF is never rendered again. The nightly step
  ``documenten_renderen`` renders whatever is still without PDF (a lost task), and reading the
  content of such a document renders it in the request (:func:`pdf_van`).
- Who may see a document: whoever may see its object (``registry.register_document_object``).
"""

import hashlib
import logging
import uuid as uuidlib
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import BinaryField, Case, CharField, QuerySet, Value, When
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from . import registry, verwerkingslog
from .errors import BusinessRuleError
from .models import Document, DocumentObject, DocumentSoort

logger = logging.getLogger(__name__)

_OBJECT_SOORTEN = set(DocumentObject.values)


def object_soort_van(obj) -> str:
    """The ``Document.Object`` of a model instance: its model name (Aanvraag -> ``aanvraag``), or
    the model's own ``document_object`` where the names differ (``Bezwaarschrift`` -> ``bezwaar``)."""
    soort = getattr(obj, "document_object", None) or obj._meta.model_name
    if soort not in _OBJECT_SOORTEN:
        raise ValueError(f"Geen documentobject: {soort}")
    return soort


def document_maken(
    *,
    soort: str,
    object,
    template: str,
    context: dict,
    titel: str,
    by=None,
    sleutel: str = "",
    deelnemer_uuid=None,
) -> Document:
    """Make the document ``soort`` of ``object`` (an Aanvraag, Traject, Vordering, Betaalopdracht
    or Bezwaar) from ``template`` (which extends ``documenten/basis.html``) with ``context``, once:
    the same object, soort and ``sleutel`` again returns the existing document unchanged.
    Call it inside the decision's transaction; the PDF follows after the commit.
    ``deelnemer_uuid``: the participant the document is about (the processing log and retention).
    A model whose name is not its ``Document.Object`` says which it is in ``document_object``."""
    return documenten_maken(
        [
            {
                "object": object,
                "context": context,
                "titel": titel,
                "sleutel": sleutel,
                "deelnemer_uuid": deelnemer_uuid,
            }
        ],
        soort=soort,
        template=template,
        by=by,
    )[0]


def documenten_maken(items: list[dict], *, soort: str, template: str, by=None) -> list[Document]:
    """``document_maken`` for many objects at once (the monthly run's invoices): each item has
    ``object``, ``context``, ``titel`` and optionally ``sleutel`` and ``deelnemer_uuid``. One query
    for the documents already there, one ``INSERT`` for the new ones; each is rendered from its own
    context. Returns the documents in the order of ``items``."""
    if soort not in DocumentSoort.values:
        raise ValueError(f"Onbekende documentsoort: {soort}")
    if not items:
        return []
    keys = [(item["object"].uuid, str(item.get("sleutel") or "")) for item in items]
    bestaand = {
        (d.object_uuid, d.sleutel): d
        for d in Document.objects.filter(
            object_uuid__in={k[0] for k in keys}, soort=soort, sleutel__in={k[1] for k in keys}
        )
    }
    vandaag = timezone.localdate()
    nieuw = [
        Document(
            object_uuid=item["object"].uuid,
            soort=soort,
            sleutel=key[1],
            object_soort=object_soort_van(item["object"]),
            titel=item["titel"][:200],
            html=render_to_string(
                template,
                {"titel": item["titel"], "datum": vandaag, "soort": soort, "object": item["object"], **item["context"]},
            ),
            gemaakt_door=by if getattr(by, "pk", None) else None,
            deelnemer_uuid=item.get("deelnemer_uuid"),
        )
        for item, key in zip(items, keys, strict=True)
        if key not in bestaand
    ]
    # No savepoint: the deciding service holds the lock on its object, so a twin cannot race here;
    # if one did, the unique constraint fails the whole decision, which is what it should do.
    if nieuw:
        Document.objects.bulk_create(nieuw)
        pks = [d.pk for d in nieuw]
        transaction.on_commit(lambda: [_render_later(pk) for pk in pks])
        bestaand |= {(d.object_uuid, d.sleutel): d for d in nieuw}
    return [bestaand[key] for key in keys]


def _render_later(pk: int) -> None:
    wijze = getattr(settings, "IPS_DOCUMENT_RENDEREN", "celery")
    if wijze == "uit":
        return
    if wijze == "direct" or _in_een_taak():
        renderen(pk)  # already off the request (a job step in the worker): no second task
        return
    from .tasks import document_renderen_task

    try:
        document_renderen_task.delay(pk)
    except Exception:  # the broker is away: the nightly step or the first read renders it
        logger.warning("Document %s: renderen niet in de wachtrij gezet", pk, exc_info=True)


def _in_een_taak() -> bool:
    from celery import current_task

    return bool(current_task and getattr(current_task.request, "id", None))


def html_naar_pdf(html: str) -> bytes:
    """The PDF of ``html`` (WeasyPrint; needs pango and fonts, see docs/decisions.md)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf()


def renderen(document_or_pk) -> Document | None:
    """Render the PDF of a document that has none yet and store it with its SHA-256. Idempotent:
    a document with a PDF (or whose content was removed) is left alone; two renders at once store
    one (the update is conditional)."""
    pk = getattr(document_or_pk, "pk", document_or_pk)
    document = Document.objects.filter(pk=pk).first()
    if document is None or document.pdf is not None or document.inhoud_verwijderd_op is not None:
        return document
    pdf = html_naar_pdf(document.html)
    sha = hashlib.sha256(pdf).hexdigest()
    Document.objects.filter(pk=pk, pdf__isnull=True, inhoud_verwijderd_op__isnull=True).update(
        pdf=pdf, sha256=sha, gerenderd_op=timezone.now()
    )
    return Document.objects.get(pk=pk)


def documenten_renderen(*, datum: date | None = None, limiet: int = 500, blok: int = 50) -> dict[str, int]:
    """The nightly step: render the documents still without PDF (a task lost with the broker).
    A fixed number of queries per block of ``blok`` documents: one read, one conditional update
    (a document rendered meanwhile is left as it is; the rendering is deterministic anyway)."""
    pks = list(
        Document.objects.filter(pdf__isnull=True, inhoud_verwijderd_op__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limiet]
    )
    gedaan = 0
    for start in range(0, len(pks), blok):
        rijen = list(Document.objects.filter(pk__in=pks[start : start + blok]).values_list("pk", "html"))
        pdfs = {pk: html_naar_pdf(html) for pk, html in rijen}
        gedaan += Document.objects.filter(pk__in=pdfs, pdf__isnull=True, inhoud_verwijderd_op__isnull=True).update(
            pdf=Case(*[When(pk=pk, then=Value(pdf)) for pk, pdf in pdfs.items()], output_field=BinaryField()),
            sha256=Case(
                *[When(pk=pk, then=Value(hashlib.sha256(pdf).hexdigest())) for pk, pdf in pdfs.items()],
                output_field=CharField(),
            ),
            gerenderd_op=timezone.now(),
        )
    return {"documenten_gerenderd": gedaan}


# --- reading -----------------------------------------------------------------------------------


def zichtbaar(user, document: Document) -> bool:
    return registry.document_object_zichtbaar(user, document.object_soort, document.object_uuid)


def documenten_van(user, object_uuid) -> QuerySet[Document]:
    """The documents of the object ``object_uuid`` when ``user`` may see it; otherwise none (the
    same answer as for an object that does not exist)."""
    qs = Document.objects.filter(object_uuid=object_uuid).defer("html", "pdf").order_by("aangemaakt_op", "id")
    eerste = qs.values_list("object_soort", flat=True).first()
    if eerste is None or not registry.document_object_zichtbaar(user, eerste, object_uuid):
        return Document.objects.none()
    return qs


def document_voor(user, document_uuid) -> Document | None:
    """One document by uuid when ``user`` may see its object; otherwise None (a 404)."""
    try:
        document_uuid = uuidlib.UUID(str(document_uuid))
    except ValueError:
        return None
    document = Document.objects.filter(uuid=document_uuid).defer("html", "pdf").first()
    if document is None or not zichtbaar(user, document):
        return None
    return document


def _verwijderd(document: Document) -> BusinessRuleError:
    return BusinessRuleError(
        code="document-verwijderd",
        message=f"De inhoud van dit document is op {document.inhoud_verwijderd_op:%d-%m-%Y} verwijderd: "
        "de bewaartermijn van de deelnemer is verstreken. De SHA-256 en de gegevens blijven bewaard.",
        status=410,
    )


def pdf_van(document: Document) -> bytes:
    """The stored PDF bytes, unchanged; a document not rendered yet is rendered now (idempotent).
    Reading a document about a participant is a processing of their data (the processing log).
    A document whose content the retention job removed (before or while it is read):
    ``document-verwijderd`` (410), never an empty PDF."""
    if document.inhoud_verwijderd_op is not None:
        raise _verwijderd(document)
    pdf = Document.objects.filter(pk=document.pk).values_list("pdf", flat=True).first()
    if pdf is None:
        document = renderen(document.pk) or document
        if document.inhoud_verwijderd_op is not None:
            raise _verwijderd(document)
        pdf = document.pdf
    if document.deelnemer_uuid:
        verwerkingslog.noteer_referentie(document.deelnemer_uuid)
    return bytes(pdf)


def pdf_response(document: Document, pdf: bytes) -> HttpResponse:
    """The PDF as a download, the same for the API and the web page (``X-Sha256``: its hash)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.bestandsnaam}"'
    response["Content-Length"] = str(len(pdf))
    if document.sha256:
        response["X-Sha256"] = document.sha256
    response["Cache-Control"] = "private, no-store"
    return response
