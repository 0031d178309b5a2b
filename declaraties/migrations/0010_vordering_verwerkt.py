"""The monthly claims run bounded by new work (issue 13): ``Prestatie.vordering_verwerkt`` and the
partial index ``prestatie_te_vorderen`` on the paid lines it has not dealt with.

Added as True for every existing row (a constant default: no table rewrite), then False exactly
for the paid lines the old rule selects, whatever their bank date (paid, on the gemeente route, a
scheme with a share, no claim line yet), then the default becomes False for new rows. A line not
paid yet is set False when it is paid (betaalopdracht_bevestigen); a scheme whose share goes from 0
to more gets its paid, unclaimed lines back (declaraties.jobs.vorderingrun_heropenen). So the run's
selection is the same as before: every line the old rule selects is in the index. PostgreSQL gets
fresh statistics of the table, so that it sees how few lines the index holds."""

from django.db import migrations, models


def _backfill(apps, schema_editor):
    Prestatie = apps.get_model("declaraties", "Prestatie")
    Prestatie.objects.filter(
        betaald_op__isnull=False,
        traject__route="gemeente",
        traject__regeling__cofinanciering_aandeel__gt=0,
        vorderingregel__isnull=True,
    ).update(vordering_verwerkt=False)


def _analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE declaraties_prestatie")


class Migration(migrations.Migration):
    dependencies = [
        ("declaraties", "0009_w6_werkbak_indexen"),
    ]

    operations = [
        migrations.AddField(
            model_name="prestatie",
            name="vordering_verwerkt",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.RunPython(_backfill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="prestatie",
            name="vordering_verwerkt",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="prestatie",
            index=models.Index(
                condition=models.Q(("betaald_op__isnull", False), ("vordering_verwerkt", False)),
                fields=["betaald_op"],
                name="prestatie_te_vorderen",
            ),
        ),
        migrations.RunPython(_analyze, migrations.RunPython.noop, elidable=False),
    ]
