"""The roles Qt asks a model for in one ``multiData`` call."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan


def requested(span: QModelRoleDataSpan | QModelRoleData) -> Iterable[QModelRoleData]:
    """Each role asked for, to be filled with ``setData`` (PySide6 iterates a span; its type
    stubs do not say so)."""
    if isinstance(span, QModelRoleData):
        return (span,)
    return cast(Iterable[QModelRoleData], span)
