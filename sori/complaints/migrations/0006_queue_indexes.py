"""Indexes that keep every tab of the queue in its order (ISO 10002 7.3, 4.15).

"My team" and "my complaints" read open complaints of one unit or handler by due time, then
urgency; the earlier (unit, due_at) and (assignee, due_at) indexes held closed complaints too,
which come first in due order and had to be read past. The queue of closed complaints reads
``complaint_due_idx`` in the same order.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('complaints', '0005_queue_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='complaint',
            name='complaint_unit_due_idx',
        ),
        migrations.RemoveIndex(
            model_name='complaint',
            name='complaint_assignee_due_idx',
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(models.F('unit'), models.F('due_at'), models.OrderBy(models.F('priority_rank'), descending=True), models.F('id'), condition=models.Q(('status__in', ['closed', 'merged', 'withdrawn']), _negated=True), name='complaint_unit_queue_idx'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(models.F('assignee'), models.F('due_at'), models.OrderBy(models.F('priority_rank'), descending=True), models.F('id'), condition=models.Q(('status__in', ['closed', 'merged', 'withdrawn']), _negated=True), name='complaint_assignee_queue_idx'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(models.F('due_at'), models.OrderBy(models.F('priority_rank'), descending=True), models.F('id'), name='complaint_due_idx'),
        ),
    ]
