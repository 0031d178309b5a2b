"""Security headers on every response (docs/security.md).

- ``Content-Security-Policy`` comes from Django's own ``ContentSecurityPolicyMiddleware`` with
  ``SECURE_CSP`` (settings.py): only this origin, no inline script or style, no frames
  (``frame-ancestors 'none'``), forms only to this origin. Third-party pages that carry inline
  styles (the Django admin, the browsable API, Swagger UI) get ``style-src 'unsafe-inline'`` added;
  scripts stay ``'self'`` everywhere (Swagger UI gets its script from a separate URL).
- ``Cache-Control: no-store`` (:class:`NoStoreMiddleware`) on every response that may carry personal
  data: every API answer and every page, except static files (which have no personal data and are
  served before this middleware by WhiteNoise in production).
"""

from django.conf import settings
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
