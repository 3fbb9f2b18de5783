"""Sending a private file (evidence, acceptance materials, reports, exports) to a user who may see it.

The caller has already checked visibility; this only sends: always as an attachment under the given
name, never sniffed by the browser, never cached by a proxy. A stored file that has gone missing is a
404, not a server error.
"""

from __future__ import annotations

from django.http import FileResponse, Http404

__all__ = ["private_download"]


def private_download(source, filename: str, content_type: str) -> FileResponse:
    """``source``: a stored ``FieldFile`` (opened here) or an open binary file object."""
    if hasattr(source, "storage"):
        try:
            source = source.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
    response = FileResponse(
        source, as_attachment=True, filename=filename, content_type=content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
