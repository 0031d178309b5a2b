"""REST plumbing named in settings: problem+json errors, pagination with Link headers, the
API-Version header, and the 404 for paths that do not exist."""

import logging
import re
import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, DataError, IntegrityError
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import set_rollback

from .errors import BusinessRuleError

try:  # the cache, the login throttle and the Celery broker live in Redis
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError)
except ImportError:  # pragma: no cover
    REDIS_ERRORS = ()

RETRY_AFTER = "30"  # seconds; on a 503 because PostgreSQL or Redis does not answer

logger = logging.getLogger(__name__)

PROBLEM = "application/problem+json"

# Stable codes and Dutch titles for the errors DRF raises itself.
_DRF_CODES = {
    exceptions.NotAuthenticated: ("niet-ingelogd", "Niet ingelogd"),
    exceptions.AuthenticationFailed: ("niet-ingelogd", "Niet ingelogd"),
    exceptions.PermissionDenied: ("geen-toegang", "Geen toegang"),
    exceptions.NotFound: ("niet-gevonden", "Niet gevonden"),
    exceptions.MethodNotAllowed: ("methode-niet-toegestaan", "Methode niet toegestaan"),
    exceptions.NotAcceptable: ("niet-acceptabel", "Formaat niet beschikbaar"),
    exceptions.UnsupportedMediaType: ("formaat-niet-ondersteund", "Formaat niet ondersteund"),
    exceptions.Throttled: ("te-veel-verzoeken", "Te veel verzoeken"),
    exceptions.ParseError: ("ongeldige-invoer", "Ongeldige invoer"),
}


def te_groot_melding() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = f"{limit / 1_048_576:.1f}".replace(".", ",").removesuffix(",0")
    return f"Het verzoek is te groot: de inhoud mag hoogstens {size} MB zijn (zonder bijgevoegde bestanden)."


def _camel(name: str) -> str:
    return re.sub(camelize_re, underscore_to_camel, name) if "_" in name else name


def _flatten(detail, prefix: str = "") -> list[dict]:
    """All field errors of a (nested) serializer at once, as invalidParams."""
    out: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = _camel(str(key))
            if name == "nonFieldErrors":
                name = prefix or "nonFieldErrors"
            else:
                name = f"{prefix}.{name}" if prefix else name
            out.extend(_flatten(value, name))
    elif isinstance(detail, list):
        if all(isinstance(item, (str, exceptions.ErrorDetail)) for item in detail):
            for item in detail:
                out.append({"name": prefix, "code": getattr(item, "code", "invalid"), "reason": str(item)})
        else:
            for index, item in enumerate(detail):
                if item:
                    out.extend(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out.append({"name": prefix, "code": getattr(detail, "code", "invalid"), "reason": str(detail)})
    return out


def problem(status: int, code: str, title: str, detail: str, **extra) -> Response:
    body = {"type": f"urn:ips-loket:problem:{code}", "status": status, "title": title, "detail": detail, "code": code}
    body.update(extra)
    return Response(body, status=status, content_type=PROBLEM)


OUTAGES = {
    "database-onbereikbaar": "De database antwoordt niet; er is niets opgeslagen. Probeer het later opnieuw.",
    "cache-onbereikbaar": "Een interne dienst (Redis) antwoordt niet; er is niets opgeslagen. Probeer het later opnieuw.",
}


def outage_code(exc) -> str | None:
    """The code of an outage (PostgreSQL or Redis does not answer), or None: bad input that reached
    the database (DataError) and a constraint that held (IntegrityError) are not outages."""
    if isinstance(exc, DatabaseError) and not isinstance(exc, DataError | IntegrityError):
        return "database-onbereikbaar"
    if REDIS_ERRORS and isinstance(exc, REDIS_ERRORS):
        return "cache-onbereikbaar"
    return None


def exception_handler(exc, context):
    """Turn every exception into an RFC 9457 problem; never a bare 500. In the browsable API the
    problem is shown in its HTML page (with ``application/problem+json`` a browser showed the page's
    source as text, for example after logging out there)."""
    response = _problem_for(exc)
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.format == "api":
        response.content_type = None
    return response


def _problem_for(exc) -> Response:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Het gevraagde object bestaat niet of is niet van uw organisatie.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, RequestDataTooBig):
        return problem(413, "te-groot", "Verzoek te groot", te_groot_melding())
    if isinstance(exc, SuspiciousOperation):  # too many fields, a broken multipart body
        logger.warning("Verdacht verzoek geweigerd: %s", type(exc).__name__)
        return problem(400, "ongeldige-invoer", "Ongeldige invoer", "Het verzoek is niet goed opgebouwd.")

    if isinstance(exc, BusinessRuleError):
        set_rollback()
        extra = {}
        if exc.field:
            extra["invalidParams"] = [{"name": _camel(exc.field), "code": exc.code, "reason": exc.message}]
        if exc.rules:
            extra["regels"] = exc.rules
        title = {400: "Ongeldige invoer", 403: "Geen toegang", 429: "Te veel verzoeken"}.get(
            exc.status, "Bedrijfsregel niet voldaan"
        )
        response = problem(exc.status, exc.code, title, exc.message, **extra)
        if exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response

    if isinstance(exc, serializers.ValidationError):
        params = _flatten(exc.detail)
        return problem(
            400,
            "ongeldige-invoer",
            "Ongeldige invoer",
            "Een of meer velden zijn niet goed ingevuld.",
            invalidParams=params,
        )

    if isinstance(exc, exceptions.APIException):
        code, title = next(
            ((c, t) for cls, (c, t) in _DRF_CODES.items() if isinstance(exc, cls)),
            ("fout", "Fout"),
        )
        response = problem(exc.status_code, code, title, str(exc.detail))
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        if getattr(exc, "auth_header", None):
            response["WWW-Authenticate"] = exc.auth_header
        return response

    if isinstance(exc, IntegrityError):
        # The database constraint is the last line of defence (for example two requests racing
        # for the same place); the rule held, so this is a conflict, not a crash.
        set_rollback()
        logger.warning("Integriteitsregel van de database hield een wijziging tegen: %s", type(exc).__name__)
        return problem(
            409,
            "conflict",
            "Conflict",
            "De wijziging botst met een andere wijziging of met een regel van het loket; probeer het opnieuw.",
        )
    if isinstance(exc, DataError):
        # The input reached the database but does not fit (a NUL character in a lookup, a number
        # beyond a column): bad input, not an outage. Found by fuzzing: it was a 503.
        set_rollback()
        logger.warning("Databasewaarde geweigerd: %s", type(exc).__name__)
        return problem(
            400,
            "ongeldige-invoer",
            "Ongeldige invoer",
            "Een waarde past niet (bijvoorbeeld een NUL-teken of een te groot getal).",
            invalidParams=[],
        )
    code = outage_code(exc)
    if code:
        set_rollback()
        logger.error("Storing (%s): %s", code, type(exc).__name__)
        response = problem(503, code, "Tijdelijk niet beschikbaar", OUTAGES[code])
        response["Retry-After"] = RETRY_AFTER
        return response

    logger.exception("Onverwachte fout in de API")
    set_rollback()
    return problem(500, "interne-fout", "Interne fout", "Er ging iets mis aan onze kant; de fout is gelogd.")


class Pagination(PageNumberPagination):
    page_size = 50
    page_query_param = "page"
    page_size_query_param = "pageSize"
    max_page_size = 500
    invalid_page_message = "Deze pagina bestaat niet."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise serializers.ValidationError(
                {"pageSize": [f"pageSize moet een geheel getal van 1 tot en met {self.max_page_size} zijn."]}
            )
        return size

    def _link(self, number: int) -> str:
        url = self.request.build_absolute_uri()
        return (
            remove_query_param(url, self.page_query_param)
            if number == 1
            else replace_query_param(url, self.page_query_param, number)
        )

    def get_paginated_response(self, data):
        page = self.page
        last = page.paginator.num_pages
        links = [f'<{self._link(1)}>; rel="first"']
        if page.has_previous():
            links.append(f'<{self._link(page.previous_page_number())}>; rel="prev"')
        if page.has_next():
            links.append(f'<{self._link(page.next_page_number())}>; rel="next"')
        links.append(f'<{self._link(last)}>; rel="last"')
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "pageSize": page.paginator.per_page,
                "results": data,
            },
            headers={"Link": ", ".join(links)},
        )

    def get_schema_operation_parameters(self, view):
        """The bounds the code enforces, in the document too (found by fuzzing: ``pageSize=0`` was
        schema-valid but refused)."""
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Paginanummer, vanaf 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Aantal per pagina, 1 tot en met {self.max_page_size} (standaard {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer"},
                "page": {"type": "integer"},
                "pageSize": {"type": "integer"},
                "results": schema,
            },
        }


class ApiVersionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.API_VERSION
        return response


def api_not_found(request, exception=None):
    """404 for unknown API paths (also a trailing slash) as problem+json; HTML elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "urn:ips-loket:problem:niet-gevonden",
                "status": 404,
                "title": "Niet gevonden",
                "detail": "Dit pad bestaat niet. Paden in de API eindigen niet op een schuine streep.",
                "code": "niet-gevonden",
            },
            status=404,
            content_type=PROBLEM,
        )
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def bad_request(request, exception=None):
    """A request Django refused before a view (``SuspiciousOperation``): a body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 (code ``te-groot``), anything else a 400; problem+json
    in the API, a Dutch page elsewhere."""
    if isinstance(exception, RequestDataTooBig):
        status, code, title, detail = 413, "te-groot", "Verzoek te groot", te_groot_melding()
    else:
        status, code, title = 400, "ongeldige-invoer", "Ongeldige invoer"
        detail = "Het verzoek is niet goed opgebouwd."
    if request.path.startswith("/api/"):
        body = {"type": f"urn:ips-loket:problem:{code}", "status": status, "title": title, "detail": detail}
        return JsonResponse({**body, "code": code}, status=status, content_type=PROBLEM)
    return HttpResponse(render_to_string(f"{status}.html", {"detail": detail}), status=status)


def api_server_error(request):
    """An error no view handled (also one in a middleware, such as the session or the login throttle
    reaching for a database or Redis that is away): 503 with Retry-After for an outage, else 500;
    problem+json in the API, a Dutch page elsewhere. The page is rendered without the request's
    context, so it needs neither the database nor Redis."""
    code = outage_code(sys.exc_info()[1])
    if request.path.startswith("/api/"):
        body = (
            {"status": 503, "title": "Tijdelijk niet beschikbaar", "detail": OUTAGES[code], "code": code}
            if code
            else {
                "status": 500,
                "title": "Interne fout",
                "detail": "Er ging iets mis aan onze kant.",
                "code": "interne-fout",
            }
        )
        response = JsonResponse(body, status=body["status"], content_type=PROBLEM)
    else:
        response = HttpResponse(render_to_string("storing.html" if code else "500.html"), status=503 if code else 500)
    if code:
        response["Retry-After"] = RETRY_AFTER
    return response


class FoutpaginaMiddleware:
    """Dutch error pages in every mode. With ``DEBUG`` (the default of ``make run``) Django answers an
    unknown path or an ``Http404`` with its English debug page listing every URL pattern, and an
    error with a traceback page; this middleware answers them as in production: the Dutch 404 page
    (problem+json under ``/api/``) and the Dutch 500/503 page, the traceback in the console log.
    ``IPS_DEBUG_FOUTPAGINAS=1`` keeps Django's debug pages for a developer who wants them.
    Without ``DEBUG`` it does nothing: Django's handlers (``handler404``/``handler500``) answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _actief() -> bool:
        return settings.DEBUG and not getattr(settings, "IPS_DEBUG_FOUTPAGINAS", False)

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and self._actief()
            and response.get("Content-Type", "").startswith("text/html")
            and getattr(response, "_ips_foutpagina", False) is False
        ):
            response = api_not_found(request)
            response._ips_foutpagina = True
        elif response.status_code == 400 and self._actief() and self._debugpagina(response):
            # A SuspiciousOperation raised before the view (too many fields, a bad Host): with DEBUG
            # Django answers with its English technical page; our own 400 pages are Dutch (lang="nl").
            response = bad_request(request)
        return response

    @staticmethod
    def _debugpagina(response) -> bool:
        return (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and b'<html lang="en">' in response.content[:200]
        )

    def process_exception(self, request, exception):
        if not self._actief() or isinstance(exception, (Http404, DjangoPermissionDenied, SuspiciousOperation)):
            return None  # Django's own handling: the 404 above, handler403, handler400
        logger.error("Fout bij %s %s", request.method, request.path, exc_info=exception)
        return api_server_error(request)
