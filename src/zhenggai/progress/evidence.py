"""Checks on an evidence file before it is stored: size, and type read from the content.

The type comes from the file's first bytes (``filetype``, a small pure-Python sniffer), never from
its name or the browser's claim: a renamed executable is refused. Office files are ZIP or OLE
containers; ``filetype`` tells .docx/.xlsx/.pptx apart by their parts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "image/tiff": "TIFF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint (.pptx)",
    "application/msword": "Word (.doc)",
    "application/vnd.ms-excel": "Excel (.xls)",
    "video/mp4": "MP4",
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def check_evidence(upload) -> CheckedFile:
    """Read the upload once: refuse it if too large or of a type not allowed; else its type, size and hash."""
    limit = settings.EVIDENCE_MAX_BYTES
    size = upload.size
    if size is not None and size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(mb)d MB.") % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    if not size:
        raise ValidationError(_("%(name)s is empty.") % {"name": upload.name})
    digest = hashlib.sha256()
    upload.seek(0)
    head = b""
    for chunk in upload.chunks():
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        digest.update(chunk)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime not in ALLOWED_TYPES:
        allowed = "、".join(sorted(set(ALLOWED_TYPES.values())))
        raise ValidationError(
            _("%(name)s is not an accepted evidence type (accepted: %(allowed)s).")
            % {"name": upload.name, "allowed": allowed}
        )
    return CheckedFile(mime, size, digest.hexdigest())
