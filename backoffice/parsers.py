"""The JSON parser of the API (settings ``DEFAULT_PARSER_CLASSES``): camelCase keys to
snake_case, Dutch messages for a broken body and a depth limit. Its own module: ``rest.py``
imports DRF's views, which read the parser setting at import time."""

import json

from django.conf import settings
from djangorestframework_camel_case.parser import CamelCaseJSONParser
from djangorestframework_camel_case.util import underscoreize
from rest_framework import exceptions

MAX_JSON_DIEPTE = 32  # nesting of arrays and objects; the deepest body of the API has 4
_TE_DIEP = f"De JSON is te diep genest (meer dan {MAX_JSON_DIEPTE} niveaus)."


def _diepte(data) -> int:
    """The nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DIEPTE:
                break
            stack.extend(
                (v, depth + 1)
                for v in (value.values() if isinstance(value, dict) else value)
                if isinstance(v, dict | list)
            )
    return deepest


class JSONParser(CamelCaseJSONParser):
    """JSON with snake_case keys, in Dutch when it is broken, and never a 500: a body of a thousand
    nested ``[`` made ``json.loads`` (and the key conversion after it) raise a RecursionError
    (issue 9, finding 8); now anything deeper than ``MAX_JSON_DIEPTE`` is a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(f"De inhoud is geen geldige {encoding}-tekst.") from exc
        try:
            data = json.loads(text)
        except RecursionError as exc:
            raise exceptions.ParseError(_TE_DIEP) from exc
        except ValueError as exc:  # also a number too long to convert
            where = f" (regel {exc.lineno}, kolom {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            raise exceptions.ParseError(f"De inhoud is geen geldige JSON{where}.") from exc
        if _diepte(data) > MAX_JSON_DIEPTE:
            raise exceptions.ParseError(_TE_DIEP)
        return onderstrepen(data) if self.sleutels_omzetten else data

    sleutels_omzetten = True


class RuweJSONParser(JSONParser):
    """The same JSON with its keys as sent (camelCase), for a view that reads a large body itself
    (``POST /api/v1/declaraties``: underscoring 10,000 lines cost more than judging them) and
    underscores (``onderstrepen``) only what it hands to a serializer."""

    sleutels_omzetten = False


def onderstrepen(data):
    """camelCase keys to snake_case, as ``JSONParser`` does (settings ``JSON_UNDERSCOREIZE``)."""
    return underscoreize(data, **JSONParser.json_underscoreize)
