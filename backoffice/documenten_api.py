"""API for the generated documents (api.md: ``/documenten``; docs/documenten.md): the list of an
object's documents and the stored PDF, both scoped like the object (another organisation's object
has no documents; its document is a 404)."""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers

from . import documenten
from .api import BaseView, ListView, ModelSerializer
from .models import Document


class DocumentSerializer(ModelSerializer):
    object = serializers.UUIDField(source="object_uuid", read_only=True)
    inhoud = serializers.SerializerMethodField(help_text="De URL van de PDF (GET: application/pdf)")

    class Meta:
        model = Document
        fields = ["uuid", "soort", "object", "object_soort", "titel", "sha256", "aangemaakt_op", "inhoud"]
        read_only_fields = fields

    def get_inhoud(self, document) -> str:
        url = reverse("document-inhoud", kwargs={"uuid": document.uuid})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


@extend_schema(
    parameters=[
        OpenApiParameter(
            "object",
            OpenApiTypes.UUID,
            required=True,
            description="De uuid van de aanvraag, het traject, de vordering, de betaalopdracht of het bezwaar",
        )
    ]
)
class DocumentList(ListView):
    """The documents of one object, oldest first; an object the user may not see has none."""

    serializer_class = DocumentSerializer
    queryset = Document.objects.none()  # the schema's model; the real one follows the object

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        raw = self.request.query_params.get("object")
        if not raw:
            raise serializers.ValidationError({"object": ["Geef de uuid van het object (?object=<uuid>)."]})
        try:
            object_uuid = serializers.UUIDField().to_internal_value(raw)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"object": exc.detail}) from exc
        return documenten.documenten_van(self.request.user, object_uuid)


class DocumentInhoud(BaseView):
    """The PDF, exactly as it was stored when the decision was taken (``X-Sha256``: its hash)."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            404: None,
            410: OpenApiResponse(description="document-verwijderd: de inhoud is verwijderd (bewaartermijn)"),
        }
    )
    def get(self, request, uuid):
        document = documenten.document_voor(request.user, uuid)
        if document is None:
            raise Http404
        return documenten.pdf_response(document, documenten.pdf_van(document))
