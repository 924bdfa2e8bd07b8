"""The response stage of a complaint: response and remedies, approval, the decision letter, the
complainant's answer, internal review and external referral (ISO 10002 7.7–7.9, ISO 10003)."""

from django.urls import path

from sori.backoffice.views import response

_C = "complaints/<str:reference>/"

urlpatterns = [
    path(f"{_C}response/", response.overview, name="response"),
    path(f"{_C}response/propose/", response.propose_response, name="propose_response"),
    path(f"{_C}response/approve/", response.approve, name="approve"),
    path(f"{_C}decision/", response.communicate_decision, name="communicate_decision"),
    path(f"{_C}decision/answer/", response.record_reaction, name="record_reaction"),
    path(f"{_C}review/start/", response.start_review, name="start_review"),
    path(f"{_C}referral/", response.refer_externally, name="refer_externally"),
    path(f"{_C}referral/outcome/", response.referral_outcome, name="referral_outcome"),
]
