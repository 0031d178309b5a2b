"""Form helpers shared by every app's web pages."""

from django import forms
from django.core.exceptions import ValidationError

from .errors import BusinessRuleError


def rule_message(exc: BusinessRuleError) -> str:
    return f"{exc.message} (code: {exc.code})"


def add_rule_error(form: forms.Form, exc: BusinessRuleError) -> None:
    """Tie a refused action to the field it names (``exc.field``), or to the form as a whole."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, ValidationError(rule_message(exc), code=exc.code))
    for extra in exc.rules[1:]:
        form.add_error(None, ValidationError(f"{extra['reden']} (code: {extra['code']})", code=extra["code"]))


class BevestigForm(forms.Form):
    """The confirmation step (backoffice/_bevestig.html): one required checkbox."""

    bevestigd = forms.BooleanField(
        label="Ik bevestig dit",
        error_messages={"required": "Vink aan dat u dit bevestigt; zonder bevestiging gebeurt er niets."},
    )
