from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('accounts', '0002_member_search_name')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Member',
            name='must_change_password',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
