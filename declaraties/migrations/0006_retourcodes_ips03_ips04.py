"""Issue 11 (w3): ``IPS03`` is the product period (partly) in the future (domain.md 8: never give an
iWmo number another meaning, and iWmo 8848 is about the message date); a closed trajectory gets
its own code ``IPS04``. The return codes already stored on lines (``Prestatie.retourcodes``, a JSON
list, and the same list in the historical rows) are renumbered at the same time, in place and in
their order: ``8848`` -> ``IPS03`` and the old ``IPS03`` -> ``IPS04``. The lines are not edited
otherwise and no history row is added (the code means what it always meant, only its name changed).
"""

from django.db import migrations

HERNUMMERD = {"8848": "IPS03", "IPS03": "IPS04"}
TERUG = {new: old for old, new in HERNUMMERD.items()}

_SQL = """
UPDATE {table} SET retourcodes = (
    SELECT jsonb_agg(CASE x.code {whens} ELSE x.code END ORDER BY x.n)
    FROM jsonb_array_elements(retourcodes) WITH ORDINALITY AS x(code, n)
)
WHERE jsonb_typeof(retourcodes) = 'array' AND retourcodes ?| %s::text[]
"""


def _hernummer(mapping):
    def run(apps, schema_editor):
        for name in ("Prestatie", "HistoricalPrestatie"):
            model = apps.get_model("declaraties", name)
            if schema_editor.connection.vendor == "postgresql":
                whens = " ".join(f"WHEN '\"{old}\"'::jsonb THEN '\"{new}\"'::jsonb" for old, new in mapping.items())
                with schema_editor.connection.cursor() as cursor:
                    cursor.execute(
                        _SQL.format(table=schema_editor.connection.ops.quote_name(model._meta.db_table), whens=whens),
                        [list(mapping)],
                    )
                continue
            changed = []
            for row in model.objects.exclude(retourcodes=[]).only("pk", "retourcodes").iterator():
                codes = [mapping.get(c, c) for c in row.retourcodes or []]
                if codes != row.retourcodes:
                    row.retourcodes = codes
                    changed.append(row)
            model.objects.bulk_update(changed, ["retourcodes"], batch_size=1000)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("declaraties", "0005_historie_taakrun"),
    ]

    operations = [
        migrations.RunPython(_hernummer(HERNUMMERD), _hernummer(TERUG), elidable=False),
    ]
