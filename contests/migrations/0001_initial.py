from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from contests.models import AttemptStatus, ContestKind, ContestStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('accounts', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Contest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('kind', fields.CharEnumField(db_index=True, description='QUIZ: quiz\nIDEAS: ideas', enum_type=ContestKind, max_length=8)),
                ('status', fields.CharEnumField(db_index=True, description='DRAFT: draft\nSCHEDULED: scheduled\nOPEN: open\nCLOSED: closed', enum_type=ContestStatus, max_length=16)),
                ('unit', fields.ForeignKeyField('accounts.Unit', source_field='unit_id', db_constraint=True, to_field='id', related_name='contests', on_delete=OnDelete.RESTRICT)),
                ('unit_path', fields.CharField(db_index=True, max_length=200)),
                ('opens_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('eligibility_unit', fields.ForeignKeyField('accounts.Unit', source_field='eligibility_unit_id', db_constraint=True, to_field='id', related_name='eligible_contests', on_delete=OnDelete.RESTRICT)),
                ('eligibility_path', fields.CharField(max_length=200)),
                ('min_age', fields.IntField(null=True)),
                ('max_age', fields.IntField(null=True)),
                ('judging_opens_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('judging_closes_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('results_published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('accounts.Member', source_field='created_by_id', db_constraint=True, to_field='id', related_name='contests_created', on_delete=OnDelete.RESTRICT)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'contest', 'app': 'contests', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Question',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('contests.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.CASCADE)),
                ('text', fields.TextField(unique=False)),
                ('options', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('correct', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('difficulty', fields.IntField(default=1)),
                ('explanation', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'quiz_question', 'app': 'contests', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Round',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('contests.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='rounds', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('opens_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('question_count', fields.IntField()),
                ('time_limit_s', fields.IntField()),
                ('max_attempts', fields.IntField(default=1)),
                ('counting', fields.CharField(default='best', max_length=8)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('difficulties', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('prediction_question', fields.TextField(null=True, unique=False)),
                ('prediction_min', fields.IntField(default=0)),
                ('prediction_max', fields.IntField(default=10000000)),
                ('prediction_answer', fields.IntField(null=True)),
                ('tie_breakers', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('explanations_after_close', fields.BooleanField(default=True)),
                ('grace_s', fields.IntField(default=5)),
                ('frozen_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('results_published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'quiz_round', 'app': 'contests', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Attempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('contests.Round', source_field='round_id', db_constraint=True, to_field='id', related_name='attempts', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('accounts.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='quiz_attempts', on_delete=OnDelete.CASCADE)),
                ('unit_path', fields.CharField(max_length=200)),
                ('number', fields.IntField()),
                ('status', fields.CharEnumField(db_index=True, description='IN_PROGRESS: in_progress\nSUBMITTED: submitted\nSCORED: scored\nEXPIRED: expired', enum_type=AttemptStatus, max_length=16)),
                ('question_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('option_order', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('answers', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('prediction', fields.IntField(null=True)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('deadline', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('scored_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('correct_count', fields.IntField(null=True)),
                ('duration_ms', fields.IntField(null=True)),
                ('final_rank', fields.IntField(null=True)),
            ],
            options={'table': 'quiz_attempt', 'app': 'contests', 'unique_together': (('round', 'member', 'number'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
