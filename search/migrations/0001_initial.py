from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

# The full-text part differs by database, so it runs as one dialect-aware step.
SQLITE_FTS = """
CREATE VIRTUAL TABLE search_document_fts USING fts5(
    fold_title, fold_text, content='search_document', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_document_fts_ai AFTER INSERT ON search_document BEGIN
    INSERT INTO search_document_fts(rowid, fold_title, fold_text)
    VALUES (new.id, new.fold_title, new.fold_text);
END;
CREATE TRIGGER search_document_fts_ad AFTER DELETE ON search_document BEGIN
    INSERT INTO search_document_fts(search_document_fts, rowid, fold_title, fold_text)
    VALUES ('delete', old.id, old.fold_title, old.fold_text);
END;
CREATE TRIGGER search_document_fts_au AFTER UPDATE ON search_document BEGIN
    INSERT INTO search_document_fts(search_document_fts, rowid, fold_title, fold_text)
    VALUES ('delete', old.id, old.fold_title, old.fold_text);
    INSERT INTO search_document_fts(rowid, fold_title, fold_text)
    VALUES (new.id, new.fold_title, new.fold_text);
END;
"""

POSTGRES_FTS = """
ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, fold_title), 'A')
    || setweight(to_tsvector('simple'::regconfig, fold_text), 'B')
) STORED;
CREATE INDEX search_document_tsv_gin ON search_document USING gin (tsv) WITH (fastupdate = off);
-- Lists in each sort order and by unit subtree are answered from these indexes alone
-- (index-only scans: every column a list filters on or counts is included), so a filtered
-- list reads no table rows but the page's own (see search.postgres).
CREATE INDEX search_document_newest ON search_document (index_name, created_at DESC, doc_id DESC)
    INCLUDE (id, votes, hot, field, status, year, kind, unit_path);
CREATE INDEX search_document_top ON search_document (index_name, votes DESC, created_at DESC, doc_id DESC)
    INCLUDE (id, hot, field, status, year, kind, unit_path);
CREATE INDEX search_document_hot ON search_document (index_name, hot DESC, created_at DESC, doc_id DESC)
    INCLUDE (id, votes, field, status, year, kind, unit_path);
CREATE INDEX search_document_unit_prefix ON search_document (index_name, unit_path text_pattern_ops)
    INCLUDE (id, doc_id, created_at, votes, hot, field, status, year, kind);
"""


async def create_full_text(apps, schema_editor):  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(POSTGRES_FTS)
    else:
        await client.execute_script(SQLITE_FTS)


async def drop_full_text(apps, schema_editor):  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            "DROP INDEX search_document_newest, search_document_top, search_document_hot, "
            "search_document_unit_prefix; ALTER TABLE search_document DROP COLUMN tsv;"
        )
    else:
        await client.execute_script(
            "DROP TRIGGER search_document_fts_ai; DROP TRIGGER search_document_fts_ad; "
            "DROP TRIGGER search_document_fts_au; DROP TABLE search_document_fts;"
        )


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('index_name', fields.CharField(max_length=40)),
                ('doc_id', fields.BigIntField()),
                ('data', fields.TextField(unique=False)),
                ('fold_title', fields.TextField(unique=False)),
                ('fold_text', fields.TextField(unique=False)),
                ('field', fields.CharField(default='', max_length=80)),
                ('status', fields.CharField(default='', max_length=40)),
                ('kind', fields.CharField(default='', max_length=40)),
                ('unit_path', fields.CharField(default='', max_length=200)),
                ('year', fields.IntField(default=0)),
                ('created_at', fields.BigIntField(default=0)),
                ('votes', fields.IntField(default=0)),
                ('hot', fields.FloatField(default=0)),
                ('contest_ids', fields.CharField(default='', max_length=2000)),
            ],
            options={'table': 'search_document', 'app': 'search', 'unique_together': (('index_name', 'doc_id'),), 'indexes': [Index(fields=['index_name', 'created_at']), Index(fields=['index_name', 'votes']), Index(fields=['index_name', 'hot']), Index(fields=['index_name', 'unit_path'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(create_full_text, drop_full_text),
    ]
