"""The web download of a generated document (the "Documenten" block, ``{% documenten object %}``):
session-authenticated, scoped like its object, the same bytes as the API."""

from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from . import documenten
from .errors import BusinessRuleError


@require_GET
def document_inhoud(request, uuid):
    document = documenten.document_voor(request.user, uuid)
    if document is None:
        raise Http404
    try:
        pdf = documenten.pdf_van(document)
    except BusinessRuleError as exc:  # the content was removed (retention)
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    return documenten.pdf_response(document, pdf)


web_urlpatterns = [
    path("documenten/<uuid:uuid>/document.pdf", document_inhoud, name="web-document-inhoud"),
]
