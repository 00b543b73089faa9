from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_audit_trust_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="erased_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="erased"
            ),
        ),
    ]
