"""Security headers on every response (docs/security.md).

- ``Content-Security-Policy`` comes from Django's own ``ContentSecurityPolicyMiddleware`` with
  ``SECURE_CSP`` (settings.py): only this origin, no inline script or style, no frames
  (``frame-ancestors 'none'``), forms only to this origin. Third-party pages that carry inline
  styles (the Django admin, the browsable API, Swagger UI) get ``style-src 'unsafe-inline'`` added;
  scripts stay ``'self'`` everywhere (Swagger UI gets its script from a separate URL).
- ``Cache-Control: no-store`` (:class:`NoStoreMiddleware`) on every response that may carry personal
  data: every API answer and every page, except static files (which have no personal data and are
  served before this middleware by WhiteNoise in production).
- No BSN in a URL (:class:`BsnInUrlMiddleware`): 400 in the API, dropped on a page.
"""

import re

from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.csp import CSP

# Pages of third-party packages with inline style attributes or <style> blocks.
INLINE_STYLE_PREFIXES = ("/admin/", "/api-auth/", "/api/v1/docs")


class NoStoreMiddleware:
    """Every response that may carry personal data is never stored by a browser or proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        static = "/" + settings.STATIC_URL.lstrip("/")
        if not request.path.startswith(static):
            add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private
        if request.path.startswith(INLINE_STYLE_PREFIXES) or _browsable_api(request, response):
            policy = dict(settings.SECURE_CSP)
            policy["style-src"] = [*policy.get("style-src", [CSP.SELF]), CSP.UNSAFE_INLINE]
            response._csp_config = policy
        return response


def _browsable_api(request, response) -> bool:
    return request.path.startswith("/api/") and response.get("Content-Type", "").startswith("text/html")


# A query parameter named like a BSN: bsn, bsnHash, deelnemerBsn, burgerservicenummer, sofinummer ...
BSN_PARAMETER = re.compile(r"bsn|burgerservicenummer|sofi", re.IGNORECASE)


class BsnInUrlMiddleware:
    """A BSN never travels in a URL (api.md): a URL lands in access logs, proxies and the browser's
    history. In the API a query parameter named like a BSN answers 400 ``bsn-in-url`` before any
    view, filter or list sees it (the list was answered unfiltered before, issue 9). On a web page
    the parameter is dropped (from ``request.GET`` and the query string) so that no page can echo
    it, for example into a pagination link. The value is never repeated in an answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        names = [name for name in request.GET if BSN_PARAMETER.search(name)]
        if names:
            if request.path.startswith("/api/"):
                return _bsn_in_url_problem(names)
            cleaned = request.GET.copy()
            for name in names:
                del cleaned[name]
            cleaned._mutable = False
            request.GET = cleaned
            request.META["QUERY_STRING"] = cleaned.urlencode()
        return self.get_response(request)


def _bsn_in_url_problem(names: list[str]) -> JsonResponse:
    reason = "Een BSN hoort nooit in een URL of querystring; stuur het in de body van een POST."
    return JsonResponse(
        {
            "type": "urn:ips-loket:problem:bsn-in-url",
            "status": 400,
            "title": "Ongeldige invoer",
            "detail": "Een BSN hoort nooit in een URL (die komt in logbestanden en de browsergeschiedenis). "
            "Zoek een deelnemer met POST /api/v1/deelnemers/_zoek en het BSN in de body.",
            "code": "bsn-in-url",
            # the parameter's name, with any digits masked; never its value
            "invalidParams": [
                {"name": re.sub(r"\d", "*", n)[:50], "code": "bsn-in-url", "reason": reason} for n in names
            ],
        },
        status=400,
        content_type="application/problem+json",
    )
