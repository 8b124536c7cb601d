from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('accounts', '0001_initial'), ('contests', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RoundUnit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('contests.Round', source_field='round_id', db_constraint=True, to_field='id', related_name='unit_results', on_delete=OnDelete.CASCADE)),
                ('unit', fields.ForeignKeyField('accounts.Unit', source_field='unit_id', db_constraint=True, to_field='id', related_name='quiz_round_results', on_delete=OnDelete.CASCADE)),
                ('unit_path', fields.CharField(max_length=200)),
                ('level', fields.CharField(max_length=16)),
                ('participants', fields.IntField()),
                ('members', fields.IntField()),
                ('score_sum', fields.BigIntField()),
            ],
            options={'table': 'quiz_round_unit', 'app': 'contests', 'unique_together': (('round', 'unit'),), 'indexes': [Index(fields=['round_id', 'level', 'participants'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Question',
            name='retired_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Round',
            name='rescore_requested_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
