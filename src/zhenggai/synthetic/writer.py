"""Fast, streamed inserts for the synthetic data set: COPY on PostgreSQL, ``executemany`` on SQLite.

The generator writes about two million rows. Django's ``bulk_create`` builds a model instance per row and
an INSERT statement per batch, which at this size costs minutes in Python alone; here a row is a dict of
attribute names, turned into a tuple of database values by one converter per column and handed to the
driver in chunks (``COPY … FROM STDIN`` on PostgreSQL, one prepared INSERT for many rows on SQLite).

Primary keys are explicit, allocated here (from the table's current maximum), so that a child row can
name its parent before either is written and a unit's tree path can be computed up front. Every
``Table`` of a ``Loader`` is flushed in registration order (parents before children), each flush one
transaction, so foreign keys (deferred by Django until the commit) are satisfied at every commit and
memory holds at most one chunk per table. ``Loader.finish`` flushes the rest and moves PostgreSQL's
sequences past the explicit keys.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

__all__ = ["Loader", "Progress", "Table"]

CHUNK = 20_000


class Progress:
    """A progress line on stderr: the stage, rows written, rows expected, elapsed seconds.

    No third-party progress bar is needed for one line; it redraws at most twice a second (with a
    carriage return on a terminal, one line per stage otherwise) and is silent when ``enabled`` is off.
    """

    def __init__(self, stream, *, enabled: bool = True) -> None:
        self.stream, self.enabled = stream, enabled
        self.tty = enabled and getattr(stream, "isatty", lambda: False)()
        self.started = time.perf_counter()
        self.stage, self.total, self.done, self._drawn = "", 0, 0, 0.0

    def begin(self, stage: str, total: int) -> None:
        self.end()
        self.stage, self.total, self.done, self._drawn = stage, total, 0, 0.0
        self._draw(force=True)

    def advance(self, rows: int) -> None:
        self.done += rows
        self._draw()

    def end(self) -> None:
        if self.stage:
            self._draw(force=True, final=True)
        self.stage = ""

    def _draw(self, *, force: bool = False, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._drawn < 0.5:
            return
        self._drawn = now
        share = f" / {self.total:>10,} rows {min(100, self.done * 100 // self.total):3d}%" if self.total else " rows"
        line = f"{self.stage:<14} {self.done:>10,}{share}  {now - self.started:7.1f} s"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
            self.stream.flush()
        elif final:
            self.stream.write(line + "\n")


def _utc_naive(value: datetime) -> str:
    # What Django's SQLite backend stores for an aware datetime: UTC, without the offset.
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _converter(field: models.Field, vendor: str) -> Callable[[Any], Any] | None:
    """The function turning a Python value into what the driver takes, None where it takes it as is."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    if vendor == "postgresql":
        return None  # psycopg's COPY dumps dates, aware datetimes, Decimal, UUID and bool itself
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    if kind == "DateTimeField":
        return lambda v: None if v is None else _utc_naive(v)
    if kind == "DecimalField":
        return lambda v: None if v is None else str(Decimal(v))
    if kind == "UUIDField":
        return lambda v: None if v is None else v.hex
    return None


_MISSING = object()


class Table:
    """Rows of one model waiting to be written; ``add`` takes attribute names (``unit_id``, not ``unit``)."""

    def __init__(self, loader: Loader, model: type[models.Model]) -> None:
        self.loader, self.model = loader, model
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.attnames = [f.attname for f in self.fields]
        vendor = connection.vendor
        self.converters = [_converter(f, vendor) for f in self.fields]
        self.defaults = [self._default(f) for f in self.fields]
        self._pairs = list(zip(self.attnames, self.defaults, strict=True))
        self._conversions = [(i, convert) for i, convert in enumerate(self.converters) if convert is not None]
        self.pk_name = model._meta.pk.attname
        top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
        self._next_pk = top + 1
        self.rows: list[tuple] = []
        self.written = 0

    @staticmethod
    def _default(field: models.Field) -> Any:
        if field.has_default() and not callable(field.default):
            return field.default
        if field.null:
            return None
        if field.empty_strings_allowed and field.blank:
            return ""
        return _MISSING  # callable defaults (now, uuid4) and required values must be given

    def next_pk(self) -> int:
        pk, self._next_pk = self._next_pk, self._next_pk + 1
        return pk

    def add(self, values: dict[str, Any]) -> int:
        """Queue one row; returns its primary key (allocated here when ``values`` has none)."""
        if self.pk_name not in values:
            values[self.pk_name] = self.next_pk()
        get = values.get
        row = [get(name, default) for name, default in self._pairs]
        if _MISSING in row:
            missing = self.attnames[row.index(_MISSING)]
            raise ValueError(f"{self.model.__name__}.{missing} needs a value")
        for index, convert in self._conversions:
            row[index] = convert(row[index])
        self.rows.append(tuple(row))
        if len(self.rows) >= self.loader.chunk:
            self.loader.flush()
        return values[self.pk_name]

    def add_many(self, rows: Iterable[dict[str, Any]]) -> None:
        for values in rows:
            self.add(values)

    def _write(self) -> int:
        if not self.rows:
            return 0
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", self.rows)
        count = len(self.rows)
        self.written += count
        self.rows = []
        return count


class Loader:
    """The tables of one generation run, flushed together (parents first) whenever one chunk is full."""

    def __init__(self, progress: Progress | None = None, *, chunk: int = CHUNK) -> None:
        self.tables: dict[type[models.Model], Table] = {}
        self.progress = progress
        self.chunk = chunk

    def table(self, model: type[models.Model]) -> Table:
        """The writer of ``model`` (created on first use, so its parents — used earlier — flush first)."""
        if model not in self.tables:
            self.tables[model] = Table(self, model)
        return self.tables[model]

    def history(self, model: type[models.Model]) -> Table:
        """The writer of ``model``'s django-simple-history table."""
        return self.table(model.history.model)

    def flush(self) -> None:
        with transaction.atomic():
            for table in self.tables.values():
                written = table._write()
                if written and self.progress is not None:
                    self.progress.advance(written)

    def finish(self) -> None:
        """Write what is queued and move PostgreSQL's sequences past the keys given explicitly."""
        self.flush()
        models_written = [model for model, table in self.tables.items() if table.written]
        statements = connection.ops.sequence_reset_sql(no_style(), models_written)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in models_written:  # fresh statistics, as autovacuum would gather within minutes
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def counts(self) -> dict[str, int]:
        return {table.model._meta.label: table.written for table in self.tables.values() if table.written}
