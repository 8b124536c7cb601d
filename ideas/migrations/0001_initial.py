from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from ideas.models import IdeaField, IdeaStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('accounts', '0001_initial')]

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
            name='Attachment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idea', fields.ForeignKeyField('ideas.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('filename', fields.CharField(max_length=200)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('storage_key', fields.CharField(unique=True, max_length=200)),
                ('uploaded_by_id', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'idea_attachment', 'app': 'ideas', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Comment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idea', fields.ForeignKeyField('ideas.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name='comment_rows', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('accounts.Member', source_field='author_id', db_constraint=True, to_field='id', related_name='idea_comments', on_delete=OnDelete.RESTRICT)),
                ('body', fields.TextField(unique=False)),
                ('hidden', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'idea_comment', 'app': 'ideas', 'pk_attr': 'id'},
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
        ops.CreateModel(
            name='Merge',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('source', fields.ForeignKeyField('ideas.Idea', source_field='source_id', db_constraint=True, to_field='id', related_name='merges_out', on_delete=OnDelete.CASCADE)),
                ('target', fields.ForeignKeyField('ideas.Idea', source_field='target_id', db_constraint=True, to_field='id', related_name='merges_in', on_delete=OnDelete.CASCADE)),
                ('source_status', fields.CharField(max_length=16)),
                ('moved_vote_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('dropped_voter_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('by_id', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('undone_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'idea_merge', 'app': 'ideas', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Report',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idea', fields.ForeignKeyField('ideas.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('comment', fields.ForeignKeyField('ideas.Comment', source_field='comment_id', null=True, db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('accounts.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='idea_reports', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=500)),
                ('unit_path', fields.CharField(db_index=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('resolution', fields.CharField(default='', max_length=16)),
            ],
            options={'table': 'idea_report', 'app': 'ideas', 'unique_together': (('idea', 'comment', 'member'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StatusChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idea', fields.ForeignKeyField('ideas.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name='history', on_delete=OnDelete.CASCADE)),
                ('from_status', fields.CharField(max_length=16)),
                ('to_status', fields.CharField(max_length=16)),
                ('note', fields.TextField(default='', unique=False)),
                ('by_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'idea_status_change', 'app': 'ideas', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Vote',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idea', fields.ForeignKeyField('ideas.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name='vote_rows', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('accounts.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='idea_votes', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('moved_from_id', fields.BigIntField(null=True)),
            ],
            options={'table': 'idea_vote', 'app': 'ideas', 'unique_together': (('idea', 'member'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
