from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from sori.backoffice.views.auth import logout as staff_logout

urlpatterns = [
    # One door for staff: the admin's sign-in and sign-out go through the back office's, with
    # its lock-out and audit entries (ISO 10002 4.10).
    path(
        "staff/admin/login/",
        RedirectView.as_view(pattern_name="backoffice:login", query_string=True),
    ),
    path("staff/admin/logout/", staff_logout),
    path("staff/admin/", admin.site.urls),
    path("staff/", include("sori.backoffice.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("sori.api.urls")),
    *i18n_patterns(path("", include("sori.portal.urls"))),
]
