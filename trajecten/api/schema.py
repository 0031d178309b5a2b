"""The OpenAPI document's post-processing for trajecten (drf-spectacular ``POSTPROCESSING_HOOKS``)."""

import re

from .. import selectors


def personal_fields_optional(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry (after camelizing): a participant's personal
    fields are left out for a role that may not see them (docs/privacy.md), so the answer's
    schema must not call them required."""
    personal = {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name) for name in selectors.PERSOONSVELDEN}
    component = result.get("components", {}).get("schemas", {}).get("Deelnemer")
    if component and "required" in component:
        component["required"] = [name for name in component["required"] if name not in personal]
        component["description"] = (
            "Persoonsgegevens (naam, BSN gemaskeerd, geboortedatum, diagnose, kenmerken) staan er alleen in "
            "voor wie ze voor zijn taak mag zien (docs/privacy.md)."
        )
    return result
