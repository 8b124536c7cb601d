from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from contests.judging.models import Basis
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('accounts', '0001_initial'), ('contests', '0001_initial'), ('ideas', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Criterion',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('contests.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='criteria', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('weight', fields.FloatField()),
                ('max_score', fields.FloatField()),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'judging_criterion', 'app': 'judging', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Entry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('contests.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('idea', fields.ForeignKeyField('ideas.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name='contest_entries', on_delete=OnDelete.RESTRICT)),
                ('entered_by', fields.ForeignKeyField('accounts.Member', source_field='entered_by_id', db_constraint=True, to_field='id', related_name='contest_entries', on_delete=OnDelete.RESTRICT)),
                ('round', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'judging_entry', 'app': 'judging', 'unique_together': (('contest', 'idea'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Assignment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('contests.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('entry', fields.ForeignKeyField('judging.Entry', source_field='entry_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('judge', fields.ForeignKeyField('accounts.Member', source_field='judge_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('round', fields.IntField(default=1)),
                ('scores', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('comment', fields.TextField(default='', unique=False)),
                ('weighted', fields.FloatField(null=True)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'judging_assignment', 'app': 'judging', 'unique_together': (('entry', 'judge', 'round'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeclaredConflict',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('contests.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='declared_conflicts', on_delete=OnDelete.CASCADE)),
                ('judge', fields.ForeignKeyField('accounts.Member', source_field='judge_id', db_constraint=True, to_field='id', related_name='declared_conflicts', on_delete=OnDelete.CASCADE)),
                ('entry', fields.ForeignKeyField('judging.Entry', source_field='entry_id', db_constraint=True, to_field='id', related_name='declared_conflicts', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'judging_conflict', 'app': 'judging', 'unique_together': (('judge', 'entry'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EntryResult',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('contests.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='entry_results', on_delete=OnDelete.CASCADE)),
                ('entry', fields.ForeignKeyField('judging.Entry', source_field='entry_id', db_constraint=True, to_field='id', related_name='results', on_delete=OnDelete.CASCADE)),
                ('round', fields.IntField()),
                ('reviews', fields.IntField()),
                ('raw_mean', fields.FloatField()),
                ('raw_median', fields.FloatField()),
                ('raw_spread', fields.FloatField()),
                ('norm_mean', fields.FloatField()),
                ('norm_median', fields.FloatField()),
                ('per_judge', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'judging_entry_result', 'app': 'judging', 'unique_together': (('entry', 'round'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Judge',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('contests.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='judges', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('accounts.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='judging', on_delete=OnDelete.CASCADE)),
                ('field', fields.CharField(null=True, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'judging_judge', 'app': 'judging', 'unique_together': (('contest', 'member'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JudgingSettings',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.OneToOneField('contests.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='judging_settings', on_delete=OnDelete.CASCADE)),
                ('official', fields.CharEnumField(default=Basis.RAW, description='RAW: raw\nNORMALISED: normalised', enum_type=Basis, max_length=16)),
                ('blind', fields.BooleanField(default=True)),
                ('judges_see_ranking', fields.BooleanField(default=False)),
                ('min_reviews_to_normalise', fields.IntField(default=3)),
                ('current_round', fields.IntField(default=1)),
                ('frozen_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'judging_settings', 'app': 'judging', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('accounts.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='judging_notifications', on_delete=OnDelete.CASCADE)),
                ('contest', fields.ForeignKeyField('contests.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='judging_notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('key', fields.CharField(unique=True, max_length=120)),
                ('pending', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'judging_notification', 'app': 'judging', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewEdit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('assignment', fields.ForeignKeyField('judging.Assignment', source_field='assignment_id', db_constraint=True, to_field='id', related_name='edits', on_delete=OnDelete.CASCADE)),
                ('scores', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('comment', fields.TextField(default='', unique=False)),
                ('weighted', fields.FloatField()),
                ('edited_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'judging_review_edit', 'app': 'judging', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
