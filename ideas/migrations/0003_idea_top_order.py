from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('ideas', '0002_submission_key')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Idea',
            index=Index(fields=['votes', 'created_at', 'id']),
        ),
    ]
