"""Choices of the exports app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# A job in one of these states is still to finish: a user has at most one per plan.
ACTIVE_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)
