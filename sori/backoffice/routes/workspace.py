"""The complaint workspace and the forms it posts (ISO 10002 7.3, 7.5, 7.6, 4.7, 7.9)."""

from django.urls import path

from sori.backoffice.views import deadlines, workspace

_C = "complaints/<str:reference>/"

urlpatterns = [
    path(_C, workspace.complaint, name="complaint"),
    path(f"{_C}event/", workspace.event, name="complaint_event"),
    path(f"{_C}assessment/", workspace.assess, name="complaint_assess"),
    path(f"{_C}reassessment/", deadlines.reassess, name="complaint_reassess"),
    path(f"{_C}deadlines/extend/", deadlines.extend, name="complaint_extend_deadline"),
    path(f"{_C}assignment/", workspace.assign, name="complaint_assign"),
    path(f"{_C}named-staff/", workspace.named_staff, name="complaint_named_staff"),
    path(f"{_C}conflicts/", workspace.conflict, name="complaint_conflict"),
    path(f"{_C}notes/", workspace.note, name="complaint_note"),
    path(f"{_C}tasks/", workspace.task, name="complaint_task"),
    path(f"{_C}tasks/<int:task_id>/done/", workspace.task_done, name="complaint_task_done"),
    path(f"{_C}contacts/", workspace.contact, name="complaint_contact"),
    path(f"{_C}findings/", workspace.findings, name="complaint_findings"),
    path(f"{_C}evidence/", workspace.evidence, name="complaint_evidence"),
    path(f"{_C}files/<int:attachment_id>/", workspace.attachment, name="complaint_attachment"),
    path(f"{_C}related/", workspace.link, name="complaint_link"),
    path(f"{_C}related/<str:other>/remove/", workspace.unlink, name="complaint_unlink"),
]
