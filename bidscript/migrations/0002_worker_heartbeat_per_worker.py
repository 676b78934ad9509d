from django.db import migrations
from django.db import models


class Migration(migrations.Migration):
    """Heartbeats move from one row per queue (answered by a task) to one row per worker process
    (recorded by the worker itself); the old rows mean nothing any more."""

    dependencies = [("bidscript", "0001_initial")]

    operations = [
        migrations.DeleteModel(name="WorkerHeartbeat"),
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("worker_id", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("hostname", models.CharField(max_length=255)),
                ("pid", models.PositiveIntegerField()),
                ("queues", models.CharField(max_length=200)),
                ("started_at", models.DateTimeField()),
                ("seen_at", models.DateTimeField(db_index=True)),
            ],
            options={"verbose_name": "worker heartbeat"},
        ),
    ]
