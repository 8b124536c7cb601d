from tortoise import migrations
from tortoise.migrations import operations as ops
from contests.models import ContestKind, ContestStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
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
    ]
