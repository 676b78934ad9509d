import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from pgvector.django import HnswIndex
from pgvector.django import VectorField

from accounts.models import Company
from bidscript.models import SoftDeleteModel
from bidscript.models import SoftDeleteQuerySet
from documents.ingest.validation import KIND_LABELS
from projects.models import Project


def _storage_path(document: "Document", filename: str) -> str:
    """An opaque path: files are private and served only through a permission-checked view."""
    return f"documents/{document.company_id}/{document.pk}.{document.kind}"


class Document(SoftDeleteModel):
    """An uploaded file in the company library (no project) or in a bid's tender pack."""

    class Label(models.TextChoices):
        PRIMARY = "primary", "Primary: the buyer's tender documents"
        SECONDARY = "secondary", "Secondary: specifications, contracts, schedules"
        CONTEXTUAL = "contextual", "Contextual: planning notes, client research"
        REFERENCE = "reference", "Reference: past proposals, templates, company evidence"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="documents")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="documents"
    )
    title = models.CharField(max_length=255)
    filename = models.CharField(max_length=255)
    kind = models.CharField(
        max_length=20, choices=[(kind.value, label) for kind, label in KIND_LABELS.items()]
    )
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_storage_path, max_length=255)
    label = models.CharField(max_length=20, choices=Label.choices, default=Label.REFERENCE)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    chunk_count = models.PositiveIntegerField(default=0)
    parsed_at = models.DateTimeField(null=True, blank=True)

    objects = SoftDeleteQuerySet["Document"].as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["company", "-created_at"], name="document_company_created"),
            models.Index(fields=["company", "project"], name="document_company_project"),
            models.Index(fields=["status", "updated_at"], name="document_status_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "sha256"],
                condition=models.Q(deleted_at__isnull=True),
                name="document_unique_file_per_company",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="document_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def default_label(cls, project: Project | None) -> str:
        """What an upload is unless labelled otherwise: a bid's files are its tender pack
        (primary), the company library holds evidence (reference)."""
        return cls.Label.PRIMARY if project is not None else cls.Label.REFERENCE


class Chunk(models.Model):
    """A passage of a document: its text, where it came from, its vector and its search terms."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="chunks")
    # Copied from the document so searches filter on the chunk table alone.
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=20, choices=Document.Label.choices)
    ordinal = models.PositiveIntegerField()
    page_start = models.PositiveIntegerField()
    page_end = models.PositiveIntegerField()
    heading = models.TextField(blank=True)
    text = models.TextField()
    token_count = models.PositiveIntegerField()
    # Total lexeme occurrences in search_vector: the document length BM25 normalises by.
    term_count = models.PositiveIntegerField(default=0)
    # Lexeme -> occurrences, so scoring reads only the query's terms instead of the whole vector.
    term_freqs = models.JSONField(default=dict, editable=False)
    embedding = VectorField(dimensions=settings.EMBEDDING_DIMENSION)
    search_vector = models.GeneratedField(
        expression=SearchVector("heading", "text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "ordinal"]
        indexes = [
            models.Index(fields=["company", "project"], name="chunk_company_project"),
            models.Index(fields=["document", "ordinal"], name="chunk_document_ordinal"),
            HnswIndex(
                name="chunk_embedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
            # Company first (btree_gin): a keyword search reads only its own company's matches.
            GinIndex(fields=["company", "search_vector"], name="chunk_company_search_gin"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["document", "ordinal"], name="chunk_unique_ordinal"),
        ]

    def __str__(self) -> str:
        return f"{self.document} #{self.ordinal}"


class TermStat(models.Model):
    """BM25 document frequency: in how many of the company's chunks a lexeme occurs."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    term = models.TextField()
    chunk_count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "term"], name="term_stat_unique")]

    def __str__(self) -> str:
        return f"{self.term}: {self.chunk_count}"


class CorpusStat(models.Model):
    """BM25 corpus size per company: chunk count and total lexeme occurrences."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    chunk_count = models.PositiveIntegerField(default=0)
    term_count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.company_id}: {self.chunk_count} chunks"
