import uuid

import django.db.models.deletion
import sori.privacy.fields
from django.conf import settings
from django.db import migrations, models


def give_message_ids(apps, schema_editor):
    """Messages written before Message-IDs were stored get one now, so every row has its own."""
    OutboundMessage = apps.get_model("messaging", "OutboundMessage")
    domain = (settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost").strip("<> ")
    for pk in OutboundMessage.objects.filter(message_id="").values_list("pk", flat=True):
        OutboundMessage.objects.filter(pk=pk).update(message_id=f"<sori.{uuid.uuid4().hex}@{domain}>")


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0002_complaint_survey_opt_out_attachment_surveyresponse"),
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundmessage",
            name="audience",
            field=models.CharField(choices=[("complainant", "complainant"), ("staff", "staff")], default="complainant", max_length=12, verbose_name="audience"),
        ),
        migrations.AddField(
            model_name="outboundmessage",
            name="bounced_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="bounced at"),
        ),
        migrations.AlterField(
            model_name="outboundmessage",
            name="status",
            field=models.CharField(choices=[("queued", "queued"), ("sent", "sent"), ("failed_permanently", "failed permanently"), ("bounced", "bounced")], default="queued", max_length=20, verbose_name="status"),
        ),
        migrations.AddField(
            model_name="outboundmessage",
            name="message_id",
            field=models.CharField(default="", max_length=250, verbose_name="Message-ID"),
            preserve_default=False,
        ),
        migrations.RunPython(give_message_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outboundmessage",
            name="message_id",
            field=models.CharField(max_length=250, unique=True, verbose_name="Message-ID"),
        ),
        migrations.CreateModel(
            name="InboundMessage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("message_id", models.CharField(max_length=250, unique=True, verbose_name="Message-ID")),
                ("classification", models.CharField(choices=[("new", "new complaint"), ("reply", "reply from the complainant"), ("unverified", "reply from an unverified sender"), ("auto_reply", "automatic reply"), ("bounce", "delivery failure report"), ("loop", "mail loop"), ("failed", "could not be processed")], max_length=12, verbose_name="classification")),
                ("reason", models.CharField(blank=True, max_length=40, verbose_name="reason")),
                ("sender", sori.privacy.fields.EncryptedTextField(blank=True, verbose_name="sender")),
                ("sender_index", models.CharField(blank=True, db_index=True, max_length=32)),
                ("attachments_kept", models.PositiveSmallIntegerField(default=0, verbose_name="attachments kept")),
                ("attachments_refused", models.TextField(blank=True, verbose_name="attachments refused")),
                ("size", models.PositiveIntegerField(default=0, verbose_name="size in bytes")),
                ("received_at", models.DateTimeField(db_index=True, verbose_name="received at")),
                ("bounced_message", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="bounces", to="messaging.outboundmessage", verbose_name="bounced message")),
                ("complaint", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="inbound_messages", to="complaints.complaint", verbose_name="complaint")),
            ],
            options={
                "verbose_name": "inbound message",
                "verbose_name_plural": "inbound messages",
                "ordering": ["-received_at", "-id"],
                "indexes": [models.Index(fields=["sender_index", "classification", "received_at"], name="inbound_sender_recent_idx")],
            },
        ),
    ]
