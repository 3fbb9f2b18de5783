from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set (a fictional city's plan) and its loader command."""

    name = "zhenggai.demo"
    label = "demo"
