"""Tags and taggings get a date (the OSDI API's created_date, what a sync filters on).

Person.tags keeps its table: the through model PersonTag is declared over it (Django's way to
give an existing many-to-many extra columns), then the date column is added. Rows already
there are dated at the migration: nothing knew their real date."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0016_public_ids"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PersonTag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="members.person"
                            ),
                        ),
                        (
                            "tag",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="members.tag"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "members_person_tags",
                        "unique_together": {("person", "tag")},
                    },
                ),
                migrations.AlterField(
                    model_name="person",
                    name="tags",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="people",
                        through="members.PersonTag",
                        to="members.tag",
                        verbose_name="tags",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="persontag",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="tag",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
    ]
