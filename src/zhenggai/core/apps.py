from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Model-free helpers; an app only so its templates and static files are found."""

    name = "zhenggai.core"
    label = "core"
