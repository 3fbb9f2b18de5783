"""What the public portal stores: published items and their append-only versions.

The portal never reads the live ledger, cases or accountability tables. Publishing (``portal.actions``)
copies the whitelisted fields of an object into a ``Publication`` row; the public pages read only these
two tables. A ``PublishedItem`` is the stable identity of one published thing (``key``, internal, never
shown) with its public ``code`` (unguessable, kept for the life of the key); each publish adds a
``Publication`` (version 1, 2, …) and never changes an earlier one. Withdrawing hides the item (its pages
answer 404) and records who, when and why on the item (and whether a part was withdrawn on its own).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a published item is; ``portal/kinds/<kind>.html`` renders it."""

    PLAN = "plan", _("Rectification plan")
    PROBLEM = "problem", _("Rectification task")
    NOTICE = "notice", _("Public notice before sign-off")
    CASE_BATCH = "case_batch", _("Complaint cases handed over")
    ACCOUNTABILITY = "accountability", _("Accountability")


def new_code() -> str:
    """An unguessable public code: 12 random bytes, URL-safe (16 characters of [A-Za-z0-9_-])."""
    return secrets.token_urlsafe(12)


class PublishedItemQuerySet(models.QuerySet):
    def live(self) -> PublishedItemQuerySet:
        """Items the public may see: published at least once and not withdrawn."""
        return self.filter(withdrawn_at__isnull=True, current_version__gt=0)


class PublishedItem(models.Model):
    """One published thing (a plan, a task, a notice, a case batch, an accountability disclosure).

    ``key`` is the publisher's internal identity (``"plan:12"``), unique and never shown publicly;
    ``code`` is the public identifier used in URLs, generated once per key. ``title`` and
    ``published_at`` repeat the current version's so lists and search need no join. ``parent`` links a
    task to its plan's item (the plan page lists its tasks).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("internal key"), max_length=200, unique=True)
    code = models.CharField(_("public code"), max_length=32, unique=True, default=new_code, editable=False)
    title = models.CharField(_("title"), max_length=500)
    jurisdiction = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    current_version = models.PositiveIntegerField(_("current version"), default=0)
    published_at = models.DateTimeField(_("last published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # A part (a plan's task) withdrawn on its own while its parent stayed live: publishing the parent again
    # must not bring it back (only ``publish_task`` does); parts withdrawn with their parent come back.
    withdrawn_alone = models.BooleanField(_("withdrawn on its own"), default=False)

    objects = PublishedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("published item")
        verbose_name_plural = _("published items")
        ordering = ["-published_at", "-pk"]
        indexes = [
            # The home page: live items of a kind, newest first.
            models.Index(fields=["kind", "withdrawn_at", "published_at"], name="portal_item_kind_live"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("portal:item", args=[self.code])

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None and self.current_version > 0


class Publication(models.Model):
    """One published version of an item: the title and whitelisted fields as they were published.

    Append-only: a row is never changed or deleted. ``note`` says why a version exists when that is
    not plain (e.g. published again after a withdrawal, which it quotes, or published automatically).
    """

    item = models.ForeignKey(PublishedItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=500)
    payload = models.JSONField(_("published fields"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="portal_publication_one_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version}"
