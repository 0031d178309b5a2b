# The roles users already have become granted RolToekenning rows without a requester ("bestaand"),
# so that a beheerder can take them away through the same path as a role granted with four eyes.

from django.db import migrations
from django.utils import timezone

# the role names of backoffice/roles.py at the time of this migration
ROLES = ("uwv_beoordelaar", "uwv_financieel", "gemeente_medewerker", "aanbieder_medewerker", "auditor", "beheerder")


def forwards(apps, schema_editor):
    User = apps.get_model("backoffice", "User")
    RolToekenning = apps.get_model("backoffice", "RolToekenning")
    now = timezone.now()
    rows = [
        RolToekenning(
            gebruiker_id=user_id,
            rol=name,
            status="goedgekeurd",
            toelichting="Bestaande rol van vóór de vier ogen op rollen",
            aangevraagd_op=now,
        )
        for user_id, name in User.groups.through.objects.values_list("user_id", "group__name")
    ]
    RolToekenning.objects.bulk_create([r for r in rows if r.rol in ROLES], ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("backoffice", "0007_roltoekenning_vier_ogen"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
