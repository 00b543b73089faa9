import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Typo-tolerant search for people by name: pg_trgm and a trigram index on the names."""

    dependencies = [
        ("members", "0003_audit_append_only"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="person",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["given_name", "family_name", "preferred_name"],
                name="person_name_trgm",
                opclasses=["gin_trgm_ops", "gin_trgm_ops", "gin_trgm_ops"],
            ),
        ),
    ]
