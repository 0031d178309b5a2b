"""A clock for the demo's history: every service takes "today" from ``django.utils.timezone.now``;
inside :func:`op` that answers the moment the demo is at. Not time-machine: that is a test
dependency (pyproject ``[test]``) and the demo runs without it. Model fields whose default is
``timezone.now`` itself (captured when the model was defined) are pointed at the demo clock too."""

from contextlib import contextmanager
from datetime import datetime, timedelta

from django.apps import apps
from django.utils import timezone

_echt = timezone.now
_nu: list[datetime] = []


def _demo_nu() -> datetime:
    return _nu[-1] if _nu else _echt()


@contextmanager
def aan():
    """Switch the demo clock on for the whole build (patches and restores, also on an error)."""
    velden = [
        f for model in apps.get_models() for f in model._meta.concrete_fields if getattr(f, "default", None) is _echt
    ]
    timezone.now = _demo_nu
    for veld in velden:
        veld.default = _demo_nu
        veld.__dict__.pop("_get_default", None)  # Field caches its default callable
    try:
        yield
    finally:
        timezone.now = _echt
        for veld in velden:
            veld.default = _echt
            veld.__dict__.pop("_get_default", None)
        _nu.clear()


def zet(moment: datetime) -> None:
    """The demo clock stands still at ``moment`` (aware, Europe/Amsterdam) until the next call."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    _nu[:] = [min(moment, _echt() - timedelta(minutes=1))]  # today's steps never after the real now
