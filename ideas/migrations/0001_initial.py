from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from ideas.models import IdeaField, IdeaStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Idea',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=200)),
                ('summary', fields.CharField(max_length=500)),
                ('body', fields.TextField(unique=False)),
                ('field', fields.CharEnumField(db_index=True, description='DIGITAL_TRANSFORMATION: digital_transformation\nEDUCATION: education\nENVIRONMENT: environment\nHEALTH: health\nAGRICULTURE: agriculture\nCULTURE: culture\nECONOMY: economy\nPUBLIC_ADMINISTRATION: public_administration\nSCIENCE_TECHNOLOGY: science_technology\nOTHER: other', enum_type=IdeaField, max_length=32)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(db_index=True, description='DRAFT: draft\nSUBMITTED: submitted\nUNDER_REVIEW: under_review\nACCEPTED: accepted\nREJECTED: rejected\nIMPLEMENTED: implemented\nHIDDEN: hidden\nWITHDRAWN: withdrawn\nMERGED: merged', enum_type=IdeaStatus, max_length=16)),
                ('author', fields.ForeignKeyField('accounts.Member', source_field='author_id', db_constraint=True, to_field='id', related_name='ideas', on_delete=OnDelete.RESTRICT)),
                ('unit', fields.ForeignKeyField('accounts.Unit', source_field='unit_id', db_constraint=True, to_field='id', related_name='ideas', on_delete=OnDelete.RESTRICT)),
                ('unit_path', fields.CharField(db_index=True, max_length=200)),
                ('votes', fields.IntField(default=0)),
                ('comments', fields.IntField(default=0)),
                ('official_answer', fields.TextField(default='', unique=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('merged_into', fields.ForeignKeyField('ideas.Idea', source_field='merged_into_id', null=True, db_constraint=True, to_field='id', related_name='merged_from', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'idea', 'app': 'ideas', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IdeaCoAuthor',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idea', fields.ForeignKeyField('ideas.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name='co_authors', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('accounts.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='co_authored', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'idea_co_author', 'app': 'ideas', 'unique_together': (('idea', 'member'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
