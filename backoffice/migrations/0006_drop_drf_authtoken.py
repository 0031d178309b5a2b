# DRF's authtoken app is gone (django-rest-knox replaced it, docs/security.md "Tokens en blokkering").
# Its table held every token in clear: it is dropped, so those tokens stop working; clients log in
# again with POST /api/v1/auth/token and get a hashed token with an expiry.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("backoffice", "0005_instellingen_privacy"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
    ]
