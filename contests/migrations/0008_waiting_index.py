"""The attempts waiting to be scored get an index of their own, and `status` and
`scored_at` lose their whole-table indexes.

Those two indexes (from `db_index=True`) took an entry at every start, submit and scoring
of every attempt, 12 MB each per million attempts, for one use: finding the few attempts
waiting to be scored. `quiz_attempt_waiting` covered every unscored attempt, the ones in
progress included, so the planners preferred the status index. Now it holds exactly the
waiting ones (`contests.scoring.WAITING`, the same predicate written with its values):
a start writes three index entries fewer, a submit and a scoring two fewer each. The same
SQL runs on SQLite and PostgreSQL.

The two fields change in the migration state only (`_StateOnly`), and their indexes are
dropped by name: on SQLite, Tortoise's `AlterField` rebuilds the table and the copy loses
its unique (round, member, number) constraint and every hand-written index (seen with
tortoise-orm 1.1.9)."""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from contests.models import AttemptStatus


class _StateOnly(ops.AlterField):
    """`AlterField` for the migration state alone; the database is changed by SQL below."""

    async def database_forward(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def database_backward(self, *args: Any, **kwargs: Any) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_credentials_by_member"),
        ("contests", "0007_bank_and_rounds_by_contest"),
    ]

    initial = False

    operations = [
        _StateOnly(
            model_name="Attempt",
            name="scored_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        _StateOnly(
            model_name="Attempt",
            name="status",
            field=fields.CharEnumField(
                description="IN_PROGRESS: in_progress\nSUBMITTED: submitted\nSCORED: scored\n"
                "EXPIRED: expired",
                enum_type=AttemptStatus,
                max_length=16,
            ),
        ),
        ops.RunSQL(
            [
                "DROP INDEX IF EXISTS idx_quiz_attemp_status_f132c8",
                "DROP INDEX IF EXISTS idx_quiz_attemp_scored__fb7359",
                "DROP INDEX IF EXISTS quiz_attempt_waiting",
                "CREATE INDEX IF NOT EXISTS quiz_attempt_waiting ON quiz_attempt (round_id, id) "
                "WHERE scored_at IS NULL AND status IN ('submitted', 'expired')",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS quiz_attempt_waiting",
                "CREATE INDEX IF NOT EXISTS quiz_attempt_waiting ON quiz_attempt (round_id, id) "
                "WHERE scored_at IS NULL",
                "CREATE INDEX IF NOT EXISTS idx_quiz_attemp_status_f132c8 ON quiz_attempt (status)",
                "CREATE INDEX IF NOT EXISTS idx_quiz_attemp_scored__fb7359 ON quiz_attempt "
                "(scored_at)",
            ],
        ),
    ]
