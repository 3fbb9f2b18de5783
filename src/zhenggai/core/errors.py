"""Exceptions shared by the apps' action layers."""

from __future__ import annotations


class ConflictError(Exception):
    """Someone else saved the object since it was loaded (optimistic locking).

    Raised by actions that take an ``expected_version``; views answer with a
    conflict message and API endpoints with HTTP 409.
    """

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version
