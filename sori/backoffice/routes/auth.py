"""Signing in and out, and ``/staff/`` itself (it sends staff to their queue)."""

from django.urls import path

from sori.backoffice.views import auth, home

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
]
