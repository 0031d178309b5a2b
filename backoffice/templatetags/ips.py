"""Template helpers of the web pages: {% load ips %}."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from backoffice import registry

register = template.Library()


@register.filter
def met_uitleg(field):
    """Render a bound field's widget with its help text and errors tied to it (aria-describedby,
    ids ``<id>-hulp`` and ``<id>-fout`` as in backoffice/_form.html) and aria-invalid on error."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hulp")
    if field.errors:
        ids.append(f"{field.auto_id}-fout")
    attrs = {}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required:
        attrs["aria-required"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def oidc_aan() -> bool:
    """Is login through the organisation's identity provider configured (backoffice/oidc.py)?"""
    from backoffice.oidc import aan

    return aan()


@register.filter
def naam(user) -> str:
    """A person as the pages name them: the full name, else the username (``{{ x.door|naam }}``)."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


@register.simple_tag(takes_context=True)
def blokken(context, plek: str, obj) -> str:
    """``{% blokken "aanvraag" aanvraag %}``: what the higher apps registered for this place on the
    page (``registry.register_pagina_blok``), each block rendered by its own app for this request."""
    request = context.get("request")
    if request is None or obj is None:
        return ""
    html = [maker(request, obj) for maker in registry.pagina_blokken(plek)]
    return format_html_join("", "{}", ((mark_safe(h),) for h in html if h))
