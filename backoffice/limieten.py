"""The lengths of free text: one place for the database, the API and the web forms (issue 9,
finding 8: a 1 MB ``toelichting`` was stored and shown on every page).

- A name (of a person, an organisation, an employer, a regiebehandelaar) is a ``CharField`` of
  ``NAAM`` characters: the database column is ``varchar(200)``.
- A free text (toelichting, reden, the reasons of a decision or a dispute) is a ``TextField`` with
  ``max_length=TOELICHTING`` (forms and DRF's ModelSerializers validate it, in Dutch) and the check
  ``lengte_check`` in the database, so that no path (the admin, a job, a shell) stores more.
- Custom serializers and forms take their ``max_length`` from here too.
"""

from django.db import migrations, models
from django.db.models.functions import Length, Substr
from django.db.models.lookups import LessThanOrEqual

NAAM = 200
TOELICHTING = 4000


def lengte_check(model: str, field: str, limit: int = TOELICHTING) -> models.CheckConstraint:
    """The database's own guard: ``length(field) <= limit``."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=f"{model}_{field}_lengte")


def inkorten(app_label: str, model: str, fields: tuple[str, ...], limit: int = TOELICHTING) -> migrations.RunPython:
    """For a migration that adds ``lengte_check``: cut texts stored before the limit existed to the
    limit, so that the check can be added (the history tables keep the full text)."""

    def forwards(apps, schema_editor):
        Model = apps.get_model(app_label, model)
        for field in fields:
            Model.objects.alias(n=Length(field)).filter(n__gt=limit).update(**{field: Substr(field, 1, limit)})

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
