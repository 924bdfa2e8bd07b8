"""Internal audits (ISO 10002 8.5) and the end-to-end case file of a complaint (R-AX.3)."""

from django.urls import path

from sori.backoffice.views import audits, case_files

urlpatterns = [
    path("audits/", audits.audits, name="audits"),
    path("audits/programmes/new/", audits.new_programme, name="audit-programme-new"),
    path("audits/new/", audits.new_audit, name="audit-new"),
    path("audits/<str:reference>/", audits.audit, name="audit"),
    path("audits/<str:reference>/start/", audits.start, name="audit-start"),
    path("audits/<str:reference>/checklist/", audits.checklist, name="audit-checklist"),
    path("audits/<str:reference>/draw/", audits.draw, name="audit-draw"),
    path("audits/<str:reference>/samples/add/", audits.add_sample, name="audit-sample-add"),
    path(
        "audits/<str:reference>/samples/<str:complaint_reference>/",
        case_files.sample,
        name="audit-sample",
    ),
    path("audits/<str:reference>/findings/", audits.finding, name="audit-finding"),
    path(
        "audits/<str:reference>/findings/<int:finding_id>/action/",
        audits.finding_action,
        name="audit-finding-action",
    ),
    path("audits/<str:reference>/complete/", audits.complete, name="audit-complete"),
    path("complaints/<str:reference>/case-file/", case_files.case_file, name="case-file"),
]
