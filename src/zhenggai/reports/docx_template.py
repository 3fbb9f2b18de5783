"""An office's own .docx template: checking one when it is uploaded, and rendering it (docxtpl).

docxtpl (python-docx-template) is used rather than replacing placeholders by hand because Word
splits typed text into runs at will (spell-check marks, a change of font, an autocorrect): the
``{{ summary }}`` an office types is often stored as ``{{``, ``summ``, ``ary }}`` in three runs.
docxtpl rejoins the runs of every tag, knows paragraph/row/cell loops (``{%p``, ``{%tr``,
``{%tc``), headers, footers and core properties, and hands the result to Jinja2 — a well-kept
library with a sandbox, instead of a fragile regex over XML of our own.

Every template is filled in ``zhenggai.reports.sandbox``: Jinja2's ``SandboxedEnvironment`` with
caps on what builds big values, in a child process with memory, CPU and wall-time limits (the template
is code from a user, run on the server). Names are listed in ``zhenggai.reports.template_context``.
"""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError

from zhenggai.reports.sandbox import TemplateFailed, render_isolated, sandbox
from zhenggai.reports.template_context import REFERENCE, sample_context

__all__ = ["KNOWN_NAMES", "MAX_BYTES", "check_template", "render_template"]

MAX_BYTES = 10 * 1024 * 1024  # a template is text and a few pictures; evidence files have their own limit
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a "zip bomb" is refused before any part is read
KNOWN_NAMES = frozenset(entry.name for entry in REFERENCE)


def _open(data: bytes) -> DocxTemplate:
    """A DocxTemplate over ``data``, refused unless it is a Word .docx (a zip with word/document.xml)."""
    not_docx = ValidationError(_("The file is not a Word document (.docx)."), code="not_docx")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise not_docx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise not_docx from exc
    if "word/document.xml" not in {entry.filename for entry in entries}:
        raise not_docx
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise ValidationError(_("The document unpacks to more than 100 MB."), code="too_large")
    template = DocxTemplate(io.BytesIO(data))
    try:
        template.init_docx()  # python-docx also refuses a macro-enabled .docm here
    except Exception as exc:  # python-docx raises ValueError, KeyError, lxml errors … on a broken package
        raise not_docx from exc
    return template


def _syntax_error(exc: TemplateSyntaxError) -> ValidationError:
    return ValidationError(
        _("The template has a placeholder syntax error: %(error)s") % {"error": exc.message or exc}, code="syntax"
    )


def check_template(data: bytes) -> None:
    """Refuse (``ValidationError``) a file that is not a .docx, has a Jinja syntax error, uses a name
    the report context does not have, or fails when rendered with the sample context."""
    template = _open(data)
    try:
        names = template.get_undeclared_template_variables(jinja_env=sandbox())
    except TemplateSyntaxError as exc:
        raise _syntax_error(exc) from exc
    unknown = sorted(set(names) - KNOWN_NAMES)
    if unknown:
        raise ValidationError(
            _("The template has unknown placeholders: %(names)s")
            % {"names": "、".join(f"{{{{ {name} }}}}" for name in unknown)},
            code="unknown_names",
        )
    # A wrong attribute (``{{ c.titel }}``) or a loop over a number only shows when rendering.
    _render(data, sample_context())


def _render(data: bytes, context: dict) -> bytes:
    try:
        return render_isolated(data, context)
    except TemplateFailed as exc:  # what fails here is the office's template, not our code:
        # Jinja2 lets the template's Python errors through ('int' object is not iterable, division by
        # zero …), docxtpl its own on odd markup, the child its limits; each is a message to the office.
        if exc.syntax:
            raise ValidationError(
                _("The template has a placeholder syntax error: %(error)s") % {"error": exc}, code="syntax"
            ) from exc
        raise ValidationError(
            _("The template could not be filled in: %(error)s") % {"error": exc}, code="render"
        ) from exc


def render_template(data: bytes, context: dict) -> bytes:
    """The .docx ``data`` with its placeholders filled from ``context`` (``ValidationError`` on failure)."""
    _open(data)  # a stored file that is no longer a .docx is refused before a child is started
    return _render(data, context)
