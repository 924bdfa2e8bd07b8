"""Management reviews and their pack as HTML and PDF (ISO 10002 8.6)."""

from django.urls import path

from sori.backoffice.views import reviews

_R = "reviews/<str:reference>/"

urlpatterns = [
    path("reviews/", reviews.review_list, name="reviews"),
    path("reviews/new/", reviews.new, name="review-new"),
    path(_R, reviews.review, name="review"),
    path(_R + "edit/", reviews.edit, name="review-edit"),
    path(_R + "decisions/", reviews.decide, name="review-decision"),
    path(
        _R + "decisions/<int:decision_id>/done/", reviews.decision_done, name="review-decision-done"
    ),
    path(_R + "hold/", reviews.hold, name="review-hold"),
    path(_R + "pack.html", reviews.pack_html, name="review-pack"),
    path(_R + "pack.pdf", reviews.pack_pdf, name="review-pack-pdf"),
]
