"""Where two versions of a list differ: the one run in the middle, the same head and tail kept.

The preview's lines, the pending list's rows and a folder's rows in the tree all change this
way after an edit, and each view is told only about that run.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any


def changed_run(old: Sequence[Any], new: Sequence[Any],
                same: Callable[[Any, Any], bool] = operator.eq) -> tuple[int, int, int]:
    """``(first, old_end, new_end)``: ``old[first:old_end]`` becomes ``new[first:new_end]``;
    everything before ``first`` and after the two ends is the same in both."""
    limit = min(len(old), len(new))
    first = 0
    while first < limit and same(old[first], new[first]):
        first += 1
    tail = 0
    while tail < limit - first and same(old[-1 - tail], new[-1 - tail]):
        tail += 1
    return first, len(old) - tail, len(new) - tail
