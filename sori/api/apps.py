from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sori.api"
    label = "api"
    verbose_name = "API"
