"""Filling an office's .docx template in a sandbox, in a child process with limits. No Django here.

A template is code written by a user and run on the server. Three layers keep it small:

1. **Jinja2's ``SandboxedEnvironment``**: no attribute starting with ``_``, no Python internals;
   ``StrictUndefined`` (a misspelt name is an error, never a blank in an official document).
2. **Caps on what builds big values**: ``*`` and ``**`` on strings, lists and numbers, ``range``, the
   ``%`` operator and the ``format`` filter (a width such as ``%9999999d``), ``center``/``indent``
   widths, ``replace`` results, and ``lipsum`` removed — each at ``MAX_SEQUENCE`` characters or items.
3. **A child process** (``render_isolated``, started with ``spawn``, so it shares nothing with the web
   worker): address space ``MAX_MEMORY`` and CPU time ``MAX_CPU_SECONDS`` limited by ``setrlimit``, and
   killed after ``TIMEOUT_SECONDS`` of wall time — what the caps cannot see (nested loops of 100 000
   iterations each) ends there. A child that fails for any reason is a ``TemplateFailed`` with a
   message for the office.
"""

from __future__ import annotations

import io
import multiprocessing
import operator
import re
import zipfile

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.filters import do_center, do_format, do_indent, do_replace
from jinja2.sandbox import SandboxedEnvironment

__all__ = ["MAX_SEQUENCE", "TemplateFailed", "render_bytes", "render_isolated", "sandbox"]

MAX_SEQUENCE = 100_000  # the longest string, list or range a template may build
MAX_MEMORY = 1024 * 1024 * 1024  # the child's address space (python-docx + lxml need ~150 MB)
MAX_CPU_SECONDS = 20
TIMEOUT_SECONDS = 30
_WIDTH = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


class TemplateFailed(Exception):
    """The template could not be filled in; ``syntax`` tells a placeholder syntax error apart."""

    def __init__(self, message: str, *, syntax: bool = False) -> None:
        super().__init__(message)
        self.syntax = syntax


def _check_widths(spec: str) -> None:
    for width, precision in _WIDTH.findall(spec):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_SEQUENCE):
                raise SecurityError("format width too large")


class _Sandbox(SandboxedEnvironment):
    """The sandbox, also refusing ``"x" * 10**9``, ``10 ** 10**9`` and ``"%9999999d" % 1``."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context, operator_name, left, right):
        if operator_name == "**":
            if isinstance(right, int) and abs(right) > 100:
                raise SecurityError("exponent too large")
            return operator.pow(left, right)
        if operator_name == "%":
            if isinstance(left, str):
                _check_widths(left)
            return operator.mod(left, right)
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, str | list | tuple) and isinstance(count, int):
                if len(sequence) * count > MAX_SEQUENCE:
                    raise SecurityError("result too long")
        return operator.mul(left, right)


def _range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_SEQUENCE:
        raise SecurityError("range too long")
    return result


def _center(value, width=80):
    if width > MAX_SEQUENCE:
        raise SecurityError("width too large")
    return do_center(value, width)


def _indent(value, width=4, *args, **kwargs):
    if (isinstance(width, int) and width > 100) or (isinstance(width, str) and len(width) > 100):
        raise SecurityError("indent too large")
    return do_indent(value, width, *args, **kwargs)


def _format(value, *args, **kwargs):
    _check_widths(str(value))
    return do_format(value, *args, **kwargs)


def _replace(eval_ctx, value, old, new, count=None):
    text = str(value)
    grows = text.count(str(old)) * max(len(str(new)) - len(str(old)), 0)
    if len(text) + grows > MAX_SEQUENCE:
        raise SecurityError("result too long")
    return do_replace(eval_ctx, value, old, new, count)


_replace.jinja_pass_arg = do_replace.jinja_pass_arg  # the filter receives the evaluation context


def sandbox() -> SandboxedEnvironment:
    """A fresh environment per use: docxtpl sets ``autoescape`` on the one it is given."""
    env = _Sandbox(undefined=StrictUndefined, autoescape=True)
    env.globals["range"] = _range
    env.globals.pop("lipsum", None)  # it writes paragraphs of filler on request
    env.filters.update(center=_center, indent=_indent, format=_format, replace=_replace)
    return env


def render_bytes(data: bytes, context: dict) -> bytes:
    """Fill the .docx ``data`` from ``context`` in this process (the sandbox's caps only)."""
    template = DocxTemplate(io.BytesIO(data))
    template.render(context, jinja_env=sandbox(), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return _stable_zip(buffer.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same package with every entry dated 1980-01-01: the zip format stamps each entry with the
    time it was written, so the same template and data would otherwise give different bytes (and a
    different SHA-256) from one second to the next."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            stable = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            stable.compress_type, stable.external_attr = zipfile.ZIP_DEFLATED, entry.external_attr
            target.writestr(stable, source.read(entry.filename))
    return out.getvalue()


def _child(connection, data: bytes, context: dict) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MAX_MEMORY, MAX_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (MAX_CPU_SECONDS, MAX_CPU_SECONDS + 1))
    try:
        connection.send(("ok", render_bytes(data, context)))
    except TemplateSyntaxError as exc:
        connection.send(("syntax", exc.message or str(exc)))
    except MemoryError:
        connection.send(("error", "the template needs too much memory"))
    except Exception as exc:  # noqa: BLE001 - whatever the template did wrong is reported, not raised here
        connection.send(("error", str(exc) or type(exc).__name__))
    finally:
        connection.close()


def render_isolated(data: bytes, context: dict, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """``render_bytes`` in a child process with limits (module docstring); ``TemplateFailed`` on any
    failure, a timeout or a child that died."""
    spawn = multiprocessing.get_context("spawn")
    receiver, sender = spawn.Pipe(duplex=False)
    child = spawn.Process(target=_child, args=(sender, data, context), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise TemplateFailed(f"the template took longer than {timeout:g} seconds")
        try:
            outcome = receiver.recv()
        except EOFError as exc:  # killed by its CPU or memory limit
            raise TemplateFailed("the template needs too much time or memory") from exc
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    kind, value = outcome
    if kind == "ok":
        return value
    raise TemplateFailed(value, syntax=kind == "syntax")
