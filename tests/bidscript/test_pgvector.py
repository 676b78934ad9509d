from typing import ClassVar

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.db import models
from django.test.utils import isolate_apps
from pgvector.django import CosineDistance
from pgvector.django import HnswIndex
from pgvector.django import VectorField

from bidscript import db
from bidscript.db import pgvector_server_problem
from bidscript.db import pgvector_versions

pytestmark = pytest.mark.django_db


def test_pgvector_is_installed_at_version_0_8_or_later():
    installed, _ = pgvector_versions()

    assert installed is not None
    major, minor = (int(part) for part in installed.split(".")[:2])
    assert (major, minor) >= (0, 8)
    assert pgvector_server_problem() is None


@isolate_apps("bidscript")
def test_hnsw_index_on_a_vector_field_serves_nearest_neighbour_queries():
    class Passage(models.Model):
        embedding = VectorField(dimensions=3)
        objects: ClassVar[models.Manager["Passage"]] = models.Manager()

        class Meta:
            app_label = "bidscript"
            indexes = [
                HnswIndex(
                    name="passage_embedding_hnsw",
                    fields=["embedding"],
                    m=16,
                    ef_construction=64,
                    opclasses=["vector_cosine_ops"],
                )
            ]

    with connection.schema_editor() as editor:
        editor.create_model(Passage)
    Passage.objects.bulk_create(
        Passage(embedding=vector) for vector in ([1, 0, 0], [0, 1, 0], [0, 0, 1], [0.9, 0.1, 0])
    )
    nearest = Passage.objects.order_by(CosineDistance("embedding", [1, 0.05, 0]))[:2]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = nearest.explain()
    assert "passage_embedding_hnsw" in plan
    assert [list(p.embedding) for p in nearest] == [[1, 0, 0], [0.9, 0.1, 0]]


def test_a_server_without_pgvector_is_refused_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(db, "pgvector_versions", lambda database=None: (None, None))

    assert "no pgvector extension" in str(pgvector_server_problem())


def test_startup_checks_stop_on_a_server_without_pgvector(monkeypatch):
    monkeypatch.setattr(db, "pgvector_versions", lambda database=None: (None, None))

    with pytest.raises(SystemCheckError, match="no pgvector extension"):
        call_command("check", databases=["default"])


def test_an_old_pgvector_is_refused_with_the_upgrade_to_run(monkeypatch):
    monkeypatch.setattr(db, "pgvector_versions", lambda database=None: ("0.7.4", "0.7.4"))

    problem = str(pgvector_server_problem())

    assert "pgvector 0.7.4 is too old" in problem
    assert "ALTER EXTENSION vector UPDATE" in problem
