"""The complaints-handling policy: versions, approval, publication, acknowledgement (ISO 10002 5.2)."""

from django.urls import path

from sori.backoffice.views import policy

urlpatterns = [
    path("policy/", policy.overview, name="policy"),
    path("policy/new/", policy.new, name="policy-new"),
    path("policy/acknowledge/", policy.acknowledge, name="policy-acknowledge"),
    path("policy/<int:number>/", policy.version, name="policy-version"),
    path("policy/<int:number>/edit/", policy.edit, name="policy-edit"),
    path("policy/<int:number>/approve/", policy.approve, name="policy-approve"),
    path("policy/<int:number>/publish/", policy.publish, name="policy-publish"),
    path("policy/<int:number>/withdraw/", policy.withdraw, name="policy-withdraw"),
]
