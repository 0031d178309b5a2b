"""Form helpers shared by every app's web pages."""

import re

from django import forms
from django.core.exceptions import ValidationError

from .errors import BusinessRuleError
from .opmaak import euro


def rule_message(exc: BusinessRuleError) -> str:
    """A refusal as the user reads it: the Dutch message and the rule's code (docs/errors.md)."""
    return f"{exc.message} (code: {exc.code})"


def add_rule_error(form: forms.Form, exc: BusinessRuleError, *, field_map: dict | None = None) -> None:
    """Tie a refused action to the field it names (``exc.field``, renamed through ``field_map``), or
    to the form as a whole; with several broken rules, all of them."""
    field = (field_map or {}).get(exc.field, exc.field)
    field = field if field in form.fields else None
    form.add_error(field, ValidationError(rule_message(exc), code=exc.code))
    for extra in exc.rules[1:]:
        form.add_error(None, ValidationError(f"{extra['reden']} (code: {extra['code']})", code=extra["code"]))


DUIZENDTALLEN = re.compile(r"-?\d{1,3}(\.\d{3})+")


class BedragField(forms.DecimalField):
    """A number as a Dutch user types it: ``1250,50``, ``1.250,50``, ``1.250`` or ``1250.50`` (and an
    optional euro sign). With a comma, dots separate thousands; without one, so do dots between groups
    of exactly three digits (``1.250`` is 1250); otherwise a dot is the decimal point."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        # Django's own says "minstens 0.01"; an amount (a label with €) says "minstens € 0,01". Used
        # for other numbers too (volume, hours): those keep Django's Dutch message.
        if "€" in str(kwargs.get("label", "")):
            grenzen = {"min_value": "minstens", "max_value": "hoogstens"}
            meldingen = {
                code: f"Het bedrag is {woord} {euro(kwargs[code])}."
                for code, woord in grenzen.items()
                if kwargs.get(code) is not None
            }
            kwargs["error_messages"] = {**meldingen, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
            if "," in value or DUIZENDTALLEN.fullmatch(value):
                value = value.replace(".", "").replace(",", ".")
        return super().to_python(value)


class BevestigForm(forms.Form):
    """The confirmation step (backoffice/_bevestig.html): one required checkbox."""

    bevestigd = forms.BooleanField(
        label="Ik bevestig dit",
        error_messages={"required": "Vink aan dat u dit bevestigt; zonder bevestiging gebeurt er niets."},
    )
