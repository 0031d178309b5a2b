# Merges the parallel migrations of w1 (mandate) and w6 (revocations) on branch w7; the integrator
# may renumber them instead.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("trajecten", "0008_w1_besluit_mandaat"),
        ("trajecten", "0008_w6_herroepen"),
    ]

    operations = []
