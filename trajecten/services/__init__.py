"""Everything in trajecten that writes. One service per transition: each checks role,
organisation and state (through ``trajecten.permissions``), then writes the new state, the
decision and the budget in one transaction (history is kept by django-simple-history on every save).

By noun: ``deelnemers``, ``aanvragen``, ``trajecten`` (extensions, amounts), ``plaatsingen``
(placements, stop notice, end report), ``anonimiseren`` (retention). Every public service is re-exported
here: ``from trajecten.services import aanvraag_decide`` and ``services.traject_stop`` keep working."""

from .aanvragen import aanvraag_decide, aanvraag_met_deelnemer_submit, aanvraag_submit, aanvraag_withdraw
from .anonimiseren import deelnemers_anonymise
from .deelnemers import deelnemer_create, deelnemer_search, deelnemer_update
from .plaatsingen import plaatsing_create, plaatsing_update, traject_close, traject_stop
from .trajecten import traject_add_amounts, verlenging_decide, verlenging_request

__all__ = [
    "aanvraag_decide",
    "aanvraag_met_deelnemer_submit",
    "aanvraag_submit",
    "aanvraag_withdraw",
    "deelnemer_create",
    "deelnemer_search",
    "deelnemer_update",
    "deelnemers_anonymise",
    "plaatsing_create",
    "plaatsing_update",
    "traject_add_amounts",
    "traject_close",
    "traject_stop",
    "verlenging_decide",
    "verlenging_request",
]
