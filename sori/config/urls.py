from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("staff/admin/", admin.site.urls),
    path("staff/", include("sori.backoffice.urls")),
    path("", include("sori.api.urls")),
    *i18n_patterns(path("", include("sori.portal.urls"))),
]
