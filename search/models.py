"""Tables of the database search backend."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SearchDocument(Model):
    # One document of one index (ideas, contests) for the embedded / database backend.
    # `data` is the whole document as JSON (returned as is); the columns beside it are the
    # filterable and sortable values, and `fold_title` / `fold_text` the folded words that
    # the full-text index covers (SQLite FTS5 table `search_document_fts` kept by triggers;
    # PostgreSQL: generated tsvector column `tsv` with a GIN index). Both are made by the
    # migration's dialect-specific step.
    id = fields.BigIntField(primary_key=True)
    index_name = fields.CharField(max_length=40)
    doc_id = fields.BigIntField()
    data = fields.TextField()
    fold_title = fields.TextField()
    fold_text = fields.TextField()
    field = fields.CharField(max_length=80, default="")
    status = fields.CharField(max_length=40, default="")
    kind = fields.CharField(max_length=40, default="")
    unit_path = fields.CharField(max_length=200, default="")
    year = fields.IntField(default=0)
    created_at = fields.BigIntField(default=0)
    votes = fields.IntField(default=0)
    hot = fields.FloatField(default=0)
    contest_ids = fields.CharField(max_length=2000, default="")  # "|3|17|": LIKE '%|3|%'

    class Meta:
        table = "search_document"
        app = "search"
        unique_together = (("index_name", "doc_id"),)
        indexes = (
            ("index_name", "created_at"),
            ("index_name", "votes"),
            ("index_name", "hot"),
            ("index_name", "unit_path"),
        )
