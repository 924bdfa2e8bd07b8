from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "sori.backoffice"
    label = "backoffice"
