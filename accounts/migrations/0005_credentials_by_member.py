"""A member's web sessions and API tokens by member: ending them all (a password changed or
reset, a deactivation: `accounts.tokens.end_all`) scanned both tables, which hold a row per
sign-in of every member. Hand-written: the same SQL runs on SQLite and PostgreSQL."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_member_lookup_indexes")]

    initial = False

    operations = [
        ops.RunSQL(
            [
                "CREATE INDEX IF NOT EXISTS web_session_by_member ON web_session (member_id)",
                "CREATE INDEX IF NOT EXISTS api_token_by_member ON api_token (member_id)",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS web_session_by_member",
                "DROP INDEX IF EXISTS api_token_by_member",
            ],
        )
    ]
