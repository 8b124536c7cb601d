from tortoise import migrations
from tortoise.migrations import operations as ops

# PostgreSQL only: the newest documents passing one filter, in order, from an index whose
# leading columns are that filter (search.postgres: `keyed`, `UNIT_LEVELS`). Without them a
# common word inside a field, a status, a year, a province or a commune/ward had to sort
# the whole filter, or walk the newest documents of every filter until enough passed it.
# Each includes the columns the other filters and the facets read, as the indexes of 0001.
POSTGRES_INDEXES = """
CREATE INDEX search_document_field_newest
    ON search_document (index_name, field, created_at DESC, doc_id DESC)
    INCLUDE (id, status, year, kind, unit_path);
CREATE INDEX search_document_status_newest
    ON search_document (index_name, status, created_at DESC, doc_id DESC)
    INCLUDE (id, field, year, kind, unit_path);
CREATE INDEX search_document_year_newest
    ON search_document (index_name, year, created_at DESC, doc_id DESC)
    INCLUDE (id, field, status, kind, unit_path);
CREATE INDEX search_document_unit2_newest
    ON search_document (index_name, (substring(unit_path from '^[^/]*/[^/]*/')),
                        created_at DESC, doc_id DESC)
    INCLUDE (id, field, status, year, kind, unit_path);
CREATE INDEX search_document_unit3_newest
    ON search_document (index_name, (substring(unit_path from '^[^/]*/[^/]*/[^/]*/')),
                        created_at DESC, doc_id DESC)
    INCLUDE (id, field, status, year, kind, unit_path);
"""
DROP_POSTGRES_INDEXES = (
    "DROP INDEX search_document_field_newest, search_document_status_newest, "
    "search_document_year_newest, search_document_unit2_newest, search_document_unit3_newest;"
)


async def create_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(POSTGRES_INDEXES)


async def drop_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(DROP_POSTGRES_INDEXES)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    initial = False

    operations = [
        ops.RunPython(create_indexes, drop_indexes),
    ]
