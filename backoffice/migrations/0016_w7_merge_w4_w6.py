# Merges the parallel migrations of w4 (documents) and w6 (objection signals) on branch w7; the
# integrator may renumber them instead.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0014_w4_document"),
        ("backoffice", "0015_w6_bezwaar_signalen"),
    ]

    operations = []
