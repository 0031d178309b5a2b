"""The API's JSON renderer (settings ``DEFAULT_RENDERER_CLASSES``); its own module because
``rest_framework.views`` reads that setting while it is imported."""

from djangorestframework_camel_case.render import CamelCaseJSONRenderer


class AlCamelCase(dict):
    """An answer whose keys are camelCase already (a list page built from plain rows,
    ``trajecten.api.lijstrijen``): :class:`JSONRenderer` writes it as it is."""


class KlaarJSON:
    """An answer already written as JSON bytes (a declaration's 10,000 lines as PostgreSQL wrote
    them, ``declaraties.api.declaraties``): :class:`JSONRenderer` sends it as it is."""

    def __init__(self, inhoud: bytes):
        self.inhoud = inhoud


class JSONRenderer(CamelCaseJSONRenderer):
    """The API's JSON: camelCase keys (api.md). Walking every key of a 50-row page with nested lists
    to camelize it cost more than building the page (issue 13), so an :class:`AlCamelCase`
    answer is written without that walk."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, KlaarJSON):
            return data.inhoud
        if isinstance(data, AlCamelCase):
            return super(CamelCaseJSONRenderer, self).render(data, accepted_media_type, renderer_context)
        return super().render(data, accepted_media_type, renderer_context)
