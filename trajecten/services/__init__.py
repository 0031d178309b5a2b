"""Everything in trajecten that writes. One service per transition: each checks role,
organisation and state (through ``trajecten.permissions``), then writes the new state, the
decision and the budget in one transaction (history is kept by django-simple-history on every save).

By noun: ``deelnemers``, ``aanvragen``, ``trajecten`` (extensions, amounts), ``plaatsingen``
(placements, stop notice, end report), ``anonimiseren`` (retention). Every name is re-exported
here: ``from trajecten.services import aanvraag_decide`` and ``services.traject_stop`` keep working."""

from ._eigen import _lock_own_traject, _not_found, _own_aanbieder
from .aanvragen import (
    _aanvraag_submit,
    _decision_deadline,
    _traject_create,
    aanvraag_decide,
    aanvraag_met_deelnemer_submit,
    aanvraag_submit,
    aanvraag_withdraw,
)
from .anonimiseren import ANONIEM_REDEN, GEANONIMISEERD, deelnemers_anonymise
from .deelnemers import _deelnemer_create, _not_anonymised, deelnemer_create, deelnemer_search, deelnemer_update
from .plaatsingen import _check_placement, plaatsing_create, plaatsing_update, traject_close, traject_stop
from .trajecten import traject_add_amounts, verlenging_decide, verlenging_request

__all__ = [
    "ANONIEM_REDEN",
    "GEANONIMISEERD",
    "_aanvraag_submit",
    "_check_placement",
    "_decision_deadline",
    "_deelnemer_create",
    "_lock_own_traject",
    "_not_anonymised",
    "_not_found",
    "_own_aanbieder",
    "_traject_create",
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
