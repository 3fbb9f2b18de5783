from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    """The synthetic data generator: no models, only the ``generate`` management command."""

    name = "zhenggai.synthetic"
    verbose_name = "Synthetic data"
