from django.db import migrations
from django.db import models
from pgvector.django import VectorExtension

from bidscript.db import pgvector_server_problem


def require_pgvector(apps, schema_editor):
    """Stop with a clear message before anything is created if pgvector is missing or too old."""
    if problem := pgvector_server_problem(schema_editor.connection):
        raise RuntimeError(problem)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.RunPython(require_pgvector, migrations.RunPython.noop, elidable=False),
        VectorExtension(),
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("queue", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("requested_at", models.DateTimeField()),
                ("enqueued_at", models.DateTimeField()),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                ("answered_by", models.CharField(blank=True, max_length=200)),
            ],
            options={"verbose_name": "worker heartbeat"},
        ),
    ]
