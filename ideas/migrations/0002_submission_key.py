from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('ideas', '0001_initial'), ('accounts', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SubmissionKey',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('accounts.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='idea_submission_keys', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=200)),
                ('idea', fields.ForeignKeyField('ideas.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name='submission_keys', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'idea_submission_key', 'app': 'ideas', 'unique_together': (('member', 'key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
